"""On an ocpp2.0.1 connection, malformed frames get the CALLERROR codes of OCPP-J 2.0.1
(part 4 §4.3: FormatViolation, OccurrenceConstraintViolation, RpcFrameworkError,
MessageTypeNotSupported ... correctly spelled, unlike 1.6), and the connection stays up."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection

from tests.e2e.conftest import ProvisionStation, raw_station
from voltgate.app import Csms

BOOT = {"chargingStation": {"model": "X2", "vendorName": "ACME"}, "reason": "PowerUp"}


async def exchange(ws: Any, text: str) -> list[Any]:
    await ws.send(text)
    reply: list[Any] = json.loads(await ws.recv())
    return reply


async def boot(ws: Any) -> list[Any]:
    return await exchange(ws, json.dumps([2, "b1", "BootNotification", BOOT]))


async def still_serving(ws: Any) -> None:
    """The same socket still answers a valid Heartbeat."""
    kind, unique_id, payload = await exchange(ws, json.dumps([2, "alive", "Heartbeat", {}]))
    assert (kind, unique_id) == (3, "alive") and "currentTime" in payload


@asynccontextmanager
async def station_201(csms: Csms, station_id: str) -> AsyncIterator[ClientConnection]:
    async with raw_station(csms, station_id, subprotocols=["ocpp2.0.1"]) as ws:
        assert ws.subprotocol == "ocpp2.0.1"
        yield ws


STATUS = '{"timestamp": "2026-11-20T08:00:00Z", "evseId": 1, "connectorId": 1, '

CASES = [
    # (frame, expected id, expected 2.0.1 error code)
    ("not json at all", "-1", "RpcFrameworkError"),  # id unreadable -> "-1" (part 4 §4.2.3)
    ('{"a": 1}', "-1", "RpcFrameworkError"),  # not an array
    ('[2, "' + "x" * 37 + '", "Heartbeat", {}]', "-1", "RpcFrameworkError"),  # id > 36 chars
    ('[2, "f1", "Heartbeat", {', "f1", "RpcFrameworkError"),  # broken JSON, id salvaged
    ('[2, "f2", "Heartbeat"]', "f2", "RpcFrameworkError"),  # wrong arity
    ('[2, "f3", "Heartbeat", [1]]', "f3", "FormatViolation"),  # payload not an object
    ('[7, "f4", "Heartbeat", {}]', "f4", "MessageTypeNotSupported"),  # part 4 §4.4
    ('[2, "f5", "FlyToTheMoon", {}]', "f5", "NotImplemented"),  # unknown action
    ('[2, "f6", "ClearCache", {}]', "f6", "NotSupported"),  # a CSMS-to-station action
    ('[2, "f7", "Authorize", {}]', "f7", "OccurrenceConstraintViolation"),  # idToken missing
    (
        '[2, "f8", "Authorize", {"idToken": {"idToken": 12, "type": "ISO14443"}}]',
        "f8",
        "TypeConstraintViolation",
    ),
    (
        '[2, "f9", "Authorize", {"idToken": {"idToken": "' + "T" * 37 + '", "type": "Local"}}]',
        "f9",
        "PropertyConstraintViolation",
    ),  # idToken longer than 36
    (
        '[2, "fa", "StatusNotification", ' + STATUS + '"connectorStatus": "Dancing"}]',
        "fa",
        "PropertyConstraintViolation",
    ),  # not a ConnectorStatusEnumType value
    ('[2, "fb", "Heartbeat", {"extra": true}]', "fb", "FormatViolation"),  # additionalProperties
    (
        '[2, "fc", "NotifyReport", {"requestId": 1, "generatedAt": "yesterday", "seqNo": 0}]',
        "fc",
        "PropertyConstraintViolation",
    ),  # a string that is not a dateTime: an invalid value
]


@pytest.mark.parametrize(("frame", "expected_id", "code"), CASES)
async def test_bad_frame_gets_its_201_callerror(
    csms: Csms, provision: ProvisionStation, frame: str, expected_id: str, code: str
) -> None:
    """Each malformed frame is answered with the 2.0.1 code of its error; nothing breaks."""
    await provision("CS-1")
    async with station_201(csms, "CS-1") as ws:
        assert (await boot(ws))[2]["status"] == "Accepted"
        kind, unique_id, error_code, description, details = await exchange(ws, frame)
        assert (kind, unique_id, error_code) == (4, expected_id, code)
        assert isinstance(description, str) and isinstance(details, dict)
        await still_serving(ws)


async def test_call_before_accepted_boot_is_security_error_B01_FR_10(
    csms: Csms, provision: ProvisionStation
) -> None:
    """Before its boot is Accepted, a 2.0.1 station's other CALLs get SecurityError."""
    await provision("CS-1")
    async with station_201(csms, "CS-1") as ws:
        kind, unique_id, code, *_ = await exchange(ws, json.dumps([2, "h0", "Heartbeat", {}]))
        assert (kind, unique_id, code) == (4, "h0", "SecurityError")
        assert (await boot(ws))[2]["status"] == "Accepted"
        await still_serving(ws)


async def test_16_boot_payload_on_201_connection_is_refused(
    csms: Csms, provision: ProvisionStation
) -> None:
    """The connection's version decides the schema: a 1.6 BootNotification on ocpp2.0.1
    misses chargingStation and reason (OccurrenceConstraintViolation)."""
    await provision("CS-1")
    async with station_201(csms, "CS-1") as ws:
        frame = json.dumps(
            [2, "b16", "BootNotification", {"chargePointVendor": "A", "chargePointModel": "B"}]
        )
        kind, unique_id, code, *_ = await exchange(ws, frame)
        assert (kind, unique_id) == (4, "b16")
        assert code == "OccurrenceConstraintViolation"
        assert (await boot(ws))[2]["status"] == "Accepted"
