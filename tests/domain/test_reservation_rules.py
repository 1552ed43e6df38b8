"""The reservation state table (`domain.reservations`), as plain functions: every move it
allows with the requirement behind it, every move it refuses, and what `follow` keeps."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from voltgate.domain.errors import InvalidTransition
from voltgate.domain.reservations import (
    TRANSITIONS,
    Reservation,
    ReservationEvent,
    ReservationQuery,
    ReservationState,
    advance,
    follow,
    sources,
)

S, E = ReservationState, ReservationEvent
T0 = datetime(2030, 1, 1, 10, 0, tzinfo=UTC)
LATER = T0 + timedelta(minutes=5)

# Every move, with what it implements (1.6 §5.13 ReserveNow / §5.3 CancelReservation; 2.0.1
# H01 reserve, H02 cancel, H04 expiry, H01.FR.15/16/17).
MOVES = [
    (S.PENDING, E.ACCEPTED, S.ACTIVE, "H01.FR.03, 1.6 §5.13: the station accepted"),
    (S.PENDING, E.REFUSED, S.REJECTED, "H01.FR.11/12/14: Occupied, Faulted, Unavailable"),
    (S.PENDING, E.NOT_ANSWERED, S.FAILED, "no answer: the station may or may not hold it"),
    (S.PENDING, E.USED, S.USED, "H01.FR.15: the transaction came before the stored answer"),
    (S.ACTIVE, E.USED, S.USED, "H01.FR.15, 1.6 §5.13: StartTransaction with reservationId"),
    (S.FAILED, E.USED, S.USED, "H01.FR.15: a station held it although nobody heard"),
    (S.ACTIVE, E.CANCELLED, S.CANCELLED, "H02.FR.02, 1.6 §5.3: CancelReservation accepted"),
    (S.FAILED, E.CANCELLED, S.CANCELLED, "H02.FR.02: cancelling what the station may hold"),
    (S.ACTIVE, E.TIME_PASSED, S.EXPIRED, "H04.FR.01: the expiry passed (the sweep)"),
    (S.PENDING, E.ENDED_BY_STATION, S.EXPIRED, "H04.FR.01, H01.FR.16/17 before the answer"),
    (S.ACTIVE, E.ENDED_BY_STATION, S.EXPIRED, "H04.FR.01 Expired, H01.FR.16/17 Removed"),
    (S.FAILED, E.ENDED_BY_STATION, S.EXPIRED, "H04.FR.01, H01.FR.16/17 of an unanswered one"),
]
REFUSED = [
    (state, event)
    for state, event in itertools.product(S, E)
    if (state, event) not in {(s, e) for s, e, _, _ in MOVES}
]
FINAL = (S.REJECTED, S.USED, S.CANCELLED, S.EXPIRED)


def reservation(state: ReservationState, **changes: object) -> Reservation:
    """A reservation of CP-1 in `state`."""
    made = Reservation(
        id=7,
        station_id="CP-1",
        evse_id=1,
        connector_type=None,
        id_tag="TAG-1",
        group_id_tag=None,
        expires_at=T0 + timedelta(hours=1),
        state=state,
        status="Accepted",
        reason=None,
        created_at=T0,
        updated_at=T0,
    )
    return replace(made, **changes)  # type: ignore[arg-type]


def test_the_table_is_exactly_the_moves_listed_here() -> None:
    """No move is missing from these tests, and none is added without one."""
    assert dict(TRANSITIONS) == {(s, e): to for s, e, to, _ in MOVES}


@pytest.mark.parametrize(("state", "event", "target", "rule"), MOVES)
def test_each_allowed_move(
    state: ReservationState, event: ReservationEvent, target: ReservationState, rule: str
) -> None:
    """`advance` follows every move of the table (the rule each implements is its id)."""
    assert advance(state, event) is target, rule


@pytest.mark.parametrize(("state", "event"), REFUSED)
def test_every_other_move_is_an_invalid_transition(
    state: ReservationState, event: ReservationEvent
) -> None:
    """Anything the table lacks raises InvalidTransition naming the state and the event."""
    with pytest.raises(InvalidTransition) as refused:
        advance(state, event)
    assert (refused.value.state, refused.value.event) == (state, event)


@pytest.mark.parametrize("state", FINAL)
def test_final_states_do_not_move(state: ReservationState) -> None:
    """REJECTED, USED, CANCELLED and EXPIRED are final: no event moves them."""
    assert all((state, event) not in TRANSITIONS for event in E)


def test_a_pending_reservation_cannot_be_cancelled_nor_expired_by_time() -> None:
    """Cancelling waits for the station's answer; the sweep only expires ACTIVE ones."""
    assert (S.PENDING, E.CANCELLED) not in TRANSITIONS
    assert sources(E.TIME_PASSED) == {S.ACTIVE}


@pytest.mark.parametrize("event", list(E))
def test_sources_are_the_states_each_event_moves(event: ReservationEvent) -> None:
    """`sources` names exactly the states from which the table moves on an event."""
    assert sources(event) == {s for s, e, _, _ in MOVES if e is event}


def test_follow_records_the_move_with_its_status_reason_and_transaction() -> None:
    """A move sets the state, the station's word, the reason, the time and the transaction
    that used it (1.6 §5.13, H01.FR.15)."""
    used = follow(reservation(S.ACTIVE), E.USED, at=LATER, status="Used", transaction_id=42)
    assert (used.state, used.status, used.reason) == (S.USED, "Used", None)
    assert (used.updated_at, used.transaction_id) == (LATER, 42)


def test_follow_keeps_the_last_status_and_transaction_when_not_given() -> None:
    """Without a new status or transaction, the earlier ones stay (H04.FR.01 by the sweep)."""
    earlier = reservation(S.FAILED, transaction_id=5, status="Accepted")
    expired = follow(earlier, E.ENDED_BY_STATION, at=LATER, reason="expired at the station")
    assert (expired.state, expired.status, expired.transaction_id) == (S.EXPIRED, "Accepted", 5)
    assert expired.reason == "expired at the station"


@pytest.mark.parametrize(("state", "event"), REFUSED)
def test_follow_never_refuses_what_a_station_reports(
    state: ReservationState, event: ReservationEvent
) -> None:
    """What cannot move (a late duplicate, a final state) leaves the very same object."""
    before = reservation(state)
    assert follow(before, event, at=LATER, status="Expired") is before


def test_a_query_defaults_to_every_reservation_newest_first() -> None:
    """ReservationQuery without filters asks for one default page of all reservations."""
    query = ReservationQuery()
    assert (query.station_id, query.state, query.page.after) == (None, None, None)
    assert ReservationQuery(station_id="CP-1", state=S.ACTIVE).state is S.ACTIVE
