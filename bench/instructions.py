"""Instructions per stored message on the writer path, counted by callgrind.

Usage: python bench/instructions.py [--units N] [--stations S] [--protocol 1.6|2.0.1|both]
                                   [--database sqlite|postgres]

Wall-clock and CPU-time figures move by +-20% on the shared 2-core machine; instruction
counts do not, so this is how a storage change is judged before the end-to-end benchmark.
Each protocol's workload runs twice under ``valgrind --tool=callgrind --separate-threads=yes``
(S stations in a transaction, then rounds of one message per station submitted together, so
batches of S units), once with N and once with 2N messages, through the real
`TransactionService` / `TransactionEventService`, `Committer` and `Database` on a SQLite
file. The difference between the two runs, divided by N, is the cost of one message with
start-up, migrations and set-up cancelled out. Reported per thread: the SQLite writer thread
(what the storage code costs) and the event loop's thread (service, committer, futures).

With ``--database postgres`` the same runs go to a fresh database on the local PostgreSQL
(`servers.database`). There the storage code runs on the event loop's thread (asyncpg), so
that thread's count is the server's whole side of storing a message; PostgreSQL's own work
is in its processes, which callgrind does not follow.

The garbage collector is tuned after set-up as `voltgate serve` tunes it
(`app.tune_gc_for_serving`): with the default thresholds full collections of the start-up
heap would count for more than some of the changes measured here.

Each message carries six sampled values, as the saturation benchmark's do: energy, power,
three phase currents and SoC. 1.6: `meter_values`; 2.0.1: `report` of a TransactionEvent
Updated (trigger MeterValuePeriodic, the next seqNo each time).

Needs valgrind (Debian package ``valgrind``). A run takes a few minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from callgrind import instructions
from servers import database

_MAIN_THREAD, _WRITER_THREAD = 1, 2  # the writer is the first thread the workload starts


async def _workload(url: str, protocol: str, stations: int, units: int) -> None:
    # Imported here: the parent process (which only runs valgrind) does not need them.
    from voltgate.app import tune_gc_for_serving
    from voltgate.domain.authorization import PresentedToken
    from voltgate.domain.meter import MeterSample, normalise
    from voltgate.domain.services import Services, StartRequest
    from voltgate.domain.transaction_events import TransactionEventReport, TxEventType
    from voltgate.storage.committer import Committer
    from voltgate.storage.database import Database
    from voltgate.testing.clock import FakeClock

    db = Database.connect(url)
    clock = FakeClock()
    start = clock()

    def samples(i: int, at: object) -> list[MeterSample]:
        assert isinstance(at, type(start))
        return [
            normalise(at, f"{1000 + i}", measurand="Energy.Active.Import.Register", unit="Wh"),
            normalise(at, f"{7200 + i % 7}.5", measurand="Power.Active.Import", unit="W"),
            normalise(at, "15.9", measurand="Current.Import", phase="L1", unit="A"),
            normalise(at, "16.0", measurand="Current.Import", phase="L2", unit="A"),
            normalise(at, "15.8", measurand="Current.Import", phase="L3", unit="A"),
            normalise(at, f"{20 + i % 80}", measurand="SoC", location="EV", unit="Percent"),
        ]

    async with Committer(db) as committer:
        services = Services(committer, clock)
        tx_ids: list[int] = []
        for n in range(stations):
            await services.stations.add(f"CP{n}", None)
            await services.authorization.add_token(f"TAG{n}")
            if protocol == "1.6":
                started = await services.transactions.start(
                    f"CP{n}", StartRequest(1, 1, f"TAG{n}", 1000, start)
                )
                tx_ids.append(started.transaction_id)
            else:
                await services.transaction_events.report(
                    f"CP{n}",
                    TransactionEventReport(
                        f"TX{n}", TxEventType.STARTED, start, "Authorized", 0,
                        charging_state="Charging", evse_id=1, connector_id=1,
                        token=PresentedToken(f"TAG{n}"),
                    ),
                )  # fmt: skip
        tune_gc_for_serving()  # as `voltgate serve` does once it is up

        async def one(i: int) -> None:
            n, round_ = i % stations, i // stations + 1
            at = start + timedelta(seconds=10 * round_)
            if protocol == "1.6":
                await services.transactions.meter_values(f"CP{n}", 1, 1, tx_ids[n], samples(i, at))
                return
            event = TransactionEventReport(
                f"TX{n}", TxEventType.UPDATED, at, "MeterValuePeriodic", round_,
                charging_state="Charging", samples=samples(i, at),
            )  # fmt: skip
            await services.transaction_events.report(f"CP{n}", event)

        for first in range(0, units, stations):
            # The server's clock moves with the readings, as in the saturation benchmark:
            # readings beyond the clock skew tolerance would all be flagged CLOCK_SKEW.
            clock.set(start + timedelta(seconds=10 * (first // stations + 1)))
            await asyncio.gather(*(one(i) for i in range(first, min(first + stations, units))))
    await db.dispose()


def _run_workload(protocol: str, stations: int, units: int, kind: str) -> None:
    from voltgate.storage.migrate import upgrade

    with database(kind) as url:
        upgrade(url)  # in this thread, so the writer stays the second thread
        asyncio.run(_workload(url, protocol, stations, units))


def _count(protocol: str, stations: int, units: int, kind: str, out: Path) -> dict[int, int]:
    """Instructions per thread (callgrind's thread number) of one workload run."""
    argv = [
        sys.executable, __file__, "--workload", protocol, "--database", kind,
        "--stations", str(stations), "--units", str(units),
    ]  # fmt: skip
    return instructions(argv, out, per_thread=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=1000, help="messages in the smaller run")
    parser.add_argument("--stations", type=int, default=50, help="stations, so units per batch")
    parser.add_argument("--protocol", choices=("1.6", "2.0.1", "both"), default="both")
    parser.add_argument(
        "--database", choices=("sqlite", "postgres"), default="sqlite", help="where to store"
    )
    parser.add_argument("--workload", choices=("1.6", "2.0.1"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.workload:
        _run_workload(args.workload, args.stations, args.units, args.database)
        return
    protocols = ("1.6", "2.0.1") if args.protocol == "both" else (args.protocol,)
    with tempfile.TemporaryDirectory() as tmp:
        for protocol in protocols:
            small = _count(protocol, args.stations, args.units, args.database, Path(tmp))
            large = _count(protocol, args.stations, 2 * args.units, args.database, Path(tmp))
            per = {
                thread: (large.get(thread, 0) - small.get(thread, 0)) / args.units
                for thread in (_WRITER_THREAD, _MAIN_THREAD)
            }
            label = "MeterValues" if protocol == "1.6" else "TransactionEvent Updated"
            if args.database == "postgres":  # no writer thread
                counted = f"event loop thread {per[_MAIN_THREAD]:,.0f} instructions/message"
            else:
                counted = (
                    f"writer thread {per[_WRITER_THREAD]:,.0f} instructions/message, "
                    f"event loop thread {per[_MAIN_THREAD]:,.0f}"
                )
            print(f"{protocol} {label} on {args.database}, batches of {args.stations}: {counted}")


if __name__ == "__main__":
    main()
