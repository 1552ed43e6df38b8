"""`domain.ports.MessageLogRepository` in SQL: the per-station log of OCPP frames.

A batch of frames is queued as deferred rows of one INSERT (`Executor.defer`), so the whole
batch goes out as one `executemany` before the commit: one round trip on PostgreSQL,
whatever the number of frames. A `LoggedFrame` is bound as one tuple of its fields (they are
the table's columns after `id`, in order), with the dialect's processor applied where a
column has one (the timestamp) and its enums as plain `str`: ~1 µs a row, against ~7 µs
through a dict of named parameters. Lists are cursor-paged by id, newest first, one compiled
statement per combination of filters (`operator_repos.Variants`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import BigInteger, Integer, bindparam, delete, insert, select
from sqlalchemy.engine import Dialect

from voltgate.domain.message_log import Direction, FrameType, LogEntry, LoggedFrame, MessageQuery
from voltgate.storage import tables as t
from voltgate.storage.operator_repos import Variants
from voltgate.storage.sql import Compiled, Executor, Row
from voltgate.storage.types import UTCDateTime

FIELDS = LoggedFrame._fields
_DIRECTION = FIELDS.index("direction")
_TYPE = FIELDS.index("message_type")
# The enums bound as their plain `str` values: sqlite3 binds only exact str without asking
# its adapter registry, which costs ~3,400 instructions per str-subclass value (callgrind:
# 8% of storing a MeterValues frame).
_PLAIN: dict[Direction | FrameType, str] = {
    member: str(member.value) for member in (*Direction, *FrameType)
}


class MessageLogStatements:
    """The compiled statements of the message log repository for one dialect."""

    def __init__(self, dialect: Dialect) -> None:
        ml = t.message_log
        # inline(): no RETURNING of the new id, which nobody reads (PostgreSQL would add it).
        self.add = Compiled(insert(ml).inline(), dialect, list(FIELDS))
        assert self.add.names == FIELDS, "LoggedFrame fields out of column order"
        at = UTCDateTime()
        self.list = Variants(
            dialect,
            select(ml.c.id, *(ml.c[name] for name in FIELDS))
            .where(ml.c.station_id == bindparam("station_id"))
            .order_by(ml.c.id.desc())
            .limit(bindparam("limit", type_=Integer())),
            {
                "action": ml.c.action == bindparam("action"),
                "direction": ml.c.direction == bindparam("direction"),
                "message_type": ml.c.message_type == bindparam("message_type"),
                "unique_id": ml.c.unique_id == bindparam("unique_id"),
                "from_at": ml.c.at >= bindparam("from_at", type_=at),
                "until_at": ml.c.at < bindparam("until_at", type_=at),
                "after": ml.c.id < bindparam("after", type_=BigInteger()),
            },
        )
        # The prune looks at the oldest `limit` rows by id (the primary key) and deletes
        # those past the cutoff: ids grow with `at`, so it never scans beyond one chunk and
        # needs no index on `at` (which cost every logged frame an entry).
        window = (
            select(ml.c.id, ml.c.at)
            .order_by(ml.c.id)
            .limit(bindparam("limit", type_=Integer()))
            .subquery("oldest")
        )
        old = select(window.c.id).where(window.c.at < bindparam("cutoff", type_=at))
        self.delete_before = Compiled(delete(ml).where(ml.c.id.in_(old)), dialect)


class SqlMessageLog:
    """`domain.ports.MessageLogRepository` in SQL."""

    def __init__(self, db: Executor, sql: MessageLogStatements) -> None:
        self._db = db
        self._sql = sql

    def add(self, frames: Sequence[LoggedFrame]) -> None:
        statement = self._sql.add
        defer, convert = self._db.defer, statement.convert
        for f in frames:
            defer(
                statement,
                convert(
                    (
                        f.station_id, f.at, _PLAIN[f.direction], _PLAIN[f.message_type],
                        f.unique_id, f.action, f.frame_text, f.size, f.truncated,
                    )
                ),
            )  # fmt: skip

    def list(self, query: MessageQuery) -> list[LogEntry]:
        rows = self._sql.list.rows(
            self._db,
            query.page.fetch,
            station_id=query.station_id,
            action=query.action,
            direction=None if query.direction is None else query.direction.value,
            message_type=None if query.message_type is None else query.message_type.value,
            unique_id=query.unique_id,
            from_at=query.after,
            until_at=query.before,
            after=query.page.after,
        )
        return [_entry(row) for row in rows]

    def delete_before(self, at: datetime, limit: int) -> int:
        return self._db.run(self._sql.delete_before, {"cutoff": at, "limit": limit})


def _entry(row: Row) -> LogEntry:
    values = list(row[1:])
    values[_DIRECTION] = Direction(values[_DIRECTION])
    values[_TYPE] = FrameType(values[_TYPE])
    return LogEntry(row[0], LoggedFrame(*values))
