"""EVSEs (charging points) as operators describe them: read one, describe one before its
station ever reports it (PUT), change what operators state about it (PATCH)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from voltgate.api.auth import Operator, Viewer
from voltgate.api.charging_point_schemas import EvseIn, EvseOut
from voltgate.api.conventions import STATION_ID_PATTERN, Data, error_responses
from voltgate.api.deps import ServicesDep

router = APIRouter(
    prefix="/api/v1/stations/{stationId}/evses",
    tags=["stations"],
    responses=error_responses(401, 403, 404, 422),
)

StationId = Annotated[str, Path(alias="stationId", pattern=STATION_ID_PATTERN)]
EvseId = Annotated[
    int,
    Path(alias="evseId", ge=1, le=2**31 - 1, description="The OCPP EVSE id (1.6: connectorId)."),
]


@router.get("/{evseId}", summary="Get an EVSE")
async def get_evse(
    station_id: StationId, evse_id: EvseId, _: Viewer, services: ServicesDep
) -> Data[EvseOut]:
    """An EVSE with its connectors, live status, ratings and what operators state."""
    return Data(data=EvseOut.of(await services.charging_points.get(station_id, evse_id)))


@router.put(
    "/{evseId}",
    summary="Describe an EVSE (create or replace)",
    responses={201: {"description": "The EVSE was created."}, **error_responses(409)},
)
async def put_evse(
    station_id: StationId,
    evse_id: EvseId,
    body: EvseIn,
    _: Operator,
    services: ServicesDep,
    response: Response,
) -> Data[EvseOut]:
    """The whole description: hardware (`powerType`, `connectors`) and attributes; what
    is left out is cleared. Creates the EVSE (201) when the station has not reported it
    yet. Connectors the station reported but the body leaves out keep their status and
    lose their equipment. 409 for a stale `version` or an EvseId another EVSE has."""
    view, created = await services.charging_points.describe(
        station_id, evse_id, body.change(replace=True)
    )
    if created:
        response.status_code = 201
    return Data(data=EvseOut.of(view))


@router.patch("/{evseId}", summary="Change an EVSE", responses=error_responses(409))
async def patch_evse(
    station_id: StationId, evse_id: EvseId, body: EvseIn, _: Operator, services: ServicesDep
) -> Data[EvseOut]:
    """Only the fields sent change (null clears one); `connectors`, when sent, replace the
    hardware description. 409 for a stale `version` or an EvseId another EVSE has."""
    view = await services.charging_points.update(station_id, evse_id, body.change(replace=False))
    return Data(data=EvseOut.of(view))
