"""What the message log keeps and what it must not: secrets are blanked before they are
stored, the `commands` and `off` settings, bounded memory when the writer falls behind, and
the retention prune. Real server, real stations, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from ocpp.routing import on
from ocpp.v16 import call as call16
from ocpp.v201 import call as call201
from ocpp.v201 import call_result as r201
from sqlalchemy import text
from structlog.testing import capture_logs

from tests.api.command_stations import Station16, Station201
from tests.api.conftest import Api, client_of, data
from tests.api.message_log_support import WAIT_S, parsed, read_log, tapped, wait_for_log, wire
from tests.e2e.conftest import PASSWORD, raw_station
from tests.e2e.test_handshake import boot
from voltgate.app import Csms, open_services, running, utc_now
from voltgate.config import Settings
from voltgate.domain.message_log import MessageQuery
from voltgate.domain.ports import Clock, Repositories
from voltgate.storage.message_log_repos import decode_frames
from voltgate.storage.repositories import SqlRepositories
from voltgate.testing.clock import FakeClock

FROM, TO = "FROM_STATION", "TO_STATION"
REDACTED = "<redacted>"


@asynccontextmanager
async def serving(database_url: str, clock: Clock = utc_now, **settings: Any) -> AsyncIterator[Api]:
    """Voltgate on free loopback ports with `settings`, and a client of it."""
    config = Settings(
        host="127.0.0.1", ocpp_port=0, api_port=0, database_url=database_url, **settings
    )
    async with running(config, clock=clock) as csms, client_of(csms) as api:
        yield api


async def stored_with(csms: Csms, secret: str) -> int:
    """How many stored frames contain `secret` in any field, read straight from the table
    (every block decoded)."""

    def count(repos: Repositories) -> int:
        assert isinstance(repos, SqlRepositories)
        query = text("SELECT station_id, frames FROM message_log_blocks")
        blocks = repos.connection.execute(query).all()
        frames = [f for station, data in blocks for f in decode_frames(station, bytes(data))]
        return sum(1 for f in frames if secret in repr(f))

    return await csms.database.run(count)


def command_url(station_id: str, name: str) -> str:
    return f"/api/v1/stations/{station_id}/commands/{name}"


async def test_16_authorization_key_is_redacted_a01_fr_09(api: Api) -> None:
    """1.6 security whitepaper A01.FR.09: the AuthorizationKey a password rotation sends
    (ChangeConfiguration) and one a station reports (GetConfiguration) are stored as
    <redacted>; nothing else of those frames changes."""
    async with tapped(api.csms, "CP-K", Station16, "ocpp1.6") as (station, tap):
        await station.call(call16.BootNotification("ACME", "X1"))
        assert data(await api.post("/api/v1/stations/CP-K/password-rotation"))["accepted"]
        body = {"keys": ["AuthorizationKey"]}
        data(await api.post(command_url("CP-K", "get-configuration"), json=body))
        seen = list(tap.frames)
    logged = await wait_for_log(api, "CP-K", len(seen))
    change, changed, get, got = logged[2:6]
    secret = parsed(seen[2][1])[3]["value"]
    assert (change["action"], change["payload"]) == (
        "ChangeConfiguration",
        {"key": "AuthorizationKey", "value": REDACTED},
    )
    assert parsed(change["frame"])[:3] == parsed(seen[2][1])[:3]
    assert changed["frame"] == seen[3][1]  # the answer holds no secret: kept as sent
    assert get["frame"] == seen[4][1]
    assert got["payload"]["configurationKey"][0] == {
        "key": "AuthorizationKey",
        "readonly": False,
        "value": REDACTED,
    }
    assert secret not in json.dumps(await read_log(api, "CP-K"))
    assert await stored_with(api.csms, secret) == 0
    assert await stored_with(api.csms, REDACTED) == 2


class NetworkStation(Station201):
    """A 2.0.1 station that also takes network profiles."""

    @on("SetNetworkProfile")
    async def on_network_profile(self, **fields: Any) -> r201.SetNetworkProfile:
        self.received.append(("SetNetworkProfile", fields))
        return r201.SetNetworkProfile("Accepted")


NETWORK = {
    "configurationSlot": 1,
    "connectionData": {
        "ocppVersion": "OCPP20",
        "ocppTransport": "JSON",
        "ocppCsmsUrl": "wss://csms.example/ocpp",
        "messageTimeout": 30,
        "securityProfile": 2,
        "ocppInterface": "Wireless0",
        "apn": {
            "apn": "internet",
            "apnUserName": "modem",
            "apnPassword": "apn-secret-1",
            "simPin": 4321,
            "apnAuthentication": "AUTO",
        },
        "vpn": {
            "server": "vpn.example",
            "user": "cp",
            "password": "vpn-secret-2",
            "key": "vpn-secret-3",
            "type": "IPSec",
        },
    },
}

# The device model appendix types a password variable "passwordString", which the 2.0.1
# JSON schema does not allow: the CSMS refuses such a report, and logs it redacted.
UNLISTED_PASSWORD = {
    "request_id": 1,
    "generated_at": "2025-01-01T12:00:00Z",
    "seq_no": 1,
    "report_data": [
        {
            "component": {"name": "Modem"},
            "variable": {"name": "Unlock"},
            "variable_attribute": [{"value": "report-secret-5"}],
            "variable_characteristics": {
                "data_type": "passwordString",
                "supports_monitoring": False,
            },
        }
    ],
}

REPORT = {
    "request_id": 1,
    "generated_at": "2025-01-01T12:00:00Z",
    "seq_no": 0,
    "report_data": [
        {
            "component": {"name": "SecurityCtrlr"},
            "variable": {"name": "BasicAuthPassword"},
            "variable_attribute": [{"value": "report-secret-4", "mutability": "WriteOnly"}],
        },
        {
            "component": {"name": "OCPPCommCtrlr"},
            "variable": {"name": "HeartbeatInterval"},
            "variable_attribute": [{"value": "300"}],
        },
    ],
}


async def test_201_passwords_and_network_secrets_are_redacted_a01_fr_09(api: Api) -> None:
    """2.0.1 A01.FR.09: BasicAuthPassword in SetVariables and NotifyReport, a passwordString
    variable's value, and the APN and VPN secrets of SetNetworkProfile are stored as
    <redacted>; other values stay as sent."""
    async with tapped(api.csms, "CP-S", NetworkStation, "ocpp2.0.1") as (station, tap):
        await station.call(
            call201.BootNotification({"model": "X2", "vendor_name": "ACME"}, "PowerUp")
        )
        await api.post("/api/v1/stations/CP-S/password-rotation")
        raw = {"action": "SetNetworkProfile", "payload": NETWORK}
        data(await api.post(command_url("CP-S", "raw"), json=raw))
        await station.call(call201.NotifyReport(**REPORT))
        unlisted = call201.NotifyReport(**UNLISTED_PASSWORD)
        refused = await station.call(unlisted, suppress=True, skip_schema_validation=True)
        seen = list(tap.frames)
    assert refused is None  # the CSMS answered with a CALLERROR
    logged = await wait_for_log(api, "CP-S", len(seen))
    calls = [f for f in logged if f["messageType"] == "CALL"]
    by_action = {(f["action"], f["direction"]): f for f in calls}
    password = parsed(seen[2][1])[3]["setVariableData"][0]["attributeValue"]
    set_variables = by_action["SetVariables", TO]["payload"]["setVariableData"][0]
    assert set_variables["variable"] == {"name": "BasicAuthPassword"}
    assert set_variables["attributeValue"] == REDACTED
    connection = by_action["SetNetworkProfile", TO]["payload"]["connectionData"]
    assert {name: connection["apn"][name] for name in ("apn", "apnPassword", "simPin")} == {
        "apn": "internet",
        "apnPassword": REDACTED,
        "simPin": REDACTED,
    }
    assert (connection["vpn"]["password"], connection["vpn"]["key"]) == (REDACTED, REDACTED)
    assert connection["vpn"]["user"] == "cp"
    reports = [f["payload"]["reportData"] for f in calls if f["action"] == "NotifyReport"]
    values = [entry["variableAttribute"][0]["value"] for data in reports for entry in data]
    assert values == [REDACTED, "300", REDACTED]
    assert logged[-1]["messageType"] == "CALL_ERROR"
    served = json.dumps(await read_log(api, "CP-S"))
    for secret in [password, "apn-secret-1", "vpn-secret-2", "vpn-secret-3", "report-secret-4"]:
        assert secret not in served
        assert await stored_with(api.csms, secret) == 0
    assert await stored_with(api.csms, "report-secret-5") == 0


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("commands", [(TO, "CALL", "ClearCache"), (FROM, "CALL_RESULT", "ClearCache")]),
        ("off", []),
    ],
)
async def test_commands_and_off_settings(
    database_url: str, mode: str, expected: list[tuple[str, str, str]]
) -> None:
    """message_log=commands keeps only the CSMS's CALLs and the station's answers (not the
    station's own CALLs, our answers or unreadable frames); off keeps nothing. Read after
    the server stopped, which stores whatever it had captured."""
    async with serving(database_url, message_log=mode) as api:
        async with tapped(api.csms, "CP-M", Station16, "ocpp1.6") as (station, tap):
            await station.call(call16.BootNotification("ACME", "X1"))
            await station.call(call16.Heartbeat())
            data(await api.post(command_url("CP-M", "clear-cache"), json={}))
            seen = list(tap.frames)
        async with raw_station(api.csms, "CP-M") as ws:
            await boot(ws)
            await ws.send("not json")
            await ws.recv()
    async with open_services(Settings(database_url=database_url)) as (_, _, services):
        found = await services.message_log.page(MessageQuery("CP-M"))
    assert found is not None
    frames = [entry.logged for entry in reversed(found.items)]
    assert [(f.direction.value, f.message_type.name, f.action) for f in frames] == expected
    if expected:
        assert [(f.direction.value, f.frame_text) for f in frames] == seen[-2:]


def dropped_counter(metrics_text: str) -> float:
    match = re.search(
        r'voltgate_message_log_dropped_total\{reason="overflow"\} (\S+)', metrics_text
    )
    return 0.0 if match is None else float(match.group(1))


@pytest.mark.parametrize("settings_overrides", [{"message_log_buffer_kb": 1}])
async def test_a_writer_that_falls_behind_drops_the_oldest_frames_and_counts_them(
    api: Api,
) -> None:
    """With 1 KB of buffer, a burst of 50 unreadable frames (each answered at once) leaves
    the writer behind: the oldest queued frames are dropped, counted in
    voltgate_message_log_dropped_total and in warnings, the station is answered every time,
    and every frame is either stored or counted; the newest are stored."""
    await api.csms.services.stations.add("CP-FLOOD", PASSWORD)
    with capture_logs() as logs:
        async with raw_station(api.csms, "CP-FLOOD") as ws:
            await boot(ws)
            for n in range(50):
                await ws.send(f"garbage {n}")
            answers = [json.loads(await ws.recv()) for _ in range(50)]
        assert all(answer[:2] == [4, "-1"] for answer in answers)
        total = 2 + 2 * len(answers)
        async with asyncio.timeout(WAIT_S):
            while True:
                dropped = dropped_counter((await api.get("/metrics")).text)
                stored = await read_log(api, "CP-FLOOD")
                if len(stored) + dropped == total:
                    break
                await asyncio.sleep(0.05)
    assert dropped > 0
    assert stored[0]["messageType"] == "CALL_ERROR"
    assert stored[1]["frame"] == "garbage 49"
    warned = [entry for entry in logs if entry["event"].startswith("message log writer fell")]
    assert sum(entry["dropped"] for entry in warned) == dropped
    assert all(entry["log_level"] == "warning" for entry in warned)


async def test_frames_past_the_retention_are_pruned(database_url: str) -> None:
    """Frames older than message_log_retention_days are deleted by the task the server
    runs at start-up (and hourly); younger ones stay. Time comes from a fake clock."""
    clock = FakeClock()
    async with serving(database_url, clock, message_log_retention_days=2) as api:
        async with tapped(api.csms, "CP-OLD", Station16, "ocpp1.6") as (station, tap):
            await station.call(call16.BootNotification("ACME", "X1"))
            # Stored before the day passes, as a real day holds many flushes (frames are
            # pruned by the block of one flush).
            await wait_for_log(api, "CP-OLD", 2)
            clock.advance(86_400)
            await station.call(call16.Heartbeat())
            recent = tap.frames[2:]
        await wait_for_log(api, "CP-OLD", 4)
        clock.advance(86_400 - 1)  # the boot is 2 days - 1 s old: kept
        assert await api.csms.services.message_log.prune(2) == 0
    clock.advance(2)  # the boot is now past 2 days, the heartbeat 1 day old
    async with serving(database_url, clock, message_log_retention_days=2) as api:
        async with asyncio.timeout(WAIT_S):
            while True:
                left = await read_log(api, "CP-OLD")
                if len(left) == 2:
                    break
                await asyncio.sleep(0.05)
    assert [wire(frame) for frame in reversed(left)] == recent
