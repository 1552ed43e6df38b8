"""Bodies and calls the station model tests share: reference 04's example model, and the
catalog endpoints as a client calls them."""

from __future__ import annotations

import copy
from typing import Any

from tests.api.conftest import Api, data
from voltgate.domain.access import Role

MODELS = "/asset-management/v1/charging-station-models"
CATALOG = "/api/v1/station-models"

CONNECTOR: dict[str, Any] = {
    "id": 1,
    "connectionType": "IEC_62196_T2",
    "format": "SOCKET",
    "maxAmperage": 32,
    "maxVoltage": 400,
    "maxPowerWatts": 22000,
}


def model_body(**changes: Any) -> dict[str, Any]:
    """A valid create body in reference 04's shape, with `changes` applied."""
    body: dict[str, Any] = {
        "vendor": "ACME",
        "model": "X1",
        "friendlyName": "ACME X1 22 kW",
        "powerType": "AC_3_PHASE",
        "connectors": [copy.deepcopy(CONNECTOR)],
        "configurationKeys": {"ocppUrl": "wss://csms.example.com/ocpp"},
        "imageUrl": "https://img.example.com/x1.png",
    }
    body.update(changes)
    return body


async def create_model(api: Api, **changes: Any) -> dict[str, Any]:
    """Create a model as an admin; its answer's `data`."""
    created: dict[str, Any] = data(await api.post(MODELS, json=model_body(**changes)))
    return created


async def list_models(api: Api, role: Role = Role.VIEWER, **params: Any) -> dict[str, Any]:
    """One page of the reference list."""
    page: dict[str, Any] = data(await api.get(MODELS, role, params=params))
    return page
