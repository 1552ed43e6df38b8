"""A station model defines the EVSEs and ratings of its stations, over real HTTP on SQLite
and PostgreSQL: when a station is provisioned with a model, linked to one, or matched to one
at its first boot; what an operator described is never overwritten; a station that only has
what its model described can still be removed."""

from __future__ import annotations

from typing import Any

from ocpp.v16 import call as call16

from tests.api.conftest import Api, data, error
from tests.api.station_model_support import CONNECTOR, create_model
from tests.e2e.conftest import PASSWORD, charge_point
from voltgate.domain.access import Role

STATIONS = "/api/v1/stations"

CHADEMO = {
    "id": 2,
    "connectionType": "CHADEMO",
    "format": "CABLE",
    "maxAmperage": 125,
    "maxVoltage": 500,
    "maxPowerWatts": 50000,
}


def hardware(detail: dict[str, Any]) -> dict[int, tuple[Any, ...]]:
    """Per EVSE of a station detail: its power type and each connector's kind and maxima."""
    return {
        evse["id"]: (
            evse["powerType"],
            [
                (c["id"], c["connectionType"], c["format"], c["maxAmperage"], c["maxPowerWatts"])
                for c in evse["connectors"]
            ],
        )
        for evse in detail["evses"]
    }


async def test_a_station_provisioned_with_a_model_has_its_evses(api: Api) -> None:
    """One EVSE per model connector, with the model's power type and the connector's kind
    and maxima; the EVSE's rated power follows from them."""
    model = await create_model(api, powerType="DC", connectors=[CONNECTOR, CHADEMO])
    body = {"id": "CP-M", "password": PASSWORD, "modelId": model["id"]}
    detail = data(await api.post(STATIONS, Role.OPERATOR, json=body), 201)
    detail = data(await api.get(f"{STATIONS}/CP-M", Role.VIEWER))
    assert hardware(detail) == {
        1: ("DC", [(1, "IEC_62196_T2", "SOCKET", 32, 22000)]),
        2: ("DC", [(1, "CHADEMO", "CABLE", 125, 50000)]),
    }
    evse = data(await api.get(f"{STATIONS}/CP-M/evses/2", Role.VIEWER))
    assert evse["nominal"]["powerW"] == 50000 and evse["version"] == 1


async def test_linking_fills_in_only_what_nobody_stated(api: Api) -> None:
    """An operator's description of EVSE 1 stays when the station is linked to a model;
    EVSE 2, which nobody described, gets the model's."""
    model = await create_model(api, connectors=[CONNECTOR, {**CONNECTOR, "id": 2}])
    data(await api.post(STATIONS, Role.OPERATOR, json={"id": "CP-L", "password": PASSWORD}), 201)
    own = {"id": 1, "connectionType": "IEC_62196_T2_COMBO", "format": "CABLE",
           "maxAmperage": 200, "maxVoltage": 920, "maxPowerWatts": 150000}  # fmt: skip
    described = await api.put(
        f"{STATIONS}/CP-L/evses/1", json={"powerType": "DC", "connectors": [own]}
    )
    assert described.status_code == 201, described.text
    data(await api.patch(f"{STATIONS}/CP-L", Role.OPERATOR, json={"modelId": model["id"]}))
    detail = data(await api.get(f"{STATIONS}/CP-L", Role.VIEWER))
    assert hardware(detail) == {
        1: ("DC", [(1, "IEC_62196_T2_COMBO", "CABLE", 200, 150000)]),
        2: ("AC_3_PHASE", [(1, "IEC_62196_T2", "SOCKET", 32, 22000)]),
    }


async def test_a_station_matched_at_boot_gets_its_models_evses(api: Api) -> None:
    """A provisioned station without a model that boots as acme / x1 is matched to the
    ACME / X1 model and, with it, has the model's EVSE and ratings; its status reports
    land on that EVSE."""
    await create_model(api)
    data(await api.post(STATIONS, Role.OPERATOR, json={"id": "CP-B", "password": PASSWORD}), 201)
    async with charge_point(api.csms, "CP-B") as cp:
        await cp.call(call16.BootNotification(charge_point_vendor="acme", charge_point_model="x1"))
        await cp.call(
            call16.StatusNotification(connector_id=1, error_code="NoError", status="Available")
        )
    detail = data(await api.get(f"{STATIONS}/CP-B", Role.VIEWER))
    assert detail["modelId"] is not None
    assert hardware(detail) == {1: ("AC_3_PHASE", [(1, "IEC_62196_T2", "SOCKET", 32, 22000)])}
    assert detail["evses"][0]["connectors"][0]["status"] == "AVAILABLE"


async def test_a_station_with_only_described_evses_can_be_removed(api: Api) -> None:
    """The model's EVSEs do not make a provisioned station undeletable; once the station
    reported a status, it has history and is kept (409, nothing deleted)."""
    model = await create_model(api)
    body = {"id": "CP-D", "password": PASSWORD, "modelId": model["id"]}
    data(await api.post(STATIONS, Role.OPERATOR, json=body), 201)
    assert (await api.delete(f"{STATIONS}/CP-D", Role.ADMIN)).status_code == 204
    error(await api.get(f"{STATIONS}/CP-D", Role.VIEWER), 404)

    data(await api.post(STATIONS, Role.OPERATOR, json=body), 201)
    async with charge_point(api.csms, "CP-D") as cp:
        await cp.call(call16.BootNotification(charge_point_vendor="ACME", charge_point_model="X1"))
        await cp.call(
            call16.StatusNotification(connector_id=1, error_code="NoError", status="Available")
        )
    problem = error(await api.delete(f"{STATIONS}/CP-D", Role.ADMIN), 409)
    assert problem["code"] == "IN_USE"
    detail = data(await api.get(f"{STATIONS}/CP-D", Role.VIEWER))
    assert hardware(detail) == {1: ("AC_3_PHASE", [(1, "IEC_62196_T2", "SOCKET", 32, 22000)])}
