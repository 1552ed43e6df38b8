"""Multi-row inserts of meter samples, compiled once per row count.

All samples of a message go in ONE statement: one round trip on PostgreSQL, one VM run on
SQLite. On PostgreSQL, `TrackedInsert` also folds the transaction's register update and the
EVSE register update into the same statement with data-modifying CTEs, applied only when
every sample was new: a MeterValues message then costs two round trips (read the
transaction, write everything) instead of four. Round trips dominate PostgreSQL CPU per
message (socket send/poll per statement), see docs/adr/0002-storage-units-of-work.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Boolean, Float, Integer, bindparam, case, func, or_, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect

from voltgate.storage.sql import Compiled, Processor
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
