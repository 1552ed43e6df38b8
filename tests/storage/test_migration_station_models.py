"""Migration 0010 on a database that already holds stations with EVSEs, transactions and
commands referring to them (SQLite and PostgreSQL): it goes up and down in place."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from voltgate.domain.ports import Repositories
from voltgate.domain.services import Services
from voltgate.storage.committer import Committer
from voltgate.storage.database import Database
from voltgate.storage.migrate import current, downgrade, upgrade
from voltgate.storage.repositories import SqlRepositories
from voltgate.testing.clock import FakeClock


async def _insert(database_url: str, *statements: str) -> None:
    db = Database.connect(database_url)
    try:

        def run(repos: Repositories) -> None:
            assert isinstance(repos, SqlRepositories)
            for statement in statements:
                repos.connection.execute(text(statement))

        await db.run(run)
    finally:
        await db.dispose()


async def test_stations_with_history_survive_up_and_down(database_url: str) -> None:
    """Stations referred to by other rows get no model on the way up (SQLite adds the
    column in place instead of copying `stations`, which those rows would forbid), keep
    working, and the way down drops the catalog again."""
    await asyncio.to_thread(upgrade, database_url, "0009")
    await _insert(
        database_url,
        "INSERT INTO stations (id, registration, connected) VALUES ('CP-1', 'Accepted', false)",
        "INSERT INTO evses (station_id, evse_id) VALUES ('CP-1', 1)",
    )
    await asyncio.to_thread(upgrade, database_url, "0010")
    assert await asyncio.to_thread(current, database_url) == "0010"
    db = Database.connect(database_url)
    try:
        async with Committer(db) as committer:
            services = Services(committer, FakeClock())
            station = await services.stations.get("CP-1")
            assert station is not None and station.model_id is None
            view = await services.stations.get_view("CP-1")
            assert view is not None and [e.evse_id for e in view.evses] == [1]
    finally:
        await db.dispose()

    await asyncio.to_thread(downgrade, database_url, "0009")
    assert await asyncio.to_thread(current, database_url) == "0009"
    await asyncio.to_thread(upgrade, database_url, "0010")
    assert await asyncio.to_thread(current, database_url) == "0010"
