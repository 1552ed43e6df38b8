"""The two measured phases: a realistic fleet, and closed-loop saturation, in OCPP 1.6 or 2.0.1.

Both follow one pattern: bring the load up, let it settle, then measure a window by taking
counters and CPU times at its start and end. Server CPU comes from /proc (psutil) of the server
process tree, plus the PostgreSQL backends when the database is PostgreSQL (their work is part
of "durable storage"); the load generator's own CPU is measured the same way, so a saturated
load generator is caught instead of being mistaken for a slow server.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

import hotspots
from saturation import SaturationFleet
from servers import ServerProcess
from voltgate.simulator import Simulation, SimulationConfig, Stats

REALISTIC_PREFIX = "SIM-"
REALISTIC_CONNECTORS = 2
SATURATION_PREFIX = "SAT-"
LOADGEN_SATURATED = 0.90  # share of one core above which the load generator may be the limit
# The message that carries a transaction's meter values, by protocol.
METER_ACTION = {"1.6": "MeterValues", "2.0.1": "TransactionEvent"}


@dataclass
class Window:
    """CPU and wall time over a measured window."""

    seconds: float
    server_cpu_s: float
    database_cpu_s: float
    loadgen_cpu_s: float
    peak_rss_mb: float
    extra: dict[str, Any] = field(default_factory=dict)


class CpuMeter:
    """Takes CPU readings of the server, the database backends and this process.

    PostgreSQL forks a backend per connection, so its processes are listed again at every
    reading; a backend born inside the window counts from zero.
    """

    def __init__(self, server: ServerProcess, database: Callable[[], list[psutil.Process]]):
        self._server = server
        self._database = database
        self._me = psutil.Process()

    async def measure(self, seconds: float) -> Window:
        db_start = cpu_by_pid(self._database())
        own = self._me.cpu_times()  # this process only: the server is a child of ours
        start, server_start = time.perf_counter(), self._server.cpu().cpu_s
        await asyncio.sleep(seconds)
        end, server_end = time.perf_counter(), self._server.cpu().cpu_s
        own_end = self._me.cpu_times()
        db_end = cpu_by_pid(self._database())
        return Window(
            seconds=end - start,
            server_cpu_s=server_end - server_start,
            database_cpu_s=cpu_since(db_start, db_end),
            loadgen_cpu_s=own_end.user + own_end.system - own.user - own.system,
            peak_rss_mb=self._server.peak_rss_mb(),
        )


def cpu_by_pid(processes: list[psutil.Process]) -> dict[int, float]:
    """CPU seconds (user + system) of each of `processes` still running."""
    cpu = {}
    for process in processes:
        with contextlib.suppress(psutil.Error):
            times = process.cpu_times()
            cpu[process.pid] = times.user + times.system
    return cpu


def cpu_since(start: dict[int, float], end: dict[int, float]) -> float:
    """CPU seconds spent between two `cpu_by_pid` readings (a process born between them
    counts from zero)."""
    return sum(cpu - start.get(pid, 0.0) for pid, cpu in end.items())


def _per_message_us(cpu_s: float, messages: int) -> float | None:
    return cpu_s / messages * 1e6 if messages else None


def _latency(stats_ms: dict[str, float | None]) -> dict[str, float | None]:
    return {k: stats_ms[k] for k in ("p50", "p90", "p99", "max")}


async def realistic(
    server: ServerProcess,
    meter: CpuMeter,
    *,
    stations: int,
    duration: float,
    ramp: float,
    settle: float,
    protocol: str = "1.6",
) -> dict[str, Any]:
    """N stations with the realistic message mix; the window starts `settle` s after ramp-up.

    In 2.0.1 the meter values of a transaction are TransactionEvent Updated messages.
    """
    config = SimulationConfig(
        url=f"ws://127.0.0.1:{server.port}/ocpp",
        stations=stations,
        version=protocol,
        id_prefix=REALISTIC_PREFIX,
        connectors=REALISTIC_CONNECTORS,
        heartbeat_interval=60.0,
        meter_interval=10.0,
        transaction_seconds=60.0,  # short enough for starts and stops inside the window
        idle_seconds=30.0,
        ramp=ramp,
        seed=1,
        validate=False,  # the load generator stays lean; the server validates
        call_timeout=30.0,
    )
    stats = Stats(stations)
    simulation = Simulation(config, stats=stats)
    stop = asyncio.Event()
    task = asyncio.create_task(simulation.run(stop))
    ramp_started = time.perf_counter()
    try:
        while not simulation.ramped_up.is_set():
            if task.done():
                await task  # surfaces ConnectFailed
            await asyncio.sleep(0.1)
        ramp_seconds = time.perf_counter() - ramp_started
        await asyncio.sleep(settle)
        before = stats.copy()
        window = await meter.measure(duration)
        during = stats.copy().since(before)
    finally:
        stop.set()
        await asyncio.wait({task}, timeout=30)
    answered = during.answered
    meter_values = during.actions.get(METER_ACTION[protocol])
    return {
        "stations": stations,
        "connected": during.connected,
        "ramp_s": round(ramp_seconds, 1),
        "window_s": round(window.seconds, 2),
        "messages": answered,
        "messages_per_s": answered / window.seconds,
        "mix": {a: s.answered for a, s in sorted(during.actions.items())},
        "latency_ms": _latency(during.latency.summary_ms()),
        "meter_values_latency_ms": _latency(meter_values.latency.summary_ms())
        if meter_values
        else None,
        "problems": during.problems,
        "errors": {
            **dict(during.errors),
            **{f"connect: {k}": v for k, v in during.connect_failures.items()},
        },
        "timeouts": during.timeouts,
        "call_errors": during.call_errors,
        "call_error_codes": {a: dict(s.errors) for a, s in during.actions.items() if s.errors},
        "server_cpu_us_per_msg": _per_message_us(window.server_cpu_s, answered),
        "database_cpu_us_per_msg": _per_message_us(window.database_cpu_s, answered),
        "server_cpu_share": window.server_cpu_s / window.seconds,
        "loadgen_cpu_share": window.loadgen_cpu_s / window.seconds,
        "loadgen_cpu_us_per_msg": _per_message_us(window.loadgen_cpu_s, answered),
        "server_peak_rss_mb": round(window.peak_rss_mb, 1),
    }


async def saturation(
    server: ServerProcess,
    meter: CpuMeter,
    *,
    stations: int,
    duration: float,
    warmup: float,
    profile: tuple[str, Path] | None = None,
    protocol: str = "1.6",
) -> dict[str, Any]:
    """`stations` closed loops of the protocol's meter message (1.6 MeterValues, 2.0.1
    TransactionEvent Updated); the window starts after `warmup` seconds.

    With `profile` = (py-spy path, output file), the window is also sampled by py-spy; the
    sampling costs the server some CPU, so profiled figures are not the benchmark's figures.
    """
    url = f"ws://127.0.0.1:{server.port}/ocpp"
    fleet = SaturationFleet(url, stations, protocol=protocol, id_prefix=SATURATION_PREFIX)
    await fleet.start()
    try:
        await asyncio.sleep(warmup)
        recorder = None
        if profile is not None:
            recorder = hotspots.record(profile[0], server.process.pid, duration, profile[1])
        before = fleet.counters.copy()
        window = await meter.measure(duration)
        during = fleet.counters.copy().since(before)
        if recorder is not None:
            await asyncio.to_thread(recorder.wait, 60)
    finally:
        await fleet.stop()
    answered = during.results + during.errors
    return {
        "stations": stations,
        "window_s": round(window.seconds, 2),
        "messages": answered,
        "call_errors": during.errors,
        "messages_per_s": answered / window.seconds,
        "latency_ms": _latency(during.latency.summary_ms()),
        "server_cpu_us_per_msg": _per_message_us(window.server_cpu_s, answered),
        "database_cpu_us_per_msg": _per_message_us(window.database_cpu_s, answered),
        "server_cpu_share": window.server_cpu_s / window.seconds,
        "loadgen_cpu_share": window.loadgen_cpu_s / window.seconds,
        "loadgen_cpu_us_per_msg": _per_message_us(window.loadgen_cpu_s, answered),
        "loadgen_saturated": window.loadgen_cpu_s / window.seconds >= LOADGEN_SATURATED,
        "server_peak_rss_mb": round(window.peak_rss_mb, 1),
        "profiled": profile is not None,
        "profile": hotspots.summarize(profile[1]) if profile and profile[1].exists() else None,
    }
