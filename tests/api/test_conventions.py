"""The API conventions, each checked once: envelope, camelCase, UPPER_SNAKE enums, UTC
timestamps, the one error shape for every 4xx and the 500, the OpenAPI document and docs."""

from __future__ import annotations

from dataclasses import fields
from typing import get_args

import httpx
import pytest
from fastapi import FastAPI
from pydantic import TypeAdapter, ValidationError

from tests.api.conftest import Api, error
from voltgate.api import errors
from voltgate.api.command_enums import COMMAND_ENUMS
from voltgate.api.conventions import StationId
from voltgate.api.enums import DOMAIN_ENUMS, ConnectorStatus, connector_status
from voltgate.domain.access import ApiKey, LoginToken, User
from voltgate.gateway import server
from voltgate.ocpp.v16.messages import ChargePointStatus
from voltgate.ocpp.v201.messages import ConnectorStatusEnum
from voltgate.storage import tables


def test_api_enums_have_the_member_names_of_the_domain_enums() -> None:
    """UPPER_SNAKE_CASE in the API is the domain enum's member name, member for member."""
    for api_enum, domain_enum in {**DOMAIN_ENUMS, **COMMAND_ENUMS}.items():
        assert [m.value for m in api_enum] == [m.name for m in domain_enum], api_enum


def test_every_ocpp_connector_status_has_an_api_value() -> None:
    """1.6 ChargePointStatus and 2.0.1 ConnectorStatusEnumType values all map (none lost)."""
    reported = set(get_args(ChargePointStatus)) | set(get_args(ConnectorStatusEnum))
    assert {connector_status(value) for value in reported} == set(ConnectorStatus)


def test_station_ids_the_api_accepts_are_ids_the_gateway_admits() -> None:
    """The API refuses every character the gateway refuses in a station URL, and ids over
    its length limit (OCPP 2.0.1 part 4 §3.1.1: 48)."""
    adapter = TypeAdapter(StationId)
    for char in server._FORBIDDEN_ID_CHARS | {"\x00", "\x7f", "\u200b"}:
        with pytest.raises(ValidationError):
            adapter.validate_python(f"CP{char}1")
    assert adapter.validate_python("x" * server.MAX_STATION_ID_LENGTH)
    with pytest.raises(ValidationError):
        adapter.validate_python("x" * (server.MAX_STATION_ID_LENGTH + 1))


def test_access_dataclasses_follow_table_columns() -> None:
    """Rows map positionally onto the access dataclasses, so the orders must agree."""
    for cls, table in ((ApiKey, tables.api_keys), (User, tables.users)):
        names = [f.name for f in fields(cls)]
        assert [c.name for c in table.columns][: len(names)] == names
    assert [f.name for f in fields(LoginToken)] == [c.name for c in tables.login_tokens.columns]


async def test_answers_are_enveloped_camel_case_with_utc_timestamps(api: Api) -> None:
    """{"data": ...}, camelCase keys, UPPER_SNAKE enums, ISO 8601 UTC with a Z."""
    body = {"id": "CP-1", "registration": "PENDING"}
    created = (await api.post("/api/v1/stations", json=body)).json()
    assert set(created) == {"data"}
    station = created["data"]
    assert {"lastBootAt", "passwordSet", "createdAt", "evses"} <= set(station)
    assert not any("_" in key for key in station)
    assert station["registration"] == "PENDING"
    assert station["createdAt"].endswith("Z")
    listed = (await api.get("/api/v1/stations")).json()
    assert set(listed["data"]) == {"items", "hasMore"}


async def test_unknown_route_wrong_method_and_bad_input_use_the_error_shape(api: Api) -> None:
    """404 for an unknown route, 405 (with Allow) for a wrong method, 422 with where for
    malformed JSON, a wrong type or an unknown field: never a bare FastAPI body."""
    assert error(await api.get("/api/v1/nothing-here"), 404)["code"] == "NOT_FOUND"
    wrong = await api.put("/api/v1/stations")
    assert error(wrong, 405)["code"] == "METHOD_NOT_ALLOWED"
    assert wrong.headers["Allow"]
    broken = await api.post(
        "/api/v1/stations", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert error(broken, 422)["code"] == "VALIDATION_FAILED"
    problem = error(await api.post("/api/v1/stations", json={"id": 5}), 422)
    assert problem["details"][0]["location"] == "body.id"
    problem = error(await api.post("/api/v1/stations", json={"id": "CP", "colour": "red"}), 422)
    assert problem["details"][0]["location"] == "body.colour"
    problem = error(await api.get("/api/v1/transactions?startingAfter=abc"), 422)
    assert problem["details"][0]["location"] == "query.startingAfter"


async def test_control_characters_are_refused_before_storage(api: Api) -> None:
    """NUL (which PostgreSQL cannot store) and other control characters get 422, not a
    storage error."""
    for bad in ("CP\x001", "CP\n1"):
        error(await api.post("/api/v1/stations", json={"id": bad}), 422)
    error(await api.post("/api/v1/id-tokens", json={"idTag": "A\x00"}), 422)
    error(await api.get("/api/v1/stations?protocol=%00"), 422)
    raw = b'{"idTag": "\\ud800"}'
    headers = {"Content-Type": "application/json"}
    error(await api.post("/api/v1/id-tokens", content=raw, headers=headers), 422)


async def test_unexpected_errors_are_a_generic_500() -> None:
    """A bug answers 500 INTERNAL_ERROR without the exception's text or traceback."""
    app = FastAPI()
    errors.install(app)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret detail")

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/boom")
    assert error(response, 500) == {
        "code": "INTERNAL_ERROR",
        "message": "internal server error",
        "details": None,
    }


async def test_openapi_document_and_docs_are_served(api: Api) -> None:
    """/openapi.json documents the bearer scheme, and every 4xx of an operation with the
    error shape; /docs serves the interactive docs."""
    doc = (await api.get("/openapi.json", role=None)).json()
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            for status, answer in operation["responses"].items():
                if status.startswith("4"):
                    schema = answer["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (method, path)
    docs = await api.get("/docs", role=None)
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


async def test_openapi_names_each_schema_once(api: Api) -> None:
    """Every schema of the OpenAPI document has its own name: two classes of one name (an
    API enum and a domain enum, two ``ConnectorIn``) would be published under module paths
    (``voltgate__api__...``) that client generators turn into unusable type names."""
    response = await api.get("/openapi.json", role=None)
    names = response.json()["components"]["schemas"]
    assert [name for name in names if name.startswith("voltgate__")] == []
