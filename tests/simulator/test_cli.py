"""`voltgate simulate` as a user runs it: help, refusals, failures and a short real run."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from click.testing import CliRunner

from tests.simulator.fake_csms import FakeCsms
from voltgate.simulator.cli import simulate


@contextmanager
def csms_in_thread(password: str | None = None) -> Iterator[FakeCsms]:
    """A FakeCsms on its own event loop in a thread, since the command runs asyncio.run."""
    ready = threading.Event()
    stop: list[asyncio.Event] = []
    holder: list[FakeCsms] = []

    async def serve() -> None:
        stop.append(asyncio.Event())
        async with FakeCsms(password=password).running() as csms:
            holder.append(csms)
            ready.set()
            await stop[0].wait()

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),))
    thread.start()
    try:
        assert ready.wait(5)
        yield holder[0]
    finally:
        loop.call_soon_threadsafe(stop[0].set)
        thread.join(5)
        loop.close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_help_documents_every_option() -> None:
    """--help lists each option the issue asks for."""
    result = CliRunner().invoke(simulate, ["--help"])
    assert result.exit_code == 0
    for option in (
        "--url", "--stations", "--version", "--password", "--id-prefix", "--connectors",
        "--meter-interval", "--heartbeat-interval", "--transaction-seconds", "--idle-seconds",
        "--duration", "--ramp", "--seed", "--report-json",
    ):  # fmt: skip
        assert option in result.output


def test_ocpp_201_is_refused_with_an_explanation() -> None:
    """Asking for 2.0.1 fails before connecting and says when it will come."""
    result = CliRunner().invoke(simulate, ["--url", "ws://127.0.0.1:9/ocpp", "--version", "2.0.1"])
    assert result.exit_code == 2
    assert "2.0.1 simulation comes with 2.0.1 support" in result.output


def test_unreachable_url_exits_non_zero_with_the_reason() -> None:
    """No server: exit code 1 and a sentence naming the URL and what went wrong."""
    url = f"ws://127.0.0.1:{closed_port()}/ocpp"
    result = CliRunner().invoke(simulate, ["--url", url, "--stations", "3"])
    assert result.exit_code == 1
    assert f"Error: could not connect to {url}/SIM-00001: connection refused" in result.output


def test_wrong_password_exit_message_names_the_option() -> None:
    """A 401 from the CSMS ends the command with a hint to check --password."""
    with csms_in_thread(password="right") as csms:
        result = CliRunner().invoke(simulate, ["--url", csms.url, "--password", "wrong"])
    assert result.exit_code == 1
    assert result.output.strip().endswith("HTTP 401 (check --password)")


def test_short_run_prints_a_summary_and_writes_the_report(tmp_path: Path) -> None:
    """A 1-second run against a CSMS prints the table and a JSON report with the seed."""
    report = tmp_path / "report.json"
    with csms_in_thread() as csms:
        result = CliRunner().invoke(
            simulate,
            [
                "--url", csms.url, "--stations", "2", "--duration", "1", "--ramp", "0",
                "--heartbeat-interval", "0.1", "--meter-interval", "0.05",
                "--transaction-seconds", "0.2", "--idle-seconds", "0.1", "--seed", "5",
                "--report-json", str(report),
            ],
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Simulated 2 station(s)" in result.output
    assert "BootNotification" in result.output
    data = json.loads(report.read_text())
    assert data["config"]["seed"] == 5
    assert data["stations"]["ever_connected"] == 2
    assert data["actions"]["BootNotification"]["results"] == 2
    assert data["messages"]["answered"] <= len(csms.calls) <= data["messages"]["sent"]
