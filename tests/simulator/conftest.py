"""Fixtures for the simulator: a scripted CSMS, the ocpp-package baselines, fast settings."""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.simulator.fake_csms import FakeCsms
from voltgate.simulator import Simulation, SimulationConfig

BENCH = Path(__file__).resolve().parents[2] / "bench"

# Intervals in tens of milliseconds keep every scenario well under a second.
FAST: dict[str, Any] = {
    "heartbeat_interval": 0.05,
    "meter_interval": 0.03,
    "transaction_seconds": 0.15,
    "idle_seconds": 0.05,
    "ramp": 0,
    "seed": 7,
    "reconnect_min": 0.02,
    "reconnect_max": 0.1,
    "call_timeout": 2.0,
}


def fast_config(url: str, **overrides: Any) -> SimulationConfig:
    """A SimulationConfig with test-speed intervals."""
    return SimulationConfig(url=url, **(FAST | overrides))


def load_bench_module(name: str) -> ModuleType:
    """Import bench/<name>.py (bench/ is a folder of scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
async def csms() -> AsyncIterator[FakeCsms]:
    """A scripted CSMS on a free loopback port."""
    async with FakeCsms().running() as fake:
        yield fake


async def _baseline(module: str) -> AsyncIterator[str]:
    baseline = load_bench_module(module)
    async with baseline.running_baseline("127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        yield f"ws://127.0.0.1:{port}/ocpp"


@pytest.fixture
async def baseline_url() -> AsyncIterator[str]:
    """The ocpp-package 1.6 baseline server of the benchmark, in-process on a free port."""
    async for url in _baseline("baseline_ocpp_server"):
        yield url


@pytest.fixture
async def baseline201_url() -> AsyncIterator[str]:
    """The ocpp-package 2.0.1 baseline server of the benchmark, in-process on a free port."""
    async for url in _baseline("baseline_ocpp201_server"):
        yield url


class Running:
    """A simulation running in the background of a test."""

    def __init__(self, simulation: Simulation) -> None:
        self.simulation = simulation
        self.stats = simulation.stats
        self.stop = asyncio.Event()
        self.task = asyncio.create_task(simulation.run(self.stop))

    async def finish(self) -> None:
        self.stop.set()
        async with asyncio.timeout(5):
            await self.task


@pytest.fixture
async def start() -> AsyncIterator[Callable[[SimulationConfig], Running]]:
    """Start simulations that the test stops (and that are stopped if the test fails)."""
    started: list[Running] = []

    def begin(config: SimulationConfig) -> Running:
        running = Running(Simulation(config))
        started.append(running)
        return running

    yield begin
    for running in started:
        running.stop.set()
        await asyncio.wait({running.task}, timeout=5)


async def eventually(predicate: Callable[[], bool], within: float = 5.0) -> None:
    """Wait until `predicate()` holds, checking every 10 ms (for counters without events)."""
    async with asyncio.timeout(within):
        while not predicate():  # noqa: ASYNC110 - Stats counters have no event to wait on
            await asyncio.sleep(0.01)
