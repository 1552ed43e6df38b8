"""Database set-up, URL spellings, migrations and the table/dataclass contract."""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import fields
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from voltgate.app import open_services
from voltgate.config import Settings
from voltgate.domain.errors import UnknownStation
from voltgate.domain.ports import Repositories
from voltgate.domain.reservations import Reservation
from voltgate.domain.services import Services, StartRequest
from voltgate.domain.stations import Connector, Evse, Station
from voltgate.storage import tables
from voltgate.storage.database import (
    DEFAULT_CHECKPOINT_PAGES,
    Database,
    normalise_url,
    sqlite_engine,
)
from voltgate.storage.migrate import alembic_config, current, upgrade
from voltgate.storage.repositories import SqlRepositories
from voltgate.storage.retry import is_transient
from voltgate.storage.sql import Compiled
from voltgate.storage.statements import MV_FIELDS, TX_FIELDS
from voltgate.testing.clock import FakeClock


def test_accepted_url_spellings() -> None:
    """aiosqlite URLs use the stdlib driver; plain postgresql URLs use asyncpg."""
    assert normalise_url("sqlite+aiosqlite:///x.db").drivername == "sqlite"
    assert normalise_url("sqlite:///x.db").drivername == "sqlite"
    assert normalise_url("postgresql://u@h/db").drivername == "postgresql+asyncpg"
    assert normalise_url("postgresql+asyncpg://u@h/db").drivername == "postgresql+asyncpg"
    with pytest.raises(ValueError, match="unsupported"):
        normalise_url("mysql://u@h/db")


def test_dataclass_fields_follow_table_columns() -> None:
    """Rows map positionally onto the domain dataclasses, so the orders must agree."""
    assert [f.name for f in fields(Station)] == [c.name for c in tables.stations.columns]
    assert [f.name for f in fields(Evse)] == [c.name for c in tables.evses.columns]
    assert [f.name for f in fields(Connector)] == [c.name for c in tables.connectors.columns]
    assert set(TX_FIELDS) <= {c.name for c in tables.transactions.columns}
    assert [c.name for c in tables.meter_values.columns] == list(MV_FIELDS)
    assert [f.name for f in fields(Reservation)] == [c.name for c in tables.reservations.columns]


async def test_migrations_create_exactly_the_tables(database_url: str) -> None:
    """After `upgrade`, the database matches tables.py and is at the head revision."""
    await asyncio.to_thread(upgrade, database_url)
    await asyncio.to_thread(upgrade, database_url)  # idempotent
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    assert await asyncio.to_thread(current, database_url) == head
    db = Database.connect(database_url)
    try:

        def diff(repos: Repositories) -> list[object]:
            assert isinstance(repos, SqlRepositories)
            dialect = repos.connection.dialect.name
            elsewhere = tables.POSTGRESQL_ONLY if dialect == "sqlite" else tables.SQLITE_ONLY

            def include(
                obj: object, name: str | None, kind: str, reflected: bool, other: object
            ) -> bool:
                # Objects of the other dialect only (tables.SQLITE_ONLY, POSTGRESQL_ONLY).
                table = getattr(obj, "table", None)
                return name not in elsewhere and getattr(table, "name", None) not in elsewhere

            context = MigrationContext.configure(
                repos.connection, opts={"compare_type": False, "include_object": include}
            )
            return list(compare_metadata(context, tables.metadata))

        assert await db.run(diff) == []
    finally:
        await db.dispose()


async def test_upgrade_from_inside_an_event_loop(tmp_path: Path) -> None:
    """`upgrade` also works when called from a coroutine (it migrates in a helper thread)."""
    url = f"sqlite:///{tmp_path / 'loop.db'}"
    upgrade(url)
    assert current(url) == ScriptDirectory.from_config(alembic_config()).get_current_head()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_sqlite_is_durable_wal(db: Database) -> None:
    """SQLite runs in WAL mode with foreign keys enforced. The server's writer connection
    leaves syncing each commit to the WAL syncer (synchronous=NORMAL, storage.wal_sync);
    any other connection (the CLI, migrations) syncs its own commits (FULL)."""

    def pragmas(repos: Repositories) -> tuple[object, ...]:
        assert isinstance(repos, SqlRepositories)
        run = repos.connection.exec_driver_sql
        return (
            run("PRAGMA journal_mode").scalar(),
            run("PRAGMA synchronous").scalar(),
            run("PRAGMA foreign_keys").scalar(),
            run("PRAGMA wal_autocheckpoint").scalar(),
        )

    assert await db.run(pragmas) == ("wal", 1, 1, DEFAULT_CHECKPOINT_PAGES)
    other = sqlite_engine(db.url, busy_timeout_ms=1000)
    try:
        with other.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
    finally:
        other.dispose()


async def test_sqlite_checkpoint_interval_is_the_setting(tmp_path: Path) -> None:
    """`sqlite_checkpoint_pages` reaches the server's SQLite connection: the WAL is copied
    back into the database file once it holds that many pages, so the file stays near that
    size under steady writes instead of growing or being copied every 1,000 pages."""
    url = f"sqlite:///{tmp_path / 'v.db'}"
    settings = Settings(database_url=url, sqlite_checkpoint_pages=150)
    wal = tmp_path / "v.db-wal"
    async with open_services(settings) as (database, _, services):

        def pragma(repos: Repositories) -> object:
            assert isinstance(repos, SqlRepositories)
            return repos.connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()

        assert await database.run(pragma) == settings.sqlite_checkpoint_pages
        sizes = []
        for i in range(60):  # about 8 KiB of station rows and indexes a batch: > 150 pages
            await asyncio.gather(
                *(services.stations.add(f"CP-{i}-{j}-" + "x" * 40, None) for j in range(40))
            )
            sizes.append(wal.stat().st_size)
    page = 4096 + 24  # a WAL frame: page and frame header
    assert max(sizes) < 400 * page  # checkpointed and reused (SQLite's default lets it reach 1,000)
    assert max(sizes) > 150 * page  # and not before the setting's size


async def test_timestamps_come_back_aware_utc(services: Services, clock: FakeClock) -> None:
    """A time stored with any offset reads back as the same instant, aware, in UTC."""
    clock.set(datetime(2025, 6, 1, 14, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2))))
    await services.stations.add("CP-1", None)
    station = await services.stations.get("CP-1")
    assert station is not None and station.created_at is not None
    assert station.created_at.tzinfo is UTC
    assert station.created_at == datetime(2025, 6, 1, 12, 30, 15, 123456, tzinfo=UTC)


async def test_naive_datetimes_are_refused(services: Services) -> None:
    """Storage never guesses the zone of a naive datetime."""
    await services.stations.add("CP-1", None)
    with pytest.raises((ValueError, DBAPIError)):
        await services.events.record("CP-1", "X", {}, datetime(2025, 1, 1))  # noqa: DTZ001


async def test_writes_for_unknown_station_fail_cleanly(
    services: Services, clock: FakeClock
) -> None:
    """Domain writes for a station that is not provisioned raise UnknownStation."""
    with pytest.raises(UnknownStation):
        await services.transactions.start("ghost", StartRequest(1, 1, "T", 0, clock()))


async def test_ping_and_describe(db: Database) -> None:
    """A reachable database answers ping; its description hides passwords."""
    assert await db.ping()
    assert (
        "@" not in db.describe()
        or "***" in db.describe()
        or ":" not in db.describe().split("@")[0].split("//")[1]
    )


def test_transient_error_classification() -> None:
    """Busy SQLite and dropped connections are transient; constraint errors are not."""
    busy = sqlite3.OperationalError("database is locked")
    busy.sqlite_errorcode = 5  # type: ignore[attr-defined]
    assert is_transient(busy)
    assert is_transient(ConnectionResetError())
    assert not is_transient(sqlite3.IntegrityError("UNIQUE constraint failed"))
    assert not is_transient(ValueError("bad"))

    class PgError(Exception):
        def __init__(self, sqlstate: str) -> None:
            super().__init__(sqlstate)
            self.sqlstate = sqlstate

    for code in ("40001", "40P01", "57P01", "08006", "53300"):
        assert is_transient(PgError(code)), code
    assert not is_transient(PgError("23505"))


async def test_raw_sql_errors_are_wrapped(db: Database) -> None:
    """A failing statement surfaces as a SQLAlchemy DBAPIError, not a driver exception."""

    def bad(repos: Repositories) -> None:
        assert isinstance(repos, SqlRepositories)
        statement = Compiled(text("SELECT * FROM no_such_table"), repos.connection.dialect)
        repos.executor.run(statement, {})

    with pytest.raises(DBAPIError):
        await db.run(bad)
