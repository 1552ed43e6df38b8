"""Time as an input of the simulator: a monotonic clock for latencies, a wall clock for payloads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], float]  # monotonic seconds, for deadlines and latencies
Now = Callable[[], datetime]  # aware UTC, for the timestamps stations report


def utc_now() -> datetime:
    """The production wall clock: aware UTC."""
    return datetime.now(UTC)
