"""The message log recorder: frames captured on the hot path, written in batches off it.

Theory of operation
-------------------
Each station connection hands every frame it receives and sends to `received` / `sent`
(the session has already described it: type, message id, action). That call only appends
the frame and its time to an in-memory queue: no I/O, no await, about a microsecond (the
clock read is most of it; `bench/message_log_cost.py` measures). A writer
task takes everything queued every `FLUSH_INTERVAL_S`, blanks secrets and clips long
frames (`domain.message_log.to_stored`, `handlers.redaction`), and stores it, each
station's frames together, in units of work of about `MAX_FRAMES_PER_UNIT` frames through
the committer, so the rows ride in a group commit as one `executemany`. A station's answer
never waits for its log rows: they are written shortly after it, in their own unit
(docs/adr/0006-message-log.md).

The queue is bounded by `buffer_chars` (frame text plus `ENTRY_OVERHEAD` per frame). When
the writer cannot keep up (storage slow or down), the oldest queued frames are dropped to
make room, counted in `voltgate_message_log_dropped_total{reason="overflow"}` and reported
in one warning per flush: the log loses its oldest unwritten lines, the stations lose
nothing. A batch that fails to store is counted with reason "error".

A second task prunes frames older than the retention at start-up and then hourly; it runs
even when logging is off, so a log switched off still ages out.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator, Callable
from datetime import datetime

import structlog

from voltgate.domain.message_log import (
    CapturedFrame,
    Direction,
    FrameType,
    MessageLogMode,
    Redactor,
    kept,
    to_stored,
)
from voltgate.domain.services.message_log import MessageLogService
from voltgate.handlers.redaction import redact_frame
from voltgate.metrics import Metrics
from voltgate.ocpp.messages import Frame, MessageType

log = structlog.get_logger("voltgate.message_log")

FLUSH_INTERVAL_S = 0.5
"""How often the writer stores what was captured: how far the log may lag behind. Under
light load each flush is a commit of its own (an fsync on SQLite; on PostgreSQL one round
trip, its rows being the batch's only write, docs/adr/0003-hot-path.md §28), so not much
more often than people can tell."""
MAX_FRAMES_PER_UNIT = 2000
"""Frames per unit of work (whole stations, so a unit may hold a few more), so that one
unit never holds a group commit long. Storage writes a station's frames of a unit as one
block (`storage.message_log_repos`), so a unit costs about a row per station in it."""
PRUNE_INTERVAL_S = 3600.0
ENTRY_OVERHEAD = 200
"""What a queued frame costs besides its text (tuple, timestamp, queue slot), in the
buffer's unit (characters, about bytes)."""

_TYPES: dict[MessageType | None, FrameType] = {
    MessageType.CALL: FrameType.CALL,
    MessageType.CALL_RESULT: FrameType.CALL_RESULT,
    MessageType.CALL_ERROR: FrameType.CALL_ERROR,
    None: FrameType.MALFORMED,
}
# Looked up once: reading an enum member through its class costs ~0.2 µs each time.
_FROM, _TO = Direction.FROM_STATION, Direction.TO_STATION

_Queued = tuple[str, datetime, Direction, Frame]
"""A captured frame: station, time, direction, the session's description. A plain tuple on
the hot path; it becomes a `CapturedFrame` when the writer takes it."""


def _types_kept(mode: MessageLogMode, direction: Direction) -> frozenset[MessageType | None]:
    """The session's frame types that `mode` keeps in `direction`."""
    return frozenset(wire for wire, kind in _TYPES.items() if (direction, kind) in kept(mode))


class FrameRecorder:
    """Captures frames for the message log and writes them in batches.

    Args:
        service: stores, reads and prunes the log.
        mode: which frames to keep (`MessageLogMode`); OFF keeps none.
        retention_days: frames older than this are pruned.
        max_text: longest frame text stored; longer ones are cut and marked truncated.
        buffer_chars: most frame text (plus overhead) queued before the oldest is dropped.
        clock: the server clock (the time each frame crossed the wire).
        metrics: where drops are counted.
        redact: blanks secrets in a frame's text.
    """

    def __init__(
        self,
        service: MessageLogService,
        *,
        mode: MessageLogMode,
        retention_days: int,
        max_text: int,
        buffer_chars: int,
        clock: Callable[[], datetime],
        metrics: Metrics,
        redact: Redactor = redact_frame,
    ) -> None:
        self._service = service
        self.mode = mode
        self._enabled = bool(kept(mode))
        # None: every frame (mode ALL), so the hot path checks nothing.
        self._from_types = None if mode is MessageLogMode.ALL else _types_kept(mode, _FROM)
        self._to_types = None if mode is MessageLogMode.ALL else _types_kept(mode, _TO)
        self._retention_days = retention_days
        self._max_text = max_text
        self._budget = buffer_chars
        self._clock = clock
        self._metrics = metrics
        self._redact = redact
        self._queue: deque[_Queued] = deque()
        self._queued = 0  # frame text plus overhead in the queue
        self._overflowed = 0  # dropped since the last report
        self._stopping = asyncio.Event()

    @property
    def enabled(self) -> bool:
        """False when the mode keeps no frame (connections then skip the recorder)."""
        return self._enabled

    def received(self, station_id: str, frame: Frame) -> None:
        """Record a frame the station sent (hot path: no I/O)."""
        if self._from_types is None or frame.type in self._from_types:
            self._capture((station_id, self._clock(), _FROM, frame))

    def sent(self, station_id: str, frame: Frame) -> None:
        """Record a frame sent to the station (hot path: no I/O)."""
        if self._to_types is None or frame.type in self._to_types:
            self._capture((station_id, self._clock(), _TO, frame))

    def _capture(self, entry: _Queued) -> None:
        self._queue.append(entry)
        self._queued += len(entry[3].text) + ENTRY_OVERHEAD
        while self._queued > self._budget and self._queue:
            oldest = self._queue.popleft()[3]
            self._queued -= len(oldest.text) + ENTRY_OVERHEAD
            self._overflowed += 1

    async def flush(self) -> None:
        """Store everything queued now, in order; report frames dropped since last time.

        Never raises for a batch it could not store: those frames are counted and logged.
        """
        self._report_overflow()
        # What is queued now, each station's frames together (in their order), so that
        # storage writes one block per station. Frames captured while this flush stores
        # wait for the next one: taking them too would store a trickle of small blocks,
        # one per group commit, under load.
        by_station: dict[str, list[CapturedFrame]] = {}
        for _ in range(len(self._queue)):
            frame = self._take()
            found = by_station.get(frame.station_id)
            if found is None:
                by_station[frame.station_id] = [frame]
            else:
                found.append(frame)
        chunk: list[CapturedFrame] = []
        for frames in by_station.values():  # whole stations per unit
            chunk.extend(frames)
            if len(chunk) >= MAX_FRAMES_PER_UNIT:
                await self._store(chunk)
                chunk = []
        if chunk:
            await self._store(chunk)

    async def _store(self, chunk: list[CapturedFrame]) -> None:
        try:
            rows = [to_stored(frame, self._redact, self._max_text) for frame in chunk]
            await self._service.write(rows)
        except Exception:  # storage gave up on this batch (or stopped), or a bug
            self._metrics.message_log_dropped.labels("error").inc(len(chunk))
            log.exception("message log batch not stored", frames=len(chunk))

    async def prune(self) -> int:
        """Delete the frames older than the retention; how many were deleted."""
        return await self._service.prune(self._retention_days)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[FrameRecorder]:
        """Run the writer (unless OFF) and the pruner until the context exits; then store
        what is still queued. The writer is not cancelled but told to stop, so a batch it
        is storing is never cut off."""
        pruner = asyncio.create_task(self._prune_loop(), name="message-log-prune")
        writer = None
        if self.enabled:
            writer = asyncio.create_task(self._write_loop(), name="message-log-writer")
        try:
            yield self
        finally:
            pruner.cancel()  # deletes are idempotent: a cut-off chunk is simply redone
            self._stopping.set()
            await asyncio.gather(pruner, *([writer] if writer else []), return_exceptions=True)
            while self._queue:
                await self.flush()

    def _take(self) -> CapturedFrame:
        station_id, at, direction, frame = self._queue.popleft()
        self._queued -= len(frame.text) + ENTRY_OVERHEAD
        return CapturedFrame(
            station_id,
            at,
            direction,
            _TYPES[frame.type],
            frame.unique_id,
            frame.action,
            frame.text,
        )

    def _report_overflow(self) -> None:
        dropped, self._overflowed = self._overflowed, 0
        if dropped:
            self._metrics.message_log_dropped.labels("overflow").inc(dropped)
            log.warning(
                "message log writer fell behind: dropped the oldest queued frames",
                dropped=dropped,
                buffer_kb=self._budget // 1024,
            )

    async def _write_loop(self) -> None:
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(FLUSH_INTERVAL_S):
                    await self._stopping.wait()
            await self.flush()

    async def _prune_loop(self) -> None:
        while True:
            try:
                deleted = await self.prune()
            except Exception:  # a failed prune is retried at the next interval
                log.exception("message log prune failed")
            else:
                if deleted:
                    log.info(
                        "message log pruned",
                        deleted=deleted,
                        retention_days=self._retention_days,
                    )
            await asyncio.sleep(PRUNE_INTERVAL_S)
