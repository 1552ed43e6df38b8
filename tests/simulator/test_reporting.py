"""Counting, percentiles, the live progress line and the final summary."""

from __future__ import annotations

import io

import pytest

from voltgate.simulator.progress import ProgressReporter, format_progress, format_summary
from voltgate.simulator.stats import Histogram, Stats


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_percentiles_are_within_two_percent() -> None:
    """p50/p99 of 1..1000 ms come out at 500 and 990 ms, give or take the bucket width."""
    histogram = Histogram()
    for ms in range(1, 1001):
        histogram.record(ms / 1000)
    assert histogram.percentile(0.5) == pytest.approx(0.500, rel=0.02)
    assert histogram.percentile(0.99) == pytest.approx(0.990, rel=0.02)
    assert histogram.max == 1.0
    assert Histogram().percentile(0.5) is None


def test_a_window_counts_only_what_happened_inside_it() -> None:
    """`since` subtracts an earlier copy: counts, errors and latencies of the window only."""
    stats = Stats(stations=2)
    stats.call_sent("Heartbeat")
    stats.call_answered("Heartbeat", 0.100)
    earlier = stats.copy()
    stats.call_sent("Heartbeat")
    stats.call_answered("Heartbeat", 0.002)
    stats.call_sent("MeterValues")
    stats.call_answered("MeterValues", 0.004, "InternalError")
    window = stats.since(earlier)
    assert (window.sent, window.answered, window.call_errors) == (2, 2, 1)
    assert window.latency.count == 2
    assert window.latency.percentile(1.0) == pytest.approx(0.004, rel=0.02)
    report = stats.to_json()
    assert report["actions"]["MeterValues"]["errors"] == {"InternalError": 1}
    assert report["messages"]["answered"] == 3


def _busy_stats() -> Stats:
    stats = Stats(stations=10)
    stats.connected = stats.ever_connected = stats.peak_connected = 9
    for _ in range(40):
        stats.call_sent("MeterValues")
        stats.call_answered("MeterValues", 0.003)
    stats.call_sent("StartTransaction")
    stats.call_timed_out("StartTransaction")
    stats.connect_failures["HTTP 401 (check --password)"] += 1
    return stats


def test_progress_line_shows_connections_rate_latency_and_errors() -> None:
    """The live line reads like a sentence of numbers a user can scan."""
    stats = _busy_stats()
    line = format_progress(stats, window_s=2.0, elapsed_s=12.0, totals=stats)
    assert line.startswith(
        "[   12s] connected 9/10 | sent 41 answered 40 | 20.0 msg/s | p50 3.0 ms"
    )
    assert line.endswith("| errors 1")


def test_summary_has_a_row_per_action_and_the_problems() -> None:
    """The final table lists each action and a total, then connection failures."""
    summary = format_summary(_busy_stats(), elapsed_s=4.0)
    lines = summary.splitlines()
    assert lines[0] == "Simulated 10 station(s) for 4.0 s: 40 answers, 10.0 msg/s"
    assert lines[1].split() == [
        "action", "sent", "results", "errors", "timeouts", "p50", "ms", "p90", "ms", "p99", "ms",
        "max", "ms",
    ]  # fmt: skip
    assert lines[2].split()[:5] == ["MeterValues", "40", "40", "0", "0"]
    assert lines[3].split() == ["StartTransaction", "1", "0", "0", "1", "-", "-", "-", "-"]
    assert lines[4].split()[:5] == ["all", "41", "40", "0", "1"]
    assert "connect failure: HTTP 401 (check --password): 1" in lines


def test_progress_rewrites_one_line_on_a_terminal_and_prints_lines_elsewhere() -> None:
    """A TTY gets carriage returns every second; a log gets a full line every 5 seconds."""
    stats, clock = _busy_stats(), FakeClock()
    tty, log = io.StringIO(), io.StringIO()
    on_tty = ProgressReporter(stats, tty, tty=True, clock=clock)
    in_log = ProgressReporter(stats, log, tty=False, clock=clock)
    assert (on_tty.interval_s, in_log.interval_s) == (1.0, 5.0)
    clock.now = 5.0
    stats.call_sent("Heartbeat")
    stats.call_answered("Heartbeat", 0.001)
    line = in_log.tick()
    on_tty.tick()
    on_tty.finish()
    assert "0.2 msg/s" in line  # one answer in the 5 s window
    assert log.getvalue() == line + "\n"
    assert tty.getvalue() == f"\r\x1b[K{line}\r\x1b[K"
