"""Benchmark Voltgate against a minimal `ocpp`-package server, and check the targets.

    .venv/bin/python bench/run.py                      # 1,000 stations, 60 s, SQLite + PostgreSQL
    .venv/bin/python bench/run.py --stations 200 --duration 20 --databases sqlite --skip-baseline
    .venv/bin/python bench/run.py --protocol 2.0.1     # the OCPP 2.0.1 mix
    .venv/bin/python bench/run.py --protocol both      # 1.6, then 2.0.1

For each protocol and server (the baseline of bench/baseline_ocpp_server.py or
bench/baseline_ocpp201_server.py, then `voltgate serve` once per database) the run starts the
server as its own process pinned to one core, drives it from this process pinned to the other
core (`--no-pin`: everything shares both cores), and measures two phases:

  realistic   N stations, 2 connectors each: boot, status, heartbeats every 60 s, transactions
              of ~60 s with meter values every 10 s (1.6 MeterValues, 2.0.1 TransactionEvent
              Updated) and ~30 s idle between them.
  saturation  closed loop: S stations in a transaction, each sending the next meter message
              (1.6 MeterValues, 2.0.1 TransactionEvent Updated) as soon as the previous one is
              answered; gives max msg/s and CPU µs per message.

It prints one table per phase, the ratios to the baseline and the targets of the performance
issue, and writes everything to bench/results/<date>-<time>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from hotspots import find_py_spy
from phases import (
    REALISTIC_CONNECTORS,
    REALISTIC_PREFIX,
    SATURATION_PREFIX,
    CpuMeter,
    realistic,
    saturation,
)
from report import machine_info, print_report
from servers import (
    ServerProcess,
    baseline_server,
    cpu_plan,
    postgres_backends,
    voltgate_server,
)
from voltgate.compiled import PURE_PYTHON_ENV
from voltgate.simulator.config import generated_id_tags

RESULTS_DIR = Path(__file__).resolve().parent / "results"
PROTOCOLS = ("1.6", "2.0.1")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark Voltgate against a minimal ocpp-package server.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--stations", type=int, default=1000, help="stations in the realistic phase"
    )
    parser.add_argument(
        "--duration", type=float, default=60.0, help="measured seconds of the realistic phase"
    )
    parser.add_argument(
        "--ramp", type=float, default=100.0, help="connections per second during ramp-up"
    )
    parser.add_argument(
        "--settle", type=float, default=15.0, help="seconds between ramp-up and the measured window"
    )
    parser.add_argument(
        "--saturation-stations", type=int, default=100, help="closed loops in the saturation phase"
    )
    parser.add_argument(
        "--saturation-duration",
        type=float,
        default=20.0,
        help="measured seconds of the saturation phase",
    )
    parser.add_argument(
        "--saturation-warmup",
        type=float,
        default=5.0,
        help="seconds of saturation before measuring",
    )
    parser.add_argument(
        "--databases",
        default="sqlite,postgres",
        help="Voltgate databases to test, comma-separated (sqlite, postgres)",
    )
    parser.add_argument(
        "--skip-baseline", action="store_true", help="do not run the ocpp-package baseline"
    )
    parser.add_argument("--skip-voltgate", action="store_true", help="run only the baseline")
    parser.add_argument(
        "--no-pin",
        action="store_true",
        help="let servers and load generator share every core, as a deployment would "
        "(default: server on one core, load generator on the others)",
    )
    parser.add_argument(
        "--protocol",
        choices=[*PROTOCOLS, "both"],
        default="1.6",
        help="OCPP version of the load (2.0.1: TransactionEvent mix); both runs 1.6, then 2.0.1",
    )
    parser.add_argument(
        "--phases", default="realistic,saturation", help="phases to run, comma-separated"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="run each protocol's servers this many times in turn (baseline, each database, "
        "then again), so that the machine's drift shows; the targets use the median of the "
        "rounds, each ratio against the baseline of its own round",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="sample each server with py-spy in the saturation window (sampling costs CPU, "
        "so use a separate run for the figures); py-spy sees no compiled code, so Voltgate "
        "then runs as plain Python (VOLTGATE_PURE_PYTHON=1)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="results JSON path [default: bench/results/<timestamp>.json]",
    )
    return parser.parse_args(argv)


def protocols(args: argparse.Namespace) -> tuple[str, ...]:
    """The protocols to run, in order."""
    return PROTOCOLS if args.protocol == "both" else (args.protocol,)


def servers_to_run(
    args: argparse.Namespace, cores: set[int] | None
) -> Iterator[tuple[str, int, str, str, Callable[[], AbstractContextManager[ServerProcess]]]]:
    """(protocol, round, server name, database, context manager factory) in run order;
    every protocol and round gets fresh servers and databases."""
    # The same idTags the two phases present: one per connector, one per closed loop.
    tags = [
        *generated_id_tags(REALISTIC_PREFIX, args.stations * REALISTIC_CONNECTORS),
        *generated_id_tags(SATURATION_PREFIX, args.saturation_stations),
    ]
    for protocol in protocols(args):
        for round_ in range(1, args.rounds + 1):
            if not args.skip_baseline:
                yield (
                    protocol,
                    round_,
                    "baseline",
                    "none",
                    partial(baseline_server, cores, protocol),
                )
            if not args.skip_voltgate:
                for kind in [k.strip() for k in args.databases.split(",") if k.strip()]:
                    yield (
                        protocol,
                        round_,
                        "voltgate",
                        kind,
                        partial(voltgate_server, kind, cores, tags),
                    )


async def bench_server(
    server: ServerProcess, database: str, protocol: str, args: argparse.Namespace
) -> dict[str, Any]:
    meter = CpuMeter(server, postgres_backends if database == "postgres" else list)
    phases = {p.strip() for p in args.phases.split(",")}
    result: dict[str, Any] = {}
    if "realistic" in phases:
        print(f"  realistic: {args.stations} stations, {args.duration:g} s window ...", flush=True)
        result["realistic"] = await realistic(
            server,
            meter,
            stations=args.stations,
            duration=args.duration,
            ramp=args.ramp,
            settle=args.settle,
            protocol=protocol,
        )
    if "saturation" in phases:
        loops, seconds = args.saturation_stations, args.saturation_duration
        print(f"  saturation: {loops} closed loops, {seconds:g} s window ...", flush=True)
        profile = None
        if args.profile:
            py_spy = find_py_spy()
            if py_spy is None:
                raise RuntimeError("--profile needs py-spy: pip install py-spy")
            RESULTS_DIR.mkdir(parents=True, exist_ok=True)
            profile = (py_spy, RESULTS_DIR / f"{server.name}-{os.getpid()}.folded")
        result["saturation"] = await saturation(
            server,
            meter,
            stations=args.saturation_stations,
            duration=args.saturation_duration,
            warmup=args.saturation_warmup,
            profile=profile,
            protocol=protocol,
        )
    result["idle_rss_mb"] = round(server.rss_mb(), 1)
    return result


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.profile:
        os.environ[PURE_PYTHON_ENV] = "1"
    server_cores, loadgen_cores = (None, None) if args.no_pin else cpu_plan()
    if loadgen_cores is not None:
        os.sched_setaffinity(0, loadgen_cores)
    elif not args.no_pin:
        print(
            "warning: fewer than 2 cores; server and load generator share the CPU", file=sys.stderr
        )
    started = datetime.now(UTC)
    results: dict[str, Any] = {
        "started": started.isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "machine": machine_info(),
        "cores": {"server": sorted(server_cores or []), "loadgen": sorted(loadgen_cores or [])},
        "settings": vars(args) | {"output": str(args.output) if args.output else None},
        "runs": [],
    }
    if args.rounds < 1:
        print("--rounds must be at least 1", file=sys.stderr)
        return 2
    for protocol, round_, name, database, start in servers_to_run(args, server_cores):
        title = f"{name} ({database})" if protocol == "1.6" else f"{name} ({database}, {protocol})"
        if args.rounds > 1:
            title += f", round {round_} of {args.rounds}"
        print(f"{title}:", flush=True)
        try:
            with start() as server:
                run = asyncio.run(bench_server(server, database, protocol, args))
        except Exception as exc:  # report and go on with the other servers
            print(f"  failed: {exc}", file=sys.stderr)
            run = {"error": str(exc)}
        results["runs"].append(
            {"server": name, "database": database, "protocol": protocol, "round": round_, **run}
        )
    output = args.output or RESULTS_DIR / f"{started:%Y%m%d-%H%M%S}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2) + "\n")
    print_report(results)
    print(f"\nresults: {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
