"""Charging stations: list, detail with EVSEs and connectors, provisioning, registration,
Basic auth passwords, removal, and the notifications each station sent."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from voltgate.api.auth import Admin, Operator, Viewer
from voltgate.api.conventions import (
    STATION_ID_PATTERN,
    Data,
    Page,
    SearchText,
    error_responses,
    to_domain,
)
from voltgate.api.deps import NumberPage, ServicesDep, TextPage
from voltgate.api.errors import ApiError, not_found
from voltgate.api.schemas import (
    PasswordRotationOut,
    StationDetail,
    StationEventOut,
    StationIn,
    StationOut,
    StationPasswordIn,
    StationPatch,
)
from voltgate.domain.errors import InvalidValue, UnknownStation, UnknownStationModel
from voltgate.domain.queries import EventQuery, StationQuery
from voltgate.domain.services import Services
from voltgate.domain.stations import Registration

router = APIRouter(
    prefix="/api/v1/stations", tags=["stations"], responses=error_responses(401, 403, 422)
)

StationId = Annotated[str, Path(alias="stationId", pattern=STATION_ID_PATTERN)]


async def _detail(services: Services, station_id: str) -> Data[StationDetail]:
    view = await services.stations.get_view(station_id)
    if view is None:
        raise not_found("station", station_id)
    return Data(data=StationDetail.of_view(view))


@router.get("", summary="List stations")
async def list_stations(
    _: Viewer,
    services: ServicesDep,
    page: TextPage,
    connected: Annotated[
        bool | None, Query(description="Only stations with (true) or without an open connection.")
    ] = None,
    protocol: Annotated[
        SearchText | None,
        Query(
            description="Only stations whose latest connection spoke this subprotocol, "
            "e.g. ocpp1.6 or ocpp2.0.1."
        ),
    ] = None,
) -> Data[Page[StationOut]]:
    """Stations by id."""
    query = StationQuery(connected=connected, protocol=protocol, page=page)
    found = await services.stations.list_page(query)
    items = [StationOut.of(station) for station in found.items]
    return Data(data=Page(items=items, has_more=found.has_more))


@router.post("", summary="Provision a station", status_code=201, responses=error_responses(409))
async def create_station(
    body: StationIn, _: Operator, services: ServicesDep
) -> Data[StationDetail]:
    """The station may then connect to ``ws://host:9000/ocpp/{id}`` (with this password,
    when one is given). 409 when the id exists."""
    try:
        station = await services.stations.create(
            body.id,
            body.password,
            registration=to_domain(Registration, body.registration),
            model_id=body.model_id,
        )
    except UnknownStationModel as error:
        raise _no_such_model(error) from None
    return await _detail(services, station.id)


@router.get("/{stationId}", summary="Get a station", responses=error_responses(404))
async def get_station(
    station_id: StationId, _: Viewer, services: ServicesDep
) -> Data[StationDetail]:
    """A station with its EVSEs and connectors and their last reported status."""
    return await _detail(services, station_id)


@router.patch(
    "/{stationId}",
    summary="Accept, hold or reject a station; set its network settings; choose its model",
    responses=error_responses(404, 409),
)
async def update_station(
    station_id: StationId, body: StationPatch, _: Operator, services: ServicesDep
) -> Data[StationDetail]:
    """The station hears its registration in the answer to its next BootNotification.
    `network` replaces the station's network settings as a whole (checked together: the
    gateway in the subnet, addresses of an enabled IP version, ...). `modelId` links it to
    a catalog model (409 for an archived one, unless it is the station's already), null
    unlinks it; the model's configuration keys are applied after its next Accepted boot."""
    if body.network is not None:
        try:
            await services.charging_points.set_network(station_id, body.network.settings())
        except InvalidValue as problem:
            raise InvalidValue(f"network.{problem.field}", problem.reason) from None
    if "model_id" in body.model_fields_set:
        try:
            await services.station_models.link(station_id, body.model_id)
        except UnknownStationModel as error:
            raise _no_such_model(error) from None
    if body.registration is not None:
        registration = to_domain(Registration, body.registration)
        await services.stations.set_registration(station_id, registration)
    return await _detail(services, station_id)


def _no_such_model(error: UnknownStationModel) -> ApiError:
    """A body naming a model that does not exist: 422 on that field (the path is fine)."""
    return ApiError(
        422,
        str(error),
        details=[{"location": "body.modelId", "message": str(error), "type": "unknown_model"}],
    )


@router.put(
    "/{stationId}/password",
    summary="Store a station's Basic auth password",
    responses=error_responses(404),
)
async def set_station_password(
    station_id: StationId, body: StationPasswordIn, _: Operator, services: ServicesDep
) -> Data[StationDetail]:
    """Only stored (hashed): configure the station with the same password yourself, or use
    the password rotation, which sends the station a new one over OCPP. ``null`` removes
    the password (the station may then connect only if unauthenticated stations are
    allowed)."""
    await services.stations.set_password(station_id, body.password)
    return await _detail(services, station_id)


@router.post(
    "/{stationId}/password-rotation",
    summary="Send a connected station a new random password",
    responses=error_responses(404, 409, 502, 504),
)
async def rotate_station_password(
    station_id: StationId, _: Operator, services: ServicesDep
) -> Data[PasswordRotationOut]:
    """OCPP 2.0.1 SetVariables BasicAuthPassword / 1.6 ChangeConfiguration
    AuthorizationKey (A01). The new password replaces the old one only if the station
    accepts it; it is never shown or logged. 409 when the station is not connected."""
    rotation = await services.security.rotate_password(station_id)
    return Data(data=PasswordRotationOut(accepted=rotation.accepted, answer=rotation.answer))


@router.delete(
    "/{stationId}",
    summary="Remove a station that never reported anything",
    status_code=204,
    responses=error_responses(404, 409),
)
async def delete_station(station_id: StationId, _: Admin, services: ServicesDep) -> Response:
    """For a station provisioned by mistake. A station with history (connections,
    transactions, events, ...) is kept and answered 409: set its registration to
    REJECTED to stop it instead."""
    await services.stations.remove(station_id)
    return Response(status_code=204)


@router.get(
    "/{stationId}/events",
    summary="List the notifications a station sent",
    responses=error_responses(404),
)
async def list_station_events(
    station_id: StationId,
    _: Viewer,
    services: ServicesDep,
    page: NumberPage,
    kind: Annotated[
        SearchText | None, Query(description="Only this OCPP action, e.g. StatusNotification.")
    ] = None,
) -> Data[Page[StationEventOut]]:
    """Stored notifications (security events, firmware status, data transfers, ...),
    newest first."""
    found = await services.events.page_for_station(EventQuery(station_id, kind, page))
    if found is None:
        raise UnknownStation(station_id)
    items = [StationEventOut.of(entry) for entry in found.items]
    return Data(data=Page(items=items, has_more=found.has_more))
