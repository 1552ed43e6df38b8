"""Making SQLite commits durable beside the writer thread, not in it.

Theory of operation
-------------------
With ``synchronous=FULL`` SQLite ends every commit with an fsync of the WAL, in the writer
thread: the writer waits for the disk, and units that queued meanwhile wait for the writer.
At saturation that wait was most of the ~10-13 % of time the server's core sat idle
(docs/adr/0003-hot-path.md §22). So the writer's connection runs with ``synchronous=NORMAL``
(the commit writes its WAL frames but does not sync them) and this thread syncs the WAL file
after each commit instead, while the writer already runs the next batch. A unit's caller is
answered only once a sync that started after its commit has returned: acknowledged still
means durable. One sync covers every commit written before it started, so commits that
finish while a sync is under way share the next one.

Handing the sync over costs a thread hop per batch, which only pays under load: under light
load (a batch of one unit, nothing queued behind it, no sync under way) the writer syncs
inline (`sync`), as FULL would.

Why that is as durable as FULL: an fsync makes durable every write to the file before it,
whichever descriptor wrote it (the page cache belongs to the file). In WAL mode with NORMAL,
SQLite still syncs the WAL before it copies it into the database file and syncs the database
file after (SQLite, "PRAGMA synchronous"), so a WAL restart never overwrites frames that are
durable nowhere else. A crash before the sync loses only commits nobody was told about.
Other connections (the CLI, migrations) keep FULL.

If the sync fails (an I/O error), every commit it covered fails with `WalSyncFailed`, which
the committer does not retry (after a failed fsync the kernel may have dropped the dirty
pages, so syncing again proves nothing; PostgreSQL stops in that case): the stations get an
error instead of an acknowledgement for data that may not be on disk, and send it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import queue
import threading
from typing import Final

from voltgate.storage.writer import settle_from_thread

_sync_file = getattr(os, "fdatasync", os.fsync)
"""fdatasync where the platform has it (as SQLite uses on Linux), else fsync."""

_Waiter = tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]


class WalSyncFailed(RuntimeError):
    """Syncing the WAL to disk failed: the commits it covered may not be durable."""


_STOP: Final = None


class WalSyncer:
    """A thread that syncs one SQLite database's WAL file for the commits waiting on it.

    Args:
        database_path: the database file; its WAL is ``<database_path>-wal``.
        name: the thread's name.
    """

    def __init__(self, database_path: str, name: str = "voltgate-sqlite-sync") -> None:
        self._database_path = database_path
        self._wal_path = database_path + "-wal"
        self._fd: int | None = None
        self._inode: int | None = None
        self._file_lock = threading.Lock()  # `_fd` and `_inode`: the writer may sync too
        self._waiting: queue.SimpleQueue[_Waiter | None] = queue.SimpleQueue()
        self._os_thread = threading.Thread(target=self._work, name=name, daemon=True)
        self._os_thread.start()

    def durable(self) -> asyncio.Future[None]:
        """A future that completes once everything committed so far is on disk.

        Call it after the commit has returned. The future fails with `WalSyncFailed`.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._waiting.put((loop, future))
        return future

    def sync(self) -> None:
        """Sync now, in the calling thread (the writer's, under light load).

        Raises:
            WalSyncFailed: the sync failed.
        """
        with self._file_lock:
            try:
                self._sync()
            except OSError as error:  # the committer retries OSErrors: this must not be
                raise WalSyncFailed(f"syncing {self._wal_path} failed: {error}") from None

    def close(self) -> None:
        """Sync for whoever still waits, then end the thread (blocks until it has)."""
        self._waiting.put(_STOP)
        self._os_thread.join()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _work(self) -> None:
        stopping = False
        while not stopping:
            # Everyone who queued before this sync starts is covered by it.
            queued = [self._waiting.get()]
            with contextlib.suppress(queue.Empty):
                while True:
                    queued.append(self._waiting.get_nowait())
            waiters = [waiter for waiter in queued if waiter is not _STOP]
            stopping = len(waiters) < len(queued)
            if not waiters:
                continue
            error: WalSyncFailed | None = None
            try:
                self.sync()
            except WalSyncFailed as failure:
                error = failure
            for loop, future in waiters:
                settle_from_thread(loop, future, None, error)

    def _sync(self) -> None:
        """fdatasync the WAL file as it is now (reopened if SQLite made a new one)."""
        try:
            inode = os.stat(self._wal_path).st_ino
        except FileNotFoundError:
            # No WAL: the last connection closed and SQLite checkpointed it into the
            # database file; sync that, to be safe.
            fd = os.open(self._database_path, os.O_RDONLY)
            try:
                _sync_file(fd)
            finally:
                os.close(fd)
            return
        if self._fd is None or inode != self._inode:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
            self._fd = os.open(self._wal_path, os.O_RDONLY)
            self._inode = os.fstat(self._fd).st_ino
        _sync_file(self._fd)
