"""`voltgate station messages` as an operator runs it: a real `voltgate serve`, a real 1.6
station (the `ocpp` package's ChargePoint), and the command reading the log from storage."""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
from typing import Any

from ocpp.v16 import call

from tests.api.message_log_support import Tap
from tests.cli.test_cli import VOLTGATE, run, server
from tests.e2e.conftest import PASSWORD, OcppChargePoint, basic_auth, connect

__all__ = ["server"]


def converse(ocpp_port: int) -> list[tuple[str, str]]:
    """CP-LOG boots and sends a heartbeat; the frames as the station saw them."""

    async def session() -> list[tuple[str, str]]:
        async with connect(
            f"ws://127.0.0.1:{ocpp_port}/ocpp/CP-LOG",
            subprotocols=["ocpp1.6"],  # type: ignore[list-item]
            additional_headers=basic_auth("CP-LOG", PASSWORD),
        ) as ws:
            tap = Tap(ws)
            cp = OcppChargePoint("CP-LOG", tap)
            task = asyncio.create_task(cp.start())
            await cp.call(call.BootNotification("ACME", "X1"))
            await cp.call(call.Heartbeat())
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            return tap.frames

    return asyncio.run(session())


def messages(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run("station", "messages", "CP-LOG", *args, url=url)


def logged(url: str, count: int) -> list[dict[str, Any]]:
    """The `--json` output once it holds `count` frames (written shortly after them)."""
    deadline = time.monotonic() + 20
    while True:
        result = messages(url, "--json")
        assert result.returncode == 0, result.stderr
        items: list[dict[str, Any]] = json.loads(result.stdout)
        if len(items) >= count or time.monotonic() > deadline:
            return items
        time.sleep(0.2)


def test_station_messages_shows_the_log(server: tuple[int, int], database_url: str) -> None:
    """The command lists a station's frames in the order they crossed the wire, one per
    line with direction, type, action, id and the frame; --limit keeps the newest, --action
    filters (an answer counts as its CALL's action), --json gives the REST API's fields; an
    unknown station fails readably; --help explains it."""
    ocpp_port, _ = server
    assert run("station", "add", "CP-LOG", "--password", PASSWORD, url=database_url).returncode == 0
    seen = converse(ocpp_port)
    items = logged(database_url, len(seen))
    assert [(item["direction"], item["frame"]) for item in items] == seen
    assert [(item["messageType"], item["action"]) for item in items] == [
        ("CALL", "BootNotification"),
        ("CALL_RESULT", "BootNotification"),
        ("CALL", "Heartbeat"),
        ("CALL_RESULT", "Heartbeat"),
    ]

    lines = messages(database_url).stdout.splitlines()
    assert len(lines) == 4
    boot_id = items[0]["uniqueId"]
    assert " < CALL " in lines[0] and " BootNotification " in lines[0] and boot_id in lines[0]
    assert lines[0].endswith(seen[0][1])
    assert " > CALLRESULT " in lines[1] and boot_id in lines[1]

    newest = messages(database_url, "--limit", "2").stdout.splitlines()
    assert newest == lines[2:]
    boots = json.loads(messages(database_url, "--action", "BootNotification", "--json").stdout)
    assert boots == items[:2]

    unknown = run("station", "messages", "NOPE", url=database_url)
    assert unknown.returncode == 1 and "no station 'NOPE'" in unknown.stderr
    helped = subprocess.run(
        [*VOLTGATE, "station", "messages", "--help"], capture_output=True, text=True, check=False
    )
    assert helped.returncode == 0 and "--limit" in helped.stdout and "--action" in helped.stdout
