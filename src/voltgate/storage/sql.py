"""Compiled statements executed straight on the DBAPI connection.

SQLAlchemy builds and compiles every statement once per dialect (`Compiled`), with the
dialect's own bind and result processors, so types behave exactly as under
`Connection.execute`. Execution then skips SQLAlchemy's per-call machinery (cache-key
lookup, execution context, result objects): measured on the MeterValues unit, a primary-key
SELECT costs ~50 us through `Connection.execute` and ~6 us this way, and that difference
was most of the per-message CPU budget (docs/adr/0002-storage-units-of-work.md).

The DBAPI connection is the one the SQLAlchemy `Connection` has checked out, inside the
transaction that `Database` began; SQLAlchemy still owns pooling, begin, commit and
rollback. Driver errors are wrapped into `sqlalchemy.exc.DBAPIError` subclasses and a lost
connection is invalidated, as SQLAlchemy itself would do.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.types import Boolean, TypeEngine

Processor = Callable[[Any], Any] | None
Row = tuple[Any, ...]
# Queued parameters, and whether they are already converted by the bind processors.
_Deferred = tuple[Sequence[Any], bool]


class Compiled:
    """One statement compiled for one dialect: SQL text, parameter order, processors.

    Args:
        statement: a Core statement; SELECTs and DML with RETURNING produce rows.
        dialect: the dialect to compile for.
        column_keys: for INSERT/UPDATE without explicit values, the columns to render.
    """

    __slots__ = ("_bound", "_processed", "binds", "defaults", "names", "results", "sql")

    def __init__(
        self,
        statement: ClauseElement,
        dialect: Dialect,
        column_keys: Sequence[str] | None = None,
    ) -> None:
        compiled = statement.compile(
            dialect=dialect, column_keys=list(column_keys) if column_keys else None
        )
        assert isinstance(compiled, SQLCompiler)
        self.sql = compiled.string
        self.names: tuple[str, ...] = tuple(compiled.positiontup or ())
        self.binds: tuple[Processor, ...] = tuple(
            _bind_processor(compiled.binds[name].type, dialect) for name in self.names
        )
        # Values bound in the statement itself (literal(), limit(5)); callers pass the rest.
        self.defaults = {
            name: bind.effective_value
            for name, bind in compiled.binds.items()
            if bind.effective_value is not None
        }
        columns = getattr(statement, "exported_columns", ())
        self.results: tuple[Processor, ...] = tuple(
            _result_processor(column.type, dialect) for column in columns
        )
        # Only the binds and columns that have a processor (most have none): the MeterValues
        # path binds a dozen values and reads a 24-column transaction row per message.
        self._bound = tuple(
            (index, process) for index, process in enumerate(self.binds) if process is not None
        )
        self._processed = tuple(
            (index, process) for index, process in enumerate(self.results) if process is not None
        )

    def parameters(self, params: Mapping[str, Any]) -> list[Any]:
        """Positional parameters in bind order, converted by the dialect's processors."""
        if self.defaults:
            params = {**self.defaults, **params}
        return self._process([params[name] for name in self.names])

    def convert(self, values: Sequence[Any]) -> Sequence[Any]:
        """Positional `values` (already in bind order) converted by the dialect's processors."""
        return self._process(list(values)) if self._bound else values

    def _process(self, out: list[Any]) -> list[Any]:
        return _bind_in_place(self._bound, out)

    def row(self, raw: Sequence[Any]) -> Row:
        """A result row with the dialect's result processors applied."""
        if not self._processed:
            return tuple(raw)
        values = list(raw)
        for index, process in self._processed:
            value = values[index]
            if value is not None:
                values[index] = process(value)
        return tuple(values)


class Columnar:
    """PostgreSQL: a deferred write sent once per batch, its rows as one array parameter.

    `Executor.defer` queues rows; `Executor.flush` sends them in a single execution, as one
    array of a composite type (`row_type`, a row a tuple) turned back into rows by
    ``unnest($1::row_type[])``. Pipelined `executemany` saves the round trips but not
    PostgreSQL's per-execution work (bind, executor start and end): for the 1.6 MeterValues
    write, 46-47 µs of PostgreSQL's CPU a row one execution each, against 32-33 µs as
    arrays (`bench/postgres_write_forms.py`, docs/adr/0003-hot-path.md §26). One array of
    rows rather than one array per column: asyncpg checks every element of an array
    parameter against `collections.abc` classes, a Python call each, so a composite array
    costs four of those a row instead of one or two per column (§29). Built by
    `bulk.columnar_insert` and `bulk.tracked_columnar`.

    Args:
        sql: the statement; ``$1`` is the array of rows, in queued order.
        binds: each column's bind processor (None: the value as it is).
        row_type: the composite type of a row, created by a migration.
        first_of_key: the column holding the row's key, when a later row with a key seen
            earlier in the batch must be dropped before sending (`tracked_columnar`).
        returns: the statement returns rows, which `Executor.results` hands over.
    """

    __slots__ = ("_bound", "_first_of_key", "returns", "row_type", "sql")

    def __init__(
        self,
        sql: str,
        binds: Sequence[Processor],
        row_type: RowType,
        *,
        first_of_key: int | None = None,
        returns: bool = False,
    ) -> None:
        self.sql = sql
        self.returns = returns
        self._bound = tuple((i, process) for i, process in enumerate(binds) if process is not None)
        self.row_type = row_type
        self._first_of_key = first_of_key

    def convert(self, values: Sequence[Any]) -> list[Any]:
        """One row's values (in column order) converted by the bind processors."""
        return _bind_in_place(self._bound, list(values))

    def parameters(self, rows: Sequence[Sequence[Any]]) -> list[Any]:
        """The statement's one parameter for `rows`: the list of their tuples."""
        key = self._first_of_key
        if key is not None:
            seen: set[Any] = set()
            kept = []
            for row in rows:
                if row[key] not in seen:
                    seen.add(row[key])
                    kept.append(row)
            rows = kept
        # Tuples: asyncpg takes a list in an array for a dimension of its own.
        return [[tuple(row) for row in rows]]


class RowType:
    """A PostgreSQL composite type that carries one row of a `Columnar` write.

    Its attributes are the row's columns, named and typed as the statement reads them
    (types as the dialect compiles them). A migration creates it, spelled out as migrations
    are; tests/storage/test_row_types.py compares what the database holds with this.
    """

    __slots__ = ("attributes", "name")

    def __init__(self, name: str, attributes: Sequence[tuple[str, str]]) -> None:
        self.name = name
        self.attributes = tuple(attributes)


class Executor:
    """Runs `Compiled` statements on the DBAPI connection behind `connection`.

    On PostgreSQL, SQLAlchemy's asyncpg driver sends BEGIN lazily, with the first statement
    of a transaction, unless the connection is in autocommit; each of BEGIN, a statement and
    COMMIT is a round trip. Two kinds of statement need no BEGIN there (`alone`): the
    batch's read-ahead, sent before anything is written, and a batch's deferred writes when
    they are its only writes and one statement, which PostgreSQL then runs and commits as
    one implicit transaction (committed, WAL flushed, before its answer comes back). A 1.6
    MeterValues batch so takes two round trips instead of four (docs/adr/0003-hot-path.md
    §28).
    """

    __slots__ = (
        "_alone",
        "_cursor",
        "_dbapi",
        "_deferred",
        "_dialect",
        "_results",
        "_serial",
        "connection",
    )

    @property
    def dbapi_connection(self) -> Any:
        """The DBAPI connection this executor runs on."""
        return self._dbapi

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._dialect = connection.dialect
        self._dbapi = connection.connection.dbapi_connection
        assert self._dbapi is not None
        self._cursor: Any = self._dbapi.cursor()
        # Per statement, its queued rows by key: `defer` keys each row by a serial number,
        # `defer_latest` by the caller's key (a later row replaces the earlier one).
        self._deferred: dict[Compiled | Columnar, dict[Hashable, _Deferred]] = {}
        self._serial = 0
        # The rows returned by flushed `Columnar` statements that return rows.
        self._results: dict[Columnar, list[Row]] = {}
        self._alone = self._dialect.name == "postgresql"

    def defer(self, statement: Compiled | Columnar, parameters: Sequence[Any]) -> None:
        """Queue a statement whose result nobody reads; it is sent before the next
        statement, or by `flush`. All queued rows of one statement go out as one pipelined
        `executemany` (a `Columnar` one: as one execution with an array of rows): on
        PostgreSQL one round trip for a whole batch of units.

        Rows of the same statement keep their order, and statements go out in the order of
        their first appearance, so rows of different statements may be sent in another order
        than queued. A statement whose rows depend on another's must therefore always be
        queued after it (device attributes after their variables); the others touch different
        tables (meter value rows with their register updates, transaction event rows).
        """
        self._serial += 1
        self._deferred.setdefault(statement, {})[self._serial] = (parameters, True)

    def defer_latest(self, statement: Compiled, key: Hashable, values: Sequence[Any]) -> None:
        """`defer` for a write whose later rows supersede the earlier ones of the same `key`
        (a register: only its last value in a batch matters). `values` are in bind order
        and not yet converted: only the row that survives is converted, when it is sent.

        Safe because a queued row is always sent before any other statement runs (but those
        of `run_beside_deferred`), so nothing in between can read or write what it writes.
        A statement is queued either by `defer` or by this, never both (their keys differ
        in kind only by convention).
        """
        self._deferred.setdefault(statement, {})[key] = (values, False)

    def queued(self, statement: Compiled, key: Hashable) -> Sequence[Any] | None:
        """The values `defer_latest` queued for `key`, if they were not sent yet."""
        rows = self._deferred.get(statement)
        entry = None if rows is None else rows.get(key)
        return None if entry is None else entry[0]

    def has_deferred(self, statement: Compiled | Columnar) -> bool:
        """Whether rows of `statement` are queued (and not sent yet)."""
        return statement in self._deferred

    def flush(self, *, last: bool = False) -> None:
        """Send the deferred statements: one `executemany` per statement, in order of first
        appearance (a batch of 2.0.1 events queues event and meter rows alternately).

        `last`: nothing else runs in this transaction before its commit. Then one deferred
        statement goes out `alone`: where no statement began the transaction, PostgreSQL
        runs it as its own transaction, and the commit that follows has nothing to do. An
        `executemany` of many rows is one transaction too (asyncpg sends one Sync after
        all of them: all rows or none, since asyncpg 0.22).
        """
        deferred, self._deferred = self._deferred, {}
        alone = last and len(deferred) == 1
        for statement, rows in deferred.items():
            parameters = [
                values if converted else statement.convert(values)
                for values, converted in rows.values()
            ]
            if isinstance(statement, Columnar):
                self._call(
                    self._cursor.execute, statement, statement.parameters(parameters), alone=alone
                )
                if statement.returns:
                    # Not `setdefault(statement, [])`: compiled by mypyc, that raises TypeError.
                    returned = [tuple(row) for row in self._cursor.fetchall()]
                    earlier = self._results.get(statement)
                    self._results[statement] = returned if earlier is None else earlier + returned
            else:
                self._call(self._cursor.executemany, statement, parameters, alone=alone)

    def discard(self) -> None:
        """Drop deferred statements and their results (their transaction is over)."""
        self._deferred.clear()
        self._results.clear()

    def results(self, statement: Columnar) -> list[Row]:
        """The rows `statement` returned in this transaction, each time it was flushed."""
        return self._results.pop(statement, [])

    def run_beside_deferred(self, statement: Compiled, parameters: Sequence[Any]) -> int:
        """Execute `statement` with ready positional `parameters` now, leaving the deferred
        statements queued; return the row count.

        Only for a statement that neither reads nor writes what a deferred one may write
        (a meter value row beside transaction event rows and register updates): SQLite then
        sends a batch's deferred rows as one `executemany` each instead of one per unit.
        """
        self._call(self._cursor.execute, statement, parameters)
        return int(self._cursor.rowcount)

    def rows(self, statement: Compiled, params: Mapping[str, Any]) -> list[Row]:
        """All result rows."""
        self._execute(statement, params)
        return [statement.row(raw) for raw in self._cursor.fetchall()]

    def read_ahead(self, statement: Compiled, params: Mapping[str, Any]) -> list[Row]:
        """`rows` for a read sent before the batch writes anything: it goes out `alone`.

        Under READ COMMITTED (the level `database.postgres_engine` sets) every statement sees
        what was committed when it started, in a transaction or not, so a read that comes
        before any write of the batch sees the same rows either way, and it locks nothing.
        """
        self._send(statement, statement.parameters(params), alone=True)
        return [statement.row(raw) for raw in self._cursor.fetchall()]

    def first(self, statement: Compiled, params: Mapping[str, Any]) -> Row | None:
        """The first result row, or None."""
        self._execute(statement, params)
        raw = self._cursor.fetchone()
        if raw is None:
            return None
        self._cursor.fetchall()  # drain: the statement is complete before the next one
        return statement.row(raw)

    def run(self, statement: Compiled, params: Mapping[str, Any]) -> int:
        """Execute a statement without rows; return the row count."""
        self._execute(statement, params)
        return int(self._cursor.rowcount)

    def raw_rows(self, statement: Compiled, parameters: Sequence[Any]) -> list[Row]:
        """All result rows of `statement` run with ready positional `parameters`."""
        self._send(statement, parameters)
        return [statement.row(raw) for raw in self._cursor.fetchall()]

    def _execute(self, statement: Compiled, params: Mapping[str, Any]) -> None:
        self._send(statement, statement.parameters(params))

    def _send(self, statement: Compiled, parameters: Sequence[Any], *, alone: bool = False) -> None:
        if self._deferred:
            self.flush()
        self._call(self._cursor.execute, statement, parameters, alone=alone)

    def _call(
        self,
        method: Callable[[str, Any], Any],
        statement: Compiled | Columnar,
        parameters: Any,
        *,
        alone: bool = False,
    ) -> None:
        """Run `method`; `alone` (PostgreSQL): with the driver's autocommit on, so that it
        begins no transaction (one already begun still holds it)."""
        alone = alone and self._alone
        dbapi: Any = self._dbapi
        try:
            if alone:
                dbapi.autocommit = True
            method(statement.sql, parameters)
        except self._dialect.loaded_dbapi.Error as error:
            disconnect = self._dialect.is_disconnect(error, self._dbapi, self._cursor)
            if disconnect:
                self.connection.invalidate(error)
            raise DBAPIError.instance(
                statement.sql,
                None,
                error,
                self._dialect.loaded_dbapi.Error,
                hide_parameters=True,
                connection_invalidated=disconnect,
                dialect=self._dialect,
            ) from error
        finally:
            if alone:
                dbapi.autocommit = False


def _bind_in_place(
    bound: tuple[tuple[int, Callable[[Any], Any]], ...], out: list[Any]
) -> list[Any]:
    """`out` with the processors of `bound` (position, processor) applied in place (None
    stays None)."""
    for index, process in bound:
        value = out[index]
        if value is not None:
            out[index] = process(value)
    return out


def _bind_processor(type_: TypeEngine[Any], dialect: Dialect) -> Processor:
    impl = type_.dialect_impl(dialect)
    if isinstance(impl, Boolean):
        # SQLAlchemy's Boolean processor checks strictly that the value is a bool (two
        # Python calls per value: every logged frame and every 2.0.1 event binds one); ours
        # are typed bool. `int` is what it then binds where there is no native boolean
        # (SQLite: sqlite3 would look a bool up in its adapter registry); the driver takes a
        # bool as it is where there is (asyncpg).
        return None if dialect.supports_native_boolean else int
    return impl.bind_processor(dialect)


def _result_processor(type_: TypeEngine[Any], dialect: Dialect) -> Processor:
    try:
        return type_.dialect_impl(dialect).result_processor(dialect, None)
    except TypeError:
        # asyncpg's Float wants the cursor's type code to decide whether a NUMERIC needs
        # converting; our Float columns are double precision, which asyncpg returns as float.
        return None
