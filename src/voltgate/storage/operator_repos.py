"""`domain.ports.OperatorRepository` in SQL: filtered, cursor-paged lists and removals.

A list with optional filters is one SELECT per combination of filters actually given,
compiled the first time that combination is asked for and kept (`Variants`). A single
statement with ``(:x IS NULL OR col = :x)`` for every filter would be shorter, but
PostgreSQL plans such a statement once for all combinations and then cannot use the index
of the filter that is given (a transaction list by id tag would scan the table).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Integer,
    Select,
    String,
    bindparam,
    delete,
    exists,
    select,
)
from sqlalchemy.engine import Dialect

from voltgate.domain.authorization import IdToken, TokenStatus, TokenType, token_key
from voltgate.domain.events import StationEvent
from voltgate.domain.queries import (
    EventEntry,
    EventQuery,
    StationQuery,
    TokenQuery,
    TransactionQuery,
)
from voltgate.domain.stations import Station
from voltgate.domain.transactions import Transaction
from voltgate.storage import tables as t
from voltgate.storage.sql import Compiled, Executor, Row
from voltgate.storage.types import UTCDateTime

TOKEN_FIELDS = ("id_tag", "status", "expiry", "parent_id_tag", "type", "personal_message")
"""Columns of `tokens` in the field order of `domain.authorization.IdToken`."""


class Variants:
    """One SELECT with optional WHERE clauses, compiled once per combination in use.

    Args:
        dialect: the dialect to compile for.
        base: the statement without the optional clauses (its LIMIT a bind named "limit").
        clauses: each optional clause by the name of the parameter that turns it on.
    """

    def __init__(
        self, dialect: Dialect, base: Select[Any], clauses: Mapping[str, ColumnElement[bool]]
    ) -> None:
        self._dialect = dialect
        self._base = base
        self._clauses = dict(clauses)
        self._compiled: dict[frozenset[str], Compiled] = {}

    def rows(self, db: Executor, limit: int, **given: Any) -> list[Row]:
        """Run the variant for the optional clauses whose parameter in `given` is not None
        (parameters of the base statement are passed in `given` too)."""
        params = {name: value for name, value in given.items() if value is not None}
        active = frozenset(name for name in params if name in self._clauses)
        statement = self._compiled.get(active)
        if statement is None:
            where = [self._clauses[name] for name in sorted(active)]
            statement = Compiled(self._base.where(*where), self._dialect)
            self._compiled[active] = statement
        params["limit"] = limit
        return db.rows(statement, params)


class OperatorStatements:
    """The statements of the operator repository for one dialect."""

    def __init__(self, dialect: Dialect) -> None:
        s, k, tx, ev = t.stations, t.tokens, t.transactions, t.station_events
        limit = bindparam("limit", type_=Integer())

        self.stations = Variants(
            dialect,
            select(s).order_by(s.c.id).limit(limit),
            {
                "connected": s.c.connected == bindparam("connected", type_=Boolean()),
                "protocol": s.c.protocol == bindparam("protocol"),
                "after": s.c.id > bindparam("after"),
            },
        )
        self.tokens = Variants(
            dialect,
            select(*(k.c[name] for name in TOKEN_FIELDS)).order_by(k.c.key).limit(limit),
            {"status": k.c.status == bindparam("status"), "after": k.c.key > bindparam("after")},
        )
        at = UTCDateTime()
        self.transactions = Variants(
            dialect,
            select(*(tx.c[name] for name in Transaction._fields))
            .order_by(tx.c.id.desc())
            .limit(limit),
            {
                "station_id": tx.c.station_id == bindparam("station_id"),
                "id_tag": tx.c.id_tag_key == bindparam("id_tag"),
                "open": tx.c.stopped_at.is_(None),
                "closed": tx.c.stopped_at.is_not(None),
                "started_after": tx.c.started_at >= bindparam("started_after", type_=at),
                "started_before": tx.c.started_at < bindparam("started_before", type_=at),
                "after": tx.c.id < bindparam("after", type_=Integer()),
            },
        )
        self.events = Variants(
            dialect,
            select(ev.c.id, ev.c.station_id, ev.c.kind, ev.c.payload, ev.c.at, ev.c.received_at)
            .where(ev.c.station_id == bindparam("station_id"))
            .order_by(ev.c.id.desc())
            .limit(limit),
            {
                "kind": ev.c.kind == bindparam("kind"),
                "after": ev.c.id < bindparam("after", type_=Integer()),
            },
        )
        # A station is deleted only when no row of any table refers to it. The referring
        # tables are read from the schema, so a table added later is covered without an
        # edit here (and a delete never fails on a foreign key).
        referring = [
            (table, fk.parent)
            for table in t.metadata.sorted_tables
            for fk in table.foreign_keys
            if fk.column is s.c.id
        ]
        station_id = bindparam("_s", type_=String())
        self.station_delete = Compiled(
            delete(s).where(
                s.c.id == station_id,
                *(~exists().where(column == station_id) for _, column in referring),
            ),
            dialect,
        )
        self.token_delete = Compiled(delete(k).where(k.c.key == bindparam("key")), dialect)


class SqlOperator:
    """`domain.ports.OperatorRepository` in SQL.

    Args:
        db: the batch's executor.
        sql: the compiled statements.
        station_row, transaction_row: how the station and transaction repositories turn
            their rows into domain objects (one place for each mapping).
    """

    def __init__(
        self,
        db: Executor,
        sql: OperatorStatements,
        *,
        station_row: Callable[[Row], Station],
        transaction_row: Callable[[Row], Transaction],
    ) -> None:
        self._db = db
        self._sql = sql
        self._station = station_row
        self._transaction = transaction_row

    def stations(self, query: StationQuery) -> list[Station]:
        rows = self._sql.stations.rows(
            self._db,
            query.page.fetch,
            connected=query.connected,
            protocol=query.protocol,
            after=query.page.after,
        )
        return [self._station(row) for row in rows]

    def tokens(self, query: TokenQuery) -> list[IdToken]:
        after = query.page.after
        rows = self._sql.tokens.rows(
            self._db,
            query.page.fetch,
            status=None if query.status is None else query.status.value,
            after=None if after is None else token_key(after),
        )
        return [_token(row) for row in rows]

    def transactions(self, query: TransactionQuery) -> list[Transaction]:
        rows = self._sql.transactions.rows(
            self._db,
            query.page.fetch,
            station_id=query.station_id,
            id_tag=None if query.id_tag is None else token_key(query.id_tag),
            open=True if query.open is True else None,
            closed=True if query.open is False else None,
            started_after=query.started_after,
            started_before=query.started_before,
            after=query.page.after,
        )
        return [self._transaction(row) for row in rows]

    def events(self, query: EventQuery) -> list[EventEntry]:
        rows = self._sql.events.rows(
            self._db,
            query.page.fetch,
            station_id=query.station_id,
            kind=query.kind,
            after=query.page.after,
        )
        return [EventEntry(row[0], StationEvent(*row[1:])) for row in rows]

    def delete_station(self, station_id: str) -> bool:
        return self._db.run(self._sql.station_delete, {"_s": station_id}) > 0

    def delete_token(self, id_tag: str) -> bool:
        return self._db.run(self._sql.token_delete, {"key": token_key(id_tag)}) > 0


def _token(row: Row) -> IdToken:
    id_tag, status, expiry, parent_id_tag, token_type, personal_message = row
    return IdToken(
        id_tag,
        TokenStatus(status),
        expiry,
        parent_id_tag,
        None if token_type is None else TokenType(token_type),
        personal_message,
    )
