"""Message log use cases: store batches of logged frames, read a station's log, prune it.

The frames come from the gateway's recorder, which queues them in memory and hands them
over in batches after the fact (docs/adr/0006-message-log.md): one `write` is one unit of
work of its own, never the unit of the message the frames belong to.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from voltgate.domain.message_log import LogEntry, LoggedFrame, MessageQuery
from voltgate.domain.ports import Clock, Repositories, UnitOfWork
from voltgate.domain.queries import Page, page_of

PRUNE_CHUNK = 100
"""Blocks of frames (a station's frames of one flush, up to ~1,000) deleted per unit of
work when pruning: each unit holds the writer only briefly, so station messages keep
flowing between the chunks of a large prune."""


class MessageLogService:
    """The per-station log of OCPP frames (`domain.message_log`)."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def write(self, frames: Sequence[LoggedFrame]) -> None:
        """Store `frames`, in order, in one unit of work (already redacted and clipped)."""
        if not frames:
            return
        rows = tuple(frames)

        def work(repos: Repositories) -> None:
            repos.message_log.add(rows)

        await self._uow.submit(work)

    async def page(self, query: MessageQuery) -> Page[LogEntry] | None:
        """One page of a station's frames, newest first; None when the station is unknown."""

        def work(repos: Repositories) -> list[LogEntry] | None:
            if repos.stations.get(query.station_id) is None:
                return None
            return repos.message_log.list(query)

        rows = await self._uow.submit(work)
        return None if rows is None else page_of(rows, query.page)

    async def prune(self, retention_days: int) -> int:
        """Delete the frames logged more than `retention_days` ago; how many were deleted.

        Runs as many small units of work as needed (`PRUNE_CHUNK` blocks each).
        """
        cutoff = self._clock() - timedelta(days=retention_days)

        def work(repos: Repositories) -> tuple[int, bool]:
            return repos.message_log.delete_before(cutoff, PRUNE_CHUNK)

        total = 0
        while True:
            deleted, more = await self._uow.submit(work)
            total += deleted
            if not more:
                return total
