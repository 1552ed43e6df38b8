"""What the simulator counts: CALLs per action and outcome, latencies, connections, errors.

Counting must stay cheap because the same code runs under load: a latency is one `math.log`
and one list increment in a log-bucketed histogram (2 % resolution from 1 µs to 100 s), not a
growing list of samples. Windows ("the last second", "the measured minute") are differences of
two copies: `later.since(earlier)`, so the live display and the benchmark share the counters.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

_BASE = 1.02
_LOWEST_S = 1e-6
_BUCKETS = int(math.log(100.0 / _LOWEST_S, _BASE)) + 2
_INV_LOG_BASE = 1.0 / math.log(_BASE)


class Histogram:
    """Latencies in seconds, bucketed logarithmically; percentiles accurate to about 2 %."""

    __slots__ = ("count", "counts", "max", "total")

    def __init__(self) -> None:
        self.counts = [0] * _BUCKETS
        self.count = 0
        self.total = 0.0
        self.max = 0.0

    def record(self, seconds: float) -> None:
        """Add one latency."""
        index = int(math.log(seconds / _LOWEST_S) * _INV_LOG_BASE) if seconds > _LOWEST_S else 0
        self.counts[min(index, _BUCKETS - 1)] += 1
        self.count += 1
        self.total += seconds
        if seconds > self.max:
            self.max = seconds

    def percentile(self, q: float) -> float | None:
        """The latency below which a share `q` (0..1) of the samples falls; None when empty."""
        if self.count == 0:
            return None
        rank = max(1, math.ceil(q * self.count))
        seen = 0
        for index, n in enumerate(self.counts):
            seen += n
            if seen >= rank:
                # The geometric middle of the bucket, capped by the largest value seen.
                return min(_LOWEST_S * math.pow(_BASE, index + 0.5), self.max)
        return self.max  # pragma: no cover - rank <= count, so the loop always returns

    @property
    def mean(self) -> float | None:
        return self.total / self.count if self.count else None

    def copy(self) -> Histogram:
        twin = Histogram()
        twin.counts = self.counts[:]
        twin.count, twin.total, twin.max = self.count, self.total, self.max
        return twin

    def since(self, earlier: Histogram) -> Histogram:
        """The samples recorded after `earlier` (a copy of this histogram) was taken.

        The maximum of a window is not recoverable from two cumulative copies; the later
        maximum is kept when the window has samples in the maximum's bucket range.
        """
        window = Histogram()
        window.counts = [a - b for a, b in zip(self.counts, earlier.counts, strict=True)]
        window.count = self.count - earlier.count
        window.total = self.total - earlier.total
        top = max((i for i, n in enumerate(window.counts) if n), default=None)
        if top is not None:
            window.max = min(self.max, _LOWEST_S * math.pow(_BASE, top + 1))
        return window

    def summary_ms(self) -> dict[str, float | None]:
        """p50 / p90 / p99 / max / mean in milliseconds, for reports."""

        def ms(value: float | None) -> float | None:
            return None if value is None else round(value * 1000.0, 3)

        return {
            "p50": ms(self.percentile(0.50)),
            "p90": ms(self.percentile(0.90)),
            "p99": ms(self.percentile(0.99)),
            "max": ms(self.max if self.count else None),
            "mean": ms(self.mean),
        }


@dataclass(slots=True)
class ActionStats:
    """Outcomes of the CALLs of one action sent by the stations."""

    sent: int = 0
    results: int = 0
    errors: Counter[str] = field(default_factory=Counter)  # CALLERROR code -> count
    timeouts: int = 0
    latency: Histogram = field(default_factory=Histogram)

    @property
    def answered(self) -> int:
        return self.results + sum(self.errors.values())


class Stats:
    """All counters of one simulation run; shared by the stations, the display and reports."""

    def __init__(self, stations: int) -> None:
        self.stations = stations
        self.connected = 0  # gauge: stations with an open socket now
        self.peak_connected = 0  # most stations connected at the same time
        self.ever_connected = 0  # stations that connected at least once
        self.reconnects = 0
        self.connect_failures: Counter[str] = Counter()  # readable reason -> count
        self.errors: Counter[str] = Counter()  # anything else that went wrong -> count
        self.incoming: Counter[str] = Counter()  # CSMS-initiated CALLs by action
        self.actions: dict[str, ActionStats] = {}
        self.latency = Histogram()  # all actions together

    def _action(self, action: str) -> ActionStats:
        stats = self.actions.get(action)
        if stats is None:
            stats = self.actions[action] = ActionStats()
        return stats

    def call_sent(self, action: str) -> None:
        self._action(action).sent += 1

    def call_answered(self, action: str, seconds: float, error_code: str | None = None) -> None:
        """Record the answer to a CALL: a CALLRESULT, or a CALLERROR with `error_code`."""
        stats = self._action(action)
        if error_code is None:
            stats.results += 1
        else:
            stats.errors[error_code] += 1
        stats.latency.record(seconds)
        self.latency.record(seconds)

    def call_timed_out(self, action: str) -> None:
        self._action(action).timeouts += 1

    def error(self, what: str) -> None:
        self.errors[what] += 1

    @property
    def sent(self) -> int:
        return sum(a.sent for a in self.actions.values())

    @property
    def answered(self) -> int:
        return sum(a.answered for a in self.actions.values())

    @property
    def call_errors(self) -> int:
        return sum(sum(a.errors.values()) for a in self.actions.values())

    @property
    def timeouts(self) -> int:
        return sum(a.timeouts for a in self.actions.values())

    @property
    def problems(self) -> int:
        """Everything a user should look at: CALLERRORs, timeouts and other errors."""
        return self.call_errors + self.timeouts + sum(self.errors.values())

    def copy(self) -> Stats:
        """An independent copy, the starting point of a window (see `since`)."""
        twin = Stats(self.stations)
        twin.connected, twin.ever_connected = self.connected, self.ever_connected
        twin.peak_connected = self.peak_connected
        twin.reconnects = self.reconnects
        twin.connect_failures = self.connect_failures.copy()
        twin.errors = self.errors.copy()
        twin.incoming = self.incoming.copy()
        twin.latency = self.latency.copy()
        twin.actions = {
            action: ActionStats(a.sent, a.results, a.errors.copy(), a.timeouts, a.latency.copy())
            for action, a in self.actions.items()
        }
        return twin

    def since(self, earlier: Stats) -> Stats:
        """Counts recorded after `earlier` was copied; gauges are taken from now."""
        window = Stats(self.stations)
        window.connected = self.connected
        window.peak_connected = self.peak_connected
        window.ever_connected = self.ever_connected
        window.reconnects = self.reconnects - earlier.reconnects
        window.connect_failures = self.connect_failures - earlier.connect_failures
        window.errors = self.errors - earlier.errors
        window.incoming = self.incoming - earlier.incoming
        window.latency = self.latency.since(earlier.latency)
        for action, now in self.actions.items():
            before = earlier.actions.get(action, ActionStats())
            window.actions[action] = ActionStats(
                sent=now.sent - before.sent,
                results=now.results - before.results,
                errors=now.errors - before.errors,
                timeouts=now.timeouts - before.timeouts,
                latency=now.latency.since(before.latency),
            )
        return window

    def to_json(self) -> dict[str, Any]:
        """The counters as JSON-friendly data (the `--report-json` format)."""
        return {
            "stations": {
                "configured": self.stations,
                "connected": self.connected,
                "peak_connected": self.peak_connected,
                "ever_connected": self.ever_connected,
                "reconnects": self.reconnects,
                "connect_failures": dict(self.connect_failures),
            },
            "messages": {
                "sent": self.sent,
                "answered": self.answered,
                "call_errors": self.call_errors,
                "timeouts": self.timeouts,
                "latency_ms": self.latency.summary_ms(),
            },
            "actions": {
                action: {
                    "sent": a.sent,
                    "results": a.results,
                    "errors": dict(a.errors),
                    "timeouts": a.timeouts,
                    "latency_ms": a.latency.summary_ms(),
                }
                for action, a in sorted(self.actions.items())
            },
            "incoming_calls": dict(self.incoming),
            "errors": dict(self.errors),
        }
