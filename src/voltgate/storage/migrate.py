"""Schema migrations (Alembic), run programmatically on SQLite and PostgreSQL.

`voltgate db upgrade` and `voltgate serve` call `upgrade(url)`. The migration scripts in
`migrations/versions/` receive the connection through Alembic's ``config.attributes`` so
they run with the same engine set-up as the server (SQLite pragmas, asyncpg). Works from
synchronous code and, by running in a helper thread, also from inside an event loop.

A step can rewrite a large table (0015 on PostgreSQL rewrites `meter_values`), so `upgrade`
says which step starts and how long each took, through its `progress` callback: the CLI
prints it, `voltgate serve` logs it.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext, MigrationInfo
from alembic.script import Script, ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from voltgate.storage.database import normalise_url, sqlite_engine

T = TypeVar("T")

SCRIPTS = Path(__file__).parent / "migrations"


Progress = Callable[[str], None]
"""Told one line per event of a migration: its plan, each step's start and end."""


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at our scripts, carrying `connection` for env.py."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.attributes["connection"] = connection
    return config


def upgrade(url: str, revision: str = "head", *, progress: Progress | None = None) -> None:
    """Create the schema or migrate it to `revision` (default: the newest), telling
    `progress` what runs (nothing when the schema is already there)."""

    def run(connection: Connection) -> None:
        config = alembic_config(connection)
        if progress is not None:
            steps = _pending_steps(config, connection, revision)
            if steps:
                report = _StepReport(steps, progress)
                config.attributes["on_version_apply"] = report
                report.start()
        command.upgrade(config, revision)

    _with_connection(url, run)


def _pending_steps(config: Config, connection: Connection, revision: str) -> list[Script]:
    """The revisions an upgrade to `revision` would apply, oldest first."""
    scripts = ScriptDirectory.from_config(config)
    now = MigrationContext.configure(connection).get_current_revision()
    return list(reversed(list(scripts.iterate_revisions(revision, now or "base"))))


class _StepReport:
    """Alembic's `on_version_apply` hook. Alembic calls it after each step, so it times that
    step and announces the next; `start` tells the plan and announces the first."""

    def __init__(self, steps: list[Script], progress: Progress) -> None:
        self._steps = steps
        self._upcoming = iter(steps)
        self._progress = progress
        self._started = time.monotonic()

    def start(self) -> None:
        count, first, last = len(self._steps), self._steps[0], self._steps[-1]
        self._progress(
            f"migrating from {first.down_revision or 'an empty database'} to "
            f"{last.revision}: {count} step{'s' if count > 1 else ''}"
        )
        self._announce()

    def __call__(self, *, step: MigrationInfo, **_: Any) -> None:
        took = time.monotonic() - self._started
        self._progress(f"{step.up_revision_id}: done in {took:.1f} s")
        self._announce()

    def _announce(self) -> None:
        script = next(self._upcoming, None)
        if script is not None:
            self._progress(f"{script.revision}: {' '.join(script.doc.split())}")
        self._started = time.monotonic()


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
