"""Tables, ratios and the verdict against the targets of the performance issue.

Targets (from the issues):
  - CPU per MeterValues message (1.6), durable storage included: <= 150 µs
  - CPU per TransactionEvent message (2.0.1), durable storage included: <= 200 µs
  - p99 latency with 1,000 stations (realistic mix): <= 50 ms
  - throughput: >= 5x the minimal ocpp-package server of the same protocol (saturation msg/s)

Runs of each protocol are reported in their own tables; results without a protocol are 1.6.
"""

from __future__ import annotations

import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path
from statistics import median
from typing import Any

import psutil

from hotspots import format_profile
from voltgate.compiled import PURE_PYTHON_ENV, compiled_files, stale

TARGET_CPU_US = {"1.6": 150.0, "2.0.1": 200.0}
METER_MESSAGE = {"1.6": "MeterValues", "2.0.1": "TransactionEvent"}
LOOPED = {"1.6": "MeterValues", "2.0.1": "TransactionEvent Updated, OCPP 2.0.1"}
TARGET_P99_MS = 50.0
TARGET_RATIO = 5.0
TARGET_STATIONS = 1000


def machine_info() -> dict[str, Any]:
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return {
        "nproc": os.cpu_count(),
        "cpu_model": model,
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "kernel": platform.release(),
        "date": datetime.now(UTC).date().isoformat(),
        # Whether Voltgate's per-message path ran compiled (docs/adr/0007-compiled-hot-path.md):
        # with any compiled module older than its source, all of them run as plain Python.
        "voltgate_compiled": _compiled(),
    }


def _compiled() -> bool:
    files = compiled_files()
    return bool(files) and not stale(files) and not os.environ.get(PURE_PYTHON_ENV)


def _num(value: float | None, fmt: str = "{:,.0f}") -> str:
    return "-" if value is None else fmt.format(value)


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in [header, *rows]
    ]
    return "\n".join(lines)


def _name(run: dict[str, Any]) -> str:
    return run["server"] if run["database"] == "none" else f"{run['server']} ({run['database']})"


def _label(run: dict[str, Any]) -> str:
    """The server's name, with its round when the run had several (`--rounds`)."""
    return f"{_name(run)} #{run['round']}" if run.get("rounds", 1) > 1 else _name(run)


def storage_cpu_us(phase: dict[str, Any]) -> float | None:
    """Server CPU plus database-server CPU per message: 'including durable storage'."""
    server = phase.get("server_cpu_us_per_msg")
    if server is None:
        return None
    return float(server + (phase.get("database_cpu_us_per_msg") or 0.0))


def protocol_of(run: dict[str, Any]) -> str:
    return str(run.get("protocol", "1.6"))


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def print_report(results: dict[str, Any]) -> None:
    machine, cores = results["machine"], results["cores"]
    placement = (
        f"server on cores {cores['server']}, load generator on {cores['loadgen']}"
        if cores["server"]
        else "server and load generator share every core"
    )
    print(
        f"\nmachine: {machine['nproc']} cores ({machine['cpu_model']}), "
        f"{machine['memory_gib']} GiB, Python {machine['python']}; {placement}"
    )
    if "voltgate_compiled" in machine:
        built = "compiled (mypyc)" if machine["voltgate_compiled"] else "plain Python"
        print(f"voltgate's per-message path: {built}")
    rounds = max((int(r.get("round", 1)) for r in results["runs"]), default=1)
    runs = [r | {"rounds": rounds} for r in results["runs"] if "error" not in r]
    for run in results["runs"]:
        if "error" in run:
            suffix = "" if protocol_of(run) == "1.6" else f" (OCPP {protocol_of(run)})"
            print(f"\n{_label(run)}{suffix}: FAILED: {run['error']}")
    for protocol in dict.fromkeys(protocol_of(r) for r in runs):
        _print_protocol([r for r in runs if protocol_of(r) == protocol], protocol)
    for run in runs:
        profile = run.get("saturation", {}).get("profile")
        if profile:
            print(format_profile(_label(run), profile))


def _print_protocol(runs: list[dict[str, Any]], protocol: str) -> None:
    """The tables and verdicts of one protocol's runs (1.6 titles as they always were)."""
    suffix = "" if protocol == "1.6" else f" (OCPP {protocol})"
    realistic = [(r, r["realistic"]) for r in runs if "realistic" in r]
    if realistic:
        print(f"\nrealistic mix{suffix}")
        header = [
            "server",
            "stations",
            "msg/s",
            "p50 ms",
            "p99 ms",
            "max ms",
            "CPU µs/msg",
            "+db µs/msg",
            "server CPU",
            "peak RSS MiB",
            "loadgen CPU",
            "problems",
        ]
        rows = [
            [
                _label(r),
                f"{p['connected']}/{p['stations']}",
                _num(p["messages_per_s"], "{:,.1f}"),
                _num(p["latency_ms"]["p50"], "{:.2f}"),
                _num(p["latency_ms"]["p99"], "{:.2f}"),
                _num(p["latency_ms"]["max"], "{:.1f}"),
                _num(p["server_cpu_us_per_msg"]),
                _num(p["database_cpu_us_per_msg"]),
                f"{p['server_cpu_share']:.0%}",
                _num(p["server_peak_rss_mb"], "{:,.0f}"),
                f"{p['loadgen_cpu_share']:.0%}",
                str(p["problems"]),
            ]
            for r, p in realistic
        ]
        print(_table(header, rows))
    saturated = [(r, r["saturation"]) for r in runs if "saturation" in r]
    if saturated:
        print(f"\nsaturation (closed-loop {LOOPED[protocol]})")
        header = [
            "server",
            "loops",
            "msg/s",
            "p50 ms",
            "p99 ms",
            "CPU µs/msg",
            "+db µs/msg",
            "server CPU",
            "loadgen CPU",
            "loadgen µs/msg",
            "errors",
        ]
        rows = [
            [
                _label(r),
                str(p["stations"]),
                _num(p["messages_per_s"]),
                _num(p["latency_ms"]["p50"], "{:.2f}"),
                _num(p["latency_ms"]["p99"], "{:.2f}"),
                _num(p["server_cpu_us_per_msg"]),
                _num(p["database_cpu_us_per_msg"]),
                f"{p['server_cpu_share']:.0%}",
                f"{p['loadgen_cpu_share']:.0%}",
                _num(p["loadgen_cpu_us_per_msg"], "{:.1f}"),
                str(p["call_errors"]),
            ]
            for r, p in saturated
        ]
        print(_table(header, rows))
        for r, p in saturated:
            if p["loadgen_saturated"]:
                share = p["loadgen_cpu_share"]
                print(
                    f"warning: the load generator used {share:.0%} of its core against "
                    f"{_label(r)}: it may be the bottleneck"
                )
    _print_targets(runs, protocol)


def _print_targets(runs: list[dict[str, Any]], protocol: str) -> None:
    """One verdict per Voltgate database: with several rounds, the median of the rounds
    (each ratio against the baseline of the same round), the rounds' values after it."""
    baselines = {
        r.get("round", 1): r["saturation"]["messages_per_s"]
        for r in runs
        if r["server"] == "baseline" and "saturation" in r
    }
    voltgate: dict[str, list[dict[str, Any]]] = {}
    for run in runs:
        if run["server"] == "voltgate":
            voltgate.setdefault(_name(run), []).append(run)
    if not voltgate:
        return
    target_cpu, message = TARGET_CPU_US[protocol], METER_MESSAGE[protocol]
    print("\ntargets" if protocol == "1.6" else f"\ntargets (OCPP {protocol})")
    for label, rounds in voltgate.items():
        several = len(rounds) > 1
        verdicts = []
        saturated = [r for r in rounds if "saturation" in r]
        cpus = [c for r in saturated if (c := storage_cpu_us(r["saturation"])) is not None]
        cpu = median(cpus) if cpus else None
        if cpu is not None:
            verdicts.append(
                f"CPU per {message} incl. storage {_num(cpu)} µs "
                f"(<= {target_cpu:.0f}): {_verdict(cpu <= target_cpu)}{_each(cpus, several)}"
            )
        ratios = [
            r["saturation"]["messages_per_s"] / baselines[r.get("round", 1)]
            for r in saturated
            if baselines.get(r.get("round", 1))
        ]
        if ratios:
            ratio = median(ratios)
            base_cpu = median(
                r["saturation"]["server_cpu_us_per_msg"]
                for r in runs
                if r["server"] == "baseline" and "saturation" in r
            )
            verdicts.append(
                f"throughput {ratio:.1f}x the baseline (>= {TARGET_RATIO:.0f}x): "
                f"{_verdict(ratio >= TARGET_RATIO)}; CPU per message {_num(cpu)} µs "
                f"vs {_num(base_cpu)} µs for the baseline"
                f"{_each(ratios, several, '{:.1f}x')}"
            )
        real = [r["realistic"] for r in rounds if "realistic" in r]
        if real:
            p99s = [p["latency_ms"]["p99"] for p in real if p["latency_ms"]["p99"] is not None]
            p99 = median(p99s) if p99s else None
            stations = min(p["stations"] for p in real)
            connected = min(p["connected"] for p in real)
            ok = (
                p99 is not None
                and p99 <= TARGET_P99_MS
                and stations >= TARGET_STATIONS
                and all(p["problems"] == 0 for p in real)
            )
            note = "" if stations >= TARGET_STATIONS else f" (only {stations} stations)"
            verdicts.append(
                f"p99 latency {_num(p99, '{:.1f}')} ms at {connected} stations "
                f"(<= {TARGET_P99_MS:.0f} ms at {TARGET_STATIONS:,}): {_verdict(ok)}{note}"
                f"{_each(p99s, several, '{:.1f}')}"
            )
        print(f"{label}:" if not several else f"{label}, median of {len(rounds)} rounds:")
        for verdict in verdicts:
            print(f"  {verdict}")
    sys.stdout.flush()


def _each(values: list[float], several: bool, fmt: str = "{:,.0f}") -> str:
    """The rounds' own values, when there were several."""
    return f" (rounds: {', '.join(fmt.format(v) for v in values)})" if several else ""
