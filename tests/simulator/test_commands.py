"""The CSMS's commands to a simulated station, sent over a real socket and answered per 1.6."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from tests.simulator.conftest import Running, fast_config
from tests.simulator.fake_csms import FakeCsms
from voltgate.ocpp.messages import CallError, CallResult
from voltgate.simulator import SimulationConfig

STATION = "SIM-00001"


@pytest.fixture
async def station(
    csms: FakeCsms, start: Callable[[SimulationConfig], Running]
) -> AsyncIterator[Running]:
    """One connected, booted station that stays idle unless told otherwise."""
    running = start(fast_config(csms.url, stations=1, idle_seconds=60, heartbeat_interval=60))
    await csms.wait_until(lambda: csms.count("StatusNotification") >= 3)
    yield running
    await running.finish()


async def result(csms: FakeCsms, action: str, payload: dict[str, Any]) -> dict[str, Any]:
    reply = await csms.send(STATION, action, payload)
    assert isinstance(reply, CallResult), reply
    return reply.payload


async def test_remote_start_then_remote_stop(csms: FakeCsms, station: Running) -> None:
    """RemoteStart is confirmed, then started without Authorize; RemoteStop ends it as Remote."""
    answer = await result(csms, "RemoteStartTransaction", {"idTag": "REMOTE-1", "connectorId": 2})
    assert answer == {"status": "Accepted"}
    await csms.wait_until(lambda: csms.count("StartTransaction") == 1)
    started = csms.received("StartTransaction")[0].payload
    assert (started["connectorId"], started["idTag"]) == (2, "REMOTE-1")
    assert csms.count("Authorize") == 0  # AuthorizeRemoteTxRequests is false
    busy = await result(csms, "RemoteStartTransaction", {"idTag": "REMOTE-2", "connectorId": 2})
    assert busy == {"status": "Rejected"}
    assert await result(csms, "RemoteStopTransaction", {"transactionId": 1}) == {
        "status": "Accepted"
    }
    await csms.wait_until(
        lambda: csms.received("StatusNotification")[-1].payload["status"] == "Available"
    )
    assert csms.received("StopTransaction")[0].payload["reason"] == "Remote"
    assert await result(csms, "RemoteStopTransaction", {"transactionId": 1}) == {
        "status": "Rejected"
    }


async def test_configuration_can_be_read_and_changed(csms: FakeCsms, station: Running) -> None:
    """GetConfiguration lists the Core keys; ChangeConfiguration obeys read-only and unknown."""
    keys = (await result(csms, "GetConfiguration", {}))["configurationKey"]
    assert isinstance(keys, list)
    by_name = {k["key"]: k for k in keys}
    assert by_name["NumberOfConnectors"] == {
        "key": "NumberOfConnectors",
        "readonly": True,
        "value": "2",
    }
    assert by_name["HeartbeatInterval"]["value"] == "60"
    change = {"key": "HeartbeatInterval", "value": "120"}
    assert await result(csms, "ChangeConfiguration", change) == {"status": "Accepted"}
    read_only = {"key": "NumberOfConnectors", "value": "4"}
    assert await result(csms, "ChangeConfiguration", read_only) == {"status": "Rejected"}
    unknown = {"key": "Colour", "value": "blue"}
    assert await result(csms, "ChangeConfiguration", unknown) == {"status": "NotSupported"}
    some = await result(csms, "GetConfiguration", {"key": ["HeartbeatInterval", "Colour"]})
    assert some == {
        "configurationKey": [{"key": "HeartbeatInterval", "readonly": False, "value": "120"}],
        "unknownKey": ["Colour"],
    }


async def test_reset_reboots_the_station(csms: FakeCsms, station: Running) -> None:
    """After a Reset the station reconnects and sends a new BootNotification."""
    assert await result(csms, "Reset", {"type": "Soft"}) == {"status": "Accepted"}
    await csms.wait_until(lambda: csms.count("BootNotification") == 2)
    assert csms.connects[STATION] == 2


async def test_trigger_message_sends_what_was_asked(csms: FakeCsms, station: Running) -> None:
    """TriggerMessage is accepted and followed by the requested message."""
    heartbeat = {"requestedMessage": "Heartbeat"}
    assert await result(csms, "TriggerMessage", heartbeat) == {"status": "Accepted"}
    await csms.wait_until(lambda: csms.count("Heartbeat") == 1)
    status = {"requestedMessage": "StatusNotification", "connectorId": 2}
    before = csms.count("StatusNotification")
    assert await result(csms, "TriggerMessage", status) == {"status": "Accepted"}
    await csms.wait_until(lambda: csms.count("StatusNotification") == before + 1)
    assert csms.received("StatusNotification")[-1].payload["connectorId"] == 2
    meter = {"requestedMessage": "MeterValues", "connectorId": 1}
    assert await result(csms, "TriggerMessage", meter) == {"status": "Accepted"}
    await csms.wait_until(lambda: csms.count("MeterValues") == 1)
    sampled = csms.received("MeterValues")[0].payload["meterValue"][0]["sampledValue"]
    assert {v["context"] for v in sampled} == {"Trigger"}


async def test_change_availability_reports_the_new_status(csms: FakeCsms, station: Running) -> None:
    """An idle connector set Inoperative is reported Unavailable at once."""
    change = {"connectorId": 1, "type": "Inoperative"}
    assert await result(csms, "ChangeAvailability", change) == {"status": "Accepted"}
    await csms.wait_until(
        lambda: csms.received("StatusNotification")[-1].payload["status"] == "Unavailable"
    )


async def test_unsupported_unknown_and_malformed_calls_get_callerrors(
    csms: FakeCsms, station: Running
) -> None:
    """A 1.6 action a station sends, not a CSMS, is NotSupported, a non-1.6 name
    NotImplemented, and a payload that breaks its schema gets 1.6's own error spelling."""
    replies = [
        await csms.send(STATION, "Heartbeat", {}),
        await csms.send(STATION, "Teleport", {}),
        await csms.send(STATION, "RemoteStartTransaction", {"connectorId": 1}),
    ]
    assert all(isinstance(reply, CallError) for reply in replies)
    codes = [reply.code for reply in replies if isinstance(reply, CallError)]
    assert codes == ["NotSupported", "NotImplemented", "OccurenceConstraintViolation"]
    assert station.stats.incoming["Heartbeat"] == 1
