"""Id tokens over real HTTP: provisioned, changed, blocked and removed through the API, and
heard that way by real 1.6 and 2.0.1 stations asking about them."""

from __future__ import annotations

from ocpp.v16 import call as call16
from ocpp.v201 import call as call201

from tests.api.conftest import Api, data, error
from tests.e2e.conftest import PASSWORD, charge_point, charge_point_201
from voltgate.domain.access import Role


async def authorize_16(api: Api, id_tag: str) -> str:
    async with charge_point(api.csms, "CP-16") as cp:
        await cp.call(call16.BootNotification(charge_point_vendor="ACME", charge_point_model="X1"))
        answer = await cp.call(call16.Authorize(id_tag=id_tag))
    status: str = answer.id_tag_info["status"]
    return status


async def authorize_201(api: Api, id_tag: str, token_type: str = "ISO14443") -> dict[str, str]:
    async with charge_point_201(api.csms, "CP-201") as cp:
        await cp.call(
            call201.BootNotification(
                charging_station={"model": "X1", "vendor_name": "ACME"}, reason="PowerUp"
            )
        )
        answer = await cp.call(call201.Authorize(id_token={"id_token": id_tag, "type": token_type}))
    info: dict[str, str] = answer.id_token_info
    return info


async def stations(api: Api) -> None:
    for station_id in ("CP-16", "CP-201"):
        body = {"id": station_id, "password": PASSWORD}
        data(await api.post("/api/v1/stations", json=body), 201)


async def test_provisioned_token_is_accepted_by_both_versions_c01(api: Api) -> None:
    """A token created over the API is Accepted at 1.6 and 2.0.1 stations, with its group
    and personal message (2.0.1 C01.FR.02: the CSMS answers with idTokenInfo)."""
    await stations(api)
    body = {
        "idTag": "04A1B2C3",
        "parentIdTag": "FLEET-1",
        "personalMessage": "Hello Alice",
        "expiresAt": "2030-01-01T00:00:00+01:00",
    }
    created = data(await api.post("/api/v1/id-tokens", role=Role.OPERATOR, json=body), 201)
    assert created == {
        "idTag": "04A1B2C3",
        "status": "ACCEPTED",
        "expiresAt": "2029-12-31T23:00:00Z",
        "parentIdTag": "FLEET-1",
        "type": None,
        "personalMessage": "Hello Alice",
    }
    assert data(await api.get("/api/v1/id-tokens/04a1b2c3", role=Role.VIEWER)) == created
    assert await authorize_16(api, "04A1B2C3") == "Accepted"
    info = await authorize_201(api, "04a1b2c3")
    assert info["status"] == "Accepted"
    assert info["group_id_token"]["id_token"] == "FLEET-1"
    assert info["personal_message"]["content"] == "Hello Alice"


async def test_blocked_token_is_refused_at_once(api: Api) -> None:
    """PATCH status BLOCKED: the next Authorize hears Blocked; other fields are kept."""
    await stations(api)
    data(await api.post("/api/v1/id-tokens", json={"idTag": "TAG-1", "parentIdTag": "G"}), 201)
    patched = data(await api.patch("/api/v1/id-tokens/TAG-1", json={"status": "BLOCKED"}))
    assert (patched["status"], patched["parentIdTag"]) == ("BLOCKED", "G")
    assert await authorize_16(api, "TAG-1") == "Blocked"
    assert (await authorize_201(api, "TAG-1"))["status"] == "Blocked"


async def test_patch_clears_only_what_is_sent_as_null(api: Api) -> None:
    """A field sent as null is cleared; a field left out keeps its value."""
    body = {"idTag": "TAG-1", "parentIdTag": "G", "type": "ISO14443", "personalMessage": "hi"}
    data(await api.post("/api/v1/id-tokens", json=body), 201)
    patched = data(await api.patch("/api/v1/id-tokens/TAG-1", json={"parentIdTag": None}))
    assert (patched["parentIdTag"], patched["type"], patched["personalMessage"]) == (
        None,
        "ISO14443",
        "hi",
    )
    error(await api.patch("/api/v1/id-tokens/NOPE", json={"status": "BLOCKED"}), 404)


async def test_typed_token_matches_only_its_type(api: Api) -> None:
    """A token provisioned with a type (2.0.1 IdTokenEnumType) is Unknown when presented
    with another type."""
    await stations(api)
    data(await api.post("/api/v1/id-tokens", json={"idTag": "KEY-1", "type": "KEY_CODE"}), 201)
    assert (await authorize_201(api, "KEY-1", "KeyCode"))["status"] == "Accepted"
    assert (await authorize_201(api, "KEY-1", "ISO14443"))["status"] == "Unknown"


async def test_removed_token_is_unknown_to_stations(api: Api) -> None:
    """DELETE: 1.6 hears Invalid, 2.0.1 Unknown; a second DELETE is 404."""
    await stations(api)
    data(await api.post("/api/v1/id-tokens", json={"idTag": "TAG-1"}), 201)
    assert (await api.delete("/api/v1/id-tokens/tag-1", role=Role.OPERATOR)).status_code == 204
    assert await authorize_16(api, "TAG-1") == "Invalid"
    assert (await authorize_201(api, "TAG-1"))["status"] == "Unknown"
    error(await api.delete("/api/v1/id-tokens/TAG-1"), 404)


async def test_token_list_pages_in_any_letter_case_and_filters_status(api: Api) -> None:
    """Tokens come by id tag regardless of case; `startingAfter` continues after a tag;
    `status` filters; a duplicate in another case is 409."""
    for tag in ("b", "A", "c", "D"):
        data(await api.post("/api/v1/id-tokens", json={"idTag": tag}), 201)
    data(await api.patch("/api/v1/id-tokens/c", json={"status": "EXPIRED"}))
    first = data(await api.get("/api/v1/id-tokens?limit=3"))
    assert [t["idTag"] for t in first["items"]] == ["A", "b", "c"] and first["hasMore"]
    rest = data(await api.get("/api/v1/id-tokens?startingAfter=C"))
    assert [t["idTag"] for t in rest["items"]] == ["D"] and not rest["hasMore"]
    expired = data(await api.get("/api/v1/id-tokens?status=EXPIRED"))["items"]
    assert [t["idTag"] for t in expired] == ["c"]
    assert error(await api.post("/api/v1/id-tokens", json={"idTag": "a"}), 409)["code"] == (
        "ALREADY_EXISTS"
    )
    error(await api.get("/api/v1/id-tokens?status=blocked"), 422)
    error(await api.post("/api/v1/id-tokens", json={"idTag": "x" * 37}), 422)
    error(
        await api.post("/api/v1/id-tokens", json={"idTag": "T", "personalMessage": "m" * 513}), 422
    )
