"""Reservations end to end over real HTTP with real 1.6 and 2.0.1 stations: made by
`reserve`, ACTIVE once the station accepts (REJECTED with its status otherwise), USED by the
transaction that names it, CANCELLED, EXPIRED by time or by the station's report."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from ocpp.v16 import call as call16
from ocpp.v201 import call as call201

from tests.api.command_stations import sent, station16, station201
from tests.api.conftest import Api, data, error
from tests.api.test_commands import command_url
from voltgate.domain.access import Role

SWEEP_S = 0.05


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"reservation_expiry_check": SWEEP_S}


def _in(seconds: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")


async def _reserve(api: Api, station_id: str, **body: Any) -> dict[str, Any]:
    body = {"idTag": "TAG-1", "expiresAt": _in(3600), **body}
    command = data(await api.post(command_url(station_id, "reserve"), Role.OPERATOR, json=body))
    assert command["reservationId"] == command["id"]
    return command


async def _reservation(api: Api, reservation_id: int) -> dict[str, Any]:
    found: dict[str, Any] = data(await api.get(f"/api/v1/reservations/{reservation_id}",
                                               Role.VIEWER))  # fmt: skip
    return found


async def _polled(api: Api, reservation_id: int, state: str) -> dict[str, Any]:
    """Read a reservation as a client would, until it is in `state`."""
    async with asyncio.timeout(10):
        while True:
            found = await _reservation(api, reservation_id)
            if found["state"] == state:
                return found
            await asyncio.sleep(SWEEP_S)


async def test_16_reservation_is_used_by_the_transaction_that_names_it(api: Api) -> None:
    """1.6 §5.13: ReserveNow accepted -> ACTIVE; StartTransaction with its reservationId ->
    USED with that transaction."""
    async with station16(api.csms, "CP-16") as station:
        command = await _reserve(api, "CP-16", evseId=1)
        assert sent(station, "ReserveNow")["reservationId"] == command["id"]
        active = await _reservation(api, command["id"])
        assert (active["state"], active["status"], active["evseId"]) == ("ACTIVE", "Accepted", 1)
        started = await station.call(call16.StartTransaction(
            connector_id=1, id_tag="TAG-1", meter_start=0, timestamp=_in(0),
            reservation_id=command["id"]))  # fmt: skip
    used = await _reservation(api, command["id"])
    assert (used["state"], used["transactionId"]) == ("USED", started.transaction_id)
    assert used["updatedAt"] >= active["updatedAt"]


async def test_201_reservation_is_used_by_a_transaction_event_h01_fr_15(api: Api) -> None:
    """2.0.1: the TransactionEvent carrying the reservationId ends it USED (H01.FR.15,
    H03.FR.09); a later event naming it again changes nothing."""
    async with station201(api.csms, "CP-201") as station:
        command = await _reserve(api, "CP-201", evseId=1, groupIdTag="FLEET")
        event = {"event_type": "Started", "timestamp": _in(0), "trigger_reason": "Authorized",
                 "seq_no": 0, "transaction_info": {"transaction_id": "TX-R"},
                 "evse": {"id": 1, "connector_id": 1}, "reservation_id": command["id"],
                 "id_token": {"id_token": "TAG-1", "type": "ISO14443"}}  # fmt: skip
        await station.call(call201.TransactionEvent(**event))
        used = await _reservation(api, command["id"])
        await station.call(call201.ReservationStatusUpdate(
            reservation_id=command["id"], reservation_update_status="Expired"))  # fmt: skip
    assert used["state"] == "USED"
    assert used["groupIdTag"] == "FLEET"
    tx = data(await api.get(f"/api/v1/transactions/{used['transactionId']}"))
    assert tx["stationTransactionId"] == "TX-R"
    assert (await _reservation(api, command["id"]))["state"] == "USED"


@pytest.mark.parametrize("version", ["1.6", "2.0.1"])
async def test_a_refused_reservation_is_rejected_and_cannot_be_cancelled(
    api: Api, version: str
) -> None:
    """The station's no (Occupied) makes the reservation REJECTED with that status; a
    rejected reservation is past cancelling (409)."""
    serving = station16 if version == "1.6" else station201
    async with serving(api.csms, "CP-1", accept=False):
        command = await _reserve(api, "CP-1")
        problem = error(await api.post(f"/api/v1/reservations/{command['id']}/cancel"), 409)
    rejected = await _reservation(api, command["id"])
    assert (command["state"], rejected["state"], rejected["status"]) == (
        "REJECTED", "REJECTED", "Occupied")  # fmt: skip
    assert problem["code"] == "CONFLICT"


async def test_cancel_reservation_h02(api: Api) -> None:
    """POST .../cancel sends CancelReservation to its station: ACCEPTED -> CANCELLED; a
    second cancel is 409; a refused cancel leaves it ACTIVE; an unknown one is 404."""
    async with station201(api.csms, "CP-201") as station:
        command = await _reserve(api, "CP-201")
        cancel = data(await api.post(f"/api/v1/reservations/{command['id']}/cancel",
                                     Role.OPERATOR))  # fmt: skip
        assert sent(station, "CancelReservation") == {"reservationId": command["id"]}
        again = await api.post(f"/api/v1/reservations/{command['id']}/cancel")
        second = await _reserve(api, "CP-201")
        station.accept = False
        refused = data(await api.post(command_url("CP-201", "cancel-reservation"),
                                      json={"reservationId": second["id"]}))  # fmt: skip
    assert (cancel["name"], cancel["state"]) == ("cancel-reservation", "ACCEPTED")
    assert (await _reservation(api, command["id"]))["state"] == "CANCELLED"
    assert error(again, 409)
    assert refused["state"] == "REJECTED"
    assert (await _reservation(api, second["id"]))["state"] == "ACTIVE"
    assert error(await api.post("/api/v1/reservations/99999/cancel"), 404)
    assert error(await api.get("/api/v1/reservations/99999"), 404)


async def test_station_reports_end_reservations_h04_h01(api: Api) -> None:
    """ReservationStatusUpdate Expired (H04.FR.01) or Removed (H01.FR.16/17) makes the
    reservation EXPIRED with the station's status; the report is kept as a station event."""
    async with station201(api.csms, "CP-201") as station:
        expired = await _reserve(api, "CP-201")
        removed = await _reserve(api, "CP-201")
        for reservation, status in ((expired, "Expired"), (removed, "Removed")):
            await station.call(call201.ReservationStatusUpdate(
                reservation_id=reservation["id"], reservation_update_status=status))  # fmt: skip
    for reservation, status in ((expired, "Expired"), (removed, "Removed")):
        found = await _reservation(api, reservation["id"])
        assert (found["state"], found["status"]) == ("EXPIRED", status)
    events = data(await api.get("/api/v1/stations/CP-201/events?kind=ReservationStatusUpdate"))
    assert len(events["items"]) == 2


async def test_a_reservation_expires_when_its_time_passes(api: Api) -> None:
    """The server's sweep (`reservation_expiry_check`) marks an ACTIVE reservation EXPIRED
    once its expiry passed; one that expires later stays ACTIVE."""
    async with station16(api.csms, "CP-16"):
        soon = await _reserve(api, "CP-16", expiresAt=_in(3))  # seconds: a loaded machine
        later = await _reserve(api, "CP-16")
    found = await _polled(api, soon["id"], "EXPIRED")
    assert found["reason"] == "its expiry passed"
    assert (await _reservation(api, later["id"]))["state"] == "ACTIVE"


async def test_an_unanswered_reservation_fails(api: Api) -> None:
    """A station that is not connected: the reserve command ends OFFLINE, its reservation
    FAILED (the station cannot hold it)."""
    async with station16(api.csms, "CP-16"):
        pass
    command = await _reserve(api, "CP-16")
    failed = await _reservation(api, command["id"])
    assert (command["state"], failed["state"]) == ("OFFLINE", "FAILED")
    assert failed["reason"] == "the station is not connected"


async def test_reservations_are_listed_filtered_and_paged(api: Api) -> None:
    """Newest first, by station and by state, a page at a time."""
    async with station16(api.csms, "CP-16"), station201(api.csms, "CP-201", accept=False):
        ids = [(await _reserve(api, "CP-16"))["id"] for _ in range(2)]
        refused = await _reserve(api, "CP-201")
    first = data(await api.get("/api/v1/reservations?limit=2", Role.VIEWER))
    assert [item["id"] for item in first["items"]] == [refused["id"], ids[1]]
    assert first["hasMore"] is True
    rest = data(await api.get(f"/api/v1/reservations?startingAfter={ids[1]}"))
    assert [item["id"] for item in rest["items"]] == [ids[0]]
    by_station = data(await api.get("/api/v1/reservations?stationId=CP-16&state=ACTIVE"))
    assert [item["id"] for item in by_station["items"]] == ids[::-1]
    rejected = data(await api.get("/api/v1/reservations?state=REJECTED"))
    assert [item["stationId"] for item in rejected["items"]] == ["CP-201"]
    assert error(await api.get("/api/v1/reservations?state=NOPE"), 422)
