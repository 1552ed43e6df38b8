"""The message log's migrations on a log that already holds frames, up and down, on SQLite
and PostgreSQL: 0012 drops the `at` index, 0013 moves the rows into blocks."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import inspect, text

from voltgate.domain.message_log import Direction, FrameType, LoggedFrame, MessageQuery
from voltgate.domain.ports import Repositories
from voltgate.domain.queries import PageRequest
from voltgate.domain.services import Services
from voltgate.storage.committer import Committer
from voltgate.storage.database import Database
from voltgate.storage.migrate import current, downgrade, upgrade
from voltgate.storage.repositories import SqlRepositories
from voltgate.testing.clock import FakeClock

ROW_COLUMNS = (
    "station_id, at, direction, message_type, unique_id, action, frame_text, size, truncated"
)


async def _on(database_url: str, work: Any) -> Any:
    db = Database.connect(database_url)
    try:
        return await db.run(work)
    finally:
        await db.dispose()


async def _indexes(database_url: str, table: str) -> set[str]:
    def run(repos: Repositories) -> set[str]:
        assert isinstance(repos, SqlRepositories)
        return {str(index["name"]) for index in inspect(repos.connection).get_indexes(table)}

    result: set[str] = await _on(database_url, run)
    return result


def _frames(clock: FakeClock) -> list[LoggedFrame]:
    """Two stations' conversation, interleaved, one second apart, with every kind of row."""
    frames = []
    for n in range(30):
        clock.advance(1)
        station_id = "CP-1" if n % 3 else "CP-2"
        kind = [FrameType.CALL, FrameType.CALL_RESULT, FrameType.MALFORMED][n % 3]
        frames.append(
            LoggedFrame(
                station_id, clock(), Direction.FROM_STATION if n % 2 else Direction.TO_STATION,
                kind, None if kind is FrameType.MALFORMED else f"m{n}",
                "Heartbeat" if n % 5 else None, f'[2,"m{n}","Heartbeat",{{}}]', 30 + n,
                n % 7 == 0,
            )
        )  # fmt: skip
    return frames


async def _insert_rows(database_url: str, frames: list[LoggedFrame]) -> None:
    """Frames as rows of the table before 0013, written with plain SQL."""

    def run(repos: Repositories) -> None:
        assert isinstance(repos, SqlRepositories)
        insert = text(
            f"INSERT INTO message_log ({ROW_COLUMNS}) VALUES (:station_id, :at, :direction,"
            " :message_type, :unique_id, :action, :frame_text, :size, :truncated)"
        )
        at_text = repos.connection.dialect.name == "sqlite"
        for f in frames:
            values = f._asdict()
            values["direction"], values["message_type"] = f.direction.value, f.message_type.value
            if at_text:  # as SQLAlchemy's SQLite DATETIME stores it
                values["at"] = f.at.replace(tzinfo=None).isoformat(" ", "microseconds")
            repos.connection.execute(insert, values)

    await _on(database_url, run)


async def _read_log(database_url: str, station_id: str, clock: FakeClock) -> list[LoggedFrame]:
    """The station's whole log through the service (the station provisioned first)."""
    db = Database.connect(database_url)
    try:
        async with Committer(db) as committer:
            services = Services(committer, clock)
            await services.stations.add(station_id, None)
            page = await services.message_log.page(MessageQuery(station_id, page=PageRequest(500)))
    finally:
        await db.dispose()
    assert page is not None
    return [entry.logged for entry in reversed(page.items)]


async def test_0012_the_prune_works_without_the_at_index(database_url: str) -> None:
    """Frames logged before 0012 stay; the way down brings the index back."""
    await asyncio.to_thread(upgrade, database_url, "0011")
    assert "ix_message_log_at" in await _indexes(database_url, "message_log")
    await _insert_rows(database_url, _frames(FakeClock()))
    await asyncio.to_thread(upgrade, database_url, "0012")
    assert await _indexes(database_url, "message_log") == {"ix_message_log_station_id_id"}
    await asyncio.to_thread(downgrade, database_url, "0011")
    assert await asyncio.to_thread(current, database_url) == "0011"
    assert "ix_message_log_at" in await _indexes(database_url, "message_log")


async def test_0013_frames_move_into_blocks_and_back(database_url: str) -> None:
    """Every frame logged before 0013 reads back after it, per station and in its order,
    with every field as it was; the prune ages them out by time; on the way down they are
    rows again, in the same order."""
    await asyncio.to_thread(upgrade, database_url, "0012")
    clock = FakeClock()
    frames = _frames(clock)
    await _insert_rows(database_url, frames)
    await asyncio.to_thread(upgrade, database_url, "0013")
    assert await _indexes(database_url, "message_log_blocks") == {
        "ix_message_log_blocks_station_id_id",
        "ix_message_log_blocks_last_at",
    }
    for station_id in ("CP-1", "CP-2"):
        expected = [f for f in frames if f.station_id == station_id]
        assert await _read_log(database_url, station_id, clock) == expected

    await asyncio.to_thread(downgrade, database_url, "0012")

    def rows(repos: Repositories) -> list[tuple[Any, ...]]:
        assert isinstance(repos, SqlRepositories)
        query = text("SELECT station_id, unique_id, size, truncated FROM message_log ORDER BY id")
        return [tuple(row) for row in repos.connection.execute(query)]

    back = await _on(database_url, rows)
    for station_id in ("CP-1", "CP-2"):
        assert [row[1:] for row in back if row[0] == station_id] == [
            (f.unique_id, f.size, f.truncated) for f in frames if f.station_id == station_id
        ]
    await asyncio.to_thread(upgrade, database_url)
    clock.advance(86_400 + 1)
    db = Database.connect(database_url)
    try:
        async with Committer(db) as committer:
            assert await Services(committer, clock).message_log.prune(1) == len(frames)
    finally:
        await db.dispose()
