"""`domain.ports.CommandRepository` in SQL: commands to stations and their outcomes.

Same habits as the other repositories: statements compiled once per dialect, executed on the
batch's connection, never committing. Rows map positionally onto `CommandRecord`, whose
fields are the table's leading columns in order (checked by a test).
"""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, and_, bindparam, null, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from voltgate.domain.authorization import token_key
from voltgate.domain.commands import CommandRecord, CommandState
from voltgate.storage import tables as t
from voltgate.storage.sql import Compiled, Executor, Row
from voltgate.storage.types import UTCDateTime

FIELDS = tuple(f.name for f in fields(CommandRecord))
_STATE = FIELDS.index("state")
SAVED = (
    "action",
    "request",
    "state",
    "status",
    "reason",
    "response",
    "finished_at",
    "link_until",
)
"""What `save` may change; the rest is fixed when the command is created."""

PENDING = CommandState.PENDING.value
REMOTE_START_201 = "RequestStartTransaction"
REMOTE_START_16 = "RemoteStartTransaction"


class CommandStatements:
    """The compiled statements of the command repository for one dialect."""

    def __init__(self, dialect: Dialect) -> None:
        insert: Any = sqlite.insert if dialect.name == "sqlite" else postgresql.insert

        def c(statement: Any, column_keys: list[str] | None = None) -> Compiled:
            return Compiled(statement, dialect, column_keys)

        cm = t.commands
        columns = [cm.c[name] for name in FIELDS]
        limit = bindparam("limit", type_=Integer())
        station = cm.c.station_id == bindparam("_s")
        at = bindparam("at", type_=UTCDateTime())

        writable = [name for name in FIELDS if name != "id"] + ["dedupe_key"]
        self.add = c(insert(cm).on_conflict_do_nothing().returning(cm.c.id), writable)
        self.by_key = c(select(cm.c.id).where(cm.c.dedupe_key == bindparam("_key")))
        self.get = c(select(*columns).where(cm.c.id == bindparam("_id")))
        self.save = c(update(cm).where(cm.c.id == bindparam("_id")), list(SAVED))
        newest = cm.c.id.desc()
        self.list = c(select(*columns).where(station).order_by(newest).limit(limit))
        self.list_after = c(
            select(*columns)
            .where(station, cm.c.id < bindparam("after"))
            .order_by(newest)
            .limit(limit)
        )
        self.fail_pending = c(
            update(cm)
            .where(cm.c.state == PENDING)
            .values(
                state=CommandState.FAILED.value,
                reason=bindparam("reason"),
                finished_at=at,
                link_until=null(),
            )
        )
        linked = {"transaction_id": bindparam("tx", type_=Integer()), "link_until": null()}
        self.link_remote_start = c(
            update(cm)
            .where(
                cm.c.id == bindparam("_id"),
                station,
                cm.c.action == REMOTE_START_201,
                cm.c.transaction_id.is_(None),
            )
            .values(**linked)
        )
        # Only rows still in their window have a link_until, so this is a short index range.
        candidate = (
            select(cm.c.id)
            .where(
                station,
                cm.c.link_until >= at,
                cm.c.action == REMOTE_START_16,
                cm.c.transaction_id.is_(None),
                cm.c.link_id_tag == bindparam("tag"),
                or_(cm.c.link_evse_id.is_(None), cm.c.link_evse_id == bindparam("evse")),
            )
            .order_by(newest)
            .limit(1)
            .scalar_subquery()
        )
        self.link_start = c(update(cm).where(and_(cm.c.id == candidate)).values(**linked))
        self.remote_started = c(
            select(cm.c.transaction_id).where(
                station, cm.c.transaction_id >= bindparam("since", type_=Integer())
            )
        )


class SqlCommands:
    """`domain.ports.CommandRepository` in SQL."""

    def __init__(self, db: Executor, sql: CommandStatements) -> None:
        self._db = db
        self._sql = sql

    def add(self, record: CommandRecord, key: bytes) -> int:
        params = _params(record)
        del params["id"]
        params["dedupe_key"] = key
        row = self._db.first(self._sql.add, params)
        if row is None:  # the unit ran again after an ambiguous commit
            row = self._db.first(self._sql.by_key, {"_key": key})
            assert row is not None
        return int(row[0])

    def get(self, command_id: int) -> CommandRecord | None:
        row = self._db.first(self._sql.get, {"_id": command_id})
        return None if row is None else _record(row)

    def save(self, record: CommandRecord) -> None:
        params = _params(record)
        values = {name: params[name] for name in SAVED}
        values["_id"] = record.id
        self._db.run(self._sql.save, values)

    def list_for_station(
        self, station_id: str, *, after: int | None, limit: int
    ) -> list[CommandRecord]:
        if after is None:
            rows = self._db.rows(self._sql.list, {"_s": station_id, "limit": limit})
        else:
            params = {"_s": station_id, "after": after, "limit": limit}
            rows = self._db.rows(self._sql.list_after, params)
        return [_record(row) for row in rows]

    def fail_pending(self, reason: str, at: datetime) -> int:
        return self._db.run(self._sql.fail_pending, {"reason": reason, "at": at})

    def link_remote_start(self, station_id: str, command_id: int, transaction_id: int) -> None:
        params = {"_id": command_id, "_s": station_id, "tx": transaction_id}
        self._db.run(self._sql.link_remote_start, params)

    def remote_started(self, station_id: str, since_transaction_id: int) -> set[int]:
        params = {"_s": station_id, "since": since_transaction_id}
        return {int(row[0]) for row in self._db.rows(self._sql.remote_started, params)}

    def link_start(
        self, station_id: str, evse_id: int, id_tag: str, transaction_id: int, at: datetime
    ) -> None:
        params = {
            "_s": station_id,
            "at": at,
            "tag": token_key(id_tag),
            "evse": evse_id,
            "tx": transaction_id,
        }
        self._db.run(self._sql.link_start, params)


def _record(row: Row) -> CommandRecord:
    values = list(row)
    values[_STATE] = CommandState(values[_STATE])
    return CommandRecord(*values)


def _params(record: CommandRecord) -> dict[str, Any]:
    params = {name: getattr(record, name) for name in FIELDS}
    params["state"] = record.state.value
    return params
