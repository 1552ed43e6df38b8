"""A simulated station connected to a real running Voltgate (the `csms` of tests/e2e, on
SQLite and PostgreSQL), driven through the REST API as an operator would."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from tests.api.conftest import Api, data
from tests.api.test_commands import command_url
from tests.e2e.conftest import PASSWORD
from tests.simulator.conftest import Running, fast_config
from voltgate.domain.access import Role
from voltgate.simulator import Simulation, SimulationConfig

STATION = "SIM-00001"
TAG = "SIM-DRIVER-1"
STEP_S = 0.05  # --progress-seconds: a firmware update's statuses 50 ms apart
POLL_S = 0.05


@asynccontextmanager
async def simulated(api: Api, version: str, **overrides: Any) -> AsyncIterator[Running]:
    """One provisioned station with two connectors, booted at Voltgate and idle (no local
    starts), whose driver tag Voltgate knows; stopped when the block ends."""
    await api.csms.services.stations.add(STATION, PASSWORD)
    await api.csms.services.authorization.add_token(TAG)
    url = f"ws://127.0.0.1:{api.csms.ocpp_port}/ocpp"
    settings: dict[str, Any] = {
        "version": version,
        "stations": 1,
        "password": PASSWORD,
        "idle_seconds": 3600,
        "heartbeat_interval": 60,
        "transaction_seconds": 3600,
        "progress_seconds": STEP_S,
        "call_timeout": 5.0,
    }
    config: SimulationConfig = fast_config(url, **(settings | overrides))
    running = Running(Simulation(config))
    try:
        await until(lambda: _ready(api, version))
        yield running
    finally:
        await running.finish()
    assert running.stats.problems == 0, running.stats.errors


async def _ready(api: Api, version: str) -> bool:
    station = data(await api.get(f"/api/v1/stations/{STATION}", Role.VIEWER))
    statuses = [c["status"] for evse in station["evses"] for c in evse["connectors"]]
    return bool(station["connected"]) and statuses.count("AVAILABLE") >= 2


async def until(check: Callable[[], Awaitable[bool]], within: float = 10.0) -> None:
    """Wait until `check()` holds, asking every `POLL_S` as a client polling the API would."""
    async with asyncio.timeout(within):
        while True:
            if await check():
                return
            await asyncio.sleep(POLL_S)


async def command(api: Api, name: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """Send a typed command to the simulated station and return its final record."""
    url = command_url(STATION, name)
    record: dict[str, Any] = data(await api.post(url, Role.OPERATOR, json=body or {}))
    return record


async def events(api: Api, kind: str) -> list[dict[str, Any]]:
    """The payloads of the station's stored events of `kind`, oldest first."""
    url = f"/api/v1/stations/{STATION}/events?kind={kind}&limit=100"
    items = data(await api.get(url, Role.VIEWER))["items"]
    return [item["payload"] for item in reversed(items)]


async def connector_status(api: Api, evse_id: int) -> str:
    """The status Voltgate last stored for the (only) connector of an EVSE."""
    station = data(await api.get(f"/api/v1/stations/{STATION}", Role.VIEWER))
    evse = next(e for e in station["evses"] if e["id"] == evse_id)
    return str(evse["connectors"][0]["status"])


async def reservation(api: Api, reservation_id: int) -> dict[str, Any]:
    """A reservation as the API shows it."""
    found: dict[str, Any] = data(await api.get(f"/api/v1/reservations/{reservation_id}"))
    return found
