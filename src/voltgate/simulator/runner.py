"""Run many simulated stations: probe with the first, ramp up the rest, stop on time or signal.

The first station is the probe. If it cannot connect, nothing else will either (wrong URL, no
server, wrong password), so the run stops at once with that station's reason instead of
hammering the server with thousands of doomed handshakes. After the probe, stations start at
`config.ramp` connections per second, like a fleet coming back after a CSMS outage, only
gentler. Every station task belongs to one TaskGroup; stopping is cancelling them.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Callable, Coroutine
from typing import Any

from voltgate.ocpp.validation import Validators
from voltgate.simulator.clock import Clock, Now, utc_now
from voltgate.simulator.config import SimulationConfig
from voltgate.simulator.dialect import DialectFactory
from voltgate.simulator.link import ConnectFailed
from voltgate.simulator.state import TagPool
from voltgate.simulator.station import SimulatedStation
from voltgate.simulator.stats import Stats
from voltgate.simulator.v16.dialect import V16Dialect
from voltgate.simulator.v201.dialect import V201Dialect

# The OCPP version part of a station, by `SimulationConfig.version`.
DIALECTS: dict[str, DialectFactory] = {"1.6": V16Dialect, "2.0.1": V201Dialect}


def new_message_id() -> str:
    """A fresh UUID4 per CALL. Not seeded on purpose: two runs with the same seed must not
    send the same message ids, or a CSMS that de-duplicates retries would drop the second."""
    return str(uuid.uuid4())


class Simulation:
    """A fleet of simulated stations sharing one `Stats`.

    Args:
        config: the run's settings.
        stats: counters to fill (a fresh `Stats` if None); readable while the run goes on.
        clock: monotonic seconds for latencies.
        now: wall-clock time for payload timestamps.
        new_id: unique id of each CALL.
    """

    def __init__(
        self,
        config: SimulationConfig,
        *,
        stats: Stats | None = None,
        clock: Clock = time.perf_counter,
        now: Now = utc_now,
        new_id: Callable[[], str] = new_message_id,
    ) -> None:
        self.config = config
        self.stats = stats if stats is not None else Stats(config.stations)
        # Randomness is an input: a given seed replays the same fleet.
        self.seed = (
            config.seed if config.seed is not None else random.SystemRandom().getrandbits(32)
        )
        self.ramped_up = asyncio.Event()  # set once every station has been started
        self.stations: list[SimulatedStation] = []
        self._clock = clock
        self._now = now
        self._new_id = new_id

    def _build_stations(self) -> list[SimulatedStation]:
        version = self.config.ocpp_version
        validators = Validators.for_version(version) if self.config.validate else None
        rng = random.Random(self.seed)
        tags = TagPool(self.config.effective_id_tags())
        return [
            SimulatedStation(
                station_id,
                self.config,
                self.stats,
                tags,
                dialect=DIALECTS[self.config.version],
                rng=random.Random(rng.getrandbits(64)),
                clock=self._clock,
                now=self._now,
                new_id=self._new_id,
                validators=validators,
            )
            for station_id in self.config.station_ids()
        ]

    async def run(self, stop: asyncio.Event | None = None) -> Stats:
        """Run until `config.duration` has passed or `stop` is set; return the counters.

        Raises:
            ConnectFailed: the first station could not connect (nothing was simulated).
        """
        stop = stop if stop is not None else asyncio.Event()
        loop = asyncio.get_running_loop()
        deadline = None if self.config.duration is None else loop.time() + self.config.duration
        self.stations = self._build_stations()
        failed: ConnectFailed | None = None
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(self.stations[0].run())]
            await _until(self.stations[0].first_attempt.wait(), stop, deadline)
            failed = self.stations[0].first_error
            if failed is None:
                next_start = loop.time()
                for station in self.stations[1:]:
                    if self.config.ramp > 0:
                        next_start += 1.0 / self.config.ramp
                        await _until(asyncio.sleep(next_start - loop.time()), stop, deadline)
                    if stop.is_set() or _passed(deadline, loop):
                        break
                    tasks.append(group.create_task(station.run()))
                self.ramped_up.set()
                await _until(stop.wait(), stop, deadline)
            for task in tasks:
                task.cancel()
        if failed is not None:
            raise failed
        return self.stats


async def _until(
    waited: Coroutine[Any, Any, object], stop: asyncio.Event, deadline: float | None
) -> None:
    """Await `waited`, giving up early when `stop` is set or `deadline` (loop time) passes."""
    waiter = asyncio.ensure_future(waited)
    stopper = asyncio.ensure_future(stop.wait())
    try:
        timeout = (
            None if deadline is None else max(0.0, deadline - asyncio.get_running_loop().time())
        )
        await asyncio.wait({waiter, stopper}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (waiter, stopper):
            task.cancel()


def _passed(deadline: float | None, loop: asyncio.AbstractEventLoop) -> bool:
    return deadline is not None and loop.time() >= deadline


async def run_simulation(config: SimulationConfig, stop: asyncio.Event | None = None) -> Stats:
    """Simulate `config.stations` stations until the duration passes or `stop` is set.

    Raises:
        ConnectFailed: the first station could not connect; its `reason` says why.
    """
    return await Simulation(config).run(stop)
