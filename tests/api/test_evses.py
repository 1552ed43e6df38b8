"""EVSEs as operators describe them, over real HTTP with real stations: hardware before the
station reports, attributes, optimistic locking, network settings, and validation errors
that name the field."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ocpp.v16 import call as call16
from ocpp.v201 import call as call201

from tests.api.command_stations import station16, station201
from tests.api.conftest import Api, data, error
from voltgate.domain.access import Role

EVSE_URL = "/api/v1/stations/{}/evses/{}"

HARDWARE: dict[str, Any] = {
    "powerType": "AC_3_PHASE",
    "connectors": [
        {
            "id": 1,
            "connectionType": "IEC_62196_T2",
            "format": "SOCKET",
            "maxAmperage": 32,
            "maxVoltage": 400,
            "maxPowerWatts": 22000,
        },
        {
            "id": 2,
            "connectionType": "IEC_62196_T2",
            "format": "CABLE",
            "maxAmperage": 16,
            "maxVoltage": 230,
            "maxPowerWatts": 11000,
        },
    ],
}


def url(station: str, evse: int) -> str:
    return EVSE_URL.format(station, evse)


async def test_an_evse_is_described_before_its_station_ever_reports(api: Api) -> None:
    """PUT creates the EVSE with its connectors (201) on a station that never connected;
    the EVSE detail and the station detail show it, nominal ratings from the connectors."""
    await api.post("/api/v1/stations", json={"id": "CP-NEW"})
    body = {**HARDWARE, "emi3Id": "cz*abc*e100*1", "placement": "GARAGE", "limitPowerW": 16000}
    created = data(await api.put(url("CP-NEW", 1), Role.OPERATOR, json=body), 201)
    assert (created["id"], created["version"], created["emi3Id"]) == (1, 1, "CZ*ABC*E100*1")
    assert created["nominal"] == {"voltageV": 400.0, "currentA": 32.0, "powerW": 22000.0}
    assert created["available"] == {"voltageV": 400.0, "currentA": 32.0, "powerW": 16000.0}
    assert [c["connectionType"] for c in created["connectors"]] == ["IEC_62196_T2"] * 2
    assert [c["status"] for c in created["connectors"]] == [None, None]
    assert data(await api.get(url("CP-NEW", 1), Role.VIEWER)) == created
    detail = data(await api.get("/api/v1/stations/CP-NEW", Role.VIEWER))
    assert detail["evses"] == [created]
    # A second PUT replaces the description: left-out fields are cleared, version moves on.
    again = data(await api.put(url("CP-NEW", 1), Role.OPERATOR, json=HARDWARE))
    assert (again["version"], again["emi3Id"], again["placement"]) == (2, None, None)
    assert again["available"]["powerW"] == 22000.0


async def test_station_reports_keep_the_description_and_time_status_changes(api: Api) -> None:
    """A 1.6 StatusNotification updates status without touching the connector's equipment;
    statusChangedAt moves only when the status changes; the first report activates."""
    await api.post("/api/v1/stations", json={"id": "CP-16"})
    data(await api.put(url("CP-16", 1), Role.OPERATOR, json=HARDWARE), 201)
    async with station16(api.csms, "CP-16") as station:
        for status, at in (("Available", 1), ("Available", 2), ("Charging", 3)):
            await station.call(
                call16.StatusNotification(
                    connector_id=1,
                    error_code="NoError",
                    status=status,
                    timestamp=datetime(2026, 12, 1, 10, at, tzinfo=UTC).isoformat(),
                )
            )
    evse = data(await api.get(url("CP-16", 1), Role.VIEWER))
    first = evse["connectors"][0]
    assert (first["status"], first["connectionType"], first["maxPowerWatts"]) == (
        "CHARGING", "IEC_62196_T2", 22000.0
    )  # fmt: skip
    assert first["statusAt"] == first["statusChangedAt"] == "2026-12-01T10:03:00Z"
    assert (evse["status"], evse["statusChangedAt"]) == ("CHARGING", "2026-12-01T10:03:00Z")
    assert evse["firstActivatedAt"] == "2026-12-01T10:01:00Z"
    assert evse["version"] == 1  # reports are live state, not operator changes


async def test_patch_changes_what_is_sent_and_refuses_a_stale_version(api: Api) -> None:
    """PATCH sets only the fields sent; with the current version it passes and moves the
    version on; with a stale one it is refused 409 and nothing changes."""
    async with station201(api.csms, "CP-201") as station:
        await station.call(
            call201.StatusNotification(
                timestamp=datetime.now(UTC).isoformat(),
                connector_status="Available",
                evse_id=1,
                connector_id=1,
            )
        )
    first = data(await api.get(url("CP-201", 1), Role.VIEWER))
    assert first["version"] == 1
    changes = {"version": 1, "code": "P-01", "public": True, "tariffText": "0.45 EUR/kWh"}
    changed = data(await api.patch(url("CP-201", 1), Role.OPERATOR, json=changes))
    assert (changed["version"], changed["code"], changed["public"]) == (2, "P-01", True)
    assert changed["modifiedAt"] is not None
    assert changed["connectors"][0]["status"] == "AVAILABLE"
    stale = await api.patch(url("CP-201", 1), Role.OPERATOR, json={"version": 1, "code": "X"})
    assert error(stale, 409)["code"] == "CONFLICT"
    same = data(await api.patch(url("CP-201", 1), Role.OPERATOR, json={"code": "P-01"}))
    assert (same["version"], same["code"]) == (2, "P-01")  # nothing changed: same version
    cleared = data(await api.patch(url("CP-201", 1), Role.OPERATOR, json={"code": None}))
    assert (cleared["version"], cleared["code"], cleared["public"]) == (3, None, True)


async def test_validation_errors_name_the_field(api: Api) -> None:
    """Malformed values, limits above the nominal rating, a terminal id without a terminal
    and an EvseId another EVSE has are refused, each naming its field."""
    await api.post("/api/v1/stations", json={"id": "CP-V"})
    data(await api.put(url("CP-V", 1), Role.OPERATOR, json=HARDWARE), 201)
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"emi3Id": "not-an-evse-id"}, 422, "body.emi3Id"),
        ({"placement": "ROOF"}, 422, "body.placement"),
        ({"limitPowerW": 50000}, 422, "body.limitPowerW"),
        ({"limitCurrentA": -1}, 422, "body.limitCurrentA"),
        ({"paymentTerminal": False, "paymentTerminalId": "T-1"}, 422, "body.paymentTerminalId"),
        ({"deleted": None}, 422, "body.deleted"),
        ({"connectors": [{"id": 1}, {"id": 1}]}, 422, "body.connectors"),
        ({"connectors": [{"id": 1, "maxVoltage": "high"}]}, 422, "body.connectors.0.maxVoltage"),
        ({"colour": "red"}, 422, "body.colour"),
    ]
    for body, status, location in cases:
        problem = error(await api.patch(url("CP-V", 1), Role.OPERATOR, json=body), status)
        assert [d["location"] for d in problem["details"]] == [location], body
    await api.patch(url("CP-V", 1), Role.OPERATOR, json={"emi3Id": "CZ*ABC*E1"})
    data(await api.put(url("CP-V", 2), Role.OPERATOR, json={}), 201)
    taken = await api.patch(url("CP-V", 2), Role.OPERATOR, json={"emi3Id": "cz*abc*e1"})
    assert error(taken, 409)["code"] == "ALREADY_EXISTS"
    assert error(await api.get(url("CP-V", 9), Role.VIEWER), 404)["message"] == (
        "station 'CP-V' has no EVSE 9"
    )
    assert error(await api.get(url("NOPE", 1), Role.VIEWER), 404)["code"] == "NOT_FOUND"
    assert error(await api.put(url("NOPE", 1), Role.OPERATOR, json={}), 404)
    error(await api.get(url("CP-V", 0), Role.VIEWER), 422)  # EVSE 0 is the main meter


async def test_network_settings_are_checked_and_shown(api: Api) -> None:
    """PATCH network replaces the station's settings, checked as a whole with ipaddress;
    the detail shows them with the netmask derived from the prefix length."""
    await api.post("/api/v1/stations", json={"id": "CP-N"})
    network = {
        "staticIp": True,
        "ipAddress": "192.168.10.20",
        "netmask": "255.255.255.0",
        "gateway": "192.168.10.1",
        "dnsServers": ["192.168.10.1", "2001:db8::53"],
        "ntpServer": "pool.ntp.org",
        "ocppServerFqdn": "csms.example.com",
        "ocppServerIp": "203.0.113.7",
    }
    detail = data(
        await api.patch("/api/v1/stations/CP-N", Role.OPERATOR, json={"network": network})
    )
    assert detail["network"] == {
        "staticIp": True,
        "ipv4": True,
        "ipv6": None,
        "ipAddress": "192.168.10.20",
        "prefixLength": 24,
        "netmask": "255.255.255.0",
        "gateway": "192.168.10.1",
        "dnsServers": ["192.168.10.1", "2001:db8::53"],
        "ntpServer": "pool.ntp.org",
        "ocppServerFqdn": "csms.example.com",
        "ocppServerIp": "203.0.113.7",
    }
    assert detail["registration"] == "ACCEPTED"  # left out: unchanged
    bad: list[tuple[dict[str, Any], str]] = [
        ({**network, "gateway": "10.0.0.1"}, "body.network.gateway"),
        ({**network, "ipAddress": "192.168.10.300"}, "body.network.ipAddress"),
        ({**network, "ipv4": False}, "body.network.ipv4"),
        ({**network, "prefixLength": 16}, "body.network"),
        ({"staticIp": True}, "body.network.ipAddress"),
        ({"ocppServerFqdn": "bad_host!"}, "body.network.ocppServerFqdn"),
        ({"ipAddress": "2001:db8::5", "prefixLength": 129}, "body.network.prefixLength"),
    ]
    for body, location in bad:
        response = await api.patch("/api/v1/stations/CP-N", Role.OPERATOR, json={"network": body})
        assert [d["location"] for d in error(response, 422)["details"]] == [location], body
    unchanged = data(await api.get("/api/v1/stations/CP-N", Role.VIEWER))
    assert unchanged["network"]["gateway"] == "192.168.10.1"
    v6 = {"ipAddress": "2001:db8::5", "prefixLength": 64, "gateway": "2001:db8::1"}
    ipv6 = data(await api.patch("/api/v1/stations/CP-N", Role.OPERATOR, json={"network": v6}))
    assert (ipv6["network"]["ipv6"], ipv6["network"]["netmask"]) == (True, None)
    assert ipv6["network"]["ocppServerFqdn"] is None  # the settings are replaced whole
