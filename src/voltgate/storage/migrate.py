"""Schema migrations (Alembic), run programmatically on SQLite and PostgreSQL.

`voltgate db upgrade` and `voltgate serve` call `upgrade(url)`. The migration scripts in
`migrations/versions/` receive the connection through Alembic's ``config.attributes`` so
they run with the same engine set-up as the server (SQLite pragmas, asyncpg). Works from
synchronous code and, by running in a helper thread, also from inside an event loop.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from voltgate.storage.database import normalise_url, sqlite_engine

T = TypeVar("T")

SCRIPTS = Path(__file__).parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at our scripts, carrying `connection` for env.py."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.attributes["connection"] = connection
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Create the schema or migrate it to `revision` (default: the newest)."""

    def run(connection: Connection) -> None:
        command.upgrade(alembic_config(connection), revision)

    _with_connection(url, run)


def downgrade(url: str, revision: str) -> None:
    """Migrate the schema back to `revision` (each revision's ``downgrade``)."""

    def run(connection: Connection) -> None:
        command.downgrade(alembic_config(connection), revision)

    _with_connection(url, run)


def current(url: str) -> str | None:
    """The revision the database is at, or None for an empty database."""

    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    return _with_connection(url, read)


def _with_connection(url: str, fn: Callable[[Connection], T]) -> T:
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = sqlite_engine(parsed, busy_timeout_ms=30_000)
        try:
            with engine.begin() as connection:
                return fn(connection)
        finally:
            engine.dispose()

    async def on_postgres() -> T:
        engine = create_async_engine(parsed, poolclass=NullPool, hide_parameters=True)
        try:
            async with engine.begin() as connection:
                return await connection.run_sync(fn)
        finally:
            await engine.dispose()

    return _run_coroutine(on_postgres())


def _run_coroutine(coro: Coroutine[Any, Any, T]) -> T:
    """Run `coro` to completion, in a helper thread if this thread runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = asyncio.run(coro)
        except BaseException as error:  # handed to the calling thread below
            box["error"] = error

    thread = threading.Thread(target=target, name="voltgate-migrate")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    result: T = box["result"]
    return result
