"""Group commit: many units of work, one database transaction, one commit.

Theory of operation
-------------------
`submit(work)` queues a unit and waits. One background task (owned by ``async with
Committer(...)``) repeatedly takes every waiting unit (up to `max_batch`), runs them in
order in ONE transaction and commits; only then does each `submit` return its unit's
result ("acknowledged means durable"). While a batch commits, new units queue up, so the
batch size adapts to the load: one unit when idle, hundreds under a storm.

On SQLite, under load, a batch's commit becomes durable in a second thread
(`storage.wal_sync`): the committer starts the next batch as soon as the commit is written
and answers the units once it is synced, so the writer works while the disk syncs.

Under light load every unit pays a whole commit alone (an fsync on SQLite, the BEGIN and
COMMIT round trips on PostgreSQL). With `linger_s` set, when fewer than `linger_until`
units wait, the committer waits up to `linger_s` for more before it starts the batch
(PostgreSQL's `commit_delay` idea): a few milliseconds of latency for fewer commits. Off by
default; measured in docs/adr/0003-hot-path.md. Under load enough units wait and nobody
lingers.

Failures:

* A unit raises (a bug or bad data): the batch is rolled back. The units before it are
  committed again as one batch, the failing unit runs alone so it gets its own exception
  (or its result, if it only failed because of the others), and the units after it form
  the next batch. No unit is lost because another one failed.
* A transient storage error (`retry.is_transient`: connection lost, server restart,
  deadlock, serialization failure, SQLite busy) rolls the batch back and runs it again
  after a capped exponential backoff, indefinitely: the station just waits for its answer.
  A retry after an ambiguous commit (the commit may have happened) is harmless because
  every write is idempotent by natural key (`voltgate.domain.keys`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, TypeVar

import structlog

from voltgate.domain.ports import Reads, Repositories
from voltgate.storage.database import Database
from voltgate.storage.repositories import SqlRepositories
from voltgate.storage.retry import describe, is_transient

T = TypeVar("T")

log = structlog.get_logger("voltgate.storage")


class CommitterClosed(RuntimeError):
    """The committer is not running, so the unit was not (and will not be) run."""


@dataclass(slots=True)
class _Unit:
    work: Callable[[Repositories], Any]
    future: asyncio.Future[Any]
    reads: Reads | None


class _UnitFailed(Exception):
    """Unit `index` of a batch raised a non-transient error (the batch was rolled back)."""

    def __init__(self, index: int) -> None:
        super().__init__(index)
        self.index = index


class Committer:
    """Runs submitted units of work in grouped transactions (`domain.ports.UnitOfWork`).

    Args:
        db: the database to run on.
        max_batch: most units per transaction.
        on_batch: called with the size of every committed batch (metrics).
        on_retry: called with the error before every retry of a transient failure.
        backoff_initial_s, backoff_max_s: retry delays double from the first to the cap.
        linger_s: how long a small batch waits for more units (0: never).
        linger_until: a batch this large starts at once.
    """

    def __init__(
        self,
        db: Database,
        *,
        max_batch: int = 256,
        on_batch: Callable[[int], None] | None = None,
        on_retry: Callable[[BaseException], None] | None = None,
        backoff_initial_s: float = 0.05,
        backoff_max_s: float = 5.0,
        linger_s: float = 0.0,
        linger_until: int = 8,
    ) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        if linger_s < 0:
            raise ValueError("linger_s must not be negative")
        self._db = db
        self._max_batch = max_batch
        self._on_batch = on_batch
        self._on_retry = on_retry
        self._backoff_initial_s = backoff_initial_s
        self._backoff_max_s = backoff_max_s
        self._pending: deque[_Unit] = deque()
        self._wakeup = asyncio.Event()
        self._linger_s = linger_s
        self._linger_until = min(linger_until, max_batch)
        self._enough = asyncio.Event()  # set once `linger_until` units wait
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closing = False
        self._in_flight: list[_Unit] = []
        self._syncing: set[asyncio.Future[None]] = set()  # committed, not yet durable

    async def __aenter__(self) -> Committer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        """Start the background task that commits batches."""
        if self._task is not None:
            raise RuntimeError("Committer already started")
        self._loop = asyncio.get_running_loop()
        self._task = self._loop.create_task(self._run(), name="voltgate-committer")

    async def stop(self) -> None:
        """Commit what is queued, then stop. Cancelling this call abandons the queue."""
        self._closing = True
        self._wakeup.set()
        self._enough.set()
        if self._task is not None:
            await self._task
        if self._syncing:  # the last batches' answers wait for their sync
            await asyncio.gather(*self._syncing, return_exceptions=True)

    def ready_to_run(self) -> bool:
        """True when the database has answered the batch under way and the committer only
        waits for its turn in the event loop.

        The answer arrives among the stations' frames, and the loop runs the committer
        only after every frame that was read before it. Meanwhile each station of the
        batch waits for its CALLRESULT and the database waits for the next batch: on
        PostgreSQL at saturation, ~1.5 ms of every batch (docs/adr/0003-hot-path.md
        §32). The gateway asks this before it handles a frame and, if so, lets the
        committer go first. An idle committer woken by a unit is not reported: the
        frames read with that unit's then join its batch.

        Reads the task's `_fut_waiter`, the future it is suspended on, which CPython's Task
        (in C and in Python) has always had; without it this is always False and the
        gateway keeps the loop's order.
        """
        if not self._in_flight:
            return False
        waiter = getattr(self._task, "_fut_waiter", None)
        return waiter is not None and bool(waiter.done())

    async def submit(self, work: Callable[[Repositories], T], reads: Reads | None = None) -> T:
        """Run `work` in a transaction with other waiting units; return after the commit.

        `reads` declares rows the unit will read; the batch reads them all in one query.
        Raises whatever `work` raised (its writes are rolled back), or CommitterClosed.
        """
        # The loop kept from `start`: `get_running_loop` makes a getpid system call each
        # time (CPython checks for a fork), once per message here.
        loop = self._loop
        if loop is None or self._closing:
            raise CommitterClosed("the committer is not running")
        future: asyncio.Future[T] = loop.create_future()
        self._pending.append(_Unit(work, future, reads))
        self._wakeup.set()
        if len(self._pending) >= self._linger_until:
            self._enough.set()
        return await future

    async def _run(self) -> None:
        try:
            while True:
                if not self._pending:
                    if self._closing:
                        return
                    self._wakeup.clear()
                    await self._wakeup.wait()
                    continue
                if self._linger_s and len(self._pending) < self._linger_until:
                    await self._linger()
                batch: list[_Unit] = []
                while self._pending and len(batch) < self._max_batch:
                    unit = self._pending.popleft()
                    if not unit.future.done():  # its caller gave up before it ran
                        batch.append(unit)
                if not batch:
                    continue
                self._in_flight = batch
                try:
                    await self._commit(batch)
                except Exception as error:  # a bug here must not stop all storage
                    log.exception("committer failed a batch")
                    for unit in batch:
                        self._fail(unit, error)
                self._in_flight = []  # kept when cancelled: the `finally` below fails them
        finally:
            # Cancelled mid-batch: its callers must not wait forever (the batch may or may
            # not have committed; a station retrying it is harmless, writes are idempotent).
            while self._pending:
                self._in_flight.append(self._pending.popleft())
            for unit in self._in_flight:
                self._fail(unit, CommitterClosed("the committer stopped"))

    async def _linger(self) -> None:
        """Wait until `linger_until` units wait, `linger_s` passed, or `stop` was called."""
        if self._closing:
            return
        self._enough.clear()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self._linger_s):
                await self._enough.wait()

    async def _commit(self, batch: list[_Unit]) -> None:
        while batch:
            try:
                results, durable = await self._retrying(batch)
            except _UnitFailed as failed:
                head, unit, batch = (
                    batch[: failed.index],
                    batch[failed.index],
                    batch[failed.index + 1 :],
                )
                if head:
                    await self._commit(head)
                await self._alone(unit)
                continue
            except Exception:
                # The commit itself failed for good (not a unit): settle each unit alone.
                log.exception("batch commit failed; running its units one by one")
                for unit in batch:
                    await self._alone(unit)
                return
            self._answer(batch, results, durable)
            if self._on_batch is not None:
                self._on_batch(len(batch))
            return

    async def _alone(self, unit: _Unit) -> None:
        try:
            results, durable = await self._retrying([unit])
        except _UnitFailed as failed:
            self._fail(unit, failed.__cause__ or failed)
            return
        except Exception as error:  # the commit itself failed for good
            self._fail(unit, error)
            return
        self._answer([unit], results, durable)
        if self._on_batch is not None:
            self._on_batch(1)

    def _answer(
        self, units: list[_Unit], results: list[Any], durable: asyncio.Future[None] | None
    ) -> None:
        """Hand each unit its result once its commit is durable: at once, or when `durable`
        completes (meanwhile the next batch runs)."""
        if durable is None:
            _settle(units, results, None)
            return
        self._syncing.add(durable)

        def synced(done: asyncio.Future[None]) -> None:
            self._syncing.discard(done)
            error = CommitterClosed("sync abandoned") if done.cancelled() else done.exception()
            if error is not None:
                log.error("commit not synced to disk; its units fail", error=str(error))
            _settle(units, results, error)

        durable.add_done_callback(synced)

    @staticmethod
    def _fail(unit: _Unit, error: BaseException) -> None:
        if not unit.future.done():
            unit.future.set_exception(error)

    async def _retrying(self, batch: list[_Unit]) -> tuple[list[Any], asyncio.Future[None] | None]:
        delay = self._backoff_initial_s
        attempt = 0
        while True:
            try:
                # Syncing beside the writer pays only under load: when another batch can
                # run meanwhile, or an earlier batch's sync is under way anyway.
                return await self._db.run_batch_committed(
                    lambda repos: _run_units(batch, repos),
                    defer_sync=len(batch) > 1 or bool(self._pending) or bool(self._syncing),
                )
            except _UnitFailed:
                raise
            except Exception as error:
                if not is_transient(error):
                    raise
                attempt += 1
                log.warning(
                    "storage unavailable, retrying batch",
                    attempt=attempt,
                    retry_in_s=delay,
                    units=len(batch),
                    **describe(error),
                )
                if self._on_retry is not None:
                    self._on_retry(error)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._backoff_max_s)


def _settle(units: list[_Unit], results: list[Any], error: BaseException | None) -> None:
    for unit, result in zip(units, results, strict=True):
        if unit.future.done():  # its caller gave up
            continue
        if error is None:
            unit.future.set_result(result)
        else:
            unit.future.set_exception(error)


def _run_units(batch: list[_Unit], repos: SqlRepositories) -> list[Any]:
    ids = [tx_id for unit in batch if unit.reads for tx_id in unit.reads.transactions]
    keys = [key for unit in batch if unit.reads for key in unit.reads.transaction_keys]
    if ids or keys:
        repos.transactions.prefetch(ids, keys)
    results = []
    for index, unit in enumerate(batch):
        try:
            results.append(unit.work(repos))
        except Exception as error:
            if is_transient(error):
                raise  # the whole batch is retried
            raise _UnitFailed(index) from error
    return results
