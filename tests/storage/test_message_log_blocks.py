"""The message log stored in blocks (a station's frames of one write in one row): the
stored form, frame ids across blocks, and filters that read many blocks, on SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from voltgate.domain.message_log import Direction, FrameType, LoggedFrame, MessageQuery
from voltgate.domain.ports import Repositories
from voltgate.domain.queries import PageRequest
from voltgate.domain.services import Services
from voltgate.storage.committer import Committer
from voltgate.storage.message_log_repos import (
    BLOCKS_PER_READ,
    COMPRESS_FROM,
    FRAMES_PER_BLOCK,
    decode_frames,
    encode_frames,
)
from voltgate.storage.repositories import SqlRepositories
from voltgate.testing.clock import FakeClock

FROM, TO = Direction.FROM_STATION, Direction.TO_STATION


def frame(clock: FakeClock, n: int, station_id: str = "CP-1", **changes: object) -> LoggedFrame:
    logged = LoggedFrame(
        station_id, clock(), FROM, FrameType.CALL, f"m{n}", "Heartbeat", f"[{n}]", 3, False
    )
    return logged._replace(**changes)


def test_a_block_keeps_every_field_exactly() -> None:
    """Times to the microsecond (also far from the epoch), empty fields, NUL-free text as
    given, both directions and every frame type come back as they went in."""
    at = datetime(2026, 12, 6, 9, 30, 1, 999_999, tzinfo=UTC)
    late, early = at.replace(year=2099), at.replace(year=1999)
    frames = [
        LoggedFrame("CP-1", at, FROM, FrameType.CALL, "m1", "MeterValues", '[2,"m1"]', 9, False),
        LoggedFrame("CP-1", at, TO, FrameType.CALL_RESULT, "m1", None, "[3]", 3, True),
        LoggedFrame("CP-1", late, TO, FrameType.CALL_ERROR, None, None, "x", 1, False),
        LoggedFrame("CP-1", early, FROM, FrameType.MALFORMED, None, None, "é", 1, False),
    ]  # fmt: skip
    assert decode_frames("CP-1", encode_frames(frames)) == frames


def test_small_blocks_are_stored_as_they_are_and_large_ones_compressed() -> None:
    """A block of one frame skips zlib (its set-up would cost more than it saves); a block
    of a loaded station's conversation is stored in a fraction of its size. Both read back."""
    clock = FakeClock()
    text = '[2,"m1","MeterValues",{"connectorId":1,"meterValue":[]}]'
    one = [frame(clock, 1, frame_text=text)]
    many = [frame(clock, n, frame_text=text.replace("m1", f"m{n}")) for n in range(200)]
    small, large = encode_frames(one), encode_frames(many)
    assert len(small) < COMPRESS_FROM and text.encode() in small
    assert len(large) < sum(len(f.frame_text) for f in many) / 4
    assert decode_frames("CP-1", small) == one
    assert decode_frames("CP-1", large) == many


async def test_frames_of_one_write_are_one_block_per_station(
    services: Services, committer: Committer, clock: FakeClock
) -> None:
    """Frames of several stations written together are stored as a block per station,
    more than `FRAMES_PER_BLOCK` as several; a station reads back only its own."""
    await services.stations.add("CP-1", None)
    await services.stations.add("CP-2", None)
    mixed = [frame(clock, n, "CP-1" if n % 3 else "CP-2") for n in range(FRAMES_PER_BLOCK + 600)]
    await services.message_log.write(mixed)

    def blocks(repos: Repositories) -> list[tuple[str, int]]:
        assert isinstance(repos, SqlRepositories)
        query = text("SELECT station_id, frame_count FROM message_log_blocks ORDER BY id")
        return [(row[0], row[1]) for row in repos.connection.execute(query)]

    cp1 = sum(1 for f in mixed if f.station_id == "CP-1")
    assert await committer.submit(blocks) == [
        ("CP-2", len(mixed) - cp1),  # the first frame is CP-2's
        ("CP-1", FRAMES_PER_BLOCK),
        ("CP-1", cp1 - FRAMES_PER_BLOCK),
    ]
    page = await services.message_log.page(MessageQuery("CP-2", page=PageRequest(500)))
    assert page is not None
    assert {entry.logged.station_id for entry in page.items} == {"CP-2"}


async def test_pages_cross_blocks_in_wire_order(services: Services, clock: FakeClock) -> None:
    """Paging newest first with the last id as cursor walks every frame once, in reverse
    wire order, across the blocks of several writes and the split of a large one."""
    await services.stations.add("CP-1", None)
    written: list[str] = []
    for size in (3, FRAMES_PER_BLOCK + 5, 1, 7):
        batch = [frame(clock, len(written) + n) for n in range(size)]
        written += [f.unique_id or "" for f in batch]
        await services.message_log.write(batch)
    seen: list[str] = []
    ids: list[int] = []
    after: int | None = None
    while True:
        page = await services.message_log.page(MessageQuery("CP-1", page=PageRequest(97, after)))
        assert page is not None
        seen += [entry.logged.unique_id or "" for entry in page.items]
        ids += [entry.id for entry in page.items]
        if not page.has_more:
            break
        after = page.items[-1].id
    assert seen == written[::-1]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids)


async def test_filters_find_frames_many_blocks_back(services: Services, clock: FakeClock) -> None:
    """A filter that matches one old frame reads back through more blocks than one query
    reads; time bounds are exact to the frame, also inside a block."""
    await services.stations.add("CP-1", None)
    await services.message_log.write([frame(clock, 0, unique_id="needle", direction=TO)])
    start = clock()
    for n in range(1, 4 * BLOCKS_PER_READ):
        clock.advance(1)
        await services.message_log.write([frame(clock, n), frame(clock, n, action="Authorize")])
    found = await services.message_log.page(MessageQuery("CP-1", unique_id="needle"))
    assert found is not None and [entry.logged.direction for entry in found.items] == [TO]
    assert not found.has_more
    inside = await services.message_log.page(
        MessageQuery(
            "CP-1",
            action="Authorize",
            after=start + timedelta(seconds=2),
            before=start + timedelta(seconds=4),
        )
    )
    assert inside is not None
    assert [entry.logged.unique_id for entry in inside.items] == ["m3", "m2"]
    to_station = await services.message_log.page(
        MessageQuery("CP-1", direction=TO, message_type=FrameType.CALL)
    )
    assert to_station is not None and len(to_station.items) == 1
