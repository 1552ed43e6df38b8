"""What the user sees while a simulation runs and when it ends.

On a terminal, one line rewritten every second; in a log file or CI output, where carriage
returns make a mess, a plain line every 5 seconds. Rates and percentiles on the live line are
for the last interval (a window of the counters), so a slowdown shows at once instead of
being averaged away. The formatting functions are pure, so tests check them directly.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TextIO

from voltgate.simulator.stats import Histogram, Stats

TTY_INTERVAL_S = 1.0
PLAIN_INTERVAL_S = 5.0
_CLEAR_LINE = "\r\x1b[K"


def _ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:.1f} ms"


def format_progress(window: Stats, window_s: float, elapsed_s: float, totals: Stats) -> str:
    """One status line: connections, totals, the window's rate and latency, problems."""
    rate = window.answered / window_s if window_s > 0 else 0.0
    return (
        f"[{elapsed_s:5.0f}s] connected {totals.connected}/{totals.stations}"
        f" | sent {totals.sent:,} answered {totals.answered:,}"
        f" | {rate:,.1f} msg/s"
        f" | p50 {_ms(window.latency.percentile(0.5))} p99 {_ms(window.latency.percentile(0.99))}"
        f" | errors {totals.problems:,}"
    )


def _cell(histogram: Histogram, q: float | None) -> str:
    value = histogram.max if q is None else histogram.percentile(q)
    return "-" if value is None or histogram.count == 0 else f"{value * 1000:.2f}"


def format_summary(stats: Stats, elapsed_s: float) -> str:
    """The final table: one row per action plus a total, then connections and errors."""
    header = (
        "action",
        "sent",
        "results",
        "errors",
        "timeouts",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
    )
    quantiles = (0.5, 0.9, 0.99, None)
    rows: list[tuple[str, ...]] = []
    for action, a in sorted(stats.actions.items()):
        errors = sum(a.errors.values())
        latencies = [_cell(a.latency, q) for q in quantiles]
        rows.append(
            (action, f"{a.sent:,}", f"{a.results:,}", f"{errors:,}", f"{a.timeouts:,}", *latencies)
        )
    results = sum(a.results for a in stats.actions.values())
    latencies = [_cell(stats.latency, q) for q in quantiles]
    totals = (f"{stats.sent:,}", f"{results:,}", f"{stats.call_errors:,}", f"{stats.timeouts:,}")
    rows.append(("all", *totals, *latencies))
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(row: tuple[str, ...]) -> str:
        first = row[0].ljust(widths[0])
        rest = "  ".join(cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True))
        return f"{first}  {rest}"

    rate = stats.answered / elapsed_s if elapsed_s > 0 else 0.0
    out = [
        f"Simulated {stats.stations} station(s) for {elapsed_s:.1f} s: "
        f"{stats.answered:,} answers, {rate:,.1f} msg/s",
        line(header),
        *(line(row) for row in rows),
        f"stations: {stats.ever_connected} of {stats.stations} connected at least once, "
        f"at most {stats.peak_connected} at a time, {stats.reconnects} reconnect(s)",
    ]
    for action, a in sorted(stats.actions.items()):
        for code, n in sorted(a.errors.items()):
            out.append(f"CALLERROR {code} to {action}: {n:,}")
    for reason, n in stats.connect_failures.most_common():
        out.append(f"connect failure: {reason}: {n:,}")
    for what, n in stats.errors.most_common():
        out.append(f"error: {what}: {n:,}")
    if stats.incoming:
        calls = ", ".join(f"{action} {n:,}" for action, n in sorted(stats.incoming.items()))
        out.append(f"CALLs from the CSMS answered: {calls}")
    return "\n".join(out)


class ProgressReporter:
    """Writes `format_progress` lines to `stream` while `run` is awaited.

    Args:
        stats: the live counters of the simulation.
        stream: where lines go (stderr in the CLI).
        tty: rewrite one line every second instead of printing a line every 5 seconds.
        clock: monotonic seconds.
    """

    def __init__(
        self,
        stats: Stats,
        stream: TextIO,
        *,
        tty: bool,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stats = stats
        self._stream = stream
        self._tty = tty
        self._clock = clock
        self.interval_s = TTY_INTERVAL_S if tty else PLAIN_INTERVAL_S
        self._started = clock()
        self._last = stats.copy()
        self._last_at = self._started

    def tick(self) -> str:
        """Write (and return) the line for the interval since the previous tick."""
        now = self._clock()
        current = self._stats.copy()
        line = format_progress(
            current.since(self._last), now - self._last_at, now - self._started, current
        )
        self._last, self._last_at = current, now
        if self._tty:
            self._stream.write(f"{_CLEAR_LINE}{line}")
        else:
            self._stream.write(f"{line}\n")
        self._stream.flush()
        return line

    async def run(self) -> None:
        """Tick every interval until cancelled."""
        while True:
            await asyncio.sleep(self.interval_s)
            self.tick()

    def finish(self) -> None:
        """End the live line so that what follows starts on a clean line."""
        if self._tty:
            self._stream.write(f"{_CLEAR_LINE}")
            self._stream.flush()

    @property
    def elapsed_s(self) -> float:
        return self._clock() - self._started
