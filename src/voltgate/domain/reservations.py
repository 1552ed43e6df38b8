"""Reservations: an EVSE (or any EVSE) held for an id token until an expiry time.

Theory of operation
-------------------
A reservation is created with the `reserve` command that asks the station for it
(`commands.Reserve`), PENDING, and its id is that command's id (the reservationId the station
gets). From then on it follows what happens (`TRANSITIONS`, one event per fact):

* the station answers ReserveNow: Accepted makes it ACTIVE; any other status REJECTED;
  no answer (offline, timed out, a CALLERROR, the server restarted) FAILED, because the
  station may or may not hold it;
* a transaction starts with its reservationId (1.6 StartTransaction, 2.0.1 TransactionEvent,
  H01.FR.15, H03.FR.09): USED, with that transaction;
* an accepted cancel-reservation (H02.FR.02): CANCELLED;
* its expiry passes (the server's sweep), or a 2.0.1 station reports it Expired (H04.FR.01)
  or Removed (its EVSE became Faulted or Unavailable, H01.FR.16/17): EXPIRED.

FAILED is not final: the facts a station reports later (used, expired, removed) still apply,
and it can be cancelled. REJECTED, USED, CANCELLED and EXPIRED are final. What a station
reports about a reservation that cannot move that way (a late duplicate, a reservation made
by a raw call) changes nothing and is never refused: the station already acted (`follow`).
`status` keeps the station's last word on it (``Accepted``, ``Occupied``, ``Removed`` ...).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from voltgate.domain.errors import InvalidTransition
from voltgate.domain.queries import PageRequest


class ReservationState(enum.StrEnum):
    """Where a reservation is (see the module's theory of operation)."""

    PENDING = "PENDING"
    ACTIVE = "ACTIVE"
    REJECTED = "REJECTED"
    FAILED = "FAILED"
    USED = "USED"
    CANCELLED = "CANCELLED"
    EXPIRED = "EXPIRED"


class ReservationEvent(enum.StrEnum):
    """What can happen to a reservation."""

    ACCEPTED = "ACCEPTED"  # the station accepted ReserveNow
    REFUSED = "REFUSED"  # the station answered anything else
    NOT_ANSWERED = "NOT_ANSWERED"  # offline, timed out, CALLERROR, server restarted
    USED = "USED"  # a transaction started with its reservationId
    CANCELLED = "CANCELLED"  # the station accepted CancelReservation
    TIME_PASSED = "TIME_PASSED"  # its expiry passed (the server's sweep)
    ENDED_BY_STATION = "ENDED_BY_STATION"  # 2.0.1 ReservationStatusUpdate Expired / Removed


_S, _E = ReservationState, ReservationEvent

TRANSITIONS: Mapping[tuple[ReservationState, ReservationEvent], ReservationState] = {
    (_S.PENDING, _E.ACCEPTED): _S.ACTIVE,
    (_S.PENDING, _E.REFUSED): _S.REJECTED,
    (_S.PENDING, _E.NOT_ANSWERED): _S.FAILED,
    # A transaction may be reported before the ReserveNow answer is stored.
    (_S.PENDING, _E.USED): _S.USED,
    (_S.ACTIVE, _E.USED): _S.USED,
    (_S.FAILED, _E.USED): _S.USED,
    (_S.ACTIVE, _E.CANCELLED): _S.CANCELLED,
    (_S.FAILED, _E.CANCELLED): _S.CANCELLED,
    (_S.ACTIVE, _E.TIME_PASSED): _S.EXPIRED,
    (_S.PENDING, _E.ENDED_BY_STATION): _S.EXPIRED,
    (_S.ACTIVE, _E.ENDED_BY_STATION): _S.EXPIRED,
    (_S.FAILED, _E.ENDED_BY_STATION): _S.EXPIRED,
}
"""Every allowed move; anything else is an `InvalidTransition`."""


def sources(event: ReservationEvent) -> frozenset[ReservationState]:
    """The states `event` moves a reservation out of (what storage updates in one
    statement: the sweep, a transaction's reservationId)."""
    return frozenset(state for state, on in TRANSITIONS if on is event)


def advance(state: ReservationState, event: ReservationEvent) -> ReservationState:
    """The state after `event`.

    Raises:
        InvalidTransition: the table has no such move (a final state, or cancelling a
            reservation the station has not answered for yet).
    """
    try:
        return TRANSITIONS[state, event]
    except KeyError:
        raise InvalidTransition(state, event) from None


@dataclass(frozen=True, slots=True)
class Reservation:
    """One reservation as stored. `evse_id` None: any EVSE; `connector_type` a 2.0.1
    ConnectorEnumType as OCPP spells it; `group_id_tag` the group that may use it too;
    `transaction_id` the transaction that used it. Times are aware UTC."""

    id: int
    station_id: str
    evse_id: int | None
    connector_type: str | None
    id_tag: str
    group_id_tag: str | None
    expires_at: datetime
    state: ReservationState
    status: str | None
    reason: str | None
    created_at: datetime
    updated_at: datetime
    transaction_id: int | None = None


def follow(
    reservation: Reservation,
    event: ReservationEvent,
    *,
    at: datetime,
    status: str | None = None,
    reason: str | None = None,
    transaction_id: int | None = None,
) -> Reservation:
    """The reservation after what a station or a command reported; unchanged when the
    table has no such move (the station already acted: never refused)."""
    target = TRANSITIONS.get((reservation.state, event))
    if target is None:
        return reservation
    return replace(
        reservation,
        state=target,
        status=status if status is not None else reservation.status,
        reason=reason,
        updated_at=at,
        transaction_id=transaction_id if transaction_id is not None else reservation.transaction_id,
    )


@dataclass(frozen=True, slots=True)
class ReservationQuery:
    """Reservations, newest (highest id) first; optionally one station's, one state's."""

    station_id: str | None = None
    state: ReservationState | None = None
    page: PageRequest[int] = field(default_factory=PageRequest)
