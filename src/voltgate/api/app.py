"""The HTTP application: operations endpoints and the native REST API under ``/api/v1``.

Built by the composition root over the running services (`create_api`). Conventions
(`api.conventions`), errors (`api.errors`) and access (`api.auth`) each live in one place;
the routes are in `api.routes`, one module per resource. The OpenAPI document is at
``/openapi.json`` and interactive docs at ``/docs``.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI

from voltgate import __version__
from voltgate.api import errors
from voltgate.api.auth import mark_access
from voltgate.api.routes import (
    access,
    charge_point_lookup,
    charging_commands,
    commands,
    customers,
    device_model_commands,
    ev_charging,
    evses,
    maintenance_commands,
    model_catalog,
    reference,
    reservations,
    station_models,
    stations,
    tokens,
    transactions,
)
from voltgate.api.routes import messages as message_log
from voltgate.api.routes.operations import HealthCheck, operations_router
from voltgate.domain.access import DEFAULT_LOGIN_TOKEN_LIFETIME_S
from voltgate.domain.services import Services
from voltgate.metrics import Metrics

DESCRIPTION = """\
Charging station management: stations, EVSEs and connectors with live status, id tokens,
transactions with meter values, station notifications, users and API keys.

Authenticate with `Authorization: Bearer <key>`: an API key (`voltgate apikey create`) or a
login token (`POST /api/v1/auth/token`). Every operation names the lowest role it needs in
`x-required-role` (VIEWER < OPERATOR < ADMIN, or PUBLIC).

Answers are `{"data": ...}`; lists are pages `{"data": {"items": [...], "hasMore": ...}}`
(ask for the next with `startingAfter` = the last item's id); errors are
`{"error": {"code", "message", "details"}}`. Field names are camelCase, enums UPPER_SNAKE_CASE,
timestamps ISO 8601 UTC.
"""


def create_api(
    *,
    metrics: Metrics,
    storage_ok: HealthCheck,
    services: Services,
    login_token_lifetime_s: int = DEFAULT_LOGIN_TOKEN_LIFETIME_S,
) -> FastAPI:
    """Build the HTTP application over the running services.

    Args:
        metrics: rendered at ``/metrics``.
        storage_ok: answers ``/health``.
        services: what every route works with.
        login_token_lifetime_s: how long a password login's token is valid.
    """
    api = FastAPI(
        title="Voltgate",
        version=__version__,
        description=DESCRIPTION,
    )
    api.state.services = services
    api.state.login_lifetime = timedelta(seconds=login_token_lifetime_s)
    errors.install(api)
    routers = (
        operations_router(metrics, storage_ok),
        access.router,
        stations.router,
        tokens.router,
        transactions.router,
        commands.router,
        message_log.router,
        reference.router,
        reservations.router,
        charging_commands.router,
        maintenance_commands.router,
        device_model_commands.router,
        evses.router,
        charge_point_lookup.router,
        customers.router,
        ev_charging.router,
        station_models.router,
        model_catalog.router,
    )
    for router in routers:
        api.include_router(mark_access(router))
    return api
