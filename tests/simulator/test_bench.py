"""The benchmark's load for both protocols: the saturation client's frames, the 2.0.1 baseline,
the run plan and the report.

Short and in-process: the benchmark itself (bench/run.py) is run by hand on a quiet machine.
"""

from __future__ import annotations

import asyncio
import importlib
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from tests.simulator.conftest import BENCH
from tests.simulator.fake_csms import FakeCsms

BENCH_MODULES = ("hotspots", "loop_messages", "saturation", "servers", "phases", "report", "run")


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, ModuleType]]:
    """The bench scripts, imported the way bench/run.py imports its neighbours (by bare
    name from the bench folder), and forgotten afterwards."""
    monkeypatch.syspath_prepend(str(BENCH))
    try:
        yield {name: importlib.import_module(name) for name in ("saturation", "report", "run")}
    finally:
        for name in BENCH_MODULES:
            sys.modules.pop(name, None)


async def _loop(fleet: Any, until: Any) -> None:
    await fleet.start(ramp=1000.0)
    try:
        await until()
    finally:
        await fleet.stop()


async def test_saturation_201_sends_schema_valid_updated_events_with_seq_nos(
    bench: dict[str, ModuleType], csms: FakeCsms
) -> None:
    """The closed 2.0.1 loop sends Started (seqNo 0), pre-encoded Updated events with the six
    measurands and the next seqNo each (E01.FR.07), then Ended: all valid 2.0.1 messages."""
    fleet = bench["saturation"].SaturationFleet(csms.url, 2, protocol="2.0.1")

    async def enough() -> None:
        await csms.wait_until(lambda: csms.count("TransactionEvent") >= 30)

    await _loop(fleet, enough)
    assert csms.invalid == []
    assert set(csms.protocols.values()) == {"ocpp2.0.1"}
    for station in ("SAT-00001", "SAT-00002"):
        sent = [call.payload for call in csms.received("TransactionEvent", station)]
        assert [e["seqNo"] for e in sent] == list(range(len(sent)))
        kinds = [e["eventType"] for e in sent]
        assert kinds == ["Started"] + ["Updated"] * (len(sent) - 2) + ["Ended"]
        assert len({e["transactionInfo"]["transactionId"] for e in sent}) == 1
        updated = sent[1]
        assert updated["triggerReason"] == "MeterValuePeriodic"
        assert len(updated["meterValue"][0]["sampledValue"]) == 6
        energy = [e["meterValue"][0]["sampledValue"][0]["value"] for e in sent[1:-1]]
        assert energy == sorted(energy) and len(set(energy)) == len(energy)
    assert fleet.counters.errors == 0


async def test_saturation_16_loop_still_sends_meter_values_of_its_transaction(
    bench: dict[str, ModuleType], csms: FakeCsms
) -> None:
    """The default (1.6) loop is as before: StartTransaction, valid MeterValues of that
    transaction, StopTransaction."""
    fleet = bench["saturation"].SaturationFleet(csms.url, 2)

    async def enough() -> None:
        await csms.wait_until(lambda: csms.count("MeterValues") >= 20)

    await _loop(fleet, enough)
    await csms.wait_until(lambda: csms.count("StopTransaction") == 2)
    assert csms.invalid == []
    assert set(csms.protocols.values()) == {"ocpp1.6"}
    assert {call.payload["transactionId"] for call in csms.received("MeterValues")} == {1, 2}


async def test_saturation_201_loops_against_the_ocpp_package_201_baseline(
    bench: dict[str, ModuleType], baseline201_url: str
) -> None:
    """The 2.0.1 baseline server accepts the closed loop's messages without a CALLERROR."""
    fleet = bench["saturation"].SaturationFleet(baseline201_url, 3, protocol="2.0.1")

    async def enough() -> None:
        async with asyncio.timeout(10):
            while fleet.counters.results < 60:  # noqa: ASYNC110 - counters have no event
                await asyncio.sleep(0.01)

    await _loop(fleet, enough)
    assert fleet.counters.errors == 0


def test_run_both_protocols_gets_fresh_servers_per_protocol(
    bench: dict[str, ModuleType],
) -> None:
    """`--protocol both` runs 1.6, then 2.0.1, each with its own baseline and databases;
    the default stays 1.6."""
    run = bench["run"]
    args = run.parse_args(["--protocol", "both", "--databases", "sqlite"])
    plan = [(p, name, db) for p, _, name, db, _ in run.servers_to_run(args, None)]
    assert plan == [
        ("1.6", "baseline", "none"),
        ("1.6", "voltgate", "sqlite"),
        ("2.0.1", "baseline", "none"),
        ("2.0.1", "voltgate", "sqlite"),
    ]
    assert run.parse_args([]).protocol == "1.6"


def test_rounds_take_turns_and_the_verdict_is_their_median(
    bench: dict[str, ModuleType], capsys: pytest.CaptureFixture[str]
) -> None:
    """`--rounds 3` runs baseline and Voltgate in turn three times; each ratio is taken
    against the baseline of its own round (a machine that slows down between runs moves
    both), and the verdict is the median of the rounds."""
    run = bench["run"]
    args = run.parse_args(["--rounds", "3", "--databases", "sqlite"])
    plan = [(k, name) for _, k, name, _, _ in run.servers_to_run(args, None)]
    assert plan == [(k, name) for k in (1, 2, 3) for name in ("baseline", "voltgate")]
    pairs = [(1000, 4000, 150), (500, 2600, 280), (1000, 6000, 140)]  # round 2: a slow minute
    results = {
        "machine": {"nproc": 2, "cpu_model": "test", "memory_gib": 1, "python": "3.11"},
        "cores": {"server": [0], "loadgen": [1]},
        "runs": [
            run_
            for k, (base, volt, cpu) in enumerate(pairs, start=1)
            for run_ in (
                {"server": "baseline", "database": "none", "round": k,
                 "saturation": _saturation(base, 800)},
                {"server": "voltgate", "database": "sqlite", "round": k,
                 "saturation": _saturation(volt, cpu)},
            )
        ],
    }  # fmt: skip
    bench["report"].print_report(results)
    out = capsys.readouterr().out
    assert "voltgate (sqlite) #2" in out
    assert "voltgate (sqlite), median of 3 rounds:" in out
    assert "CPU per MeterValues incl. storage 150 µs (<= 150): met (rounds: 150, 280, 140)" in out
    assert "throughput 5.2x the baseline (>= 5x): met" in out
    assert "(rounds: 4.0x, 5.2x, 6.0x)" in out


def test_a_run_without_the_servers_cpu_still_gets_its_throughput_verdict(
    bench: dict[str, ModuleType], capsys: pytest.CaptureFixture[str]
) -> None:
    """When psutil could not read the server's CPU (None), the report leaves the CPU verdict
    out and prints "-" for it, instead of failing on the median of no figures."""
    results = {
        "machine": {"nproc": 2, "cpu_model": "test", "memory_gib": 1, "python": "3.11"},
        "cores": {"server": [0], "loadgen": [1]},
        "runs": [
            {"server": "baseline", "database": "none", "saturation": _saturation(1000, 800)},
            {"server": "voltgate", "database": "sqlite", "saturation": _saturation(6000, None)},
        ],
    }
    bench["report"].print_report(results)
    out = capsys.readouterr().out
    assert "CPU per MeterValues incl. storage" not in out
    assert "throughput 6.0x the baseline (>= 5x): met; CPU per message - µs vs 800 µs" in out


def _saturation(msg_per_s: float, cpu_us: float | None) -> dict[str, Any]:
    return {
        "stations": 100,
        "messages_per_s": msg_per_s,
        "latency_ms": {"p50": 30.0, "p90": 40.0, "p99": 50.0, "max": 60.0},
        "server_cpu_us_per_msg": cpu_us,
        "database_cpu_us_per_msg": None,
        "server_cpu_share": 0.9,
        "loadgen_cpu_share": 0.1,
        "loadgen_cpu_us_per_msg": 35.0,
        "loadgen_saturated": False,
        "call_errors": 0,
    }


def test_report_checks_201_against_its_own_target_and_baseline(
    bench: dict[str, ModuleType], capsys: pytest.CaptureFixture[str]
) -> None:
    """2.0.1 runs get their own tables, the 200 µs per TransactionEvent target and the ratio
    to the 2.0.1 baseline, next to the unchanged 1.6 tables."""
    results = {
        "machine": {"nproc": 2, "cpu_model": "test", "memory_gib": 1, "python": "3.11"},
        "cores": {"server": [0], "loadgen": [1]},
        "runs": [
            {"server": "baseline", "database": "none", "saturation": _saturation(1000, 800)},
            {"server": "voltgate", "database": "sqlite", "saturation": _saturation(2000, 300)},
            {
                "server": "baseline",
                "database": "none",
                "protocol": "2.0.1",
                "saturation": _saturation(800, 900),
            },
            {
                "server": "voltgate",
                "database": "sqlite",
                "protocol": "2.0.1",
                "saturation": _saturation(4000, 180),
            },
        ],
    }
    bench["report"].print_report(results)
    out = capsys.readouterr().out
    assert "saturation (closed-loop MeterValues)\n" in out
    assert "saturation (closed-loop TransactionEvent Updated, OCPP 2.0.1)" in out
    assert "CPU per MeterValues incl. storage 300 µs (<= 150): MISSED" in out
    assert "targets (OCPP 2.0.1)" in out
    assert "CPU per TransactionEvent incl. storage 180 µs (<= 200): met" in out
    assert "throughput 5.0x the baseline (>= 5x): met; CPU per message 180 µs vs 900 µs" in out
