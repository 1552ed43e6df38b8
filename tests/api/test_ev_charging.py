"""Reference endpoint 03 over real HTTP, on SQLite and PostgreSQL: the EV charging
information of a device (POST as the reference writes it, GET, PUT, DELETE, the smartcharge
PATCH) and its charge plan, computed by a server whose clock the test holds still."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.api.conftest import Api, error
from tests.api.customer_support import Chain, chain, missing_steps, station_with_evses
from voltgate.app import Csms, running
from voltgate.config import Settings
from voltgate.domain.access import Role
from voltgate.testing.clock import FakeClock

NOW = datetime(2025, 5, 19, 22, 0, tzinfo=UTC)

# The reference's sample body, with ids that match the path (set per test).
SAMPLE: dict[str, Any] = {
    "ChargingMode": 0,
    "SmartModeIsActive": True,
    "CarInfoId": "sample string 1",
    "CarManufacturer": "sample string 2",
    "CarModel": "sample string 3",
    "CarGeneration": "sample string 4",
    "GrossBatterySize": 1.1,
    "NetBatterySize": 1.1,
    "BatteryLevel": 1.1,
    "FullyChargedBy": "2025-05-19T22:44:01.1571182+00:00",
}


@pytest.fixture
def clock() -> FakeClock:
    """The server's clock: 2025-05-19 22:00 UTC until a test moves it."""
    return FakeClock(NOW)


@pytest.fixture
async def csms(database_url: str, clock: FakeClock) -> AsyncIterator[Csms]:
    """Voltgate on free loopback ports, on the test's database, on the test's clock."""
    settings = Settings(host="127.0.0.1", ocpp_port=0, api_port=0, database_url=database_url)
    async with running(settings, clock=clock) as node:
        yield node


@pytest.fixture
async def made(api: Api) -> Chain:
    """Customer, contract 4711, gateway "Home" (11 kW) and a device on EVSE 1 of CP-1."""
    await station_with_evses(api, "CP-1")
    return await chain(api)


def ids(made: Chain) -> dict[str, Any]:
    """The body ids that match `made`'s path, spelled as the reference does."""
    return {
        "CustomerId": str(made.customer["id"]),
        "ContractId": made.contract["contractNo"],
        "GatewayAssetId": made.gateway["id"],
        "DeviceAssetId": made.device["id"],
    }


async def test_post_creates_the_entity_as_the_reference_writes_it(api: Api, made: Chain) -> None:
    """The reference's sample body is answered 201 with the new entity (PascalCase, the
    path's ids, CustomerId a string, .NET times) and its Location; GET reads it back."""
    response = await api.post(made.reference_url, role=Role.OPERATOR, json={**SAMPLE, **ids(made)})
    assert response.status_code == 201, response.text
    assert response.headers["Location"] == made.reference_url
    assert response.headers["Content-Type"] == "application/json"
    entity = response.json()
    assert entity == {
        **SAMPLE,
        **ids(made),
        "FullyChargedBy": "2025-05-19T22:44:01.157118+00:00",
        "CreatedAt": "2025-05-19T22:00:00+00:00",
        "UpdatedAt": "2025-05-19T22:00:00+00:00",
    }
    assert (await api.get(made.reference_url, role=Role.VIEWER)).json() == entity


async def test_text_json_both_ways_and_ids_may_be_left_out(api: Api, made: Chain) -> None:
    """A text/json body is read; Accept: text/json is answered so; a body without ids takes
    them from the path; a time without offset is UTC; a text/html body (as the reference
    lists) is read as JSON, but never answered as text/html."""
    response = await api.post(
        made.reference_url,
        content=b'{"ChargingMode": 1, "FullyChargedBy": "2025-05-20T06:00:00"}',
        headers={"Content-Type": "text/json; charset=utf-8", "Accept": "text/json"},
    )
    assert response.status_code == 201, response.text
    assert response.headers["Content-Type"].startswith("text/json")
    entity = response.json()
    assert entity["ChargingMode"] == 1 and entity["FullyChargedBy"] == "2025-05-20T06:00:00+00:00"
    assert {name: entity[name] for name in ids(made)} == ids(made)
    assert entity["SmartModeIsActive"] is None and entity["NetBatterySize"] is None
    html = {"Content-Type": "text/html", "Accept": "text/html"}
    response = await api.put(made.reference_url, content=b'{"BatteryLevel": 5}', headers=html)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/json"  # never a page
    assert response.json()["BatteryLevel"] == 5


async def test_each_missing_parent_is_named(api: Api, made: Chain) -> None:
    """POST (and GET) for a missing customer, contract, gateway or device: 404 naming it."""
    for path_ids, message in missing_steps(made):
        url = "/api/customers/{}/contracts/{}/gateways/{}/evchargingdevices/{}".format(*path_ids)
        assert error(await api.post(url, json={"BatteryLevel": 5}), 404)["message"] == message
        assert error(await api.get(url), 404)["message"] == message
    assert error(await api.get(made.reference_url), 404)["message"] == (
        f"device {made.device['id']} has no EV charging information"
    )


async def test_a_second_post_is_a_conflict(api: Api, made: Chain) -> None:
    """The device has its information already: 409 ALREADY_EXISTS, the first one stays."""
    assert (await api.post(made.reference_url, json={"BatteryLevel": 10})).status_code == 201
    problem = error(await api.post(made.reference_url, json={"BatteryLevel": 90}), 409)
    assert problem["code"] == "ALREADY_EXISTS"
    assert (await api.get(made.reference_url)).json()["BatteryLevel"] == 10


async def test_body_ids_that_contradict_the_path_are_named(api: Api, made: Chain) -> None:
    """Each body id naming another record than the path is a 422 detail; matching ids,
    CustomerId as a number too, are accepted."""
    wrong = {"CustomerId": "8", "ContractId": 1, "GatewayAssetId": 999, "DeviceAssetId": 998}
    problem = error(await api.post(made.reference_url, json=wrong), 422)
    assert [d["location"] for d in problem["details"]] == [
        "body.CustomerId",
        "body.ContractId",
        "body.GatewayAssetId",
        "body.DeviceAssetId",
    ]
    assert problem["details"][0]["message"] == (
        f"CustomerId '8' contradicts the path's customerId {made.customer['id']}"
    )
    assert problem["details"][1]["message"] == "ContractId 1 contradicts the path's contractNo 4711"
    for value in ("x7", "", " 1"):
        problem = error(await api.post(made.reference_url, json={"CustomerId": value}), 422)
        assert [d["location"] for d in problem["details"]] == ["body.CustomerId"]
    body = {**ids(made), "CustomerId": made.customer["id"]}
    assert (await api.post(made.reference_url, json=body)).status_code == 201


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("ChargingMode", 2),
        ("ChargingMode", "1"),
        ("ChargingMode", True),
        ("ChargingMode", None),
        ("SmartModeIsActive", "yes"),
        ("BatteryLevel", 100.5),
        ("BatteryLevel", -1),
        ("BatteryLevel", "abc"),
        ("GrossBatterySize", 0),
        ("NetBatterySize", 5000),
        ("FullyChargedBy", "tomorrow"),
        ("CarModel", "x" * 201),
        ("CarModel", "a\x00b"),
        ("ContractId", "4711"),
        ("Unexpected", 1),
    ],
)
async def test_wrong_types_and_values_are_named(
    api: Api, made: Chain, field: str, value: object
) -> None:
    """A value of the wrong type or out of range, or an unknown field: 422 naming it."""
    problem = error(await api.post(made.reference_url, json={field: value}), 422)
    assert problem["code"] == "VALIDATION_FAILED"
    assert problem["details"][0]["location"] == f"body.{field}"
    assert (await api.get(made.reference_url)).status_code == 404  # nothing stored


async def test_unreadable_bodies(api: Api, made: Chain) -> None:
    """Malformed JSON or a non-object: 422; another media type: 415; over 16 KiB: 413;
    a net battery size above the gross one: 422 naming NetBatterySize."""
    url = made.reference_url
    json_type = {"Content-Type": "application/json"}
    assert error(await api.post(url, content=b"{not json", headers=json_type), 422)
    assert error(await api.post(url, json=[1, 2]), 422)["details"][0]["location"] == "body"
    plain = {"Content-Type": "text/plain"}
    assert error(await api.post(url, content=b"{}", headers=plain), 415)["code"] == (
        "UNSUPPORTED_MEDIA_TYPE"
    )
    big = b'{"CarModel": "' + b"x" * 17_000 + b'"}'
    assert error(await api.post(url, content=big, headers=json_type), 413)
    problem = error(await api.post(url, json={"GrossBatterySize": 50, "NetBatterySize": 60}), 422)
    assert problem["details"] == [
        {
            "location": "body.NetBatterySize",
            "message": "the net battery size 60 kWh exceeds the gross 50 kWh",
            "type": "value_error",
        }
    ]


async def test_put_replaces_the_whole_entity(api: Api, made: Chain, clock: FakeClock) -> None:
    """PUT stores the body as the whole entity (fields left out become empty) and keeps
    CreatedAt; on a device without information it is 404; it checks ids like POST."""
    assert error(await api.put(made.reference_url, json={"BatteryLevel": 5}), 404)["message"] == (
        f"device {made.device['id']} has no EV charging information"
    )
    await api.post(made.reference_url, json={**SAMPLE, **ids(made)})
    clock.advance(60)
    response = await api.put(
        made.reference_url, role=Role.OPERATOR, json={"ChargingMode": 1, "NetBatterySize": 77.4}
    )
    assert response.status_code == 200, response.text
    entity = response.json()
    assert (entity["ChargingMode"], entity["NetBatterySize"], entity["CarModel"]) == (1, 77.4, None)
    assert entity["CreatedAt"] == "2025-05-19T22:00:00+00:00"
    assert entity["UpdatedAt"] == "2025-05-19T22:01:00+00:00"
    assert (await api.get(made.reference_url)).json() == entity
    error(await api.put(made.reference_url, json={"DeviceAssetId": 12345}), 422)
    body = {"GrossBatterySize": 50, "NetBatterySize": 60}
    problem = error(await api.put(made.reference_url, json=body), 422)
    assert problem["details"][0]["location"] == "body.NetBatterySize"


async def test_smartcharge_changes_level_and_deadline_only(api: Api, made: Chain) -> None:
    """PATCH smartcharge changes what it is sent of BatteryLevel and FullyChargedBy (null
    clears); anything else, or nothing, is 422; the rest of the entity stays."""
    await api.post(made.reference_url, json={**SAMPLE, **ids(made)})
    url = made.reference_url + "/smartcharge"
    entity = (await api.patch(url, role=Role.OPERATOR, json={"BatteryLevel": 42.5})).json()
    assert (entity["BatteryLevel"], entity["FullyChargedBy"]) == (
        42.5,
        SAMPLE["FullyChargedBy"][:26] + "+00:00",
    )
    assert entity["CarModel"] == "sample string 3"
    entity = (await api.patch(url, json={"FullyChargedBy": None})).json()
    assert (entity["BatteryLevel"], entity["FullyChargedBy"]) == (42.5, None)
    entity = (await api.patch(url, json={"FullyChargedBy": "2025-05-20T08:00:00+02:00"})).json()
    assert entity["FullyChargedBy"] == "2025-05-20T06:00:00+00:00"
    problem = error(await api.patch(url, json={"ChargingMode": 1}), 422)
    assert problem["details"][0]["location"] == "body.ChargingMode"
    assert error(await api.patch(url, json={}), 422)["message"] == (
        "send BatteryLevel or FullyChargedBy (or both)"
    )
    error(await api.patch(url, json={"BatteryLevel": 101}), 422)


async def test_delete_removes_the_information_only(api: Api, made: Chain) -> None:
    """DELETE answers 204; the information is gone (404), the device stays and may then be
    removed; a second DELETE is 404."""
    await api.post(made.reference_url, json={"BatteryLevel": 5})
    assert (await api.delete(made.reference_url, role=Role.OPERATOR)).status_code == 204
    assert error(await api.get(made.reference_url), 404)
    assert error(await api.delete(made.reference_url), 404)
    assert (await api.delete(made.device_url)).status_code == 204


async def plan(api: Api, made: Chain, body: dict[str, Any]) -> dict[str, Any]:
    """Store `body` as the device's information and read its charge plan (as a viewer)."""
    response = await api.post(made.reference_url, json=body)
    assert response.status_code == 201, response.text
    answer = await api.get(made.reference_url + "/chargeplan", role=Role.VIEWER)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


async def test_smart_plan_finishes_by_the_deadline(api: Api, made: Chain) -> None:
    """47.6 kWh net at 20 %, smart, full by 06:00, gateway 11 kW: 42.311 kWh from the grid,
    3 h 50 min 48 s, starting 02:09, hour by hour, explained."""
    body = {
        "ChargingMode": 1,
        "SmartModeIsActive": True,
        "NetBatterySize": 47.6,
        "GrossBatterySize": 52,
        "BatteryLevel": 20,
        "FullyChargedBy": "2025-05-20T06:00:00+00:00",
    }
    result = await plan(api, made, body)
    assert {
        k: result[k] for k in ("Status", "SmartCharging", "Start", "End", "TotalChargeTime")
    } == {
        "Status": "OnTime",
        "SmartCharging": True,
        "Start": "2025-05-20T02:09:00+00:00",
        "End": "2025-05-20T05:59:48+00:00",
        "TotalChargeTime": "03:50:48",
    }
    assert (result["EnergyToBatteryKwh"], result["EnergyFromGridKwh"]) == (38.08, 42.311)
    assert (result["PowerKw"], result["Efficiency"], result["BatterySizeUsed"]) == (11, 0.9, "Net")
    assert (result["TargetReachedByDeadline"], result["LevelAtDeadline"]) == (True, 100)
    assert [(s["Start"][11:16], s["EnergyKwh"]) for s in result["Slots"]] == [
        ("02:09", 9.35),
        ("03:00", 11),
        ("04:00", 11),
        ("05:00", 10.961),
    ]
    assert result["Missing"] == [] and result["ComputedAt"] == "2025-05-19T22:00:00+00:00"
    assert result["Explanation"] == (
        "needs 42.31 kWh from the grid (38.08 kWh into the battery, 20 % to 100 % of 47.6 kWh, "
        "at 90 % efficiency) at 11 kW (the limit of gateway 'Home') = 3 h 51 min; "
        "starting 2025-05-20 02:09 UTC to finish by 2025-05-20 06:00 UTC"
    )


async def test_plan_follows_the_gateway_limit_and_the_clock(
    api: Api, made: Chain, clock: FakeClock
) -> None:
    """A lower gateway limit lengthens the plan at once; as time passes the deadline comes
    too near, then passes, and the plan says so."""
    body = {
        "ChargingMode": 1,
        "NetBatterySize": 40,
        "BatteryLevel": 50,
        "FullyChargedBy": "2025-05-20T06:00:00Z",
    }
    assert (await plan(api, made, body))["TotalChargeTime"] == "02:01:13"
    await api.patch(made.gateway_url, json={"maxPowerKw": 3.7})
    url = made.reference_url + "/chargeplan"
    result = (await api.get(url)).json()
    assert (result["PowerKw"], result["TotalChargeTime"], result["Start"]) == (
        3.7,
        "06:00:22",
        "2025-05-19T23:59:00+00:00",
    )
    clock.set(datetime(2025, 5, 20, 3, 0, tzinfo=UTC))
    result = (await api.get(url)).json()
    assert (result["Status"], result["Start"], result["TargetReachedByDeadline"]) == (
        "DeadlineTooNear",
        "2025-05-20T03:00:00+00:00",
        False,
    )
    assert result["LevelAtDeadline"] == 75
    assert "deadline too near: at 3.7 kW only 75 % by 06:00 UTC" in result["Explanation"]
    clock.set(datetime(2025, 5, 20, 7, 0, tzinfo=UTC))
    result = (await api.get(url)).json()
    assert result["Status"] == "DeadlinePassed" and result["LevelAtDeadline"] == 50
    assert "deadline 06:00 UTC is in the past: charging now" in result["Explanation"]


async def test_plan_follows_the_evse_power_below_the_gateway(api: Api, made: Chain) -> None:
    """An EVSE described as 7.4 kW (one 32 A single-phase connector) under an 11 kW gateway
    plans at 7.4 kW and says why; the operator's lower limit then wins; a whole-station
    device plans at its most powerful EVSE."""
    connector = {"id": 1, "connectionType": "IEC_62196_T2", "format": "SOCKET",
                 "maxAmperage": 32, "maxVoltage": 230, "maxPowerWatts": 7400}  # fmt: skip
    evse = "/api/v1/stations/CP-1/evses/1"
    described = await api.put(evse, json={"powerType": "AC_1_PHASE", "connectors": [connector]})
    assert described.status_code == 200, described.text
    body = {"ChargingMode": 0, "NetBatterySize": 40, "BatteryLevel": 50}
    result = await plan(api, made, body)
    assert (result["PowerKw"], result["TotalChargeTime"]) == (7.4, "03:00:11")  # 22.22 kWh
    assert "at 7.4 kW (the available power of EVSE 1 of station 'CP-1')" in result["Explanation"]

    version = (await api.get(evse)).json()["data"]["version"]
    await api.patch(evse, json={"version": version, "limitPowerW": 3700})
    result = (await api.get(made.reference_url + "/chargeplan")).json()
    assert result["PowerKw"] == 3.7

    await api.patch(made.device_url, json={"stationId": "CP-1", "evseId": None})
    result = (await api.get(made.reference_url + "/chargeplan")).json()
    assert result["PowerKw"] == 3.7  # EVSE 2 states no power: EVSE 1's limit is the most known


async def test_full_battery_and_missing_data_plans(api: Api, made: Chain) -> None:
    """At 100 % the plan charges nothing; without battery size and level it names both."""
    full = await plan(api, made, {"BatteryLevel": 100, "NetBatterySize": 60})
    assert (full["Status"], full["Slots"], full["Start"], full["EnergyFromGridKwh"]) == (
        "AlreadyFull",
        [],
        None,
        0,
    )
    assert full["Explanation"] == "battery at 100 %: already full"
    await api.delete(made.reference_url)
    unknown = await plan(api, made, {"ChargingMode": 1})
    assert (unknown["Status"], unknown["Missing"]) == (
        "MissingData",
        ["BatterySize", "BatteryLevel"],
    )
    assert unknown["Explanation"] == (
        "cannot plan: the battery size (net or gross) and the battery level are unknown"
    )


async def test_no_plan_without_information(api: Api, made: Chain) -> None:
    """The plan of a device without EV charging information is 404 naming that."""
    problem = error(await api.get(made.reference_url + "/chargeplan"), 404)
    assert problem["message"] == f"device {made.device['id']} has no EV charging information"
