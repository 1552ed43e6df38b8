"""Reservation use cases (`domain.reservations`): what commands and stations do to them,
the expiry sweep, and the operator's reads.

A reservation is written in the units of work that cause each change: the `reserve`
command's submit creates it and its answer moves it (`CommandService` calls `created` and
`command_finished`); a transaction that names it marks it used inside the transaction's own
unit (`ReservationRepository.use`, one statement only when a reservationId is present); a
2.0.1 ReservationStatusUpdate is stored as a station event together with its effect.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Any

from voltgate.domain import reservations as rules
from voltgate.domain.commands import (
    CancelReservation,
    Command,
    CommandRecord,
    CommandState,
    Reserve,
)
from voltgate.domain.errors import InvalidCommand, InvalidTransition
from voltgate.domain.ports import Clock, Repositories, UnitOfWork
from voltgate.domain.queries import Page, page_of
from voltgate.domain.reservations import (
    Reservation,
    ReservationEvent,
    ReservationQuery,
    ReservationState,
)
from voltgate.domain.services.events import new_event

TIME_PASSED = "its expiry passed"
STATION_REPORT = "ReservationStatusUpdate"

_ANSWERED: dict[CommandState, ReservationEvent] = {
    CommandState.ACCEPTED: ReservationEvent.ACCEPTED,
    CommandState.REJECTED: ReservationEvent.REFUSED,
}


class ReservationService:
    """Reservations: reads, the expiry sweep, and what stations report about them."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def get(self, reservation_id: int) -> Reservation | None:
        """The reservation, or None."""

        def work(repos: Repositories) -> Reservation | None:
            return repos.reservations.get(reservation_id)

        return await self._uow.submit(work)

    async def page(self, query: ReservationQuery) -> Page[Reservation]:
        """One page of reservations, newest first."""

        def work(repos: Repositories) -> list[Reservation]:
            return repos.reservations.list(query)

        return page_of(await self._uow.submit(work), query.page)

    async def expire_due(self) -> int:
        """Mark EXPIRED every ACTIVE reservation whose expiry has passed; the count."""
        now = self._clock()

        def work(repos: Repositories) -> int:
            return repos.reservations.expire_due(now, TIME_PASSED)

        return await self._uow.submit(work)

    async def keep_expiring(
        self, interval_s: float, on_failure: Callable[[Exception], None]
    ) -> None:
        """Run `expire_due` every `interval_s` seconds until cancelled (the composition root
        owns the task). A sweep that fails (storage unreachable, a broken statement) goes to
        `on_failure` and the next tick sweeps again: one bad moment must not leave every
        later reservation ACTIVE past its expiry. Several nodes may sweep: the update is the
        same on each."""
        while True:
            try:
                await self.expire_due()
            except Exception as exc:  # whatever it was, the next sweep may succeed
                on_failure(exc)
            await asyncio.sleep(interval_s)

    async def ended_by_station(
        self,
        station_id: str,
        reservation_id: int,
        status: str,
        *,
        payload: dict[str, Any],
        message_id: str | None,
    ) -> None:
        """A 2.0.1 ReservationStatusUpdate (H04.FR.01 Expired, H01.FR.16/17 Removed): stored
        as a station event, and the station's reservation EXPIRED with its status."""
        now = self._clock()
        event, key = new_event(station_id, STATION_REPORT, payload, None, message_id, now)
        reason = "removed by the station" if status == "Removed" else "expired at the station"

        def work(repos: Repositories) -> None:
            repos.events.add(event, key)
            reservation = repos.reservations.get(reservation_id)
            if reservation is None or reservation.station_id != station_id:
                return  # not one of ours (a raw ReserveNow): the event is the record
            ended = rules.follow(
                reservation, ReservationEvent.ENDED_BY_STATION, at=now, status=status,
                reason=reason,
            )  # fmt: skip
            if ended is not reservation:
                repos.reservations.save(ended)

        await self._uow.submit(work)


def created(repos: Repositories, station_id: str, command: Reserve, command_id: int,
            now: datetime) -> None:  # fmt: skip
    """Store the PENDING reservation a `reserve` command makes (in the command's unit).

    Raises:
        InvalidCommand: its expiry is not in the future.
    """
    if command.expires_at <= now:
        raise InvalidCommand("expiresAt must lie in the future")
    reservation = Reservation(
        id=command_id,
        station_id=station_id,
        evse_id=command.evse_id,
        connector_type=command.connector_type,
        id_tag=command.id_tag,
        group_id_tag=command.group_id_tag,
        expires_at=command.expires_at,
        state=ReservationState.PENDING,
        status=None,
        reason=None,
        created_at=now,
        updated_at=now,
    )
    repos.reservations.add(reservation)


def cancellable(repos: Repositories, station_id: str, command: CancelReservation) -> None:
    """Refuse to cancel what is not the station's reservation, or is past cancelling.

    Raises:
        InvalidCommand: the station has no such reservation.
        InvalidTransition: its state cannot be cancelled (final, or still PENDING).
    """
    reservation = repos.reservations.get(command.reservation_id)
    if reservation is None or reservation.station_id != station_id:
        raise InvalidCommand(f"station {station_id!r} has no reservation {command.reservation_id}")
    if (reservation.state, ReservationEvent.CANCELLED) not in rules.TRANSITIONS:
        raise InvalidTransition(reservation.state.value, "cancel")


def command_finished(
    repos: Repositories, command: Command, record: CommandRecord, now: datetime
) -> None:
    """What a finished `reserve` or `cancel-reservation` does to its reservation (in the
    unit that stores the command's outcome)."""
    if isinstance(command, Reserve):
        event = _ANSWERED.get(record.state, ReservationEvent.NOT_ANSWERED)
        _apply(repos, record.id, event, now, record.status, record.reason)
    elif isinstance(command, CancelReservation) and record.state is CommandState.ACCEPTED:
        _apply(repos, command.reservation_id, ReservationEvent.CANCELLED, now, record.status,
               f"cancelled by command {record.id}")  # fmt: skip


def fail_pending(repos: Repositories, reason: str, now: datetime) -> int:
    """Finish every PENDING reservation as FAILED (their command failed the same way)."""
    return repos.reservations.fail_pending(reason, now)


def _apply(
    repos: Repositories,
    reservation_id: int,
    event: ReservationEvent,
    now: datetime,
    status: str | None,
    reason: str | None,
) -> None:
    reservation = repos.reservations.get(reservation_id)
    if reservation is None:
        return
    moved = rules.follow(reservation, event, at=now, status=status, reason=reason)
    if moved is not reservation:
        repos.reservations.save(moved)
