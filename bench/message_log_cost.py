"""CPU cost of the message log, in its two halves: capture (on the per-message path) and
the batched write (off it).

Usage: python bench/message_log_cost.py [DATABASE_URL] [FRAMES]

- capture: `FrameRecorder.received` + `sent` for a bench MeterValues CALL and its
  CALLRESULT, timed with `timeit`: what each message's answer path pays;
- write: FRAMES captured frames (half MeterValues CALLs, half their answers) stored by
  `flush()`, measured with `time.process_time()` of this process (all threads: the SQLite
  writer thread is included; a PostgreSQL server's own CPU is not).
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
import timeit
from pathlib import Path

from voltgate.domain.message_log import MessageLogMode
from voltgate.domain.services import Services
from voltgate.gateway.message_log import FrameRecorder
from voltgate.metrics import Metrics
from voltgate.ocpp.messages import Frame, MessageType
from voltgate.storage.committer import Committer
from voltgate.storage.database import Database
from voltgate.storage.migrate import upgrade
from voltgate.testing.clock import FakeClock

SAMPLES = [
    {"value": "1234.5", "measurand": "Energy.Active.Import.Register", "unit": "kWh"},
    {"value": "7200", "measurand": "Power.Active.Import", "unit": "W"},
    {"value": "16.1", "measurand": "Current.Import", "phase": "L1", "unit": "A"},
    {"value": "16.0", "measurand": "Current.Import", "phase": "L2", "unit": "A"},
    {"value": "15.9", "measurand": "Current.Import", "phase": "L3", "unit": "A"},
    {"value": "55", "measurand": "SoC", "unit": "Percent"},
]
PAYLOAD = {
    "connectorId": 1,
    "transactionId": 42,
    "meterValue": [{"timestamp": "2025-01-01T12:00:00Z", "sampledValue": SAMPLES}],
}
CALL = Frame(
    json.dumps([2, "4f0c9d1e2b3a4c5d6e7f8091a2b3c4d5", "MeterValues", PAYLOAD]),
    MessageType.CALL,
    "4f0c9d1e2b3a4c5d6e7f8091a2b3c4d5",
    "MeterValues",
)
ANSWER = Frame(
    '[3,"4f0c9d1e2b3a4c5d6e7f8091a2b3c4d5",{}]', MessageType.CALL_RESULT, CALL[2], CALL[3]
)


def recorder(services: Services, clock: FakeClock) -> FrameRecorder:
    return FrameRecorder(
        services.message_log,
        mode=MessageLogMode.ALL,
        retention_days=7,
        max_text=65536,
        buffer_chars=1 << 30,
        clock=clock,
        metrics=Metrics(),
    )


async def main(url: str, frames: int) -> None:
    await asyncio.to_thread(upgrade, url)
    db = Database.connect(url)
    clock = FakeClock()
    async with Committer(db) as committer:
        services = Services(committer, clock)
        stations = [f"CP{n}" for n in range(100)]
        for station in stations:
            await services.stations.add(station, None)
        log = recorder(services, clock)

        def one_message() -> None:
            log.received("CP1", CALL)
            log.sent("CP1", ANSWER)

        runs = 200_000
        capture = min(timeit.repeat(one_message, number=runs, repeat=3)) / runs * 1e6
        log = recorder(services, clock)  # an empty queue again
        for n in range(frames // 2):
            log.received(stations[n % 100], CALL)
            log.sent(stations[n % 100], ANSWER)
        cpu, wall = time.process_time(), time.perf_counter()
        await log.flush()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    await db.dispose()
    print(f"database: {db.describe()}")
    print(f"capture: {capture:.2f} µs of CPU per message (a CALL and its answer)")
    print(
        f"write: {frames} frames in {wall:.2f} s, {cpu / frames * 1e6:.1f} µs of CPU per frame "
        f"({2 * cpu / frames * 1e6:.1f} µs per message)"
    )


if __name__ == "__main__":
    frames = int(sys.argv[2]) if len(sys.argv) > 2 else 20_000
    if len(sys.argv) > 1:
        asyncio.run(main(sys.argv[1], frames))
    else:
        with tempfile.TemporaryDirectory() as directory:
            asyncio.run(main(f"sqlite:///{Path(directory) / 'bench.db'}", frames))
