"""Database: one engine, and how a batch of units of work runs on it.

Two backends, one code path for the units (plain synchronous SQLAlchemy Core):

* SQLite (``sqlite:///path``; ``sqlite+aiosqlite://`` is accepted and mapped to the stdlib
  driver): one dedicated writer thread owns the connection. Each batch is one hop to that
  thread, not one hop per statement as with aiosqlite. WAL journal, ``synchronous=FULL``
  (in WAL mode NORMAL may lose the last commits on power loss, which breaks "acknowledged
  means durable"), ``BEGIN IMMEDIATE`` (take the write lock up front so the busy timeout
  applies instead of a deadlock-prone lock upgrade), foreign keys on.
* PostgreSQL (``postgresql://`` or ``postgresql+asyncpg://``): an asyncpg `AsyncEngine`; the
  batch runs in a greenlet via ``AsyncConnection.run_sync``.

See docs/adr/0002-storage-units-of-work.md.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

from voltgate.storage.repositories import SqlRepositories
from voltgate.storage.statements import Statements

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


def sqlite_engine(url: URL, *, busy_timeout_ms: int) -> Engine:
    """A synchronous SQLite engine configured for durable, single-writer use."""
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
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def postgres_engine(url: URL, *, pool_size: int = 5) -> AsyncEngine:
    """An asyncpg engine."""
    return create_async_engine(url, hide_parameters=True, pool_size=pool_size)


class Database:
    """Runs batches of units of work in one transaction each.

    Build it with `Database.connect`; close it with `dispose`.
    """

    def __init__(self, url: URL, *, sqlite_busy_timeout_ms: int = 5000) -> None:
        self.url = url
        self.dialect_name = "sqlite" if url.get_backend_name() == "sqlite" else "postgresql"
        self._sync: Engine | None = None
        self._async: AsyncEngine | None = None
        self._writer: ThreadPoolExecutor | None = None
        if self.dialect_name == "sqlite":
            self._sync = sqlite_engine(url, busy_timeout_ms=sqlite_busy_timeout_ms)
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voltgate-sqlite")
            dialect = self._sync.dialect
        else:
            self._async = postgres_engine(url)
            dialect = self._async.dialect
        self._statements = Statements(dialect)

    @classmethod
    def connect(cls, url: str, *, sqlite_busy_timeout_ms: int = 5000) -> Database:
        """Open (lazily) the database at `url`; see the module docstring for the schemes.

        Args:
            url: SQLAlchemy URL.
            sqlite_busy_timeout_ms: how long SQLite waits for another writer's lock before
                the committer sees "database is locked" (and retries).
        """
        return cls(normalise_url(url), sqlite_busy_timeout_ms=sqlite_busy_timeout_ms)

    def describe(self) -> str:
        """The URL without its password, for logs."""
        return self.url.render_as_string(hide_password=True)

    async def run_batch(self, batch: Batch[T]) -> T:
        """Run `batch` in one transaction; commit if it returns, roll back if it raises."""
        if self._async is not None:
            async with self._async.begin() as conn:
                return await conn.run_sync(self._in_transaction, batch)
        assert self._writer is not None
        return await asyncio.get_running_loop().run_in_executor(
            self._writer, self._sqlite_batch, batch
        )

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
            await self._async.dispose()
        if self._writer is not None:
            loop = asyncio.get_running_loop()
            assert self._sync is not None
            await loop.run_in_executor(self._writer, self._sync.dispose)
            self._writer.shutdown(wait=True)

    def _sqlite_batch(self, batch: Batch[T]) -> T:
        assert self._sync is not None
        with self._sync.begin() as conn:
            return self._in_transaction(conn, batch)

    def _in_transaction(self, conn: Connection, batch: Batch[T]) -> T:
        return batch(SqlRepositories(conn, self._statements))
