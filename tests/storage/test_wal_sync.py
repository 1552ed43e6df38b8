"""Commits on SQLite are synced to disk beside the writer (`storage.wal_sync`): a unit's
caller hears back only after the sync that covers its commit, the writer runs the next batch
meanwhile, commits that wait together share one sync, and a failed sync fails its units.

The sync itself is the real fdatasync of the real WAL file; the tests only hold it back
(or make it fail) through `voltgate.storage.wal_sync._sync_file` to make the order visible.
"""

from __future__ import annotations

import asyncio
import errno
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from voltgate.domain.ports import Repositories
from voltgate.storage import wal_sync
from voltgate.storage.committer import Committer
from voltgate.storage.database import Database
from voltgate.storage.wal_sync import WalSyncer, WalSyncFailed

SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


class HeldSync:
    """Stands in for fdatasync: records each call, runs the real one, and can hold calls
    back until released."""

    def __init__(self) -> None:
        self.calls = 0
        self.started = threading.Event()
        self.open = threading.Event()
        self.open.set()
        self.fail_with: OSError | None = None

    def __call__(self, fd: int) -> None:
        self.calls += 1
        self.started.set()
        self.open.wait(timeout=10)
        if self.fail_with is not None:
            raise self.fail_with
        os.fdatasync(fd)


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[HeldSync]:
    spy = HeldSync()
    monkeypatch.setattr(wal_sync, "_sync_file", spy)
    yield spy
    spy.open.set()  # never leave the syncer thread blocked


def counted(ran: threading.Event, value: int) -> Callable[[Repositories], int]:
    """A unit of work that notes (from the writer thread) that it ran."""

    def work(repos: Repositories) -> int:
        ran.set()
        return value

    return work


async def until(event: threading.Event) -> None:
    assert await asyncio.to_thread(event.wait, 5), "did not happen within 5 s"


def submit(committer: Committer, ran: threading.Event, value: int) -> asyncio.Future[int]:
    return asyncio.ensure_future(committer.submit(counted(ran, value)))


@SQLITE
@pytest.mark.parametrize("units", [1, 2], ids=["synced-by-the-writer", "synced-beside-it"])
async def test_an_answer_waits_for_the_sync_of_its_commit(
    committer: Committer, held: HeldSync, units: int
) -> None:
    """One unit alone is synced by the writer itself (light load); a batch of two is synced
    by the syncer thread. Either way nobody hears back before the sync has returned."""
    held.open.clear()
    ran = [threading.Event() for _ in range(units)]
    answers = [submit(committer, ran[n], n) for n in range(units)]
    for event in ran:
        await until(event)
    await until(held.started)
    await asyncio.sleep(0.1)
    assert not any(answer.done() for answer in answers)  # committed, not yet on disk
    held.open.set()
    assert await asyncio.wait_for(asyncio.gather(*answers), 5) == list(range(units))


@SQLITE
async def test_under_load_the_writer_runs_the_next_batches_while_a_sync_waits(
    committer: Committer, held: HeldSync
) -> None:
    """A batch of two is synced beside the writer; while that sync is held, later batches
    (even of one unit each: a sync is under way anyway) run and commit too, instead of the
    writer waiting to sync them itself."""
    held.open.clear()
    first_ran = [threading.Event(), threading.Event()]
    first = [submit(committer, event, n) for n, event in enumerate(first_ran)]  # one batch
    await until(held.started)
    later: list[asyncio.Future[int]] = []
    for n in (2, 3, 4):
        ran = threading.Event()
        later.append(submit(committer, ran, n))
        await until(ran)  # ran while the first batch's sync is held
    assert not any(answer.done() for answer in [*first, *later])
    held.open.set()
    assert await asyncio.wait_for(asyncio.gather(*first, *later), 5) == [0, 1, 2, 3, 4]


@SQLITE
async def test_commits_that_wait_together_share_one_sync(
    committer: Committer, held: HeldSync, batches: list[int]
) -> None:
    """Batches of two (load): the first one's sync is held; three more batches commit
    meanwhile and are then made durable by one sync together."""
    held.open.clear()
    ran = [threading.Event() for _ in range(8)]
    answers: list[asyncio.Future[int]] = []
    for pair in range(4):
        answers += [submit(committer, ran[n], n) for n in (2 * pair, 2 * pair + 1)]
        await until(ran[2 * pair + 1])
        for _ in range(500):  # its commit returns to the committer just after the work ran
            if len(batches) == pair + 1:
                break
            await asyncio.sleep(0.01)
        await until(held.started)
    assert batches == [2, 2, 2, 2]  # all committed, none answered: the first sync is held
    assert not any(answer.done() for answer in answers)
    held.open.set()
    assert await asyncio.wait_for(asyncio.gather(*answers), 5) == list(range(8))
    assert held.calls == 2  # the first batch's sync, then one for the three behind it


@SQLITE
async def test_a_failed_sync_fails_its_units_and_the_next_ones_succeed(
    committer: Committer, held: HeldSync
) -> None:
    held.fail_with = OSError(errno.EIO, "I/O error")
    with pytest.raises(WalSyncFailed, match="I/O error"):
        await asyncio.wait_for(committer.submit(counted(threading.Event(), 1)), 5)
    held.fail_with = None
    assert await asyncio.wait_for(committer.submit(counted(threading.Event(), 2)), 5) == 2


@SQLITE
async def test_run_batch_returns_after_the_sync(db: Database, held: HeldSync) -> None:
    """Work run outside the committer (health checks, the CLI's units) is durable too."""
    held.open.clear()
    ran = threading.Event()
    result = asyncio.ensure_future(db.run_batch(counted(ran, 7)))
    await until(held.started)
    await asyncio.sleep(0.05)
    assert not result.done()
    held.open.set()
    assert await asyncio.wait_for(result, 5) == 7


async def test_a_wal_file_made_anew_is_the_one_synced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When SQLite deletes its WAL and makes a new one (every connection closed, then one
    opened), the syncer syncs the new file, not the old one it still has open."""
    synced: list[int] = []
    monkeypatch.setattr(wal_sync, "_sync_file", lambda fd: synced.append(os.fstat(fd).st_ino))
    database = tmp_path / "voltgate.db"
    database.write_bytes(b"")
    wal = tmp_path / "voltgate.db-wal"
    wal.write_bytes(b"old")
    syncer = WalSyncer(str(database))
    try:
        await asyncio.wait_for(syncer.durable(), 5)
        old = wal.stat().st_ino
        keep = wal.open("rb")  # keeps the old inode alive, so its number is not reused
        wal.unlink()
        wal.write_bytes(b"new")
        await asyncio.wait_for(syncer.durable(), 5)
        keep.close()
        assert synced == [old, wal.stat().st_ino]
        wal.unlink()  # no WAL at all: the database file itself is synced
        await asyncio.wait_for(syncer.durable(), 5)
        assert synced[-1] == database.stat().st_ino
    finally:
        await asyncio.to_thread(syncer.close)
