"""A batch is one transaction, and on PostgreSQL it sends BEGIN and COMMIT only when needed.

A batch's read-ahead goes out before anything is written, and a batch whose only write is
one deferred statement sends it as its own transaction (`sql.Executor`,
docs/adr/0003-hot-path.md §28): a 1.6 MeterValues batch is two round trips, not four. These
tests hold that to what it must not change: a batch commits all of its writes or none, and
what it answered as stored is committed (read back on another connection).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy import CheckConstraint, Column, Integer, MetaData, Table, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from voltgate.domain.meter import normalise
from voltgate.domain.ports import Repositories
from voltgate.domain.services import Services, StartRequest
from voltgate.storage.committer import Committer
from voltgate.storage.database import Database
from voltgate.storage.repositories import SqlRepositories
from voltgate.storage.sql import Compiled
from voltgate.testing.clock import FakeClock

T0 = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
_SCRATCH = Table(
    "scratch",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("v", Integer, CheckConstraint("v > 0")),
)
Inserts = tuple[Compiled, Compiled]


def _sql(repos: Repositories) -> SqlRepositories:
    assert isinstance(repos, SqlRepositories)
    return repos


async def _committed(database_url: str, query: str) -> list[tuple[Any, ...]]:
    """`query`'s rows as another connection sees them: only what was committed."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(str(url.database)) as other:
            return [tuple(row) for row in other.execute(query)]
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    other = await asyncpg.connect(dsn)
    try:
        return [tuple(row) for row in await other.fetch(query)]
    finally:
        await other.close()


async def _scratch(db: Database) -> Inserts:
    """A table whose `v` must be positive, and two separately compiled inserts into it."""

    def create(repos: Repositories) -> Inserts:
        connection = _sql(repos).connection
        _SCRATCH.create(connection)
        dialect = connection.dialect
        return Compiled(insert(_SCRATCH), dialect), Compiled(insert(_SCRATCH), dialect)

    return await db.run(create)


def _row(statement: Compiled, id_: int, v: int) -> list[Any]:
    return statement.parameters({"id": id_, "v": v})


def _boundary(record: Any) -> str | None:
    """BEGIN, COMMIT or ROLLBACK, when asyncpg's logged query `record` is one of them."""
    word = str(record.query).split(maxsplit=1)[0].rstrip(";").upper()
    return word if word in ("BEGIN", "COMMIT", "ROLLBACK") else None


def _log_boundaries(repos: Repositories) -> list[str]:
    """PostgreSQL: from now on, the transaction boundaries sent on the batch's connection
    (asyncpg logs the queries it sends without parameters, such as these, not the others)."""
    driver: Any = _sql(repos).connection.connection.driver_connection
    sent: list[str] = []

    def logged(record: Any) -> None:
        if (word := _boundary(record)) is not None:
            sent.append(word)

    driver.add_query_logger(logged)
    return sent


async def test_a_failing_deferred_write_undoes_the_batch(database_url: str, db: Database) -> None:
    """A batch that wrote at once and then fails at its deferred writes keeps nothing."""
    first, _ = await _scratch(db)

    def batch(repos: Repositories) -> None:
        executor = _sql(repos).executor
        executor.run(first, {"id": 1, "v": 1})
        executor.defer(first, _row(first, 2, -2))

    with pytest.raises(IntegrityError):
        await db.run(batch)
    assert await _committed(database_url, "SELECT id FROM scratch") == []


async def test_deferred_writes_of_two_statements_commit_together(
    database_url: str, db: Database
) -> None:
    """Two deferred statements, the second failing: the first's rows are not kept either.
    Only a batch's single deferred statement may be its own transaction."""
    first, second = await _scratch(db)

    def batch(repos: Repositories) -> None:
        executor = _sql(repos).executor
        executor.defer(first, _row(first, 1, 1))
        executor.defer(second, _row(second, 2, -2))

    with pytest.raises(IntegrityError):
        await db.run(batch)
    assert await _committed(database_url, "SELECT id FROM scratch") == []

    def good(repos: Repositories) -> None:  # and the connection is fit for the next batch
        executor = _sql(repos).executor
        executor.defer(first, _row(first, 1, 1))
        executor.defer(second, _row(second, 2, 2))

    await db.run(good)
    assert await _committed(database_url, "SELECT id FROM scratch ORDER BY id") == [(1,), (2,)]


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_a_lone_deferred_write_is_its_own_transaction(
    database_url: str, db: Database
) -> None:
    """PostgreSQL: one deferred statement and nothing else sends no BEGIN and no COMMIT, and
    is committed when the batch returns; a failing one leaves nothing and the next batch
    runs as usual."""
    first, _ = await _scratch(db)

    sent = await db.run(_log_boundaries)  # the database keeps its connection between batches

    def batch(rows: list[tuple[int, int]]) -> Callable[[Repositories], None]:
        def write(repos: Repositories) -> None:
            for id_, v in rows:
                _sql(repos).executor.defer(first, _row(first, id_, v))

        return write

    await db.run(batch([(1, 1), (2, 2)]))
    assert sent == []
    assert await _committed(database_url, "SELECT id FROM scratch ORDER BY id") == [(1,), (2,)]

    with pytest.raises(IntegrityError):
        await db.run(batch([(3, 3), (4, -4)]))
    assert sent == []
    await db.run(batch([(5, 5)]))
    assert await _committed(database_url, "SELECT id FROM scratch ORDER BY id") == [
        (1,),
        (2,),
        (5,),
    ]


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_a_meter_values_batch_is_two_round_trips(
    database_url: str, db: Database, committer: Committer, batches: list[int]
) -> None:
    """PostgreSQL: MeterValues of two transactions in one batch read their transactions
    ahead and write in one statement, without BEGIN or COMMIT; the readings are committed
    when the stations' answers are due. A batch that also starts a transaction (a write
    whose result is read at once) is one transaction with BEGIN and COMMIT."""
    services = Services(committer, FakeClock(T0), clock_skew_tolerance_s=10**7)
    await services.stations.add("CP-1", None)
    tx = [
        (
            await services.transactions.start("CP-1", StartRequest(c, c, f"TAG-{c}", 0, T0))
        ).transaction_id
        for c in (1, 2)
    ]
    sent = await committer.submit(_log_boundaries)
    batches.clear()
    at = T0 + timedelta(seconds=10)
    await asyncio.gather(
        *(
            services.transactions.meter_values("CP-1", c, c, t, [normalise(at, str(1000 * c))])
            for c, t in zip((1, 2), tx, strict=True)
        )
    )
    assert batches == [2], "the two messages were not one batch"
    assert sent == []
    assert await _committed(
        database_url, "SELECT transaction_id FROM meter_values ORDER BY transaction_id"
    ) == [(tx[0],), (tx[1],)]

    batches.clear()
    later = at + timedelta(seconds=10)
    await asyncio.gather(
        services.transactions.meter_values("CP-1", 1, 1, tx[0], [normalise(later, "1500")]),
        services.transactions.start("CP-1", StartRequest(3, 3, "TAG-3", 0, T0)),
    )
    assert batches == [2], "the two messages were not one batch"
    assert sent == ["BEGIN", "COMMIT"]


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_batches_are_read_committed_whatever_the_server_default(database_url: str) -> None:
    """The read-ahead outside the transaction reads what the transaction would only under
    READ COMMITTED, so Voltgate asks for it rather than take the database's default."""
    name = make_url(database_url).database
    await _committed(
        database_url, f'ALTER DATABASE "{name}" SET default_transaction_isolation = serializable'
    )
    db = Database.connect(database_url)
    try:

        def level(repos: Repositories) -> str:
            return str(_sql(repos).connection.execute(text("SHOW transaction_isolation")).scalar())

        assert await db.run(level) == "read committed"
    finally:
        await db.dispose()
