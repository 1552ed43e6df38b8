"""The registry of live station connections on this node.

At most one connection per station: a newer authenticated connection replaces the older one
(the older socket is closed), so commands always go to the socket the station uses now.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

from voltgate.ocpp.messages import CallError, CallResult


class StationOffline(Exception):
    """The station has no open connection on this node."""


class Link(Protocol):
    """What the registry needs from a connection."""

    station_id: str

    async def call(self, action: str, payload: dict[str, Any]) -> CallResult | CallError: ...

    async def replace(self) -> None: ...


class StationLinks:
    """Live connections by station id."""

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

    async def call(
        self, station_id: str, action: str, payload: dict[str, Any]
    ) -> CallResult | CallError:
        """Send a CALL to a connected station and wait for its answer.

        Raises:
            StationOffline: the station is not connected to this node.
            TimeoutError: the station did not answer within the call timeout.
        """
        link = self._links.get(station_id)
        if link is None:
            raise StationOffline(station_id)
        return await link.call(action, payload)
