"""The registry of live station connections on this node; the domain's `StationLink`.

At most one connection per station: a newer authenticated connection replaces the older one
(the older socket is closed), so commands always go to the socket the station uses now.
`call` turns the OCPP outcome of a command into the domain's terms: the CALLRESULT payload,
or StationOffline / CommandFailed / CommandTimedOut.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

from voltgate.domain.errors import CommandFailed, CommandTimedOut, StationOffline
from voltgate.ocpp.messages import CallError, CallResult

__all__ = ["Link", "StationLinks", "StationOffline"]


class Link(Protocol):
    """What the registry needs from a connection."""

    station_id: str

    async def call(self, action: str, payload: dict[str, Any]) -> CallResult | CallError: ...

    async def replace(self) -> None: ...


class StationLinks:
    """Live connections by station id (implements `domain.ports.StationLink`)."""

    def __init__(self) -> None:
        self._links: dict[str, Link] = {}

    def __len__(self) -> int:
        return len(self._links)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._links))

    def get(self, station_id: str) -> Link | None:
        """The station's current connection, if it has one."""
        return self._links.get(station_id)

    async def register(self, link: Link) -> None:
        """Make `link` the station's connection, closing the one it replaces."""
        previous = self._links.get(link.station_id)
        self._links[link.station_id] = link
        if previous is not None and previous is not link:
            await previous.replace()

    def unregister(self, link: Link) -> bool:
        """Forget `link`; False if a newer connection had replaced it already."""
        if self._links.get(link.station_id) is link:
            del self._links[link.station_id]
            return True
        return False

    async def call(self, station_id: str, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Send a CALL to a connected station and return its CALLRESULT payload.

        Raises:
            StationOffline: the station is not connected to this node, or disconnects
                before it answers.
            CommandTimedOut: the station did not answer within the call timeout.
            CommandFailed: the station answered with a CALLERROR (or an invalid CALLRESULT).
        """
        link = self._links.get(station_id)
        if link is None:
            raise StationOffline(station_id)
        try:
            reply = await link.call(action, payload)
        except TimeoutError:
            raise CommandTimedOut(station_id, action) from None
        except ConnectionError:
            raise StationOffline(station_id) from None
        if isinstance(reply, CallError):
            detail = f"CALLERROR {reply.code}" + (
                f": {reply.description}" if reply.description else ""
            )
            raise CommandFailed(station_id, action, detail)
        return reply.payload
