"""How commands end when the station does not answer yes or no: timed out, offline, a
CALLERROR, the asynchronous answer polled, and a server stopped with a command in flight."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from tests.api.command_stations import station201
from tests.api.conftest import Api, data
from tests.e2e.conftest import PASSWORD, raw_station
from voltgate.app import running
from voltgate.config import Settings
from voltgate.domain.access import Role
from voltgate.domain.commands import ClearCache

CALL_TIMEOUT = 0.3
BOOT = json.dumps(
    [2, "b1", "BootNotification", {"chargePointVendor": "ACME", "chargePointModel": "X1"}]
)


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"call_timeout": CALL_TIMEOUT}


async def _silent_station(api: Api, station_id: str) -> Any:
    """A 1.6 socket that boots, then never answers a CALL."""
    await api.csms.services.stations.add(station_id, PASSWORD)
    return raw_station(api.csms, station_id)


async def test_a_station_that_never_answers_ends_timed_out(api: Api) -> None:
    """No answer within `call_timeout`: TIMED_OUT with the reason, and the gateway sent it."""
    async with await _silent_station(api, "CP-MUTE") as ws:
        await ws.send(BOOT)
        assert json.loads(await ws.recv())[2]["status"] == "Accepted"
        url = "/api/v1/stations/CP-MUTE/commands/reset"
        record = data(await api.post(url, Role.OPERATOR, json={"type": "IMMEDIATE"}))
        sent = json.loads(await ws.recv())
    assert sent[2:] == ["Reset", {"type": "Hard"}]
    assert (record["state"], record["reason"]) == ("TIMED_OUT", "no answer within the call timeout")


async def test_an_offline_station_ends_offline(api: Api) -> None:
    """A station that is not connected: the command is recorded OFFLINE at once."""
    async with station201(api.csms, "CP-GONE"):
        pass  # connected once, so its protocol is known
    record = data(await api.post("/api/v1/stations/CP-GONE/commands/clear-cache"))
    assert (record["state"], record["reason"]) == ("OFFLINE", "the station is not connected")
    assert record["action"] == "ClearCache"


async def test_a_callerror_ends_failed_with_its_code(api: Api) -> None:
    """A station that answers with a CALLERROR: FAILED, the code and description kept."""
    async with await _silent_station(api, "CP-ERR") as ws:
        await ws.send(BOOT)
        await ws.recv()
        url = "/api/v1/stations/CP-ERR/commands/clear-cache?async=true"
        accepted = await api.post(url)
        call = json.loads(await ws.recv())
        await ws.send(json.dumps([4, call[1], "NotSupported", "no cache here", {}]))
        record = await _finished(api, accepted.headers["Location"])
    assert (record["state"], record["reason"]) == (
        "FAILED",
        "CALLERROR NotSupported: no cache here",
    )


async def test_async_answers_202_then_the_record_ends_accepted(api: Api) -> None:
    """``?async=true``: 202 with the PENDING record and a Location; polling it shows the
    terminal state once the station answered."""
    async with station201(api.csms, "CP-201") as station:
        response = await api.post(
            "/api/v1/stations/CP-201/commands/trigger?async=true",
            json={"message": "Heartbeat"},
        )
        assert response.status_code == 202
        pending = response.json()["data"]
        assert pending["state"] == "PENDING"
        assert pending["finishedAt"] is None
        assert response.headers["Location"] == f"/api/v1/commands/{pending['id']}"
        record = await _finished(api, response.headers["Location"])
    assert (record["state"], record["status"]) == ("ACCEPTED", "Accepted")
    assert station.received == [("TriggerMessage", {"requested_message": "Heartbeat"})]


async def test_a_restart_leaves_no_command_pending(database_url: str) -> None:
    """A command stored PENDING when the server stopped ends FAILED "server restarted" when
    it starts again (nothing in flight vanishes)."""
    settings = Settings(host="127.0.0.1", ocpp_port=0, api_port=0, database_url=database_url)
    async with running(settings) as node:
        await node.services.stations.add("CP-1", PASSWORD)
        async with raw_station(node, "CP-1") as ws:
            await ws.send(BOOT)
            await ws.recv()  # booted: its protocol is stored
            record = (await node.services.commands.submit("CP-1", ClearCache(), "key_test")).record
    async with running(settings) as node:
        key = (await node.services.access.create_api_key("t", Role.VIEWER)).secret
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{node.api_port}") as client:
            response = await client.get(
                f"/api/v1/commands/{record.id}", headers={"Authorization": f"Bearer {key}"}
            )
    found = data(response)
    assert (found["state"], found["reason"]) == ("FAILED", "server restarted")
    assert found["finishedAt"] is not None


async def _finished(api: Api, location: str) -> dict[str, Any]:
    """Poll a command as a client would, until it is no longer PENDING."""
    async with asyncio.timeout(5):
        while True:
            record: dict[str, Any] = data(await api.get(location, Role.VIEWER))
            if record["state"] != "PENDING":
                return record
            await asyncio.sleep(0.01)
