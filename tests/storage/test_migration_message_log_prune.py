"""Migration 0012 drops the message log's `at` index (the prune walks the oldest ids
instead) on a log that already holds frames, up and down, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

from sqlalchemy import inspect

from voltgate.domain.message_log import Direction, FrameType, LoggedFrame
from voltgate.domain.ports import Repositories
from voltgate.domain.services import Services
from voltgate.storage.committer import Committer
from voltgate.storage.database import Database
from voltgate.storage.migrate import current, downgrade, upgrade
from voltgate.storage.repositories import SqlRepositories
from voltgate.testing.clock import FakeClock


async def _indexes(database_url: str) -> set[str]:
    db = Database.connect(database_url)
    try:

        def run(repos: Repositories) -> set[str]:
            assert isinstance(repos, SqlRepositories)
            found = inspect(repos.connection).get_indexes("message_log")
            return {str(index["name"]) for index in found}

        return await db.run(run)
    finally:
        await db.dispose()


async def test_frames_survive_and_the_prune_works_without_the_at_index(
    database_url: str,
) -> None:
    """Frames logged before the upgrade stay and are pruned by age after it; the way down
    brings the index back."""
    await asyncio.to_thread(upgrade, database_url, "0011")
    assert "ix_message_log_at" in await _indexes(database_url)
    clock = FakeClock()
    db = Database.connect(database_url)
    try:
        async with Committer(db) as committer:
            services = Services(committer, clock)
            await services.stations.add("CP-1", None)
            frame = LoggedFrame(
                "CP-1", clock(), Direction.FROM_STATION, FrameType.CALL, "m1", "Heartbeat",
                "[2]", 3, False,
            )  # fmt: skip
            await services.message_log.write([frame])
    finally:
        await db.dispose()

    await asyncio.to_thread(upgrade, database_url)
    assert await _indexes(database_url) == {"ix_message_log_station_id_id"}
    clock.advance(2 * 86_400)
    db = Database.connect(database_url)
    try:
        async with Committer(db) as committer:
            services = Services(committer, clock)
            assert await services.message_log.prune(1) == 1
    finally:
        await db.dispose()

    await asyncio.to_thread(downgrade, database_url, "0011")
    assert await asyncio.to_thread(current, database_url) == "0011"
    assert "ix_message_log_at" in await _indexes(database_url)
