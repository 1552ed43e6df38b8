"""A running Voltgate on 127.0.0.1 (ports chosen by the OS) and independent 1.6 and 2.0.1
clients (the `ocpp` package's ChargePoints over the `websockets` library)."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from ocpp.v16 import ChargePoint as OcppChargePoint
from ocpp.v201 import ChargePoint as OcppChargePoint201
from websockets.asyncio.client import ClientConnection, connect

from voltgate.app import Csms, running
from voltgate.config import Settings

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Per-test overrides of the server's settings (a test module may redefine this)."""
    return {}


@pytest.fixture
async def csms(database_url: str, settings_overrides: dict[str, Any]) -> AsyncIterator[Csms]:
    """Voltgate serving OCPP and HTTP on free loopback ports, on the test's database."""
    settings = Settings(
        host="127.0.0.1",
        ocpp_port=0,
        api_port=0,
        database_url=database_url,
        **settings_overrides,
    )
    async with running(settings) as node:
        yield node


def basic_auth(station_id: str, password: str) -> dict[str, str]:
    """The Authorization header of OCPP security profile 1."""
    token = base64.b64encode(f"{station_id}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def station_url(csms: Csms, station_id: str) -> str:
    """Where `station_id` connects."""
    return f"ws://127.0.0.1:{csms.ocpp_port}/ocpp/{station_id}"


@asynccontextmanager
async def raw_station(
    csms: Csms,
    station_id: str,
    password: str | None = PASSWORD,
    subprotocols: list[str] | None = None,
) -> AsyncIterator[ClientConnection]:
    """A bare WebSocket as `station_id`, for sending hand-made frames."""
    headers = basic_auth(station_id, password) if password is not None else {}
    async with connect(
        station_url(csms, station_id),
        subprotocols=subprotocols or ["ocpp1.6"],  # type: ignore[list-item]
        additional_headers=headers,
        open_timeout=5,
    ) as ws:
        yield ws


@asynccontextmanager
async def charge_point(
    csms: Csms, station_id: str, password: str | None = PASSWORD
) -> AsyncIterator[OcppChargePoint]:
    """The `ocpp` package's 1.6 ChargePoint connected as `station_id` and serving."""
    async with raw_station(csms, station_id, password) as ws:
        cp = OcppChargePoint(station_id, ws, response_timeout=10)
        task = asyncio.create_task(cp.start())
        try:
            yield cp
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


@asynccontextmanager
async def charge_point_201(
    csms: Csms, station_id: str, password: str | None = PASSWORD
) -> AsyncIterator[OcppChargePoint201]:
    """The `ocpp` package's 2.0.1 ChargePoint connected as `station_id` and serving."""
    async with raw_station(csms, station_id, password, subprotocols=["ocpp2.0.1"]) as ws:
        cp = OcppChargePoint201(station_id, ws, response_timeout=10)
        task = asyncio.create_task(cp.start())
        try:
            yield cp
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


ProvisionStation = Callable[..., Awaitable[None]]


@pytest.fixture
def provision(csms: Csms) -> ProvisionStation:
    """Provision a station with the test password (as `voltgate station add` does)."""

    async def add(station_id: str, password: str | None = PASSWORD) -> None:
        await csms.services.stations.add(station_id, password)

    return add
