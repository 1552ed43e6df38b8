"""The catalog beyond reference 04, over real HTTP on SQLite and PostgreSQL: stations
linked to a model (chosen, or matched when a 1.6 or 2.0.1 station boots), archived models
kept by their stations but never chosen anew, a model's configuration keys and their names
per OCPP version, and the catalog exported and imported as one JSON document."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.configured_stations import configured
from tests.api.conftest import Api, data, error
from tests.api.station_model_support import (
    CATALOG,
    CONNECTOR,
    MODELS,
    create_model,
    model_body,
)
from tests.e2e.conftest import PASSWORD
from voltgate.app import running
from voltgate.config import Settings
from voltgate.domain.access import Role
from voltgate.testing.postgres import fresh_database

STATIONS = "/api/v1/stations"


async def provision(api: Api, station_id: str, **extra: Any) -> httpx.Response:
    body = {"id": station_id, "password": PASSWORD, **extra}
    return await api.post(STATIONS, Role.OPERATOR, json=body)


async def test_a_station_is_provisioned_with_its_model(api: Api) -> None:
    """POST /stations with modelId shows it in the detail and the list; an unknown model is
    422 naming modelId, an archived one 409, and neither stores the station."""
    model = await create_model(api)
    station = data(await provision(api, "CP-1", modelId=model["id"]), 201)
    assert station["modelId"] == model["id"]
    listed = data(await api.get(STATIONS, Role.VIEWER))["items"]
    assert [(s["id"], s["modelId"]) for s in listed] == [("CP-1", model["id"])]

    unknown = error(await provision(api, "CP-2", modelId="mdl_0000009999"), 422)
    assert [d["location"] for d in unknown["details"]] == ["body.modelId"]
    error(await provision(api, "CP-2", modelId="X1"), 422)
    await api.post(f"{MODELS}/{model['id']}/archive")
    archived = error(await provision(api, "CP-2", modelId=model["id"]), 409)
    assert archived["code"] == "ARCHIVED" and "archived" in archived["message"]
    error(await api.get(f"{STATIONS}/CP-2", Role.VIEWER), 404)


async def test_patch_links_and_unlinks_and_archived_models_stay_with_their_stations(
    api: Api,
) -> None:
    """PATCH modelId links a station (operators may), null unlinks it; once its model is
    archived the station keeps it, may be given it again, but no other station may choose
    it; registration and modelId change together or alone; an empty PATCH is 422."""
    first = await create_model(api)
    second = await create_model(api, model="X2")
    await provision(api, "CP-1")
    await provision(api, "CP-2")
    url = f"{STATIONS}/CP-1"
    linked = data(await api.patch(url, Role.OPERATOR, json={"modelId": first["id"]}))
    assert linked["modelId"] == first["id"] and linked["registration"] == "ACCEPTED"
    await api.post(f"{MODELS}/{first['id']}/archive")
    kept = data(await api.get(url, Role.VIEWER))
    assert kept["modelId"] == first["id"]
    again = await api.patch(url, Role.OPERATOR, json={"modelId": first["id"]})
    assert data(again)["modelId"] == first["id"]
    refused = error(
        await api.patch(f"{STATIONS}/CP-2", Role.OPERATOR, json={"modelId": first["id"]}), 409
    )
    assert refused["code"] == "ARCHIVED"

    both = {"modelId": second["id"], "registration": "PENDING"}
    changed = data(await api.patch(url, Role.OPERATOR, json=both))
    assert (changed["modelId"], changed["registration"]) == (second["id"], "PENDING")
    unlinked = data(await api.patch(url, Role.OPERATOR, json={"modelId": None}))
    assert (unlinked["modelId"], unlinked["registration"]) == (None, "PENDING")
    error(await api.patch(url, Role.OPERATOR, json={}), 422)
    error(await api.patch(url, Role.OPERATOR, json={"registration": None}), 422)
    error(await api.patch(url, Role.VIEWER, json={"modelId": second["id"]}), 403)


@pytest.mark.parametrize("protocol", ["ocpp1.6", "ocpp2.0.1"])
async def test_a_booting_station_is_matched_to_the_newest_live_model(
    api: Api, protocol: str
) -> None:
    """A station without a model that boots as acme / x1 gets the newest non-archived
    model named ACME / X1 (any case); a station linked already keeps its model whatever
    it announces; no match leaves it without one."""
    older = await create_model(api)
    newest = await create_model(api, vendor="acme", model="x1", friendlyName="rev B")
    archived = await create_model(api)
    await api.post(f"{MODELS}/{archived['id']}/archive")
    other = await create_model(api, model="Other")
    await provision(api, "CP-MATCH")
    await provision(api, "CP-LINKED", modelId=other["id"])
    await provision(api, "CP-NONE")
    async with (
        configured(api.csms, "CP-MATCH", protocol, vendor="Acme", model="X1"),
        configured(api.csms, "CP-LINKED", protocol, vendor="ACME", model="X1"),
        configured(api.csms, "CP-NONE", protocol, vendor="Nobody", model="X1"),
    ):
        pass
    shown = {s["id"]: s["modelId"] for s in data(await api.get(STATIONS, Role.VIEWER))["items"]}
    assert shown == {"CP-MATCH": newest["id"], "CP-LINKED": other["id"], "CP-NONE": None}
    assert older["id"] < newest["id"] < archived["id"]


async def test_model_configuration_keys_and_mappings(api: Api) -> None:
    """PUT replaces a model's keys and their names per version (admins only); GET shows
    them to viewers; the reference view shows the keys; an unknown version, a mapping of
    a key the model lacks, a 2.0.1 name that is no Component.Variable and a password key
    are refused, naming the field."""
    model = await create_model(api)
    url = f"{CATALOG}/{model['id']}/configuration"
    body = {
        "configurationKeys": {"ocppUrl": "wss://new.example.com/ocpp", "HeartbeatInterval": "90"},
        "keyMappings": {
            "ocppUrl": {"ocpp1.6": "CentralSystemURL", "ocpp2.0.1": "VendorNet.CsmsUrl"},
            "HeartbeatInterval": {"ocpp2.0.1": "OCPPCommCtrlr.HeartbeatInterval"},
        },
    }
    stored = data(await api.put(url, json=body))
    assert stored == {"modelId": model["id"], **body}
    assert data(await api.get(url, Role.VIEWER)) == stored
    shown = (await api.get(f"{MODELS}/{model['id']}", Role.VIEWER)).json()
    assert shown["configurationKeys"] == body["configurationKeys"]
    assert shown["updatedAt"] > model["updatedAt"]
    error(await api.put(url, Role.OPERATOR, json=body), 403)

    bad = [
        ({"ocppUrl": {"ocpp9": "X"}}, "body.keyMappings.ocppUrl.ocpp9"),
        ({"Missing": {"ocpp1.6": "X"}}, "body.keyMappings.Missing"),
        ({"ocppUrl": {"ocpp2.0.1": "NoDot"}}, "body.keyMappings.ocppUrl.ocpp2.0.1"),
        ({"ocppUrl": {"ocpp1.6": "AuthorizationKey"}}, "body.keyMappings.ocppUrl.ocpp1.6"),
    ]
    for mappings, where in bad:
        keys = {"ocppUrl": "wss://x.example.com/ocpp"}
        problem = error(
            await api.put(url, json={"configurationKeys": keys, "keyMappings": mappings}), 422
        )
        assert where in [d["location"] for d in problem["details"]], problem
    no_url = error(await api.put(url, json={"configurationKeys": {"HeartbeatInterval": "1"}}), 422)
    assert "body.configurationKeys.ocppUrl" in [d["location"] for d in no_url["details"]]
    assert data(await api.get(url, Role.VIEWER)) == stored
    error(await api.get(f"{CATALOG}/mdl_0000009999/configuration", Role.VIEWER), 404)


def document(*models: dict[str, Any]) -> dict[str, Any]:
    return {"format": "voltgate.station-models", "version": 1, "models": list(models)}


async def test_export_then_import_round_trip(api: Api, database_url: str, tmp_path: Path) -> None:
    """The export (viewers may read it) is one document of every model, archived too, with
    its key mappings; imported into another catalog it recreates them all; imported back
    into its own catalog it changes nothing."""
    mapped = await create_model(
        api, configurationKeys={"ocppUrl": "wss://a.example.com/ocpp", "HeartbeatInterval": "60"}
    )
    await api.put(
        f"{CATALOG}/{mapped['id']}/configuration",
        json={
            "configurationKeys": mapped["configurationKeys"],
            "keyMappings": {"ocppUrl": {"ocpp1.6": "CentralSystemURL", "ocpp2.0.1": None}},
        },
    )
    old = await create_model(api, model="X2", friendlyName="old")
    await api.post(f"{MODELS}/{old['id']}/archive")
    await create_model(api, model="X2", friendlyName="new")
    response = await api.get(f"{CATALOG}/export", Role.VIEWER)
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    exported = response.json()
    assert (exported["format"], exported["version"]) == ("voltgate.station-models", 1)
    assert [(m["model"], m["isArchived"]) for m in exported["models"]] == [
        ("X1", False),
        ("X2", True),
        ("X2", False),
    ]
    assert exported["models"][0]["keyMappings"] == {
        "ocppUrl": {"ocpp1.6": "CentralSystemURL", "ocpp2.0.1": None}
    }

    again = data(await api.post(f"{CATALOG}/import", json=exported))
    assert (again["created"], again["updated"], again["unchanged"], again["refused"]) == (
        0,
        0,
        3,
        0,
    )
    assert [item["id"] for item in again["items"]] == [m["id"] for m in exported["models"]]

    async with _other_catalog(database_url, tmp_path) as other:
        report = data(await other.post(f"{CATALOG}/import", json=exported))
        assert report["created"] == 3
        copied = (await other.get(f"{CATALOG}/export")).json()["models"]
    content = [
        {k: v for k, v in m.items() if k not in ("id", "createdAt", "updatedAt")} for m in copied
    ]
    assert content == [
        {k: v for k, v in m.items() if k not in ("id", "createdAt", "updatedAt")}
        for m in exported["models"]
    ]


async def test_import_creates_updates_and_refuses_per_entry(api: Api) -> None:
    """By vendor and model in any case: a new one is created, a known one takes the new
    friendly name and keys, one with other connectors is refused (and reported) while the
    rest is imported."""
    known = await create_model(api)
    other = await create_model(api, model="X9")
    report = data(
        await api.post(
            f"{CATALOG}/import",
            json=document(
                model_body(vendor="acme", model="x1", friendlyName="renamed"),
                model_body(model="X9", connectors=[{**CONNECTOR, "maxPowerWatts": 11000}]),
                model_body(model="NEW"),
            ),
        )
    )
    assert (report["created"], report["updated"], report["unchanged"], report["refused"]) == (
        1,
        1,
        0,
        1,
    )
    results = [(i["index"], i["result"], i["id"]) for i in report["items"]]
    assert results[:2] == [(0, "UPDATED", known["id"]), (1, "REFUSED", other["id"])]
    assert results[2][1] == "CREATED" and results[2][2] > other["id"]
    assert "connectors" in report["items"][1]["reason"]
    renamed = (await api.get(f"{MODELS}/{known['id']}", Role.VIEWER)).json()
    assert (renamed["vendor"], renamed["model"], renamed["friendlyName"]) == (
        "acme",
        "x1",
        "renamed",
    )
    kept = (await api.get(f"{MODELS}/{other['id']}", Role.VIEWER)).json()
    assert kept == other


async def test_import_is_all_or_nothing_on_validation_errors(api: Api) -> None:
    """One invalid entry (a wrong enum, or a connector id twice) among valid ones: 422
    naming the entry's field, and nothing is imported; a document of another format, and
    non-admins, are refused too."""
    wrong_enum = model_body(model="B", connectors=[{**CONNECTOR, "connectionType": "TYPE2"}])
    twice = model_body(model="C", connectors=[CONNECTOR, CONNECTOR])
    for bad, where in (
        (wrong_enum, "body.models.1.connectors.0.connectionType"),
        (twice, "body.models.1.connectors.1.id"),
    ):
        problem = error(
            await api.post(f"{CATALOG}/import", json=document(model_body(model="A"), bad)), 422
        )
        assert where in [d["location"] for d in problem["details"]]
    assert (await api.get(f"{CATALOG}/export", Role.VIEWER)).json()["models"] == []
    error(await api.post(f"{CATALOG}/import", json={**document(), "format": "csv"}), 422)
    error(await api.post(f"{CATALOG}/import", json={**document(), "version": 2}), 422)
    error(await api.post(f"{CATALOG}/import", Role.OPERATOR, json=document()), 403)


@contextlib.asynccontextmanager
async def _other_catalog(database_url: str, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """A second Voltgate on a fresh database of the same backend, as an admin client."""
    async with contextlib.AsyncExitStack() as stack:
        if database_url.startswith("sqlite"):
            url = f"sqlite:///{tmp_path / 'other.db'}"
        else:
            url = await stack.enter_async_context(fresh_database())
        settings = Settings(host="127.0.0.1", ocpp_port=0, api_port=0, database_url=url)
        node = await stack.enter_async_context(running(settings))
        key = (await node.services.access.create_api_key("other", Role.ADMIN)).secret
        client = await stack.enter_async_context(
            httpx.AsyncClient(
                base_url=f"http://127.0.0.1:{node.api_port}",
                headers={"Authorization": f"Bearer {key}"},
                timeout=10,
            )
        )
        yield client
