"""Reservations: the `reserve` and `cancel-reservation` commands, and the reservations
they make as a resource (list, one, cancel).

A reservation's id is the id of the `reserve` command that asked for it; its state follows
what the station answers and reports (`domain.reservations`). Cancelling sends
CancelReservation to its station and answers with that command, like every command.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from voltgate.api.auth import Operator, Viewer
from voltgate.api.command_bodies.reservations import (
    CancelReservationIn,
    ReservationOut,
    ReserveIn,
)
from voltgate.api.command_enums import ReservationState
from voltgate.api.command_schemas import CommandOut
from voltgate.api.conventions import STATION_ID_PATTERN, Data, Page, error_responses, to_domain
from voltgate.api.deps import MAX_CURSOR_ID, NumberPage, ServicesDep
from voltgate.api.errors import not_found
from voltgate.api.routes.commands import SENT, STATION_COMMANDS, Async, StationId, send
from voltgate.domain import reservations as r
from voltgate.domain.commands import CancelReservation

router = APIRouter(tags=["reservations"], responses=error_responses(401, 403, 422))

ReservationId = Annotated[int, Path(alias="reservationId", ge=1, le=MAX_CURSOR_ID)]
CANCEL_SENT = {**SENT, **error_responses(409)}


@router.post(f"{STATION_COMMANDS}/reserve", summary="Reserve an EVSE", responses=SENT)
async def reserve(
    station_id: StationId,
    body: ReserveIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """ReserveNow (1.6 §5.13, 2.0.1 H01) with reservationId = the command's id, which is the
    id of the reservation it makes (`reservationId` in the answer): ACTIVE once the station
    accepts, REJECTED with its status otherwise."""
    return await send(services, station_id, body.command(), caller, run_async, response)


@router.post(
    f"{STATION_COMMANDS}/cancel-reservation",
    summary="Cancel a reservation",
    responses=CANCEL_SENT,
)
async def cancel_reservation(
    station_id: StationId,
    body: CancelReservationIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """CancelReservation (1.6 §5.1, 2.0.1 H02) of a reservation of this station; once the
    station accepts, the reservation is CANCELLED. 422 for another station's reservation,
    409 for one that is past cancelling."""
    return await send(services, station_id, body.command(), caller, run_async, response)


@router.get("/api/v1/reservations", summary="List reservations")
async def list_reservations(
    _: Viewer,
    services: ServicesDep,
    page: NumberPage,
    station_id: Annotated[str | None, Query(alias="stationId", pattern=STATION_ID_PATTERN)] = None,
    state: ReservationState | None = None,
) -> Data[Page[ReservationOut]]:
    """Newest first; optionally one station's, one state's."""
    query = r.ReservationQuery(
        station_id=station_id,
        state=None if state is None else to_domain(r.ReservationState, state),
        page=page,
    )
    found = await services.reservations.page(query)
    items = [ReservationOut.of(reservation) for reservation in found.items]
    return Data(data=Page(items=items, has_more=found.has_more))


@router.get(
    "/api/v1/reservations/{reservationId}",
    summary="Get a reservation",
    responses=error_responses(404),
)
async def get_reservation(
    reservation_id: ReservationId, _: Viewer, services: ServicesDep
) -> Data[ReservationOut]:
    """A reservation with its state and the station's last word on it."""
    reservation = await services.reservations.get(reservation_id)
    if reservation is None:
        raise not_found("reservation", reservation_id)
    return Data(data=ReservationOut.of(reservation))


@router.post(
    "/api/v1/reservations/{reservationId}/cancel",
    summary="Cancel a reservation",
    responses={**CANCEL_SENT, **error_responses(404)},
)
async def cancel(
    reservation_id: ReservationId,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """Send CancelReservation to the reservation's station; the answer is that command (the
    reservation is CANCELLED once the station accepts). 409 when it is past cancelling."""
    reservation = await services.reservations.get(reservation_id)
    if reservation is None:
        raise not_found("reservation", reservation_id)
    command = CancelReservation(reservation.id)
    return await send(services, reservation.station_id, command, caller, run_async, response)
