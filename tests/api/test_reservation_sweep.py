"""The reservation expiry sweep outlives a storage failure: the failed sweep is logged and the
next one expires what is due, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from sqlalchemy.engine import make_url
from structlog.testing import capture_logs

from tests.api.command_stations import station16
from tests.api.conftest import Api, data
from tests.api.test_commands import command_url
from voltgate.domain.access import Role

SWEEP_S = 0.05
FAILED = "reservation expiry sweep failed; sweeping again next tick"


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"reservation_expiry_check": SWEEP_S}


@asynccontextmanager
async def reservations_table_gone(database_url: str) -> AsyncIterator[None]:
    """Rename the reservations table behind the server's back, so that every statement on it
    fails, and give it back afterwards (a storage fault no retry can hide)."""
    away, back = (
        "ALTER TABLE reservations RENAME TO reservations_away",
        "ALTER TABLE reservations_away RENAME TO reservations",
    )
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        assert url.database is not None
        connection = sqlite3.connect(url.database, isolation_level=None)
        connection.execute(away)
        try:
            yield
        finally:
            connection.execute(back)
            connection.close()
        return
    admin = await asyncpg.connect(url.set(drivername="postgresql").render_as_string(False))
    await admin.execute(away)
    try:
        yield
    finally:
        await admin.execute(back)
        await admin.close()


async def _state(api: Api, reservation_id: int) -> str:
    found = data(await api.get(f"/api/v1/reservations/{reservation_id}", Role.VIEWER))
    return str(found["state"])


async def test_a_failed_sweep_is_logged_and_the_next_one_expires_the_reservation(
    api: Api, database_url: str
) -> None:
    """While the reservations table is unreachable the sweep fails and says so; once it is
    back, the next sweep marks the reservation that expired meanwhile EXPIRED."""
    async with station16(api.csms, "CP-16"):
        # Seconds of margin: under a whole suite's load on PostgreSQL, the command's unit
        # once ran more than a second after this line, and the expiry was then refused as
        # past (the test waits for the expiry anyway).
        expires = datetime.now(UTC) + timedelta(seconds=3)
        body = {"idTag": "TAG-1", "expiresAt": expires.isoformat().replace("+00:00", "Z")}
        command = data(await api.post(command_url("CP-16", "reserve"), Role.OPERATOR, json=body))
    assert await _state(api, command["id"]) == "ACTIVE"
    with capture_logs() as logs:
        async with reservations_table_gone(database_url):
            await asyncio.sleep((expires - datetime.now(UTC)).total_seconds() + SWEEP_S)
            seen = len(logs)
            async with asyncio.timeout(5):
                while True:  # until a sweep after the expiry has failed
                    if any(entry["event"] == FAILED for entry in logs[seen:]):
                        break
                    await asyncio.sleep(SWEEP_S)
    failure = next(entry for entry in logs if entry["event"] == FAILED)
    assert failure["log_level"] == "error"
    assert isinstance(failure["exc_info"], Exception)
    async with asyncio.timeout(5):
        while True:  # read as a client would, until the next sweeps have run
            if await _state(api, command["id"]) == "EXPIRED":
                break
            await asyncio.sleep(SWEEP_S)
