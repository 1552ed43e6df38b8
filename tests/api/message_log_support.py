"""What the message log tests share: a station whose socket remembers every frame it sent
and received (the station's own view of the conversation), and readers of the log over HTTP.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from tests.api.command_stations import Station16, Station201
from tests.api.conftest import Api, data
from tests.e2e.conftest import PASSWORD, raw_station
from voltgate.app import Csms

S = TypeVar("S", Station16, Station201)

WAIT_S = 10.0  # the log is written within about a second; generous on a busy machine


class Tap:
    """A station's WebSocket that records every frame, as (direction, text), in the order
    the station sent and received them."""

    def __init__(self, ws: Any) -> None:
        self._ws = ws
        self.frames: list[tuple[str, str]] = []

    async def send(self, text: str) -> None:
        self.frames.append(("FROM_STATION", text))
        await self._ws.send(text)

    async def recv(self) -> str:
        text: str = await self._ws.recv()
        self.frames.append(("TO_STATION", text))
        return text


@asynccontextmanager
async def tapped(
    csms: Csms, station_id: str, kind: type[S], protocol: str
) -> AsyncIterator[tuple[S, Tap]]:
    """`kind` (a command-answering `ocpp` ChargePoint) connected as `station_id` over a Tap,
    provisioned first and serving, not booted."""
    await csms.services.stations.add(station_id, PASSWORD)
    async with raw_station(csms, station_id, subprotocols=[protocol]) as ws:
        tap = Tap(ws)
        station = kind(station_id, tap, response_timeout=10)
        task = asyncio.create_task(station.start())
        try:
            yield station, tap
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


def messages_url(station_id: str) -> str:
    return f"/api/v1/stations/{station_id}/messages"


async def read_log(api: Api, station_id: str, **params: Any) -> list[dict[str, Any]]:
    """Every logged frame matching `params`, newest first, read page by page."""
    items: list[dict[str, Any]] = []
    after: int | None = None
    while True:
        query = {"limit": 500, **params} | ({} if after is None else {"startingAfter": after})
        page = data(await api.get(messages_url(station_id), params=query))
        items += page["items"]
        if not page["hasMore"]:
            return items
        after = page["items"][-1]["id"]


async def wait_for_log(api: Api, station_id: str, count: int) -> list[dict[str, Any]]:
    """The station's log once it holds `count` frames (it is written shortly after the
    frames cross the wire), oldest first."""
    async with asyncio.timeout(WAIT_S):
        while True:
            items = await read_log(api, station_id)
            if len(items) >= count:
                return items[::-1]
            await asyncio.sleep(0.05)


def wire(frame: dict[str, Any]) -> tuple[str, str]:
    """A logged frame as (direction, text), to compare with a `Tap`."""
    return frame["direction"], frame["frame"]


def parsed(text: str) -> list[Any]:
    value: list[Any] = json.loads(text)
    return value
