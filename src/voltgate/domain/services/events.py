"""Station event use cases: store notifications exactly once, read them back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from voltgate.domain.events import StationEvent
from voltgate.domain.keys import event_key
from voltgate.domain.ports import Clock, Repositories, UnitOfWork
from voltgate.domain.queries import EventEntry, EventQuery, Page, page_of


class EventService:
    """Stores station events (DataTransfer, FirmwareStatusNotification, ...)."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def record(
        self,
        station_id: str,
        kind: str,
        payload: dict[str, Any],
        at: datetime | None,
        *,
        message_id: str | None = None,
    ) -> None:
        """Store an event exactly once (see `event_key` for what makes two events the same)."""
        event, key = new_event(station_id, kind, payload, at, message_id, self._clock())

        def work(repos: Repositories) -> None:
            repos.events.add(event, key)

        await self._uow.submit(work)

    async def list_for_station(
        self, station_id: str, *, kind: str | None = None, limit: int = 100
    ) -> list[StationEvent]:
        """A station's events, newest first."""

        def work(repos: Repositories) -> list[StationEvent]:
            return repos.events.list_for_station(station_id, kind=kind, limit=limit)

        return await self._uow.submit(work)

    async def page_for_station(self, query: EventQuery) -> Page[EventEntry] | None:
        """One page of a station's events, newest first; None when the station is unknown."""

        def work(repos: Repositories) -> list[EventEntry] | None:
            if repos.stations.get(query.station_id) is None:
                return None
            return repos.operator.events(query)

        rows = await self._uow.submit(work)
        return None if rows is None else page_of(rows, query.page)


def new_event(
    station_id: str,
    kind: str,
    payload: dict[str, Any],
    at: datetime | None,
    message_id: str | None,
    received_at: datetime,
) -> tuple[StationEvent, bytes]:
    """A station event and the key that stores it once (for units that store an event along
    with what it changes)."""
    event = StationEvent(station_id, kind, payload, at, received_at=received_at)
    return event, event_key(station_id, kind, at, payload, message_id)
