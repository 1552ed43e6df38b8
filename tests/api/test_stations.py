"""Stations over real HTTP with real stations connected: a 1.6 and a 2.0.1 station look the
same in the API except for their protocol; provisioning, registration, passwords, removal
and stored notifications."""

from __future__ import annotations

from typing import Any

from ocpp.v16 import call as call16
from ocpp.v201 import call as call201

from tests.api.conftest import Api, data, error
from tests.e2e.conftest import PASSWORD, charge_point, charge_point_201, raw_station
from tests.e2e.test_security_passwords import Station201, serving, status
from voltgate.domain.access import Role


async def provision(api: Api, station_id: str, **extra: Any) -> Any:
    body = {"id": station_id, "password": PASSWORD, **extra}
    return data(await api.post("/api/v1/stations", role=Role.OPERATOR, json=body), 201)


async def test_16_and_201_stations_look_alike_except_protocol(api: Api) -> None:
    """Boot and StatusNotification from a 1.6 and a 2.0.1 station: both show connected,
    with vendor, model, boot time and connector status, and only `protocol` differs."""
    await provision(api, "CP-16")
    await provision(api, "CP-201")
    async with (
        charge_point(api.csms, "CP-16") as cp16,
        charge_point_201(api.csms, "CP-201") as cp201,
    ):
        await cp16.call(
            call16.BootNotification(charge_point_vendor="ACME", charge_point_model="X1")
        )
        await cp16.call(
            call16.StatusNotification(connector_id=1, error_code="NoError", status="Charging")
        )
        await cp201.call(
            call201.BootNotification(
                charging_station={"model": "X1", "vendor_name": "ACME"}, reason="PowerUp"
            )
        )
        await cp201.call(
            call201.StatusNotification(
                timestamp="2026-11-20T08:00:00Z",
                connector_status="Occupied",
                evse_id=1,
                connector_id=1,
            )
        )
        old = data(await api.get("/api/v1/stations/CP-16", role=Role.VIEWER))
        new = data(await api.get("/api/v1/stations/CP-201", role=Role.VIEWER))

    assert (old["protocol"], new["protocol"]) == ("ocpp1.6", "ocpp2.0.1")
    for station in (old, new):
        assert station["connected"] is True
        assert (station["vendor"], station["model"], station["registration"]) == (
            "ACME",
            "X1",
            "ACCEPTED",
        )
        assert station["lastBootAt"].endswith("Z") and station["passwordSet"] is True
        [evse] = station["evses"]
        [connector] = evse["connectors"]
        assert (evse["id"], connector["id"]) == (1, 1)
    assert old["evses"][0]["connectors"][0]["status"] == "CHARGING"
    assert new["evses"][0]["connectors"][0]["status"] == "OCCUPIED"
    assert new["evses"][0]["connectors"][0]["statusAt"] == "2026-11-20T08:00:00Z"
    assert "password" not in str(old).replace("passwordSet", "")


async def test_station_list_filters_and_pages(api: Api) -> None:
    """Stations come by id, `limit` at a time with `hasMore`; `startingAfter` continues
    after the given id; `connected` and `protocol` filter."""
    for n in range(5):
        await provision(api, f"CP-{n}")
    async with charge_point_201(api.csms, "CP-3") as cp:
        await cp.call(
            call201.BootNotification(
                charging_station={"model": "X1", "vendor_name": "ACME"}, reason="PowerUp"
            )
        )
        first = data(await api.get("/api/v1/stations?limit=2", role=Role.VIEWER))
        assert [s["id"] for s in first["items"]] == ["CP-0", "CP-1"] and first["hasMore"]
        rest = data(await api.get("/api/v1/stations?limit=3&startingAfter=CP-1"))
        assert [s["id"] for s in rest["items"]] == ["CP-2", "CP-3", "CP-4"]
        assert rest["hasMore"] is False
        online = data(await api.get("/api/v1/stations?connected=true"))["items"]
        offline = data(await api.get("/api/v1/stations?connected=false"))["items"]
        assert [s["id"] for s in online] == ["CP-3"]
        assert [s["id"] for s in offline] == ["CP-0", "CP-1", "CP-2", "CP-4"]
        by_protocol = data(await api.get("/api/v1/stations?protocol=ocpp2.0.1"))["items"]
        assert [s["id"] for s in by_protocol] == ["CP-3"]
    problem = error(await api.get("/api/v1/stations?limit=501"), 422)
    assert problem["details"][0]["location"] == "query.limit"


async def test_station_ids_are_unique_and_must_be_able_to_connect(api: Api) -> None:
    """A second station with an id gets 409; an id the gateway could never admit in a URL
    (a slash, a space, over 48 characters) gets 422."""
    await provision(api, "CP-1")
    assert error(await api.post("/api/v1/stations", json={"id": "CP-1"}), 409)["code"] == (
        "ALREADY_EXISTS"
    )
    for bad in ("a/b", "a b", "x" * 49, ""):
        assert error(await api.post("/api/v1/stations", json={"id": bad}), 422)


async def test_rejected_registration_is_heard_at_the_next_boot(api: Api) -> None:
    """PATCH registration REJECTED / PENDING: the station's next BootNotification gets it."""
    await provision(api, "CP-1")
    patched = data(await api.patch("/api/v1/stations/CP-1", json={"registration": "REJECTED"}))
    assert patched["registration"] == "REJECTED"
    async with charge_point(api.csms, "CP-1") as cp:
        boot = await cp.call(
            call16.BootNotification(charge_point_vendor="ACME", charge_point_model="X1")
        )
    assert boot.status == "Rejected"
    error(await api.patch("/api/v1/stations/NOPE", json={"registration": "PENDING"}), 404)


async def test_stored_password_is_the_one_the_station_must_present(api: Api) -> None:
    """PUT /password stores a new hash: the old password is refused at the handshake and
    the new one admits the station."""
    await provision(api, "CP-1")
    body = {"password": "a-brand-new-secret"}
    assert data(await api.put("/api/v1/stations/CP-1/password", json=body))["passwordSet"]
    assert await status(api.csms, "CP-1", PASSWORD) == 401
    assert await status(api.csms, "CP-1", "a-brand-new-secret") == 101


async def test_password_rotation_of_a_connected_station_a01_fr_03(api: Api) -> None:
    """POST /password-rotation sends SetVariables BasicAuthPassword; the answer says the
    station accepted, and the password itself is not in it. Offline: 409."""
    await provision(api, "CP-1")
    answer = error(await api.post("/api/v1/stations/CP-1/password-rotation"), 409)
    assert answer["code"] == "STATION_OFFLINE"
    async with raw_station(api.csms, "CP-1", subprotocols=["ocpp2.0.1"]) as ws:
        station = Station201("CP-1", ws, response_timeout=10)
        async with serving(station):
            rotation = data(
                await api.post("/api/v1/stations/CP-1/password-rotation", role=Role.OPERATOR)
            )
    assert rotation["accepted"] is True
    new_password = station.received[0]["attribute_value"]
    assert new_password not in str(rotation)
    assert await status(api.csms, "CP-1", new_password) == 101


async def test_only_a_station_without_history_can_be_removed(api: Api) -> None:
    """DELETE removes a station provisioned by mistake; one that has connected is kept
    (409 IN_USE) and can be rejected instead."""
    await provision(api, "CP-MISTAKE")
    assert (await api.delete("/api/v1/stations/CP-MISTAKE")).status_code == 204
    error(await api.get("/api/v1/stations/CP-MISTAKE"), 404)
    error(await api.delete("/api/v1/stations/CP-MISTAKE"), 404)

    await provision(api, "CP-USED")
    async with charge_point(api.csms, "CP-USED") as cp:
        await cp.call(call16.BootNotification(charge_point_vendor="ACME", charge_point_model="X1"))
        assert error(await api.delete("/api/v1/stations/CP-USED"), 409)["code"] == "IN_USE"
    assert error(await api.delete("/api/v1/stations/CP-USED"), 409)["code"] == "IN_USE"
    assert data(await api.get("/api/v1/stations/CP-USED"))["id"] == "CP-USED"


async def test_station_notifications_are_listed_newest_first(api: Api) -> None:
    """What a station reported as notifications (here DataTransfer and
    FirmwareStatusNotification) is listed per station, newest first, by kind, in pages."""
    await provision(api, "CP-1")
    async with charge_point(api.csms, "CP-1") as cp:
        await cp.call(call16.BootNotification(charge_point_vendor="ACME", charge_point_model="X1"))
        for n in range(3):
            await cp.call(call16.DataTransfer(vendor_id="ACME", message_id=f"m{n}", data="x"))
        await cp.call(call16.FirmwareStatusNotification(status="Installed"))

    page = data(await api.get("/api/v1/stations/CP-1/events?limit=2", role=Role.VIEWER))
    assert [e["kind"] for e in page["items"]] == ["FirmwareStatusNotification", "DataTransfer"]
    assert page["hasMore"] is True
    assert page["items"][0]["payload"] == {"status": "Installed"}
    after = page["items"][-1]["id"]
    rest = data(await api.get(f"/api/v1/stations/CP-1/events?startingAfter={after}"))
    assert [e["payload"]["messageId"] for e in rest["items"]] == ["m1", "m0"]
    only = data(await api.get("/api/v1/stations/CP-1/events?kind=FirmwareStatusNotification"))
    assert len(only["items"]) == 1 and only["items"][0]["receivedAt"].endswith("Z")
    error(await api.get("/api/v1/stations/NOPE/events"), 404)
