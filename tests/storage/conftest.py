"""Storage fixtures: a migrated database on each backend, a running committer, services.

`database_url` (tests/conftest.py) gives a SQLite file or a fresh PostgreSQL database per
test; the schema is created by the real Alembic migrations, so every storage test also
tests the migrations on both backends.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from voltgate.domain.services import Services
from voltgate.storage.committer import Committer
from voltgate.storage.database import Database
from voltgate.storage.migrate import upgrade
from voltgate.testing.clock import FakeClock

# Short enough that a test holding the SQLite write lock sees the committer's retry path.
BUSY_TIMEOUT_MS = 50


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """A migrated, empty database (SQLite file or PostgreSQL), disposed afterwards."""
    await asyncio.to_thread(upgrade, database_url)
    database = Database.connect(database_url, sqlite_busy_timeout_ms=BUSY_TIMEOUT_MS)
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture
def batches() -> list[int]:
    """Sizes of the batches the committer committed, in order."""
    return []


@pytest.fixture
async def committer(db: Database, batches: list[int]) -> AsyncIterator[Committer]:
    """A running committer with fast retries."""
    async with Committer(
        db, on_batch=batches.append, backoff_initial_s=0.01, backoff_max_s=0.05
    ) as running:
        yield running


@pytest.fixture
def clock() -> FakeClock:
    """The server clock, moved only by the test."""
    return FakeClock()


@pytest.fixture
def services(committer: Committer, clock: FakeClock) -> Services:
    """The domain services over the committer."""
    return Services(committer, clock, heartbeat_interval_s=300, clock_skew_tolerance_s=300)
