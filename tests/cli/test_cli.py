"""The `voltgate` command as a user runs it: a real process, real server, real database."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from alembic.script import ScriptDirectory
from ocpp.v16 import call

from tests.e2e.conftest import PASSWORD, basic_auth
from voltgate.storage.migrate import alembic_config, upgrade

VOLTGATE = [sys.executable, "-m", "voltgate"]


def run(*args: str, url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*VOLTGATE, *args, "--database-url", url],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[tuple[int, int]]:
    """`voltgate serve` as a child process; yields (ocpp_port, api_port) once /health answers."""
    ocpp_port, api_port = free_port(), free_port()
    env = {**os.environ, "VOLTGATE_LOG_FORMAT": "json"}
    log_path = tmp_path / "serve.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        [
            *VOLTGATE,
            "serve",
            "--host",
            "127.0.0.1",
            "--ocpp-port",
            str(ocpp_port),
            "--api-port",
            str(api_port),
            "--database-url",
            database_url,
        ],
        env=env,
        stdout=log,
        stderr=log,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{api_port}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"server did not start: {log_path.read_text()}")
            time.sleep(0.1)
        yield ocpp_port, api_port
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)
        log.close()
        assert proc.returncode == 0, log_path.read_text()
        assert PASSWORD not in log_path.read_text()  # no secret in a log


def test_every_command_explains_itself() -> None:
    """`--help` works on the group and on every command."""
    for args in (
        [],
        ["serve"],
        ["db", "upgrade"],
        ["station", "add"],
        ["station", "show"],
        ["station", "variables"],
        ["station", "list"],
        ["token", "add"],
        ["token", "list"],
        ["transaction", "list"],
        ["transaction", "show"],
        ["transaction", "export"],
        ["command", "send"],
        ["command", "list"],
        ["command", "show"],
        ["reservation", "list"],
        ["reservation", "cancel"],
        ["simulate"],
    ):
        result = subprocess.run(
            [*VOLTGATE, *args, "--help"], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr
        assert "Usage: voltgate" in result.stdout


def _revisions() -> list[str]:
    """Every migration's revision id, oldest first."""
    scripts = ScriptDirectory.from_config(alembic_config())
    return [script.revision for script in reversed(list(scripts.walk_revisions()))]


def test_db_upgrade_creates_the_schema(database_url: str) -> None:
    """`voltgate db upgrade` migrates an empty database, naming and timing each step on
    standard error, and can run again, when it has nothing to do."""
    revisions = _revisions()
    result = run("db", "upgrade", url=database_url)
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    lines = result.stderr.splitlines()
    assert lines[0] == (
        f"migrating from an empty database to {revisions[-1]}: {len(revisions)} steps"
    )
    assert [line.split(":")[0] for line in lines[1:]] == [r for r in revisions for _ in (1, 2)]
    assert lines[1] == (
        "0001: Initial schema: stations, EVSEs, connectors, tokens, transactions, meter "
        "values, events."
    )
    assert all(re.fullmatch(r"\d{4}: done in \d+\.\d s", line) for line in lines[2::2])

    again = run("db", "upgrade", url=database_url)
    assert again.returncode == 0, again.stderr
    assert "up to date" in again.stdout
    assert again.stderr == ""


def test_db_upgrade_names_only_the_steps_left(database_url: str) -> None:
    """A database one revision behind gets that one step, named in the plan."""
    *_, before, head = _revisions()
    upgrade(database_url, before)
    result = run("db", "upgrade", url=database_url)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == f"migrating from {before} to {head}: 1 step"
    assert lines[1].startswith(f"{head}: ")
    assert re.fullmatch(rf"{head}: done in \d+\.\d s", lines[2])
    assert len(lines) == 3


def test_serve_logs_each_migration_step(server: tuple[int, int], tmp_path: Path) -> None:
    """`voltgate serve` on an empty database logs the plan and each step of its migration
    (structured, the step's line in `step`), as `db upgrade` prints them."""
    revisions = _revisions()
    lines = (tmp_path / "serve.log").read_text().splitlines()
    events = [json.loads(line) for line in lines if line.startswith("{")]
    steps = [e["step"] for e in events if e.get("event") == "database migration"]
    assert steps[0] == (
        f"migrating from an empty database to {revisions[-1]}: {len(revisions)} steps"
    )
    assert [step.split(":")[0] for step in steps[1:]] == [r for r in revisions for _ in (1, 2)]


def test_bad_setting_is_a_clear_usage_error() -> None:
    """A wrong value is refused with the setting's name, not a traceback."""
    result = subprocess.run(
        [*VOLTGATE, "serve", "--ocpp-port", "99999"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert "ocpp_port" in result.stderr and "Traceback" not in result.stderr


def test_show_unknown_station_fails_readably(database_url: str) -> None:
    """Showing a station that does not exist says so and exits non-zero."""
    result = run("station", "show", "NOPE", url=database_url)
    assert result.returncode == 1
    assert "no station 'NOPE'" in result.stderr


def test_provision_connect_and_show(server: tuple[int, int], database_url: str) -> None:
    """A station provisioned by the CLI charges against `voltgate serve`; `station show` has it."""
    ocpp_port, api_port = server
    assert run("station", "add", "CP-9", "--password", PASSWORD, url=database_url).returncode == 0
    assert run("token", "add", "TAG-9", url=database_url).returncode == 0

    async def session() -> None:
        from tests.e2e.conftest import OcppChargePoint, connect

        async with connect(
            f"ws://127.0.0.1:{ocpp_port}/ocpp/CP-9",
            subprotocols=["ocpp1.6"],  # type: ignore[list-item]
            additional_headers=basic_auth("CP-9", PASSWORD),
        ) as ws:
            cp = OcppChargePoint("CP-9", ws)
            task = asyncio.create_task(cp.start())
            await cp.call(
                call.BootNotification(charge_point_vendor="ACME", charge_point_model="X1")
            )
            await cp.call(
                call.StatusNotification(connector_id=1, error_code="NoError", status="Available")
            )
            tx = await cp.call(
                call.StartTransaction(
                    connector_id=1, id_tag="TAG-9", meter_start=0, timestamp="2026-11-20T10:00:00Z"
                )
            )
            await cp.call(
                call.StopTransaction(
                    transaction_id=tx.transaction_id,
                    meter_stop=2_500,
                    timestamp="2026-11-20T10:30:00Z",
                )
            )
            task.cancel()

    asyncio.run(session())
    shown = run("station", "show", "CP-9", "--json", url=database_url)
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert data["vendor"] == "ACME" and data["connected"] is False
    assert [c["status"] for c in data["connectors"]] == ["Available"]
    [tx] = data["transactions"]
    assert (tx["idTag"], tx["meterStartWh"], tx["meterStopWh"], tx["energyWh"]) == (
        "TAG-9",
        0,
        2500,
        2500,
    )
    text = run("station", "show", "CP-9", url=database_url).stdout
    assert "TAG-9" in text and "2500 Wh" in text

    metrics = httpx.get(f"http://127.0.0.1:{api_port}/metrics").text
    assert (
        'voltgate_ocpp_messages_total{action="StartTransaction",protocol="ocpp1.6",'
        'result="CALLRESULT"} 1.0' in metrics
    )
    assert "voltgate_storage_batch_size_count" in metrics


def test_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    """Starting on a port another program holds fails with one readable line, no traceback."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [
                *VOLTGATE,
                "serve",
                "--host",
                "127.0.0.1",
                "--ocpp-port",
                str(port),
                "--api-port",
                "0",
                "--database-url",
                f"sqlite:///{tmp_path / 'v.db'}",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 1
    assert "could not start" in result.stderr and "address already in use" in result.stderr
    assert "Traceback" not in result.stderr
