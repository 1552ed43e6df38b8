"""A transaction's readings are found whatever the state of SQLite's index behind the writes.

On SQLite the rows of `meter_values` are named per transaction in `meter_values_recent`
(appended by a trigger) until the writer folds them into `meter_value_index` every
`sqlite_fold_every` row changes (storage.tables, docs/adr/0003-hot-path.md §25). Here the
fold comes every 100 changes, so readings are listed while some sit in the queue, some in
the index and some are retried; PostgreSQL, which keeps its plain index, must list the same.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from voltgate.app import open_services
from voltgate.config import Settings
from voltgate.domain.meter import normalise
from voltgate.domain.ports import Repositories
from voltgate.domain.services import Services, StartRequest, StopRequest
from voltgate.storage.committer import Committer
from voltgate.storage.database import Database
from voltgate.storage.migrate import current, downgrade, upgrade
from voltgate.storage.repositories import SqlRepositories
from voltgate.testing.clock import FakeClock

T0 = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)


@pytest.fixture
async def folding(database_url: str) -> AsyncIterator[tuple[Database, Services]]:
    """Services over a database whose SQLite writer folds every 100 row changes."""
    await asyncio.to_thread(upgrade, database_url)
    db = Database.connect(database_url, sqlite_fold_every=100)
    try:
        async with Committer(db) as committer:
            yield db, Services(committer, FakeClock(T0), clock_skew_tolerance_s=10**7)
    finally:
        await db.dispose()


async def _queued_and_indexed(db: Database) -> tuple[int, int]:
    def count(repos: Repositories) -> tuple[int, int]:
        assert isinstance(repos, SqlRepositories)
        run = repos.connection.execute
        queued = run(text("SELECT count(*) FROM meter_values_recent")).scalar_one()
        indexed = run(text("SELECT count(*) FROM meter_value_index")).scalar_one()
        return queued, indexed

    return await db.run(count)


async def _reported_ids(services: Services, transaction_id: int) -> list[int | None]:
    return [r.reported_transaction_id for r in await services.transactions.readings(transaction_id)]


async def test_readings_are_listed_whole_across_folds_and_retries(
    folding: tuple[Database, Services],
) -> None:
    """Three stations charge side by side; after every round each transaction lists
    exactly its own readings, in time order, once each, retries included."""
    db, services = folding
    tx_ids = []
    for n in range(3):
        await services.stations.add(f"CP-{n}", None)
        started = await services.transactions.start(
            f"CP-{n}", StartRequest(1, 1, f"TAG-{n}", 1000 * n, T0)
        )
        tx_ids.append(started.transaction_id)
    sent: dict[int, list[datetime]] = {tx: [] for tx in tx_ids}
    for round_ in range(1, 61):
        at = T0 + timedelta(seconds=10 * round_)
        for n, tx in enumerate(tx_ids):
            samples = [
                normalise(at, str(1000 * n + round_)),
                normalise(at, "7200", measurand="Power.Active.Import", unit="W"),
            ]
            await services.transactions.meter_values(f"CP-{n}", 1, 1, tx, samples)
            if round_ % 7 == 0:  # a retry stores nothing more
                await services.transactions.meter_values(f"CP-{n}", 1, 1, tx, samples)
            sent[tx].append(at)
        if round_ % 9 == 0 or round_ == 60:
            for n, tx in enumerate(tx_ids):
                readings = await services.transactions.readings(tx)
                registers = [r for r in readings if r.sample.measurand.startswith("Energy")]
                assert [r.sample.at for r in registers] == sent[tx]
                assert [r.sample.value for r in registers] == [
                    1000 * n + i for i in range(1, round_ + 1)
                ]
                assert len(readings) == 2 * round_
    if db.dialect_name == "sqlite":
        queued, indexed = await _queued_and_indexed(db)
        assert indexed > 0, "no fold ran"
        assert queued + indexed == 3 * 60
        assert queued < 100


async def test_a_reconciled_reading_is_listed_after_a_fold(
    folding: tuple[Database, Services],
) -> None:
    """A reading that named an unknown transaction joins it once the StopTransaction comes,
    and stays listed with it after the next fold."""
    db, services = folding
    await services.stations.add("CP-1", None)
    early = T0 - timedelta(minutes=10)
    await services.transactions.meter_values("CP-1", 1, 1, 999, [normalise(early, "5000")])
    await services.transactions.stop("CP-1", StopRequest(999, None, 6000, T0))
    view = await services.stations.get_view("CP-1")
    assert view is not None
    [reconciled] = view.transactions
    assert await _reported_ids(services, reconciled.id) == [999]

    # Enough other traffic for several folds.
    other = await services.transactions.start("CP-1", StartRequest(2, 1, "TAG", 0, T0))
    for i in range(1, 80):
        at = T0 + timedelta(seconds=10 * i)
        await services.transactions.meter_values(
            "CP-1", 2, 1, other.transaction_id, [normalise(at, str(i))]
        )
    assert await _reported_ids(services, reconciled.id) == [999]
    assert len(await services.transactions.readings(other.transaction_id)) == 79
    if db.dialect_name == "sqlite":
        queued, indexed = await _queued_and_indexed(db)
        assert indexed > 0 and queued + indexed == 80


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_migration_0014_indexes_the_readings_already_stored(database_url: str) -> None:
    """Readings stored before the upgrade are listed after it, the trigger queues the new
    ones, and the way down puts the plain index back."""
    await asyncio.to_thread(upgrade, database_url, "0013")
    db = Database.connect(database_url)
    try:  # the write path is the same at 0013: only the listing differs
        async with Committer(db) as committer:
            services = Services(committer, FakeClock(T0))
            await services.stations.add("CP-1", None)
            started = await services.transactions.start("CP-1", StartRequest(1, 1, "TAG", 0, T0))
            tx = started.transaction_id
            for i in range(1, 4):
                at = T0 + timedelta(minutes=i)
                await services.transactions.meter_values("CP-1", 1, 1, tx, [normalise(at, str(i))])
    finally:
        await db.dispose()

    await asyncio.to_thread(upgrade, database_url)
    db = Database.connect(database_url)
    try:
        async with Committer(db) as committer:
            services = Services(committer, FakeClock(T0))
            assert await _queued_and_indexed(db) == (0, 3)
            at = T0 + timedelta(minutes=4)
            await services.transactions.meter_values("CP-1", 1, 1, tx, [normalise(at, "4")])
            assert await _queued_and_indexed(db) == (1, 3)
            readings = await services.transactions.readings(tx)
            assert [r.sample.value_raw for r in readings] == ["1", "2", "3", "4"]
    finally:
        await db.dispose()

    await asyncio.to_thread(downgrade, database_url, "0013")
    assert await asyncio.to_thread(current, database_url) == "0013"
    db = Database.connect(database_url)
    try:

        def plain_index(repos: Repositories) -> list[str]:
            assert isinstance(repos, SqlRepositories)
            sql = (
                "SELECT name FROM sqlite_master WHERE tbl_name = 'meter_values' AND type != 'table'"
            )
            return sorted(repos.connection.execute(text(sql)).scalars())

        assert "ix_meter_values_transaction_id_at" in await db.run(plain_index)
        assert not any(name.startswith("meter_values_recent") for name in await db.run(plain_index))
    finally:
        await db.dispose()
    await asyncio.to_thread(upgrade, database_url)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_fold_interval_is_the_setting(database_url: str) -> None:
    """`sqlite_fold_changes` reaches the server's writer: with 100, a few dozen MeterValues
    are folded into the index as they come; with the default they all wait in the queue."""
    for fold_changes, folded in ((100, True), (Settings().sqlite_fold_changes, False)):
        settings = Settings(database_url=database_url, sqlite_fold_changes=fold_changes)
        async with open_services(settings) as (database, _, services):
            station = f"CP-{fold_changes}"
            await services.stations.add(station, None)
            started = await services.transactions.start(station, StartRequest(1, 1, "T", 0, T0))
            before = await _queued_and_indexed(database)
            for i in range(1, 41):
                at = T0 + timedelta(seconds=10 * i)
                await services.transactions.meter_values(
                    station, 1, 1, started.transaction_id, [normalise(at, str(i))]
                )
            queued, indexed = await _queued_and_indexed(database)
            assert (indexed > before[1]) is folded
            assert queued + indexed == before[0] + before[1] + 40
            assert len(await services.transactions.readings(started.transaction_id)) == 40
