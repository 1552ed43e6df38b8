"""Group commit: batching, isolation of failing units, transparent retries."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from structlog.testing import capture_logs

from voltgate.domain.events import StationEvent
from voltgate.domain.keys import event_key
from voltgate.domain.ports import Repositories
from voltgate.domain.services import Services
from voltgate.storage.committer import Committer, CommitterClosed
from voltgate.storage.database import Database
from voltgate.storage.repositories import SqlRepositories
from voltgate.testing.clock import FakeClock


def record(n: int) -> Callable[[Repositories], int]:
    """A unit that stores event n (idempotent by natural key) and returns n."""

    def work(repos: Repositories) -> int:
        event = StationEvent("CP-1", "Test", {"n": n}, None, FakeClock()())
        repos.events.add(event, event_key("CP-1", "Test", None, {"n": n}))
        return n

    return work


async def stored(services: Services) -> list[int]:
    events = await services.events.list_for_station("CP-1", limit=10_000)
    return sorted(int(e.payload["n"]) for e in events)


async def test_concurrent_units_share_commits(
    services: Services, committer: Committer, batches: list[int]
) -> None:
    """200 concurrent submits all commit, in far fewer transactions than units."""
    await services.stations.add("CP-1", None)
    batches.clear()
    results = await asyncio.gather(*(committer.submit(record(n)) for n in range(200)))
    assert results == list(range(200))
    assert sum(batches) == 200
    assert len(batches) < 20
    assert await stored(services) == list(range(200))


async def test_a_failing_unit_does_not_lose_the_others(
    services: Services, committer: Committer
) -> None:
    """One unit raising gets its exception; the units batched with it still commit."""
    await services.stations.add("CP-1", None)

    def broken(repos: Repositories) -> int:
        record(1000)(repos)
        raise ValueError("bad data")

    units = [record(n) for n in range(10)]
    units.insert(5, broken)
    results = await asyncio.gather(
        *(committer.submit(unit) for unit in units),
        return_exceptions=True,
    )
    assert isinstance(results[5], ValueError)
    assert [r for r in results if not isinstance(r, Exception)] == list(range(10))
    assert await stored(services) == list(range(10))  # the broken unit's write rolled back


async def test_submit_after_stop_is_refused(db: Database) -> None:
    """A stopped committer refuses work instead of leaving the caller waiting."""
    committer = Committer(db)
    async with committer:
        pass
    with pytest.raises(CommitterClosed):
        await committer.submit(record(1))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_sqlite_lock_held_elsewhere_is_waited_out(services: Services, db: Database) -> None:
    """While another process holds the write lock, the unit retries and then commits once."""
    await services.stations.add("CP-1", None)
    retried = asyncio.Event()
    committer = Committer(db, on_retry=lambda _error: retried.set(), backoff_initial_s=0.01)
    path = make_url(db.describe()).database
    assert path is not None
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # hold the write lock, like a second writer would
        async with committer:
            with capture_logs() as logs:
                pending = asyncio.ensure_future(committer.submit(record(7)))
                await asyncio.wait_for(retried.wait(), timeout=10)
                assert not pending.done()
                other.execute("COMMIT")
                assert await asyncio.wait_for(pending, timeout=10) == 7
    finally:
        other.close()
    assert any(log["log_level"] == "warning" for log in logs)
    assert await stored(services) == [7]


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_postgres_backend_killed_between_batches(
    services: Services, db: Database, committer: Committer, database_url: str
) -> None:
    """A pooled connection terminated by the server is replaced and the unit commits once."""
    await services.stations.add("CP-1", None)
    pid = await db.run(lambda repos: _backend_pid(repos))
    admin = await asyncpg.connect(
        make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    )
    try:
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
    finally:
        await admin.close()
    assert await committer.submit(record(1)) == 1
    assert await stored(services) == [1]


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_postgres_connection_lost_inside_a_unit(
    services: Services, committer: Committer
) -> None:
    """A connection that dies mid-batch is retried; the unit's writes land exactly once."""
    await services.stations.add("CP-1", None)
    attempts = []

    def dies_once(repos: Repositories) -> int:
        result = record(5)(repos)
        attempts.append(1)
        if len(attempts) == 1:
            assert isinstance(repos, SqlRepositories)
            repos.connection.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
        return int(result)

    assert await committer.submit(dies_once) == 5
    assert len(attempts) == 2
    assert await stored(services) == [5]


def _backend_pid(repos: Repositories) -> int:
    assert isinstance(repos, SqlRepositories)
    return int(repos.connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


async def test_cancelled_stop_releases_waiting_callers(db: Database) -> None:
    """Cancelling the committer while storage is down fails the waiting units, no hang."""
    retrying = asyncio.Event()
    committer = Committer(db, on_retry=lambda _error: retrying.set(), backoff_initial_s=0.01)
    await committer.start()

    def always_busy(repos: Repositories) -> None:
        raise ConnectionResetError("storage is down")

    waiting = asyncio.ensure_future(committer.submit(always_busy))
    await asyncio.wait_for(retrying.wait(), timeout=10)
    stopping = asyncio.ensure_future(committer.stop())
    await asyncio.sleep(0)  # let stop() start waiting for the retrying worker
    assert not stopping.done()
    stopping.cancel()
    with pytest.raises(asyncio.CancelledError):
        await stopping
    with pytest.raises(CommitterClosed):
        await waiting


async def test_small_batches_linger_for_company(db: Database, batches: list[int]) -> None:
    """Under light load a unit waits up to the linger time; enough waiting units start at once."""
    async with Committer(db, on_batch=batches.append, linger_s=0.2, linger_until=3) as committer:
        await committer.submit(lambda repos: None)  # warm the connection
        batches.clear()
        loop = asyncio.get_running_loop()
        started = loop.time()
        await committer.submit(lambda repos: None)
        assert loop.time() - started >= 0.15  # waited for company that never came
        started = loop.time()
        await asyncio.gather(*(committer.submit(lambda repos: None) for _ in range(3)))
        assert loop.time() - started < 0.15  # three were enough to start
        assert batches == [1, 3]


async def test_the_committer_is_ready_between_its_answer_and_its_turn(
    services: Services, committer: Committer
) -> None:
    """Once the database has answered a batch, and until the committer has taken the
    answer, `ready_to_run` is True: the gateway then lets it go before the next frame
    (docs/adr/0003-hot-path.md §32). Idle, or just woken by a unit (whose batch the
    frames read with it should join), it is False."""
    await services.stations.add("CP-1", None)
    assert not committer.ready_to_run()
    began = threading.Event()  # SQLite runs the unit in its writer thread

    def unit(repos: Repositories) -> int:
        began.set()
        return record(1)(repos)

    seen: dict[bool, list[bool]] = {False: [], True: []}  # by whether the batch had begun
    submitted = asyncio.ensure_future(committer.submit(unit))
    while not submitted.done():  # a task that looks once per turn of the loop, as a frame
        seen[began.is_set()].append(committer.ready_to_run())
        await asyncio.sleep(0)
    assert await submitted == 1
    assert True not in seen[False]
    assert True in seen[True]  # the batch ran, and the database answered
    assert seen[True][-1] is False  # by the caller's turn, the committer had taken it
    assert not committer.ready_to_run()
