"""CPU cost of one MeterValues unit of work (3 samples) through the Committer.

Usage: python bench/storage_meter_values.py [DATABASE_URL] [UNITS] [CONCURRENCY]

Measures `time.process_time()` of this process (all threads, so the SQLite writer thread
is included; a PostgreSQL server's own CPU is not) while UNITS units are submitted,
CONCURRENCY at a time, as a gateway under load would.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from voltgate.domain.meter import normalise
from voltgate.domain.services import Services, StartRequest
from voltgate.storage.committer import Committer
from voltgate.storage.database import Database
from voltgate.storage.migrate import upgrade
from voltgate.testing.clock import FakeClock

STATIONS = 100


async def main(url: str, units: int, concurrency: int) -> None:
    await asyncio.to_thread(upgrade, url)
    db = Database.connect(url)
    clock = FakeClock()
    batches: list[int] = []
    async with Committer(db, on_batch=batches.append) as committer:
        services = Services(committer, clock)
        tx_ids = []
        for n in range(STATIONS):
            station = f"CP{n}"
            await services.stations.add(station, None)
            await services.authorization.add_token(f"TAG{n}")
            result = await services.transactions.start(
                station, StartRequest(1, 1, f"TAG{n}", 1000, clock())
            )
            tx_ids.append(result.transaction_id)
        batches.clear()
        start = clock()

        async def one(i: int) -> None:
            n = i % STATIONS
            at = start + timedelta(seconds=10 * (i // STATIONS + 1))
            samples = [
                normalise(at, f"{1000 + i}", unit="Wh"),
                normalise(at, "7200.5", measurand="Power.Active.Import", unit="W"),
                normalise(at, "230.1", measurand="Voltage", phase="L1-N", unit="V"),
            ]
            await services.transactions.meter_values(f"CP{n}", 1, 1, tx_ids[n], samples)

        cpu, wall = time.process_time(), time.perf_counter()
        for first in range(0, units, concurrency):
            await asyncio.gather(*(one(i) for i in range(first, min(first + concurrency, units))))
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    await db.dispose()
    print(
        f"{db.dialect_name}: {units} MeterValues units (3 samples), concurrency {concurrency}: "
        f"CPU {cpu / units * 1e6:.0f} us/unit, wall {wall / units * 1e6:.0f} us/unit, "
        f"{len(batches)} commits, mean batch {sum(batches) / len(batches):.0f}"
    )


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{Path(tmp) / 'bench.db'}"
        units = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
        concurrency = int(sys.argv[3]) if len(sys.argv) > 3 else 500
        asyncio.run(main(url, units, concurrency))
