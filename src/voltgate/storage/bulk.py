"""Statements that write many rows at once.

* `MultiInsert`: all samples of a message in ONE statement: one round trip on PostgreSQL,
  one VM run on SQLite.
* `TrackedInsert` (PostgreSQL): the same, plus the transaction's register update and the
  EVSE register update folded into the statement with data-modifying CTEs, applied only
  when every sample was new: a MeterValues message with several meterValue elements then
  costs two round trips (read the transaction, write everything) instead of four. Round
  trips dominate PostgreSQL CPU per message (socket send/poll per statement), see
  docs/adr/0002-storage-units-of-work.md.
* `columnar_insert`, `tracked_columnar` (PostgreSQL): deferred writes whose rows of a whole
  batch go out as ONE statement, bound as one array of a composite type (`sql.Columnar`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Integer,
    Table,
    bindparam,
    case,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect

from voltgate.storage.sql import Columnar, Compiled, Processor, RowType
from voltgate.storage.types import UTCDateTime


def newest_register(evses: Any, excluded: Any) -> dict[str, Any]:
    """SET clause of an EVSE register upsert: keep the newer of the stored and the new
    register, so an old sample replayed late never moves it back."""
    newer = or_(
        evses.c.last_register_at.is_(None),
        evses.c.last_register_at <= excluded.last_register_at,
    )
    return {
        "last_register_wh": case(
            (newer, excluded.last_register_wh), else_=evses.c.last_register_wh
        ),
        "last_register_at": case(
            (newer, excluded.last_register_at), else_=evses.c.last_register_at
        ),
    }


class MultiInsert:
    """``INSERT ... VALUES (row), ... ON CONFLICT (key) DO NOTHING RETURNING key``."""

    MAX_ROWS = 100

    def __init__(self, insert: Any, table: Any, fields: Sequence[str], dialect: Dialect) -> None:
        self._insert = insert
        self._table = table
        self._fields = tuple(fields)
        self._dialect = dialect
        self._compiled: dict[int, Compiled] = {}
        self.binds: tuple[Processor, ...] = tuple(
            table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in fields
        )

    def for_rows(self, count: int) -> Compiled:
        """The statement for `count` rows (at most MAX_ROWS), compiled on first use."""
        compiled = self._compiled.get(count)
        if compiled is None:
            compiled = Compiled(self.statement(count), self._dialect)
            expected = self.row_names(count)
            assert compiled.names == expected, "multi-row insert binds out of row order"
            self._compiled[count] = compiled
        return compiled

    def statement(self, count: int) -> Any:
        """The Core statement for `count` rows."""
        table = self._table
        rows = [
            {name: bindparam(f"{name}_{i}", type_=table.c[name].type) for name in self._fields}
            for i in range(count)
        ]
        return (
            self._insert(table)
            .values(rows)
            .on_conflict_do_nothing(index_elements=[table.c.key])
            .returning(table.c.key)
        )

    def row_names(self, count: int) -> tuple[str, ...]:
        """Bind names of `count` rows, row-major, in `fields` order."""
        return tuple(f"{name}_{i}" for i in range(count) for name in self._fields)

    def parameters(self, rows: Sequence[Sequence[Any]]) -> list[Any]:
        """Flattened positional parameters for `rows` (each in `fields` order)."""
        out: list[Any] = []
        binds = self.binds
        for row in rows:
            for value, process in zip(row, binds, strict=True):
                out.append(value if process is None or value is None else process(value))
        return out


class TrackedInsert(MultiInsert):
    """PostgreSQL only: insert samples and, if all were new, update registers too.

    Parameters after the rows: ``n`` (row count), ``_id`` and the transaction's register
    columns, ``_s``/``_e``/``wh``/``at`` for the EVSE and ``has_register``. The result rows
    are ``(key, evse_rows_written)`` for each inserted row.
    """

    def __init__(
        self,
        table: Any,
        fields: Sequence[str],
        transactions: Any,
        registers: Sequence[str],
        evses: Any,
        dialect: Dialect,
    ) -> None:
        super().__init__(postgresql.insert, table, fields, dialect)
        self._transactions = transactions
        self._registers = tuple(registers)
        self._evses = evses
        self._plans: dict[int, tuple[tuple[int, int] | str, ...]] = {}

    def for_rows(self, count: int) -> Compiled:
        compiled = self._compiled.get(count)
        if compiled is None:
            compiled = Compiled(self.statement(count), self._dialect)
            # PostgreSQL numbers binds in its own order: map each position to its source.
            where = {
                name: divmod(n, len(self._fields)) for n, name in enumerate(self.row_names(count))
            }
            self._plans[count] = tuple(where.get(name, name) for name in compiled.names)
            self._compiled[count] = compiled
        return compiled

    def statement(self, count: int) -> Any:
        tx, e = self._transactions, self._evses
        inserted = super().statement(count).cte("inserted")
        all_new = select(func.count()).select_from(inserted).scalar_subquery() == bindparam(
            "n", type_=Integer()
        )
        tx_update = (
            update(tx)
            .where(tx.c.id == bindparam("_id", type_=Integer()), all_new)
            .values(
                {name: bindparam(f"t_{name}", type_=tx.c[name].type) for name in self._registers}
            )
            .returning(tx.c.id)
            .cte("tx_update")
        )
        # The EVSE register is upserted: a missing EVSE row is created, as `ensure_evse`
        # would, so "all new with a register" always means "EVSE register written".
        evse_upsert = postgresql.insert(e).from_select(
            ["station_id", "evse_id", "last_register_wh", "last_register_at"],
            select(
                bindparam("_s", type_=e.c.station_id.type),
                bindparam("_e", type_=e.c.evse_id.type),
                bindparam("wh", type_=Float()),
                bindparam("at", type_=UTCDateTime()),
            ).where(all_new, bindparam("has_register", type_=Boolean())),
        )
        evse_update = (
            evse_upsert.on_conflict_do_update(
                index_elements=[e.c.station_id, e.c.evse_id],
                set_=newest_register(e, evse_upsert.excluded),
            )
            .returning(e.c.evse_id)
            .cte("evse_update")
        )
        evse_rows = select(func.count()).select_from(evse_update).scalar_subquery()
        return select(inserted.c.key, evse_rows).add_cte(tx_update, evse_update)

    def tracked_parameters(
        self, rows: Sequence[Sequence[Any]], extra: Mapping[str, Any]
    ) -> list[Any]:
        """Positional parameters: row values and the named extra values, converted."""
        compiled = self.for_rows(len(rows))
        out: list[Any] = []
        for source, process in zip(self._plans[len(rows)], compiled.binds, strict=True):
            if isinstance(source, str):
                value = extra[source]
            else:
                value = rows[source[0]][source[1]]
            out.append(value if process is None or value is None else process(value))
        return out


def _binds(columns: Sequence[Column[Any]], dialect: Dialect) -> list[Processor]:
    return [column.type.dialect_impl(dialect).bind_processor(dialect) for column in columns]


def _typed(
    names: Sequence[str], columns: Sequence[Column[Any]], dialect: Dialect
) -> list[tuple[str, str]]:
    """Composite type attributes: `names`, typed as `columns`."""
    return [(n, c.type.compile(dialect=dialect)) for n, c in zip(names, columns, strict=True)]


def columnar_insert(
    table: Table, names: Sequence[str], key: str, row_type: str, dialect: Dialect
) -> Columnar:
    """``INSERT ... SELECT * FROM unnest($1::row_type[]) ON CONFLICT (key) DO NOTHING``.

    `row_type` is the composite type whose attributes are `names` (a migration creates
    it). Rows are inserted in queued order (`unnest` keeps the array's order), so of two
    rows with one key the first is stored, as one `executemany` would.
    """
    columns = [table.c[name] for name in names]
    type_ = RowType(row_type, _typed(names, columns, dialect))
    sql = (
        f"INSERT INTO {table.name} ({', '.join(names)}) "
        f"SELECT * FROM unnest($1::{type_.name}[]) "
        f"ON CONFLICT ({key}) DO NOTHING"
    )
    return Columnar(sql, _binds(columns, dialect), type_)


MV_WRITE_TYPE = "meter_value_write"
"""The composite type of one row of the 1.6 MeterValues write (migrations 0016, 0017)."""

VERSION = "xmin::text::bigint"
"""A transaction row's version: PostgreSQL's `xmin`, the id of the database transaction
that wrote the row as it is, which every UPDATE of the row changes (whoever runs it)."""


def tracked_columnar(
    table: Table,
    fields: Sequence[str],
    transactions: Table,
    registers: Sequence[str],
    evses: Table,
    dialect: Dialect,
) -> Columnar:
    """`TrackedInsert` for one row per message, a whole batch of messages in one statement.

    A row's columns: `fields` of `table` (its key first), then the transaction's `registers`
    and its id, then the EVSE's station and EVSE ids, its register (Wh, time) and whether
    there is one, then the transaction's version (`VERSION`) the registers were folded onto;
    the rows go out as one array of the composite type `MV_WRITE_TYPE`.
    Each row's register writes apply only if the row was new, as in `TrackedInsert`: of a
    transaction's new rows the last one's registers are written, of an EVSE's new
    registers the newest (ties: the later row), kept only if newer than the stored one
    (`newest_register`). A later row with a key seen earlier in the batch is
    dropped before sending: it is a retry, which one row at a time would also have left
    without effect.

    A transaction is updated only if its row still has the row's version (NULL: not
    checked); if any is not, `voltgate_unchanged` fails the whole statement with SQLSTATE
    40001 and nothing of it is kept (migration 0017). The check is the UPDATE's own
    condition, so a change committed by another connection while the statement runs is
    seen too (READ COMMITTED rechecks an updated row's newest version). The statement
    returns one row: the transactions it updated and their new versions, as two arrays.
    """
    assert fields[0] == "key"
    e = evses.c
    columns = [
        *(table.c[name] for name in fields),
        *(transactions.c[name] for name in (*registers, "id")),
        e.station_id, e.evse_id, e.last_register_wh, e.last_register_at,
    ]  # fmt: skip
    names = [*fields, *(f"t_{name}" for name in registers), "t_id"]
    names += ["e_station_id", "e_evse_id", "e_wh", "e_at"]
    row_type = RowType(
        MV_WRITE_TYPE,
        [
            *_typed(names, columns, dialect),
            ("e_has_register", "BOOLEAN"),
            ("t_version", "BIGINT"),
        ],
    )
    names += ["e_has_register", "t_version"]
    tx = transactions.name
    upsert = postgresql.insert(evses)
    keep_newest = ", ".join(
        f"{name} = {value.compile(dialect=dialect)}"
        for name, value in newest_register(evses, upsert.excluded).items()
    )
    sql = (
        f"WITH u AS (SELECT * FROM unnest($1::{row_type.name}[]) WITH ORDINALITY "
        f"AS u({', '.join(names)}, ord)), "
        f"inserted AS (INSERT INTO {table.name} ({', '.join(fields)}) "
        f"SELECT {', '.join(fields)} FROM u "
        f"ON CONFLICT (key) DO NOTHING RETURNING key), "
        "new AS (SELECT u.* FROM u JOIN inserted ON u.key = inserted.key), "
        "latest AS (SELECT DISTINCT ON (t_id) * FROM new ORDER BY t_id, ord DESC), "
        f"tx_update AS (UPDATE {tx} SET "
        + ", ".join(f"{name} = n.t_{name}" for name in registers)
        + f" FROM latest AS n WHERE {tx}.id = n.t_id "
        f"AND (n.t_version IS NULL OR {tx}.{VERSION} = n.t_version) "
        f"RETURNING {tx}.id, {tx}.{VERSION} AS version), "
        f"evse_update AS (INSERT INTO {evses.name} "
        "(station_id, evse_id, last_register_wh, last_register_at) "
        "SELECT DISTINCT ON (e_station_id, e_evse_id) e_station_id, e_evse_id, e_wh, e_at "
        "FROM new WHERE e_has_register "
        "ORDER BY e_station_id, e_evse_id, e_at DESC, ord DESC "
        f"ON CONFLICT (station_id, evse_id) DO UPDATE SET {keep_newest}) "
        "SELECT voltgate_unchanged((SELECT count(*) FROM latest), count(*)), "
        "array_agg(id), array_agg(version) FROM tx_update"
    )
    binds = [*_binds(columns, dialect), None, None]
    return Columnar(sql, binds, row_type, first_of_key=0, returns=True)
