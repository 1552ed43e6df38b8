"""Customers, contracts, gateways and devices over real HTTP, on SQLite and PostgreSQL: every
request of the native API, its pages, its 404s naming what is missing, its 409s, and the
rules of devices (a station or EVSE of ours, once)."""

from __future__ import annotations

from tests.api.conftest import Api, data, error
from tests.api.customer_support import CUSTOMERS, chain, missing_steps, station_with_evses
from voltgate.domain.access import Role


async def test_customer_lifecycle(api: Api) -> None:
    """Create (201), get, correct the name, list; remove (204), then 404 naming it."""
    created = data(await api.post(CUSTOMERS, role=Role.OPERATOR, json={"name": "Ada"}), 201)
    assert set(created) == {"id", "name", "createdAt"} and created["createdAt"].endswith("Z")
    url = f"{CUSTOMERS}/{created['id']}"
    assert data(await api.get(url, role=Role.VIEWER)) == created
    renamed = data(await api.patch(url, role=Role.OPERATOR, json={"name": "Ada Lovelace"}))
    assert renamed == {**created, "name": "Ada Lovelace"}
    assert data(await api.get(CUSTOMERS))["items"] == [renamed]
    assert (await api.delete(url, role=Role.OPERATOR)).status_code == 204
    assert error(await api.get(url), 404)["message"] == f"customer {created['id']} not found"
    assert error(await api.delete(url), 404)["code"] == "NOT_FOUND"


async def test_customer_pages_neither_skip_nor_repeat(api: Api) -> None:
    """Customers come by id, `limit` at a time; `startingAfter` continues after the last."""
    ids = [data(await api.post(CUSTOMERS, json={"name": f"C{n}"}), 201)["id"] for n in range(5)]
    first = data(await api.get(f"{CUSTOMERS}?limit=2"))
    assert [c["id"] for c in first["items"]] == ids[:2] and first["hasMore"]
    rest = data(await api.get(f"{CUSTOMERS}?limit=3&startingAfter={ids[1]}"))
    assert [c["id"] for c in rest["items"]] == ids[2:] and not rest["hasMore"]
    error(await api.get(f"{CUSTOMERS}?limit=0"), 422)


async def test_bad_customer_input_is_refused_naming_the_field(api: Api) -> None:
    """An empty or non-printable name, an unknown field, a non-numeric id: 422."""
    for body in ({"name": ""}, {"name": "A\x00"}, {"name": "A", "email": "x"}, {}):
        problem = error(await api.post(CUSTOMERS, json=body), 422)
        assert problem["details"][0]["location"].startswith("body")
    problem = error(await api.get(f"{CUSTOMERS}/abc"), 422)
    assert problem["details"][0]["location"] == "path.customerId"
    error(await api.get(f"{CUSTOMERS}/0"), 422)


async def test_contracts_are_numbered_per_customer(api: Api) -> None:
    """A contract number is unique for its customer (409 ALREADY_EXISTS), not across
    customers; contracts are addressed and listed by number; a number can be corrected."""
    one = data(await api.post(CUSTOMERS, json={"name": "One"}), 201)["id"]
    two = data(await api.post(CUSTOMERS, json={"name": "Two"}), 201)["id"]
    contracts = f"{CUSTOMERS}/{one}/contracts"
    for number in (30, 10, 20):
        created = data(
            await api.post(contracts, role=Role.OPERATOR, json={"contractNo": number}), 201
        )
        assert (created["customerId"], created["contractNo"]) == (one, number)
    problem = error(await api.post(contracts, json={"contractNo": 10}), 409)
    assert problem["code"] == "ALREADY_EXISTS" and "10" in problem["message"]
    data(await api.post(f"{CUSTOMERS}/{two}/contracts", json={"contractNo": 10}), 201)

    page = data(await api.get(f"{contracts}?limit=2", role=Role.VIEWER))
    assert [c["contractNo"] for c in page["items"]] == [10, 20] and page["hasMore"]
    page = data(await api.get(f"{contracts}?startingAfter=20"))
    assert [c["contractNo"] for c in page["items"]] == [30] and not page["hasMore"]
    assert data(await api.get(f"{contracts}/20"))["contractNo"] == 20

    moved = data(await api.patch(f"{contracts}/20", json={"contractNo": 25}))
    assert moved["contractNo"] == 25
    assert data(await api.get(f"{contracts}/25"))["id"] == moved["id"]
    assert error(await api.patch(f"{contracts}/25", json={"contractNo": 30}), 409)["code"] == (
        "ALREADY_EXISTS"
    )
    assert error(await api.get(f"{contracts}/20"), 404)["message"] == (
        f"contract 20 of customer {one} not found"
    )
    assert error(await api.get(f"{CUSTOMERS}/999/contracts"), 404)["message"] == (
        "customer 999 not found"
    )
    error(await api.post(contracts, json={"contractNo": 0}), 422)
    error(await api.post(contracts, json={"contractNo": "x"}), 422)
    error(await api.post(contracts, json={"contractNo": 2**31}), 422)


async def test_gateways_hold_an_exact_power_limit(api: Api) -> None:
    """maxPowerKw is read exactly (to the watt) and written as a number; it must be above
    0; only the fields sent change; a gateway of another contract is not found."""
    await station_with_evses(api, "CP-1")
    made = await chain(api, max_power_kw="22.125")
    assert made.gateway["maxPowerKw"] == 22.125 and made.gateway["name"] == "Home"
    gateways = made.gateway_url.rsplit("/", 1)[0]
    for bad in (0, -1, "abc", "1.0001", 1e9, None):
        problem = error(await api.post(gateways, json={"name": "G", "maxPowerKw": bad}), 422)
        assert problem["details"][0]["location"] == "body.maxPowerKw"
    patched = data(await api.patch(made.gateway_url, json={"maxPowerKw": 11}))
    assert (patched["name"], patched["maxPowerKw"]) == ("Home", 11)
    renamed = data(await api.patch(made.gateway_url, role=Role.OPERATOR, json={"name": "Garage"}))
    assert (renamed["name"], renamed["maxPowerKw"]) == ("Garage", 11)
    second = data(await api.post(gateways, json={"name": "Office", "maxPowerKw": 50}), 201)
    listed = data(await api.get(f"{gateways}?limit=1", role=Role.VIEWER))
    assert [g["id"] for g in listed["items"]] == [made.gateway["id"]] and listed["hasMore"]
    listed = data(await api.get(f"{gateways}?startingAfter={made.gateway['id']}"))
    assert [g["id"] for g in listed["items"]] == [second["id"]]

    other = data(
        await api.post(f"{CUSTOMERS}/{made.customer['id']}/contracts", json={"contractNo": 1}), 201
    )
    elsewhere = f"{CUSTOMERS}/{made.customer['id']}/contracts/{other['contractNo']}/gateways"
    assert error(await api.get(f"{elsewhere}/{made.gateway['id']}"), 404)["message"] == (
        f"gateway {made.gateway['id']} of contract 1 not found"
    )


async def test_a_device_is_a_station_or_evse_of_ours(api: Api) -> None:
    """The station must exist, its EVSE too when one is named (422 naming the field)."""
    await station_with_evses(api, "CP-1", evses=(1,))
    made = await chain(api, "CP-1", 1)
    assert {k: made.device[k] for k in ("stationId", "evseId")} == {
        "stationId": "CP-1",
        "evseId": 1,
    }
    devices = made.device_url.rsplit("/", 1)[0]
    problem = error(await api.post(devices, json={"stationId": "NOPE"}), 422)
    assert problem["details"] == [
        {
            "location": "body.stationId",
            "message": "station 'NOPE' does not exist",
            "type": "value_error",
        }
    ]
    problem = error(await api.post(devices, json={"stationId": "CP-1", "evseId": 7}), 422)
    assert problem["details"][0]["location"] == "body.evseId"
    assert problem["message"] == "evseId: station 'CP-1' has no EVSE 7"
    error(await api.post(devices, json={"stationId": "CP 1"}), 422)
    error(await api.post(devices, json={"stationId": "CP-1", "evseId": 0}), 422)


async def test_a_charging_point_is_one_device_across_the_system(api: Api) -> None:
    """The same EVSE twice (even behind another customer's gateway), a whole station with an
    EVSE device, or an EVSE of a whole-station device: 409 CONFLICT naming the device."""
    await station_with_evses(api, "CP-1", evses=(1, 2))
    await station_with_evses(api, "CP-2", evses=(1,))
    first = await chain(api, "CP-1", 1)
    devices = first.device_url.rsplit("/", 1)[0]
    taken = error(await api.post(devices, json={"stationId": "CP-1", "evseId": 1}), 409)
    assert taken["code"] == "CONFLICT"
    assert taken["message"] == f"EVSE 1 of station 'CP-1' is device {first.device['id']} already"
    other = await chain(api, "CP-2", None, contract_no=1)
    other_devices = other.device_url.rsplit("/", 1)[0]
    error(await api.post(other_devices, json={"stationId": "CP-1", "evseId": 1}), 409)
    whole = error(await api.post(devices, json={"stationId": "CP-1"}), 409)
    assert whole["message"] == (
        f"EVSE 1 of station 'CP-1' is device {first.device['id']}: "
        "the station cannot be a device as a whole too"
    )
    part = error(await api.post(devices, json={"stationId": "CP-2", "evseId": 1}), 409)
    assert part["message"] == (
        f"station 'CP-2' as a whole is device {other.device['id']}: its EVSEs cannot be devices too"
    )
    second = data(await api.post(devices, json={"stationId": "CP-1", "evseId": 2}), 201)
    page = data(await api.get(f"{devices}?limit=1"))
    assert [d["id"] for d in page["items"]] == [first.device["id"]] and page["hasMore"]
    page = data(await api.get(f"{devices}?startingAfter={first.device['id']}"))
    assert [d["id"] for d in page["items"]] == [second["id"]] and not page["hasMore"]


async def test_a_device_can_be_moved_to_the_right_charging_point(api: Api) -> None:
    """PATCH moves a device (same checks as creation); left-out fields stay; evseId null
    makes it the whole station."""
    await station_with_evses(api, "CP-1", evses=(1, 2))
    await station_with_evses(api, "CP-2", evses=(1,))
    made = await chain(api, "CP-1", 1)
    moved = data(await api.patch(made.device_url, role=Role.OPERATOR, json={"evseId": 2}))
    assert (moved["id"], moved["stationId"], moved["evseId"]) == (made.device["id"], "CP-1", 2)
    moved = data(await api.patch(made.device_url, json={"stationId": "CP-2", "evseId": None}))
    assert (moved["stationId"], moved["evseId"]) == ("CP-2", None)
    assert data(await api.get(made.device_url, role=Role.VIEWER)) == moved
    error(await api.patch(made.device_url, json={"stationId": "CP-1", "evseId": 9}), 422)
    devices = made.device_url.rsplit("/", 1)[0]
    data(await api.post(devices, json={"stationId": "CP-1", "evseId": 1}), 201)
    problem = error(
        await api.patch(made.device_url, json={"stationId": "CP-1", "evseId": None}), 409
    )
    assert "the station cannot be a device as a whole too" in problem["message"]


async def test_paths_name_the_first_missing_record(api: Api) -> None:
    """Every level of the path 404s with its own message; a device behind another gateway
    is not found behind this one."""
    await station_with_evses(api, "CP-1")
    made = await chain(api)
    d = made.device["id"]
    for ids, message in missing_steps(made):
        url = "{}/{}/contracts/{}/gateways/{}/devices/{}".format(CUSTOMERS, *ids)
        assert error(await api.get(url), 404)["message"] == message
    gateways = made.gateway_url.rsplit("/", 1)[0]
    other = data(await api.post(gateways, json={"name": "Other", "maxPowerKw": 5}), 201)
    assert error(await api.get(f"{gateways}/{other['id']}/devices/{d}"), 404)["message"] == (
        f"device {d} of gateway {other['id']} not found"
    )


async def test_records_with_dependants_are_kept(api: Api) -> None:
    """Customer with contracts, contract with gateways, gateway with devices, device with
    EV charging information, station with a device: 409 IN_USE; bottom-up removal works."""
    await station_with_evses(api, "CP-1")
    made = await chain(api)
    assert (await api.post(made.reference_url, json={"BatteryLevel": 50})).status_code == 201
    contract_url = made.gateway_url.rsplit("/gateways", 1)[0]
    customer_url = f"{CUSTOMERS}/{made.customer['id']}"
    for url, reason in (
        (customer_url, "it has contracts"),
        (contract_url, "it has gateways"),
        (made.gateway_url, "it has devices"),
        (made.device_url, "it has EV charging information"),
    ):
        problem = error(await api.delete(url, role=Role.OPERATOR), 409)
        assert problem["code"] == "IN_USE" and problem["message"].endswith(reason)
    assert error(await api.delete("/api/v1/stations/CP-1"), 409)["code"] == "IN_USE"
    for url in (made.reference_url, made.device_url, made.gateway_url, contract_url, customer_url):
        assert (await api.delete(url)).status_code == 204, url
        assert (await api.get(url)).status_code == 404, url
