"""Malformed frames get the CALLERROR OCPP-J 1.6 defines, and the connection stays up."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.e2e.conftest import ProvisionStation, raw_station
from tests.e2e.test_handshake import boot
from voltgate.app import Csms


async def exchange(ws: Any, text: str) -> list[Any]:
    await ws.send(text)
    reply: list[Any] = json.loads(await ws.recv())
    return reply


async def still_serving(ws: Any) -> None:
    """The same socket still answers a valid Heartbeat."""
    kind, unique_id, payload = await exchange(ws, json.dumps([2, "alive", "Heartbeat", {}]))
    assert (kind, unique_id) == (3, "alive") and "currentTime" in payload


CASES = [
    # (frame, expected id, expected 1.6 error code)
    ('[2, "f1", "Heartbeat", {', "f1", "FormationViolation"),  # broken JSON, id salvaged
    ("not json at all", "-1", "FormationViolation"),  # OCPP-J: unreadable id -> "-1"
    ('{"a": 1}', "-1", "FormationViolation"),  # not an array
    ('[2, "' + "x" * 37 + '", "Heartbeat", {}]', "-1", "FormationViolation"),  # id > 36 chars
    ('[2, "f2", "Heartbeat"]', "f2", "FormationViolation"),  # wrong arity
    ('[2, "f3", "Heartbeat", [1]]', "f3", "FormationViolation"),  # payload not an object
    ('[7, "f4", "Heartbeat", {}]', "f4", "GenericError"),  # unknown message type (1.6 §4.1.3)
    ('[2, "f5", "FlyToTheMoon", {}]', "f5", "NotImplemented"),  # unknown action
    (
        '[2, "f6", "GetConfiguration", {}]',
        "f6",
        "NotSupported",
    ),  # known action, not ours to receive
    ('[2, "f7", "Authorize", {}]', "f7", "OccurenceConstraintViolation"),  # missing idTag
    ('[2, "f8", "Authorize", {"idTag": 12}]', "f8", "TypeConstraintViolation"),
    ('[2, "f9", "Authorize", {"idTag": "' + "T" * 21 + '"}]', "f9", "PropertyConstraintViolation"),
    (
        '[2, "fa", "StatusNotification", '
        '{"connectorId": 1, "errorCode": "NoError", "status": "Dancing"}]',
        "fa",
        "PropertyConstraintViolation",
    ),
    ('[2, "fb", "Heartbeat", {"extra": true}]', "fb", "FormationViolation"),  # additionalProperties
]


@pytest.mark.parametrize(("frame", "expected_id", "code"), CASES)
async def test_bad_frame_gets_its_callerror(
    csms: Csms, provision: ProvisionStation, frame: str, expected_id: str, code: str
) -> None:
    """Each malformed frame is answered with the 1.6 spelling of its error and nothing breaks."""
    await provision("CP-1")
    async with raw_station(csms, "CP-1") as ws:
        await boot(ws)
        kind, unique_id, error_code, description, details = await exchange(ws, frame)
        assert (kind, unique_id, error_code) == (4, expected_id, code)
        assert isinstance(description, str) and isinstance(details, dict)
        await still_serving(ws)


async def test_oversize_frame_is_answered_and_connection_stays(
    csms: Csms, provision: ProvisionStation
) -> None:
    """A frame over max_frame_size gets a CALLERROR with its id; the socket keeps working."""
    await provision("CP-1")
    async with raw_station(csms, "CP-1") as ws:
        await boot(ws)
        big = json.dumps([2, "big", "DataTransfer", {"vendorId": "v", "data": "x" * 70_000}])
        kind, unique_id, code, description, _ = await exchange(ws, big)
        assert (kind, unique_id, code) == (4, "big", "FormationViolation")
        assert "70" in description or "limit" in description
        await still_serving(ws)


async def test_call_before_boot_is_security_error(csms: Csms, provision: ProvisionStation) -> None:
    """Before its boot is accepted a station's other CALLs get SecurityError (B02.FR.09)."""
    await provision("CP-1")
    async with raw_station(csms, "CP-1") as ws:
        kind, unique_id, code, *_ = await exchange(ws, json.dumps([2, "h0", "Heartbeat", {}]))
        assert (kind, unique_id, code) == (4, "h0", "SecurityError")
        assert (await boot(ws))[2]["status"] == "Accepted"
        await still_serving(ws)


async def test_bad_frames_do_not_disturb_other_stations(
    csms: Csms, provision: ProvisionStation
) -> None:
    """One station's garbage does not affect another station's connection."""
    await provision("CP-1")
    await provision("CP-2")
    async with raw_station(csms, "CP-1") as bad, raw_station(csms, "CP-2") as good:
        await boot(good)
        await bad.send("\x00garbage")
        await bad.recv()
        await still_serving(good)


async def test_reconnected_station_needs_no_new_boot(
    csms: Csms, provision: ProvisionStation
) -> None:
    """A station accepted before may send CALLs right after reconnecting (no reboot needed)."""
    await provision("CP-1")
    async with raw_station(csms, "CP-1") as ws:
        await boot(ws)
    async with raw_station(csms, "CP-1") as ws:
        await still_serving(ws)
