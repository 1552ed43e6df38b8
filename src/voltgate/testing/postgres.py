"""A throwaway PostgreSQL database per test, so tests on one server never see each other.

The server comes from `VOLTGATE_TEST_POSTGRES_URL` (default: the local trust-auth server). When
it cannot be reached, tests are skipped on a developer machine but fail under CI=true, so a
CI run never passes without having exercised PostgreSQL.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import pytest
from sqlalchemy.engine import make_url

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def server_url() -> str:
    """The SQLAlchemy URL of the PostgreSQL server used by tests."""
    return os.environ.get("VOLTGATE_TEST_POSTGRES_URL", DEFAULT_URL)


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@asynccontextmanager
async def fresh_database() -> AsyncIterator[str]:
    """Create an empty database on the test server, yield its URL, drop it afterwards."""
    url = server_url()
    try:
        admin = await asyncpg.connect(_dsn(url), timeout=5)
    except (OSError, asyncpg.PostgresError) as error:
        message = f"PostgreSQL at {make_url(url).render_as_string()} unreachable: {error}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    name = f"voltgate_t_{uuid.uuid4().hex[:12]}"
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield make_url(url).set(database=name).render_as_string(hide_password=False)
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()
