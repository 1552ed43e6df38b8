"""Fixtures shared by every test layer: a database URL per backend and a running Voltgate."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from voltgate.testing.postgres import fresh_database

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database on each backend: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'voltgate.db'}"
    else:
        async with fresh_database() as url:
            yield url
