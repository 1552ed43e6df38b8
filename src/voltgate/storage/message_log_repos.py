"""`domain.ports.MessageLogRepository` in SQL: the per-station log of OCPP frames, in blocks.

Theory of operation
-------------------
A station's frames of one flush are stored as one row of `message_log_blocks`: its frames
in wire order, encoded with msgpack and, unless small, compressed (`encode_frames`), at most
`FRAMES_PER_BLOCK` of them. Under load a flush holds dozens of frames per station, so a
block replaces dozens of rows, each with its own insert, index entry and bound parameters
(docs/adr/0006-message-log.md, "Blocks"). The rows are deferred (`Executor.defer`) like
every other write, so a flush still goes out as one `executemany` in the group commit it
joins.

A frame's id, the cursor of the log's pages, is its block's id times `FRAMES_PER_BLOCK`
plus its place in the block: ids grow in wire order per station, as the row ids did.

A page is read newest first: the station's blocks by id, descending, from the cursor's
block, a few at a time, then more (`BLOCKS_PER_READ`); their frames are decoded and
filtered here until the page is full. Time filters also skip whole blocks in SQL by
`first_at` / `last_at`. The prune deletes whole blocks whose last frame is past the
retention, found by the `last_at` index.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import msgspec
from sqlalchemy import BigInteger, Integer, bindparam, delete, insert, select
from sqlalchemy.engine import Dialect

from voltgate.domain.message_log import Direction, FrameType, LogEntry, LoggedFrame, MessageQuery
from voltgate.storage import tables as t
from voltgate.storage.operator_repos import Variants
from voltgate.storage.sql import Compiled, Executor
from voltgate.storage.types import UTCDateTime

FRAME_BITS = 10
FRAMES_PER_BLOCK = 1 << FRAME_BITS
"""Most frames in one block; a frame's id is ``block id * FRAMES_PER_BLOCK + its index``."""
COMPRESSION_LEVEL = 1
"""zlib's fastest level: the frames of a block repeat each other (the same actions, keys
and units), so level 1 already stores a MeterValues conversation in about a tenth of its
text, for ~1 µs of CPU a frame; higher levels cost several times that for ~15 % less."""
COMPRESS_FROM = 4096
"""Blocks whose frames encode shorter than this are stored uncompressed: setting up a zlib
compressor costs ~80-90 µs (its buffers), which a block of one or two frames, the usual
block under light load, would pay for saving a few hundred bytes. Under load a block holds
tens of kilobytes and compresses about tenfold."""
_ZLIB_HEADER = 0x78
BLOCKS_PER_READ = 8
"""Blocks read by the first query of a page (a block under load holds dozens of frames);
each further query reads twice as many, up to `MAX_BLOCKS_PER_READ` (under light load a
block holds one or two)."""
MAX_BLOCKS_PER_READ = 256

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

# One stored frame: its time in microseconds since the epoch, then the rest of
# `LoggedFrame` after the station id, with the enums as their plain values.
_StoredFrame = tuple[int, str, str, str | None, str | None, str, int, bool]
_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(list[_StoredFrame])
# The enums as their plain `str` values, looked up once (an enum's `.value` costs more).
_PLAIN: dict[Direction | FrameType, str] = {
    member: str(member.value) for member in (*Direction, *FrameType)
}
_DIRECTIONS = {str(member.value): member for member in Direction}
_TYPES = {str(member.value): member for member in FrameType}


def micros(at: datetime) -> int:
    """`at` as whole microseconds since the epoch (exact, unlike a float timestamp)."""
    return (at - _EPOCH) // _MICROSECOND


def encode_frames(frames: Sequence[LoggedFrame]) -> bytes:
    """One block's stored form: `frames` (of one station, in wire order) as msgpack,
    compressed with zlib at level 1 (`COMPRESSION_LEVEL`) from `COMPRESS_FROM` bytes."""
    packed = _encoder.encode(
        [
            (
                micros(f.at), _PLAIN[f.direction], _PLAIN[f.message_type], f.unique_id,
                f.action, f.frame_text, f.size, f.truncated,
            )
            for f in frames
        ]
    )  # fmt: skip
    if len(packed) < COMPRESS_FROM:
        return packed
    return zlib.compress(packed, COMPRESSION_LEVEL)


def blocks_of(frames: Sequence[LoggedFrame]) -> list[list[LoggedFrame]]:
    """`frames` cut into blocks: each station's frames in their order, at most
    `FRAMES_PER_BLOCK` a block, stations in the order they first appear."""
    by_station: dict[str, list[LoggedFrame]] = {}
    for frame in frames:
        found = by_station.get(frame.station_id)
        if found is None:
            by_station[frame.station_id] = [frame]
        else:
            found.append(frame)
    return [
        station[start : start + FRAMES_PER_BLOCK]
        for station in by_station.values()
        for start in range(0, len(station), FRAMES_PER_BLOCK)
    ]


def decode_frames(station_id: str, data: bytes) -> list[LoggedFrame]:
    """The frames of a block, as `encode_frames` stored them."""
    return [_logged(station_id, stored) for stored in _unpack(data)]


def _unpack(data: bytes) -> list[_StoredFrame]:
    # zlib's stream (a 32 KiB window) starts with 0x78; msgpack's array header is 0x90-0x9f,
    # 0xdc or 0xdd.
    return _decoder.decode(zlib.decompress(data) if data[0] == _ZLIB_HEADER else data)


def _logged(station_id: str, stored: _StoredFrame) -> LoggedFrame:
    at_us, direction, kind, unique_id, action, text, size, truncated = stored
    return LoggedFrame(
        station_id,
        _EPOCH + timedelta(microseconds=at_us),
        _DIRECTIONS[direction],
        _TYPES[kind],
        unique_id,
        action,
        text,
        size,
        truncated,
    )


class MessageLogStatements:
    """The compiled statements of the message log repository for one dialect."""

    def __init__(self, dialect: Dialect) -> None:
        b = t.message_log_blocks
        # inline(): no RETURNING of the new id, which nobody reads (PostgreSQL would add it).
        self.add = Compiled(
            insert(b).inline(),
            dialect,
            ["station_id", "first_at", "last_at", "frame_count", "frames"],
        )
        at = UTCDateTime()
        self.blocks = Variants(
            dialect,
            select(b.c.id, b.c.frames)
            .where(b.c.station_id == bindparam("station_id"))
            .order_by(b.c.id.desc())
            .limit(bindparam("limit", type_=Integer())),
            {
                "from_at": b.c.last_at >= bindparam("from_at", type_=at),
                "until_at": b.c.first_at < bindparam("until_at", type_=at),
                "last_block": b.c.id <= bindparam("last_block", type_=BigInteger()),
            },
        )
        self.oldest = Compiled(
            select(b.c.id, b.c.frame_count)
            .where(b.c.last_at < bindparam("cutoff", type_=at))
            .limit(bindparam("limit", type_=Integer())),
            dialect,
        )
        self.delete = Compiled(delete(b).where(b.c.id == bindparam("id")), dialect)


class SqlMessageLog:
    """`domain.ports.MessageLogRepository` in SQL."""

    def __init__(self, db: Executor, sql: MessageLogStatements) -> None:
        self._db = db
        self._sql = sql

    def add(self, frames: Sequence[LoggedFrame]) -> None:
        statement = self._sql.add
        for block in blocks_of(frames):
            row = (block[0].station_id, block[0].at, block[-1].at, len(block), encode_frames(block))
            self._db.defer(statement, statement.convert(row))

    def list(self, query: MessageQuery) -> list[LogEntry]:
        wanted = query.page.fetch
        cursor = query.page.after
        from_us = None if query.after is None else micros(query.after)
        until_us = None if query.before is None else micros(query.before)
        last_block = None if cursor is None else cursor >> FRAME_BITS
        found: list[LogEntry] = []
        per_read = BLOCKS_PER_READ
        while True:
            blocks = self._sql.blocks.rows(
                self._db,
                per_read,
                station_id=query.station_id,
                from_at=query.after,
                until_at=query.before,
                last_block=last_block,
            )
            for block_id, data in blocks:
                stored = _unpack(data)
                first_id = block_id << FRAME_BITS
                for index in range(len(stored) - 1, -1, -1):
                    frame_id = first_id + index
                    if cursor is not None and frame_id >= cursor:
                        continue
                    frame = stored[index]
                    if _matches(frame, query, from_us, until_us):
                        found.append(LogEntry(frame_id, _logged(query.station_id, frame)))
                        if len(found) == wanted:
                            return found
            if len(blocks) < per_read:
                return found
            last_block = blocks[-1][0] - 1
            per_read = min(2 * per_read, MAX_BLOCKS_PER_READ)

    def delete_before(self, at: datetime, limit: int) -> tuple[int, bool]:
        oldest = self._db.rows(self._sql.oldest, {"cutoff": at, "limit": limit})
        for block_id, _ in oldest:
            self._db.run(self._sql.delete, {"id": block_id})
        return sum(count for _, count in oldest), len(oldest) == limit


def _matches(
    frame: _StoredFrame, query: MessageQuery, from_us: int | None, until_us: int | None
) -> bool:
    at_us, direction, kind, unique_id, action = frame[:5]
    return (
        (from_us is None or at_us >= from_us)
        and (until_us is None or at_us < until_us)
        and (query.action is None or action == query.action)
        and (query.direction is None or direction == query.direction.value)
        and (query.message_type is None or kind == query.message_type.value)
        and (query.unique_id is None or unique_id == query.unique_id)
    )
