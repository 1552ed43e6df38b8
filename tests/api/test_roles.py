"""The role matrix: every operation of the served OpenAPI document x every role x no
credentials, over real HTTP. A route added without a role dependency has no
``x-required-role`` and fails here; so does one whose role is not the intended one."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter
from fastapi.routing import APIRoute

from tests.api.conftest import Api, error
from voltgate.api.auth import ROLE_EXTENSION, Admin, mark_access, route_access
from voltgate.domain.access import Role

# Customers are business data like id tokens: viewers read, operators write.
_CONTRACT = "/api/v1/customers/{customerId}/contracts/{contractNo}"
_GATEWAY = _CONTRACT + "/gateways/{gatewayAssetId}"
_EV_INFO = (
    "/api/customers/{customerId}/contracts/{contractNo}/gateways/{gatewayAssetId}"
    "/evchargingdevices/{deviceAssetId}"
)
_LIST = {"GET": "VIEWER", "POST": "OPERATOR"}
_ONE = {"GET": "VIEWER", "PATCH": "OPERATOR", "DELETE": "OPERATOR"}
CUSTOMER_RESOURCES = {
    "/api/v1/customers": _LIST,
    "/api/v1/customers/{customerId}": _ONE,
    "/api/v1/customers/{customerId}/contracts": _LIST,
    _CONTRACT: _ONE,
    _CONTRACT + "/gateways": _LIST,
    _GATEWAY: _ONE,
    _GATEWAY + "/devices": _LIST,
    _GATEWAY + "/devices/{deviceAssetId}": _ONE,
    _EV_INFO: {"POST": "OPERATOR", "GET": "VIEWER", "PUT": "OPERATOR", "DELETE": "OPERATOR"},
    _EV_INFO + "/smartcharge": {"PATCH": "OPERATOR"},
    _EV_INFO + "/chargeplan": {"GET": "VIEWER"},
}

# Every operation and the lowest role that may call it: the access design in one table.
# Viewers read; operators also manage stations and id tokens; admins also remove stations
# and manage users and API keys.
EXPECTED = {
    ("GET", "/health"): "PUBLIC",
    ("GET", "/metrics"): "PUBLIC",
    ("POST", "/api/v1/auth/token"): "PUBLIC",
    ("DELETE", "/api/v1/auth/token"): "VIEWER",
    ("GET", "/api/v1/auth/me"): "VIEWER",
    ("GET", "/api/v1/users"): "ADMIN",
    ("POST", "/api/v1/users"): "ADMIN",
    ("GET", "/api/v1/users/{userId}"): "ADMIN",
    ("PATCH", "/api/v1/users/{userId}"): "ADMIN",
    ("DELETE", "/api/v1/users/{userId}"): "ADMIN",
    ("GET", "/api/v1/api-keys"): "ADMIN",
    ("POST", "/api/v1/api-keys"): "ADMIN",
    ("GET", "/api/v1/api-keys/{keyId}"): "ADMIN",
    ("DELETE", "/api/v1/api-keys/{keyId}"): "ADMIN",
    ("GET", "/api/v1/stations"): "VIEWER",
    ("POST", "/api/v1/stations"): "OPERATOR",
    ("GET", "/api/v1/stations/{stationId}"): "VIEWER",
    ("PATCH", "/api/v1/stations/{stationId}"): "OPERATOR",
    ("DELETE", "/api/v1/stations/{stationId}"): "ADMIN",
    ("PUT", "/api/v1/stations/{stationId}/password"): "OPERATOR",
    ("POST", "/api/v1/stations/{stationId}/password-rotation"): "OPERATOR",
    ("GET", "/api/v1/stations/{stationId}/events"): "VIEWER",
    ("GET", "/api/v1/id-tokens"): "VIEWER",
    ("POST", "/api/v1/id-tokens"): "OPERATOR",
    ("GET", "/api/v1/id-tokens/{idTag}"): "VIEWER",
    ("PATCH", "/api/v1/id-tokens/{idTag}"): "OPERATOR",
    ("DELETE", "/api/v1/id-tokens/{idTag}"): "OPERATOR",
    ("GET", "/api/v1/transactions"): "VIEWER",
    ("GET", "/api/v1/transactions.csv"): "VIEWER",
    ("GET", "/api/v1/transactions/{transactionId}"): "VIEWER",
    ("GET", "/api/v1/stations/{stationId}/commands"): "VIEWER",
    ("GET", "/api/v1/commands/{commandId}"): "VIEWER",
    ("GET", "/api/v1/stations/{stationId}/messages"): "VIEWER",
    ("POST", "/api/v1/ocpp/charger-connect"): "OPERATOR",
    ("GET", "/api/v1/stations/{stationId}/evses/{evseId}"): "VIEWER",
    ("PUT", "/api/v1/stations/{stationId}/evses/{evseId}"): "OPERATOR",
    ("PATCH", "/api/v1/stations/{stationId}/evses/{evseId}"): "OPERATOR",
    ("POST", "/api/Ocpp"): "VIEWER",
    **{
        (method, path): role
        for path, methods in CUSTOMER_RESOURCES.items()
        for method, role in methods.items()
    },
    # Reference 04 and the catalog's native additions: viewers read, admins write.
    ("GET", "/asset-management/v1/charging-station-models"): "VIEWER",
    ("POST", "/asset-management/v1/charging-station-models"): "ADMIN",
    ("GET", "/asset-management/v1/charging-station-models/{id}"): "VIEWER",
    ("PATCH", "/asset-management/v1/charging-station-models/{id}"): "ADMIN",
    ("POST", "/asset-management/v1/charging-station-models/{id}/archive"): "ADMIN",
    ("GET", "/api/v1/station-models/export"): "VIEWER",
    ("POST", "/api/v1/station-models/import"): "ADMIN",
    ("GET", "/api/v1/station-models/{modelId}/configuration"): "VIEWER",
    ("PUT", "/api/v1/station-models/{modelId}/configuration"): "ADMIN",
    ("GET", "/api/v1/stations/{stationId}/configuration-drift"): "VIEWER",
    **{
        ("POST", f"/api/v1/stations/{{stationId}}/commands/{name}"): "OPERATOR"
        for name in (
            "start",
            "stop",
            "reset",
            "unlock",
            "availability",
            "trigger",
            "clear-cache",
            "get-configuration",
            "set-configuration",
            "data-transfer",
            "raw",
            "reserve",
            "cancel-reservation",
            "set-charging-profile",
            "clear-charging-profile",
            "get-composite-schedule",
            "get-charging-profiles",
            "send-local-list",
            "get-local-list-version",
            "update-firmware",
            "publish-firmware",
            "unpublish-firmware",
            "get-log",
            "customer-information",
            "install-certificate",
            "delete-certificate",
            "get-installed-certificates",
            "get-base-report",
            "get-report",
            "set-network-profile",
            "get-transaction-status",
            "cost-updated",
            "set-variable-monitoring",
            "clear-variable-monitoring",
            "set-monitoring-base",
            "set-monitoring-level",
            "get-monitoring-report",
            "set-display-message",
            "get-display-messages",
            "clear-display-message",
        )
    },
    ("GET", "/api/v1/reservations"): "VIEWER",
    ("GET", "/api/v1/reservations/{reservationId}"): "VIEWER",
    ("POST", "/api/v1/reservations/{reservationId}/cancel"): "OPERATOR",
}

CALLERS: list[Role | None] = [None, Role.VIEWER, Role.OPERATOR, Role.ADMIN]


async def _operations(api: Api) -> dict[tuple[str, str], dict[str, Any]]:
    response = await api.get("/openapi.json", role=None)
    assert response.status_code == 200
    return {
        (method.upper(), path): operation
        for path, item in response.json()["paths"].items()
        for method, operation in item.items()
    }


def _fill(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda match: ids[match.group(1)], path)


async def test_every_operation_declares_the_intended_role(api: Api) -> None:
    """The served document lists exactly the operations of the access table, each with
    the role the table names (a route without a role dependency has none)."""
    operations = await _operations(api)
    declared = {key: op.get(ROLE_EXTENSION) for key, op in operations.items()}
    assert declared == EXPECTED


async def test_role_matrix_over_http(api: Api) -> None:
    """Per operation: no credentials -> 401 with a Bearer challenge, a lower role -> 403,
    the declared role and above -> neither (PUBLIC: never either)."""
    await api.post("/api/v1/stations", json={"id": "CP-MATRIX"})
    await api.post("/api/v1/id-tokens", json={"idTag": "TAG-MATRIX"})
    ids = {
        "stationId": "CP-MATRIX",
        "idTag": "TAG-MATRIX",
        "transactionId": "1",
        "commandId": "1",
        "reservationId": "1",
        "evseId": "1",
        "userId": "usr_0000000000000000",
        "keyId": "key_0000000000000000",  # a dummy: the test's own keys must stay valid
        "customerId": "1",
        "contractNo": "1",
        "gatewayAssetId": "1",
        "deviceAssetId": "1",
        "id": "mdl_0000000001",
        "modelId": "mdl_0000000001",
    }
    failures = []
    for (method, path), operation in sorted((await _operations(api)).items()):
        access = operation[ROLE_EXTENSION]
        kwargs: dict[str, Any] = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
        for caller in CALLERS:
            response = await api.call(method, _fill(path, ids), caller, **kwargs)
            status = response.status_code
            if access == "PUBLIC" or (caller is not None and caller.allows(Role[access])):
                expected = "neither 401 nor 403"
                ok = status not in (401, 403)
            elif caller is None:
                expected = "401"
                ok = status == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
            else:
                expected = "403"
                ok = status == 403
            if not ok:
                failures.append(f"{method} {path} as {caller}: {status}, expected {expected}")
            elif status in (401, 403):
                error(response, status)  # the one error shape
    assert failures == []


def test_a_route_without_a_role_dependency_declares_nothing() -> None:
    """`mark_access` gives a route without a role dependency no x-required-role, which the
    matrix test reports; a route with one gets its role."""
    router = APIRouter()

    @router.get("/open")
    async def forgot() -> None: ...

    @router.get("/closed")
    async def declared(_: Admin) -> None: ...

    mark_access(router)
    routes = [route for route in router.routes if isinstance(route, APIRoute)]
    assert {route.path: route.openapi_extra for route in routes} == {
        "/open": None,
        "/closed": {ROLE_EXTENSION: "ADMIN"},
    }
    assert [route_access(route) for route in routes] == [None, "ADMIN"]
