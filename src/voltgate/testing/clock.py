"""A clock for tests: time moves only when the test says so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

DEFAULT_START = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)


class FakeClock:
    """A `voltgate.domain.ports.Clock` that returns a settable aware-UTC instant."""

    def __init__(self, start: datetime = DEFAULT_START) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self.now = start.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock forward by `seconds`."""
        self.now += timedelta(seconds=seconds)

    def set(self, at: datetime) -> None:
        """Jump to `at` (aware)."""
        self.now = at.astimezone(UTC)
