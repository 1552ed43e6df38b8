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
        "--url", "--stations", "--protocol", "--password", "--id-prefix", "--connectors",
        "--meter-interval", "--heartbeat-interval", "--transaction-seconds", "--idle-seconds",
        "--duration", "--ramp", "--seed", "--report-json",
    ):  # fmt: skip
        assert option in result.output


def test_help_documents_the_protocol_choice() -> None:
    """--help says which OCPP versions the stations can speak and that 1.6 is the default."""
    result = CliRunner().invoke(simulate, ["--help"])
    assert "--protocol, --version [1.6|2.0.1]" in result.output
    assert "[default: 1.6]" in result.output
    assert "ocpp2.0.1" in result.output


def test_unknown_protocol_is_refused_before_connecting() -> None:
    """An OCPP version the simulator does not speak is a usage error naming the choices."""
    result = CliRunner().invoke(simulate, ["--url", "ws://127.0.0.1:9/ocpp", "--protocol", "2.1"])
    assert result.exit_code == 2
    assert "'2.1' is not one of '1.6', '2.0.1'" in result.output


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


def test_protocol_201_run_speaks_transaction_events(tmp_path: Path) -> None:
    """`--protocol 2.0.1` connects with ocpp2.0.1 and charges with TransactionEvent messages
    that pass the 2.0.1 schemas; the summary and the report say so."""
    report = tmp_path / "report.json"
    with csms_in_thread() as csms:
        result = CliRunner().invoke(
            simulate,
            [
                "--url", csms.url, "--protocol", "2.0.1", "--stations", "2", "--duration", "1",
                "--ramp", "0", "--heartbeat-interval", "0.1", "--meter-interval", "0.05",
                "--transaction-seconds", "0.2", "--idle-seconds", "0.1", "--seed", "5",
                "--report-json", str(report),
            ],
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "TransactionEvent" in result.output and "StartTransaction" not in result.output
    assert set(csms.protocols.values()) == {"ocpp2.0.1"}
    assert csms.invalid == []
    data = json.loads(report.read_text())
    assert data["config"]["version"] == "2.0.1"
    assert data["actions"]["TransactionEvent"]["results"] >= 2
