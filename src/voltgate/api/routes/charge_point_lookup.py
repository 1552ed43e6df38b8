"""Reference endpoint 01 (`reference/01-charge-point-lookup-api-Ocpp.txt`), as written there.

`POST /api/Ocpp?chargeId={chargeId}&connectorId={connectorId}` answers the charging point
(``NabijeciBod``) of a station identity and a connector: connectorId N is EVSE N (as OCPP
1.6 numbers connectors), 0 the station's first EVSE. It only reads (role: viewer); it is a
POST because the reference says so. JSON (``application/json``, ``text/json``, the default)
or DataContract XML (``application/xml``, ``text/xml``) by the Accept header, in the media
type asked for. The record (`api.charge_point_record`) is a tree by construction, which is
what the reference's own serialisers failed on: its sample says "Self referencing loop".
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response

from voltgate.api.auth import Viewer
from voltgate.api.charge_point_record import json_schema, record
from voltgate.api.conventions import STATION_ID_PATTERN, error_responses
from voltgate.api.deps import ServicesDep
from voltgate.api.reference_formats import JSON_TYPES, XML_TYPES, media_of, to_json, to_xml

router = APIRouter(tags=["reference"], responses=error_responses(401, 403, 404, 422))

NAMESPACE = "http://schemas.datacontract.org/2004/07/CleverPowerModel"

_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The charging point (NabijeciBod).",
        "content": {
            **{media: {"schema": json_schema()} for media in JSON_TYPES},
            **{media: {"schema": {"type": "string"}} for media in XML_TYPES},
        },
    }
}


@router.post(
    "/api/Ocpp",
    summary="The charging point of a station and connector (reference 01)",
    response_class=Response,
    responses=_ANSWERS,
)
async def charge_point(
    _: Viewer,
    services: ServicesDep,
    charge_id: Annotated[
        str,
        Query(
            alias="chargeId",
            pattern=STATION_ID_PATTERN,
            description="The station's OCPP identity.",
        ),
    ],
    connector_id: Annotated[
        int,
        Query(
            alias="connectorId",
            ge=0,
            le=2**31 - 1,
            description="The EVSE (1.6 connectorId); 0: the station's first EVSE.",
        ),
    ] = 0,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    """Every field of the reference's NabijeciBod, null where Voltgate has no such fact;
    404 for an unknown station or EVSE."""
    point = await services.charging_points.lookup(charge_id, connector_id)
    tree = record(point)
    wanted = media_of(accept, default="application/json")
    if wanted in XML_TYPES:
        return Response(to_xml("NabijeciBod", NAMESPACE, tree), media_type=wanted)
    media_type = wanted if wanted in JSON_TYPES else "application/json"
    return Response(to_json(tree), media_type=media_type)
