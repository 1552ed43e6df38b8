"""`domain.ports.ReservationRepository` in SQL.

Rows map positionally onto `domain.reservations.Reservation`, whose fields are the table's
columns in order (checked by a test). The statements that move many reservations at once
(the expiry sweep, a transaction that uses one, the restart) take the states they move
from out of the domain's transition table (`reservations.sources`), so the rule lives there.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, bindparam, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from voltgate.domain.reservations import (
    Reservation,
    ReservationEvent,
    ReservationQuery,
    ReservationState,
    advance,
    sources,
)
from voltgate.storage import tables as t
from voltgate.storage.operator_repos import Variants
from voltgate.storage.sql import Compiled, Executor, Row
from voltgate.storage.types import UTCDateTime

FIELDS = tuple(f.name for f in fields(Reservation))
_STATE = FIELDS.index("state")
SAVED = ("state", "status", "reason", "updated_at", "transaction_id")
"""What `save` may change; the rest is fixed when the reservation is made."""


def _moves(event: ReservationEvent) -> tuple[list[Any], str]:
    """The states `event` moves out of, and the one state it moves them all to."""
    origins = sorted(sources(event))
    targets = {advance(state, event) for state in origins}
    assert len(targets) == 1, f"{event} must lead to one state for a bulk update"
    # Bound one by one (an IN list of literals): compiled statements bind nothing expanding.
    return [literal(state.value) for state in origins], targets.pop().value


class ReservationStatements:
    """The compiled statements of the reservation repository for one dialect."""

    def __init__(self, dialect: Dialect) -> None:
        insert: Any = sqlite.insert if dialect.name == "sqlite" else postgresql.insert
        r = t.reservations
        at = bindparam("at", type_=UTCDateTime())

        def c(statement: Any, column_keys: list[str] | None = None) -> Compiled:
            return Compiled(statement, dialect, column_keys)

        self.add = c(insert(r).on_conflict_do_nothing(), list(FIELDS))
        columns = [r.c[name] for name in FIELDS]
        self.get = c(select(*columns).where(r.c.id == bindparam("_id")))
        self.save = c(update(r).where(r.c.id == bindparam("_id")), list(SAVED))
        used_from, used = _moves(ReservationEvent.USED)
        self.use = c(
            update(r)
            .where(
                r.c.id == bindparam("_id", type_=Integer()),
                r.c.station_id == bindparam("_s"),
                r.c.state.in_(used_from),
            )
            .values(state=used, transaction_id=bindparam("tx", type_=Integer()), updated_at=at)
        )
        expiring, expired = _moves(ReservationEvent.TIME_PASSED)
        self.expire_due = c(
            update(r)
            .where(r.c.state.in_(expiring), r.c.expires_at <= at)
            .values(state=expired, reason=bindparam("reason"), updated_at=at)
        )
        unanswered, failed = _moves(ReservationEvent.NOT_ANSWERED)
        self.fail_pending = c(
            update(r)
            .where(r.c.state.in_(unanswered))
            .values(state=failed, reason=bindparam("reason"), updated_at=at)
        )
        self.list = Variants(
            dialect,
            select(*columns).order_by(r.c.id.desc()).limit(bindparam("limit", type_=Integer())),
            {
                "station_id": r.c.station_id == bindparam("station_id"),
                "state": r.c.state == bindparam("state"),
                "after": r.c.id < bindparam("after", type_=Integer()),
            },
        )


class SqlReservations:
    """`domain.ports.ReservationRepository` in SQL."""

    def __init__(self, db: Executor, sql: ReservationStatements) -> None:
        self._db = db
        self._sql = sql

    def add(self, reservation: Reservation) -> None:
        self._db.run(self._sql.add, _params(reservation))

    def get(self, reservation_id: int) -> Reservation | None:
        row = self._db.first(self._sql.get, {"_id": reservation_id})
        return None if row is None else _reservation(row)

    def save(self, reservation: Reservation) -> None:
        params = _params(reservation)
        values = {name: params[name] for name in SAVED}
        values["_id"] = reservation.id
        self._db.run(self._sql.save, values)

    def use(self, station_id: str, reservation_id: int, transaction_id: int, at: datetime) -> None:
        params = {"_id": reservation_id, "_s": station_id, "tx": transaction_id, "at": at}
        self._db.run(self._sql.use, params)

    def expire_due(self, at: datetime, reason: str) -> int:
        return self._db.run(self._sql.expire_due, {"at": at, "reason": reason})

    def fail_pending(self, reason: str, at: datetime) -> int:
        return self._db.run(self._sql.fail_pending, {"at": at, "reason": reason})

    def list(self, query: ReservationQuery) -> list[Reservation]:
        rows = self._sql.list.rows(
            self._db,
            query.page.fetch,
            station_id=query.station_id,
            state=None if query.state is None else query.state.value,
            after=query.page.after,
        )
        return [_reservation(row) for row in rows]


def _reservation(row: Row) -> Reservation:
    values = list(row)
    values[_STATE] = ReservationState(values[_STATE])
    return Reservation(*values)


def _params(reservation: Reservation) -> dict[str, Any]:
    params = {name: getattr(reservation, name) for name in FIELDS}
    params["state"] = reservation.state.value
    return params
