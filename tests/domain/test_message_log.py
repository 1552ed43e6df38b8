"""The message log's rules (which frames a mode keeps, redact-then-clip) and its service
over real storage (batches in order, pages, the chunked retention prune)."""

from __future__ import annotations

from datetime import timedelta

from voltgate.domain.message_log import (
    CapturedFrame,
    Direction,
    FrameType,
    LoggedFrame,
    MessageLogMode,
    MessageQuery,
    kept,
    storable,
    to_stored,
)
from voltgate.domain.queries import PageRequest
from voltgate.domain.services import Services
from voltgate.domain.services.message_log import PRUNE_CHUNK
from voltgate.testing.clock import FakeClock

FROM, TO = Direction.FROM_STATION, Direction.TO_STATION


def test_modes_keep_what_they_say() -> None:
    """ALL keeps every (direction, type); COMMANDS only the CSMS's CALLs and the station's
    answers; OFF nothing."""
    assert len(kept(MessageLogMode.ALL)) == len(Direction) * len(FrameType)
    assert kept(MessageLogMode.COMMANDS) == {
        (TO, FrameType.CALL),
        (FROM, FrameType.CALL_RESULT),
        (FROM, FrameType.CALL_ERROR),
    }
    assert kept(MessageLogMode.OFF) == frozenset()


def test_a_frame_is_cut_only_past_the_limit(clock: FakeClock) -> None:
    """A text at the limit is stored whole; one character more is cut to the limit."""

    def stored(text: str) -> tuple[str, int, bool]:
        frame = CapturedFrame("CP-1", clock(), FROM, FrameType.CALL, "m1", "Heartbeat", text)
        logged = to_stored(frame, lambda kind, action, value: value, 4)
        return logged.frame_text, logged.size, logged.truncated

    assert stored("abcd") == ("abcd", 4, False)
    assert stored("abcde") == ("abcd", 5, True)


def test_nul_is_made_storable_everywhere(clock: FakeClock) -> None:
    """NUL (which PostgreSQL text cannot hold) becomes U+FFFD in the text, the id and the
    action; text without one is kept as the same object."""
    plain = '[2,"m1","Heartbeat",{}]'
    assert storable(plain) is plain
    frame = CapturedFrame("CP-1", clock(), FROM, FrameType.CALL, "a\x00", "B\x00", "c\x00d")
    stored = to_stored(frame, lambda kind, action, text: text, 100)
    assert (stored.unique_id, stored.action, stored.frame_text) == (
        "a\ufffd",
        "B\ufffd",
        "c\ufffdd",
    )
    assert stored.size == 3


def test_secrets_are_blanked_before_the_text_is_cut(clock: FakeClock) -> None:
    """Redaction sees the whole frame, so a secret past the cut is blanked all the same and
    the stored text is cut after; size is the length on the wire."""
    text = "x" * 20 + "SECRET"
    frame = CapturedFrame("CP-1", clock(), FROM, FrameType.CALL, "m1", "SetVariables", text)
    seen: list[str] = []

    def redact(kind: FrameType, action: str | None, value: str) -> str:
        seen.append(value)
        return value.replace("SECRET", "******")

    stored = to_stored(frame, redact, 22)
    assert seen == [text]
    assert (stored.frame_text, stored.size, stored.truncated) == ("x" * 20 + "**", 26, True)
    assert (stored.message_type, stored.action, stored.unique_id) == (
        FrameType.CALL,
        "SetVariables",
        "m1",
    )


def frame(clock: FakeClock, n: int, station_id: str = "CP-1") -> LoggedFrame:
    return LoggedFrame(
        station_id, clock(), FROM, FrameType.CALL, f"m{n}", "Heartbeat", f"[{n}]", 3, False
    )


async def test_batches_are_stored_in_order_and_paged_newest_first(
    services: Services, clock: FakeClock
) -> None:
    """Frames written in two batches read back newest first, a page at a time, per
    station; an unknown station has no page."""
    await services.stations.add("CP-1", None)
    await services.stations.add("CP-2", None)
    await services.message_log.write([frame(clock, n) for n in range(3)])
    await services.message_log.write([frame(clock, 9, "CP-2"), frame(clock, 3)])
    await services.message_log.write([])
    first = await services.message_log.page(MessageQuery("CP-1", page=PageRequest(3)))
    assert first is not None and first.has_more
    assert [entry.logged.unique_id for entry in first.items] == ["m3", "m2", "m1"]
    rest = PageRequest(3, first.items[-1].id)
    second = await services.message_log.page(MessageQuery("CP-1", page=rest))
    assert second is not None and not second.has_more
    assert [entry.logged for entry in second.items] == [frame(clock, 0)]
    assert await services.message_log.page(MessageQuery("CP-NONE")) is None


async def test_prune_deletes_in_chunks_only_what_is_past_the_retention(
    services: Services, clock: FakeClock
) -> None:
    """More than a chunk of old blocks (a station's frames of one write each) is deleted in
    several units; frames logged exactly at the retention boundary or later stay."""
    stations = [f"CP-{n}" for n in range(PRUNE_CHUNK + 50)]
    for station_id in stations:
        await services.stations.add(station_id, None)
    await services.message_log.write(
        [frame(clock, n, station_id) for station_id in stations for n in range(3)]
    )
    clock.advance(86_400)
    await services.message_log.write([frame(clock, 1)])
    clock.advance(86_400)
    await services.message_log.write([frame(clock, 2)])
    assert await services.message_log.prune(1) == 3 * len(stations)
    left = await services.message_log.page(MessageQuery("CP-1"))
    assert left is not None
    assert [entry.logged.unique_id for entry in left.items] == ["m2", "m1"]
    assert left.items[-1].logged.at == clock() - timedelta(days=1)
    assert await services.message_log.page(MessageQuery("CP-7")) is not None
    assert await services.message_log.prune(1) == 0


async def test_a_block_goes_when_its_last_frame_is_past_the_retention(
    services: Services, clock: FakeClock
) -> None:
    """Frames written together are stored (and pruned) together: a block with a frame
    still inside the retention stays whole. Old blocks go wherever they were written
    (a frame stamped late by a stepped-back clock too)."""
    await services.stations.add("CP-1", None)
    await services.message_log.write([frame(clock, 0)])
    straddling = [frame(clock, 1), frame(clock, 2)._replace(at=clock() + timedelta(days=1))]
    await services.message_log.write(straddling)
    clock.advance(2 * 86_400)
    await services.message_log.write([frame(clock, 3)])
    await services.message_log.write([frame(clock, 4)._replace(at=clock() - timedelta(days=3))])
    assert await services.message_log.prune(1) == 2  # m0 and m4
    left = await services.message_log.page(MessageQuery("CP-1"))
    assert left is not None
    assert [entry.logged.unique_id for entry in left.items] == ["m3", "m2", "m1"]
