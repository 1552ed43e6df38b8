"""Reference 04 over real HTTP, on SQLite and PostgreSQL: every documented request and
answer shape, each required field, max length, enum and number rule refused with a 4xx that
names the field, PATCH of friendlyName only, archive, filters, roles, and a 1,000-model
cursor walk that neither skips nor repeats models created during the walk."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.api.conftest import Api, data, error
from tests.api.station_model_support import (
    CATALOG,
    CONNECTOR,
    MODELS,
    create_model,
    list_models,
    model_body,
)
from voltgate.domain.access import Role

REFERENCE_FIELDS = {
    "id",
    "vendor",
    "model",
    "friendlyName",
    "powerType",
    "connectors",
    "configurationKeys",
    "imageUrl",
    "isArchived",
    "createdAt",
    "updatedAt",
}
CONNECTOR_FIELDS = set(CONNECTOR)


def locations(problem: dict[str, Any]) -> list[str]:
    return [detail["location"] for detail in problem["details"]]


async def test_create_and_get_answer_the_documented_shapes(api: Api) -> None:
    """Create answers {"data": model} with exactly the reference's fields (numbers as JSON
    numbers, ISO timestamps); get by id answers the same model bare, not wrapped."""
    body = model_body(connectors=[{**CONNECTOR, "id": 123.0, "maxAmperage": 123.0}])
    response = await api.post(MODELS, json=body)
    created = data(response, 200)
    assert set(created) == REFERENCE_FIELDS
    assert created["id"].startswith("mdl_")
    assert (created["vendor"], created["model"], created["friendlyName"]) == (
        "ACME",
        "X1",
        "ACME X1 22 kW",
    )
    assert created["powerType"] == "AC_3_PHASE"
    assert created["isArchived"] is False
    assert created["configurationKeys"] == {"ocppUrl": "wss://csms.example.com/ocpp"}
    assert created["imageUrl"] == "https://img.example.com/x1.png"
    (connector,) = created["connectors"]
    assert set(connector) == CONNECTOR_FIELDS
    assert connector["id"] == 123 and connector["maxAmperage"] == 123.0
    assert all(
        isinstance(connector[k], int | float)
        for k in CONNECTOR_FIELDS - {"format"} - {"connectionType"}
    )
    assert created["createdAt"].endswith("Z") and created["createdAt"] == created["updatedAt"]

    fetched = await api.get(f"{MODELS}/{created['id']}", Role.VIEWER)
    assert fetched.status_code == 200
    assert fetched.json() == created  # bare, no {"data": ...}


async def test_optional_fields_may_be_left_out(api: Api) -> None:
    """friendlyName and imageUrl are optional: left out, they read back as null."""
    body = model_body()
    del body["friendlyName"], body["imageUrl"]
    created = data(await api.post(MODELS, json=body))
    assert (created["friendlyName"], created["imageUrl"]) == (None, None)


REQUIRED = [
    ("vendor",),
    ("model",),
    ("powerType",),
    ("connectors",),
    ("configurationKeys",),
    ("configurationKeys", "ocppUrl"),
    *[("connectors", 0, name) for name in CONNECTOR],
]


@pytest.mark.parametrize("path", REQUIRED, ids=lambda p: ".".join(map(str, p)))
async def test_each_required_field_missing_is_named(api: Api, path: tuple[Any, ...]) -> None:
    """Each field the reference marks required, left out: 422 naming it; nothing stored."""
    body = model_body()
    holder: Any = body
    for part in path[:-1]:
        holder = holder[part]
    del holder[path[-1]]
    problem = error(await api.post(MODELS, json=body), 422)
    assert problem["code"] == "VALIDATION_FAILED"
    assert ".".join(map(str, ("body", *path))) in locations(problem)
    assert (await list_models(api))["items"] == []


LONGEST = {
    "vendor": "V" * 200,
    "model": "M" * 200,
    "friendlyName": "F" * 200,
    "imageUrl": "https://img.example.com/" + "i" * 476,
}


@pytest.mark.parametrize("field", [*LONGEST, "ocppUrl"])
async def test_each_max_length_holds_and_one_more_is_named(api: Api, field: str) -> None:
    """vendor, model, friendlyName, ocppUrl (200) and imageUrl (500) at their maximum are
    stored; one character more is 422 naming the field."""
    if field == "ocppUrl":
        longest = "wss://csms.example.com/" + "o" * 177
        assert len(longest) == 200
        ok = model_body(configurationKeys={"ocppUrl": longest})
        too_long = model_body(configurationKeys={"ocppUrl": longest + "o"})
        where = "body.configurationKeys.ocppUrl"
    else:
        assert len(LONGEST[field]) == (500 if field == "imageUrl" else 200)
        ok = model_body(**{field: LONGEST[field]})
        too_long = model_body(**{field: LONGEST[field] + "x"})
        where = f"body.{field}"
    created = data(await api.post(MODELS, json=ok))
    assert created["id"].startswith("mdl_")
    problem = error(await api.post(MODELS, json=too_long), 422)
    assert where in locations(problem)


ENUMS = [
    ("powerType", ("body", "powerType")),
    ("connectionType", ("body", "connectors", 0, "connectionType")),
    ("format", ("body", "connectors", 0, "format")),
]


@pytest.mark.parametrize(("field", "where"), ENUMS, ids=[e[0] for e in ENUMS])
async def test_each_enum_refuses_other_values(api: Api, field: str, where: tuple[Any, ...]) -> None:
    """powerType, connectionType and format outside their enum (or in another case): 422
    naming the field."""
    for wrong in ("TYPE_2", "dc", ""):
        body = model_body()
        if field == "powerType":
            body[field] = wrong
        else:
            body["connectors"][0][field] = wrong
        problem = error(await api.post(MODELS, json=body), 422)
        assert ".".join(map(str, where)) in locations(problem)


async def test_every_enum_value_is_accepted(api: Api) -> None:
    """All three power types, all eight connection types and both formats are stored."""
    types = [
        "CHADEMO",
        "IEC_62196_T1",
        "IEC_62196_T1_COMBO",
        "IEC_62196_T2",
        "IEC_62196_T2_COMBO",
        "TESLA_R",
        "TESLA_S",
        "SAE_J3400",
    ]
    connectors = [
        {**CONNECTOR, "id": n + 1, "connectionType": kind, "format": ("CABLE", "SOCKET")[n % 2]}
        for n, kind in enumerate(types)
    ]
    for power in ("AC_1_PHASE", "AC_3_PHASE", "DC"):
        created = await create_model(api, powerType=power, connectors=connectors)
        assert created["powerType"] == power
        assert [c["connectionType"] for c in created["connectors"]] == types
        assert [c["format"] for c in created["connectors"]] == ["CABLE", "SOCKET"] * 4


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id", "1"),
        ("id", 1.5),
        ("id", 0),
        ("maxAmperage", "32"),
        ("maxVoltage", True),
        ("maxPowerWatts", 0),
        ("maxPowerWatts", -22000),
    ],
)
async def test_connector_numbers_are_positive_json_numbers(
    api: Api, field: str, value: Any
) -> None:
    """A connector number given as a string or boolean, a fractional id, zero or a
    negative rating: 422 naming the field."""
    body = model_body(connectors=[{**CONNECTOR, field: value}])
    problem = error(await api.post(MODELS, json=body), 422)
    assert f"body.connectors.0.{field}" in locations(problem)


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"connectors": []}, "body.connectors"),
        ({"connectors": [CONNECTOR, CONNECTOR]}, "body.connectors.1.id"),
        ({"configurationKeys": {"ocppUrl": "https://csms.example.com"}}, None),
        ({"imageUrl": "javascript:alert(1)"}, "body.imageUrl"),
        ({"vendor": ""}, "body.vendor"),
        ({"vendor": "ACME\x00"}, "body.vendor"),
        ({"colour": "red"}, "body.colour"),
    ],
    ids=["no-connector", "connector-twice", "http-url", "script-image", "empty", "nul", "extra"],
)
async def test_rules_beyond_single_fields_name_the_field(
    api: Api, changes: dict[str, Any], where: str | None
) -> None:
    """At least one connector, each id once, ocppUrl a ws:// or wss:// URL, imageUrl an
    http(s) URL, printable text, no unknown field: each refused with 422 naming it."""
    problem = error(await api.post(MODELS, json=model_body(**changes)), 422)
    assert (where or "body.configurationKeys.ocppUrl") in locations(problem)


async def test_further_configuration_keys_are_kept_but_never_a_password(api: Api) -> None:
    """configurationKeys holds more keys than ocppUrl; the station password keys of either
    version are refused (only the password rotation sets them), as is a name no version
    can take."""
    keys = {"ocppUrl": "wss://csms.example.com/ocpp", "HeartbeatInterval": "300"}
    created = await create_model(api, configurationKeys=keys)
    assert created["configurationKeys"] == keys
    for secret in ("AuthorizationKey", "authorizationkey", "SecurityCtrlr.BasicAuthPassword"):
        body = model_body(configurationKeys={**keys, secret: "0123456789abcdef0123"})
        problem = error(await api.post(MODELS, json=body), 422)
        assert f"body.configurationKeys.{secret}" in locations(problem)
        assert "password rotation" in problem["message"]
    unusable = model_body(configurationKeys={**keys, "K" * 60: "1"})
    problem = error(await api.post(MODELS, json=unusable), 422)
    assert "no OCPP version" in problem["message"]


async def test_patch_updates_friendly_name_only(api: Api) -> None:
    """PATCH changes friendlyName (null removes it) and answers {"data": model}; any other
    field is refused, the message naming every refused field, and nothing changes."""
    created = await create_model(api)
    url = f"{MODELS}/{created['id']}"
    renamed = data(await api.patch(url, json={"friendlyName": "Fast one"}))
    assert renamed["friendlyName"] == "Fast one"
    assert renamed["updatedAt"] > created["updatedAt"]
    assert {k: v for k, v in renamed.items() if k not in ("friendlyName", "updatedAt")} == {
        k: v for k, v in created.items() if k not in ("friendlyName", "updatedAt")
    }
    cleared = data(await api.patch(url, json={"friendlyName": None}))
    assert cleared["friendlyName"] is None

    problem = error(await api.patch(url, json={"friendlyName": "x", "vendor": "Other"}), 422)
    assert problem["message"] == "only friendlyName can be updated; refused: vendor"
    assert locations(problem) == ["body.vendor"]
    problem = error(await api.patch(url, json={"powerType": "DC", "connectors": []}), 422)
    assert problem["message"].endswith("refused: connectors, powerType")
    assert locations(problem) == ["body.connectors", "body.powerType"]
    problem = error(await api.patch(url, json={"friendlyName": "F" * 201}), 422)
    assert locations(problem) == ["body.friendlyName"]

    unchanged = data(await api.patch(url, json={}))
    assert unchanged == cleared
    assert (await api.get(url, Role.VIEWER)).json() == cleared


async def test_archive_once_keeps_the_model_readable(api: Api) -> None:
    """Archive answers {"data": model} with isArchived true; archiving again is 409; the
    model stays readable by id and listed only with isArchived=true."""
    created = await create_model(api)
    kept = await create_model(api, model="X2")
    archived = data(await api.post(f"{MODELS}/{created['id']}/archive"))
    assert archived["isArchived"] is True and archived["updatedAt"] > created["updatedAt"]
    again = error(await api.post(f"{MODELS}/{created['id']}/archive"), 409)
    assert again["code"] == "ARCHIVED"
    assert (await api.get(f"{MODELS}/{created['id']}", Role.VIEWER)).json() == archived
    assert [m["id"] for m in (await list_models(api))["items"]] == [kept["id"]]
    only_archived = await list_models(api, isArchived="true")
    assert [m["id"] for m in only_archived["items"]] == [created["id"]]
    assert [m["id"] for m in (await list_models(api, isArchived="false"))["items"]] == [kept["id"]]


@pytest.mark.parametrize("model_id", ["mdl_9999999999", "mdl_1", "nonsense"])
async def test_unknown_ids_are_404(api: Api, model_id: str) -> None:
    """Get, patch and archive of an id that is not in the catalog: 404 NOT_FOUND."""
    assert error(await api.get(f"{MODELS}/{model_id}", Role.VIEWER), 404)["code"] == "NOT_FOUND"
    error(await api.patch(f"{MODELS}/{model_id}", json={"friendlyName": "x"}), 404)
    error(await api.post(f"{MODELS}/{model_id}/archive"), 404)


async def test_filters_vendor_and_model_in_any_case(api: Api) -> None:
    """vendor and model filter in any letter case, alone or together; the answer is
    {"data": {"hasMore", "items"}}."""
    a = await create_model(api, vendor="ACME", model="X1")
    b = await create_model(api, vendor="ACME", model="X2")
    c = await create_model(api, vendor="Volt", model="X1")

    async def ids(**params: str) -> list[str]:
        page = await list_models(api, **params)
        assert set(page) == {"hasMore", "items"} and page["hasMore"] is False
        return [m["id"] for m in page["items"]]

    assert await ids() == [a["id"], b["id"], c["id"]]
    assert await ids(vendor="acme") == [a["id"], b["id"]]
    assert await ids(model="x1") == [a["id"], c["id"]]
    assert await ids(vendor="ACME", model="X2") == [b["id"]]
    assert await ids(vendor="nobody") == []
    assert await ids(startingAfter=a["id"]) == [b["id"], c["id"]]
    assert await ids(startingAfter="mdl_9999999999") == []


@pytest.mark.parametrize(
    ("params", "where"),
    [
        ({"limit": 0}, "query.limit"),
        ({"limit": 501}, "query.limit"),
        ({"limit": "ten"}, "query.limit"),
        ({"startingAfter": "42"}, "query.startingAfter"),
        ({"isArchived": "perhaps"}, "query.isArchived"),
        ({"vendor": "V" * 201}, "query.vendor"),
        ({"model": "X\x00"}, "query.model"),
    ],
)
async def test_bad_list_parameters_are_named(api: Api, params: dict[str, Any], where: str) -> None:
    """A limit out of 1..500, a cursor that is no model id, a non-boolean isArchived, an
    over-long filter: 422 naming the parameter."""
    problem = error(await api.get(MODELS, Role.VIEWER, params=params), 422)
    assert where in locations(problem)


async def test_a_thousand_models_walk_without_gaps_or_repeats(api: Api) -> None:
    """1,000 models paged 37 at a time while 25 more are created along the walk (and two
    archived): every model created before its page was read appears exactly once, in
    creation order, and the last page says hasMore false."""
    document = {
        "format": "voltgate.station-models",
        "version": 1,
        "models": [model_body(model=f"M{n:04d}") for n in range(1000)],
    }
    report = data(await api.post(f"{CATALOG}/import", json=document))
    assert report["created"] == 1000
    seen: list[str] = []
    added: list[str] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 37}
        if cursor is not None:
            params["startingAfter"] = cursor
        page = await list_models(api, **params)
        seen += [m["id"] for m in page["items"]]
        pages += 1
        if pages % 3 == 0 and len(added) < 25:
            for _ in range(5):
                added.append((await create_model(api, model=f"late-{len(added)}"))["id"])
        if not page["hasMore"]:
            break
        cursor = page["items"][-1]["id"]
    assert len(seen) == len(set(seen)) == 1025
    assert seen == sorted(seen)
    assert set(added) <= set(seen)
    assert [m["model"] for m in (await list_models(api, limit=2))["items"]] == ["M0000", "M0001"]


async def test_only_admins_write_the_catalog(api: Api) -> None:
    """Viewers and operators read the catalog; create, patch and archive need an admin
    (403 below, 401 without credentials)."""
    created = await create_model(api)
    url = f"{MODELS}/{created['id']}"
    for role in (Role.VIEWER, Role.OPERATOR):
        assert (await api.get(MODELS, role)).status_code == 200
        assert (await api.get(url, role)).status_code == 200
        assert error(await api.post(MODELS, role, json=model_body()), 403)["code"] == "FORBIDDEN"
        error(await api.patch(url, role, json={"friendlyName": "x"}), 403)
        error(await api.post(f"{url}/archive", role), 403)
    error(await api.get(MODELS, None), 401)
    assert (await api.get(url, Role.VIEWER)).json() == created


async def test_a_created_model_is_never_touched_by_a_failed_create(api: Api) -> None:
    """A refused create stores nothing: the list stays as it was."""
    first = await create_model(api)
    body = copy.deepcopy(model_body())
    body["connectors"][0]["format"] = "PLUG"
    error(await api.post(MODELS, json=body), 422)
    assert [m["id"] for m in (await list_models(api))["items"]] == [first["id"]]
