"""Database: one engine, and how a batch of units of work runs on it.

Two backends, one code path for the units (plain synchronous SQLAlchemy Core):

* SQLite (``sqlite:///path``; ``sqlite+aiosqlite://`` is accepted and mapped to the stdlib
  driver): one dedicated writer thread owns the connection. Each batch is one hop to that
  thread, not one hop per statement as with aiosqlite. WAL journal, ``synchronous=FULL``
  (in WAL mode NORMAL may lose the last commits on power loss, which breaks "acknowledged
  means durable"), except on the writer's own connection, whose commits a second thread
  syncs while the writer goes on (`storage.wal_sync`); ``BEGIN IMMEDIATE`` (take the write
  lock up front so the busy timeout applies instead of a deadlock-prone lock upgrade),
  foreign keys on. The WAL is copied back into the database file every `checkpoint_pages`
  pages (SQLite's default is 1,000).
* PostgreSQL (``postgresql://`` or ``postgresql+asyncpg://``): an asyncpg `AsyncEngine`; the
  batch runs in a greenlet via ``AsyncConnection.run_sync``.

See docs/adr/0002-storage-units-of-work.md.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

from voltgate.storage.open_transactions import OpenTransactions
from voltgate.storage.repositories import SqlRepositories
from voltgate.storage.retry import is_changed_meanwhile
from voltgate.storage.sql import Compiled
from voltgate.storage.statements import Statements
from voltgate.storage.versioned_transactions import VersionedTransactions
from voltgate.storage.wal_sync import WalSyncer
from voltgate.storage.writer import WriterThread

T = TypeVar("T")

Batch = Callable[[SqlRepositories], T]


def normalise_url(url: str | URL) -> URL:
    """Map accepted URL spellings onto the drivers storage really uses."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite")
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+asyncpg")
    raise ValueError(f"unsupported database URL scheme {parsed.drivername!r}")


DEFAULT_CHECKPOINT_PAGES = 4000
"""WAL pages written before a commit copies them back into the database file.

A checkpoint writes each page that changed since the last one once, however often it
changed: the pages every commit touches again (the transactions' rows, the newest leaves of
the meter and message log indexes) are copied once per checkpoint rather than once per
SQLite's default 1,000 pages. Less CPU per message under load, a longer pause for the
commit that checkpoints, a larger WAL file: measured in docs/adr/0003-hot-path.md §14."""


FOLD_EVERY_CHANGES = 20_000
"""Row changes on the writer's SQLite connection between two folds of `meter_values_recent`
into `meter_value_index` (`storage.tables`).

A fold adds each transaction's queued entries to the index together, so the index's hot
leaf of a transaction is written once per fold rather than once per MeterValues; the
queue's rows must meanwhile be scanned to list a transaction's readings. A 1.6 MeterValues
changes four rows (its reading, its queue entry, the transaction's and the EVSE's
registers; the message log adds a few per flush), so the queue holds at most about 5,000
readings, a fold of a few milliseconds (docs/adr/0003-hot-path.md §25)."""


def sqlite_engine(
    url: URL, *, busy_timeout_ms: int, checkpoint_pages: int = DEFAULT_CHECKPOINT_PAGES
) -> Engine:
    """A synchronous SQLite engine configured for durable, single-writer use."""
    _adapt_null_and_blob_at_once()
    memory = url.database in (None, "", ":memory:")
    engine = create_engine(
        url,
        hide_parameters=True,  # errors are logged; they must not carry station data
        poolclass=StaticPool if memory else None,
        connect_args={"check_same_thread": False} if memory else {},
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below own transaction boundaries (SQLAlchemy docs,
        # "Serializable isolation / Savepoints / Transactional DDL" for pysqlite).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA wal_autocheckpoint = {int(checkpoint_pages)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # Straight on the DBAPI connection: `exec_driver_sql` costs ~30 µs of SQLAlchemy
        # machinery, paid per batch, so per message when the load is light. A busy error
        # raised here is the driver's own, which `retry.is_transient` recognises too.
        conn.connection.dbapi_connection.execute("BEGIN IMMEDIATE")  # type: ignore[union-attr]

    return engine


def _adapt_null_and_blob_at_once() -> None:
    """Register sqlite3 adapters for None and for BLOB parameters, so that binding them
    skips sqlite3's failed adapter search; both still bind exactly as before.

    sqlite3 binds exact `int`, `float` and `str` values directly and looks every other value
    up in its (process-wide) adapter registry first: a key tuple, a dict miss, then failed
    ``__adapt__`` and ``__conform__`` attribute lookups, ~3,300 instructions for a None and
    ~2,500 for a `memoryview` (SQLAlchemy wraps every LargeBinary value, our natural keys,
    in `sqlite3.Binary`). A 2.0.1 TransactionEvent Updated binds ~14 NULLs (most optional
    event columns are empty) and two keys, a 1.6 MeterValues ~3 NULLs and one key. With an
    adapter registered the lookup hits at once and the adapter hands the value back
    unchanged, which sqlite3 then binds as NULL or as a BLOB, as it did. Adapters that
    someone else registered for these types are left in place.
    """
    if (type(None), sqlite3.PrepareProtocol) not in sqlite3.adapters:
        sqlite3.register_adapter(type(None), _unchanged)
    if (memoryview, sqlite3.PrepareProtocol) not in sqlite3.adapters:
        sqlite3.register_adapter(memoryview, _unchanged)


def _unchanged(value: memoryview | None) -> memoryview | None:
    return value


def postgres_engine(url: URL, *, pool_size: int = 5) -> AsyncEngine:
    """An asyncpg engine whose transactions are READ COMMITTED, whatever the server's
    `default_transaction_isolation`: a batch's read-ahead runs before its transaction
    (`sql.Executor.read_ahead`), which reads the same rows only at that level."""
    return create_async_engine(
        url, hide_parameters=True, pool_size=pool_size, isolation_level="READ COMMITTED"
    )


class Database:
    """Runs batches of units of work in one transaction each.

    Build it with `Database.connect`; close it with `dispose`.
    """

    def __init__(
        self,
        url: URL,
        *,
        sqlite_busy_timeout_ms: int = 5000,
        sqlite_checkpoint_pages: int = DEFAULT_CHECKPOINT_PAGES,
        sqlite_fold_every: int = FOLD_EVERY_CHANGES,
    ) -> None:
        self.url = url
        self.dialect_name = "sqlite" if url.get_backend_name() == "sqlite" else "postgresql"
        self._sync: Engine | None = None
        self._async: AsyncEngine | None = None
        self._writer: WriterThread | None = None
        self._syncer: WalSyncer | None = None
        # The connection batches run on, and its repositories, kept across batches: checking
        # a connection out of the pool and building repositories per batch cost more than a
        # small batch's statements. SQLite: touched only in the writer thread. PostgreSQL:
        # one batch at a time (`_pg_lock`; the committer runs one, a health check may too).
        self._conn: Connection | None = None
        self._repos: SqlRepositories | None = None
        # SQLite: the open transactions the writer has read or written (see the module).
        self._open: OpenTransactions | None = None
        # PostgreSQL: the transactions this server wrote, with their row versions.
        self._versions: VersionedTransactions | None = None
        # SQLite: `total_changes` of the writer's connection at its last fold.
        self._fold_every = sqlite_fold_every
        self._folded_at = 0
        self._pg_conn: AsyncConnection | None = None
        self._pg_lock = asyncio.Lock()
        if self.dialect_name == "sqlite":
            self._sync = sqlite_engine(
                url,
                busy_timeout_ms=sqlite_busy_timeout_ms,
                checkpoint_pages=sqlite_checkpoint_pages,
            )
            self._writer = WriterThread("voltgate-sqlite")
            if url.database not in (None, "", ":memory:"):
                self._syncer = WalSyncer(os.path.abspath(url.database))
            self._open = OpenTransactions()
            dialect = self._sync.dialect
        else:
            self._async = postgres_engine(url)
            self._versions = VersionedTransactions()
            dialect = self._async.dialect
        self._statements = Statements(dialect)

    @classmethod
    def connect(
        cls,
        url: str,
        *,
        sqlite_busy_timeout_ms: int = 5000,
        sqlite_checkpoint_pages: int = DEFAULT_CHECKPOINT_PAGES,
        sqlite_fold_every: int = FOLD_EVERY_CHANGES,
    ) -> Database:
        """Open (lazily) the database at `url`; see the module docstring for the schemes.

        Args:
            url: SQLAlchemy URL.
            sqlite_busy_timeout_ms: how long SQLite waits for another writer's lock before
                the committer sees "database is locked" (and retries).
            sqlite_checkpoint_pages: WAL pages between checkpoints (`DEFAULT_CHECKPOINT_PAGES`).
            sqlite_fold_every: row changes between folds of the readings' index
                (`FOLD_EVERY_CHANGES`).
        """
        return cls(
            normalise_url(url),
            sqlite_busy_timeout_ms=sqlite_busy_timeout_ms,
            sqlite_checkpoint_pages=sqlite_checkpoint_pages,
            sqlite_fold_every=sqlite_fold_every,
        )

    def describe(self) -> str:
        """The URL without its password, for logs."""
        return self.url.render_as_string(hide_password=True)

    async def run_batch(self, batch: Batch[T]) -> T:
        """Run `batch` in one transaction; commit if it returns, roll back if it raises.
        Returns once the commit is durable."""
        result, durable = await self.run_batch_committed(batch, defer_sync=False)
        assert durable is None
        return result

    async def run_batch_committed(
        self, batch: Batch[T], *, defer_sync: bool
    ) -> tuple[T, asyncio.Future[None] | None]:
        """Run `batch` in one transaction, as `run_batch`. With `defer_sync` (SQLite, another
        batch waiting), return as soon as it committed: its result and a future that
        completes once the commit is durable, so that the next batch runs meanwhile (the
        committer's pipeline). Otherwise the future is None: the commit is durable."""
        if self._async is not None:
            async with self._pg_lock:
                conn = self._pg_conn
                if conn is None or conn.closed or conn.invalidated:
                    if conn is not None:
                        await conn.close()
                    conn = self._pg_conn = await self._async.connect()
                # One greenlet for the whole batch: begin, units, commit.
                try:
                    return await conn.run_sync(self._batch, batch), None
                except Exception as error:
                    if not is_changed_meanwhile(error):
                        raise
                # A transaction served from memory had changed: the batch was rolled back
                # and everything remembered forgotten, so it now reads what is stored.
                return await conn.run_sync(self._batch, batch), None
        assert self._writer is not None
        syncer = self._syncer
        if syncer is None:
            return await self._writer.run(lambda: self._sqlite_batch(batch)), None
        if defer_sync:
            return await self._writer.run(lambda: self._sqlite_batch(batch)), syncer.durable()
        return await self._writer.run(lambda: self._sqlite_batch_synced(batch, syncer)), None

    async def run(self, work: Batch[T]) -> T:
        """Run one unit of work in its own transaction (no retries: see `Committer`)."""
        return await self.run_batch(work)

    async def ping(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            await self.run_batch(lambda repos: repos.executor.first(self._statements.ping, {}))
        except Exception:
            return False
        return True

    async def dispose(self) -> None:
        """Close all connections (and the SQLite writer thread)."""
        if self._async is not None:
            async with self._pg_lock:
                if self._pg_conn is not None:
                    await self._pg_conn.close()
                    self._pg_conn = None
            await self._async.dispose()
        if self._writer is not None:
            await self._writer.run(self._close_sqlite)
            await asyncio.to_thread(self._writer.close)
        if self._syncer is not None:
            await asyncio.to_thread(self._syncer.close)

    def _sqlite_batch(self, batch: Batch[T]) -> T:
        conn = self._conn
        if conn is None or conn.closed or conn.invalidated:
            assert self._sync is not None
            if conn is not None:
                conn.close()
            conn = self._conn = self._sync.connect()
            if self._syncer is not None:  # its commits are synced by the syncer instead
                conn.connection.dbapi_connection.execute(  # type: ignore[union-attr]
                    "PRAGMA synchronous = NORMAL"
                )
        return self._batch(conn, batch)

    def _sqlite_batch_synced(self, batch: Batch[T], syncer: WalSyncer) -> T:
        result = self._sqlite_batch(batch)
        syncer.sync()
        return result

    def _batch(self, conn: Connection, batch: Batch[T]) -> T:
        repos = self._repos
        kept = self._open
        dbapi = conn.connection.dbapi_connection
        versions = self._versions
        if repos is None or repos.executor.dbapi_connection is not dbapi:
            repos = self._repos = SqlRepositories(conn, self._statements, kept, versions)
            if versions is not None:
                versions.clear()  # another connection: check everything again
            if kept is not None:
                kept.reset()  # another connection: its own data_version
            self._folded_at = 0  # another connection: its own count of changes
        repos.reset()
        try:
            with conn.begin():
                if kept is not None:
                    kept.begin(dbapi)
                result = batch(repos)
                repos.transactions.verify_served()
                fold = self._statements.mv_fold
                # The deferred writes go out before the commit; after them only a fold (SQLite).
                repos.executor.flush(last=fold is None)
                if fold is not None:
                    self._fold_when_due(repos, fold, dbapi)
            repos.transactions.committed()
        except BaseException:
            if kept is not None:
                kept.clear()  # it may hold what was rolled back (or never committed)
            if versions is not None:
                versions.clear()  # the same, or a transaction changed meanwhile
            raise
        finally:
            repos.executor.discard()  # left over only when the batch failed
        return result

    def _fold_when_due(
        self, repos: SqlRepositories, fold: tuple[Compiled, Compiled], dbapi: Any
    ) -> None:
        """SQLite: once `sqlite_fold_every` rows changed since the last time, move the queued
        index entries of readings into the index, in the batch's transaction."""
        if dbapi.total_changes - self._folded_at < self._fold_every:
            return
        for statement in fold:
            repos.executor.run(statement, {})
        self._folded_at = dbapi.total_changes

    def _close_sqlite(self) -> None:
        assert self._sync is not None
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self._repos = None
        self._sync.dispose()
