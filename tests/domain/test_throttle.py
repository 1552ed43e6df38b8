"""Brute-force throttling per remote address, on a FakeClock."""

from __future__ import annotations

import pytest

from voltgate.domain.throttle import AuthThrottle
from voltgate.testing.clock import FakeClock


def throttle(clock: FakeClock, limit: int = 3, window_s: float = 60) -> AuthThrottle:
    return AuthThrottle(limit=limit, window_s=window_s, clock=clock)


def test_address_is_closed_after_limit_failures_in_the_window() -> None:
    """The limit-th failure within the window closes the address until it ages out."""
    clock = FakeClock()
    rule = throttle(clock)
    for _ in range(2):
        rule.failed("10.0.0.1")
        clock.advance(10)
        assert rule.retry_after("10.0.0.1") is None
    rule.failed("10.0.0.1")
    # The oldest of the three failures happened 20 s ago: 40 s more until it leaves the window.
    assert rule.retry_after("10.0.0.1") == pytest.approx(40)
    clock.advance(39)
    assert rule.retry_after("10.0.0.1") == pytest.approx(1)
    clock.advance(1)
    assert rule.retry_after("10.0.0.1") is None
    assert rule.failures("10.0.0.1") == 2


def test_other_addresses_are_not_affected() -> None:
    """One address's failures never throttle another address."""
    clock = FakeClock()
    rule = throttle(clock)
    for _ in range(5):
        rule.failed("10.0.0.1")
    assert rule.retry_after("10.0.0.1") is not None
    assert rule.retry_after("10.0.0.2") is None
    assert rule.failures("10.0.0.2") == 0


def test_failures_spread_beyond_the_window_never_throttle() -> None:
    """Slow failures (a misconfigured station retrying each minute) stay under the limit."""
    clock = FakeClock()
    rule = throttle(clock, limit=3, window_s=60)
    for _ in range(20):
        rule.failed("10.0.0.1")
        clock.advance(31)
        assert rule.retry_after("10.0.0.1") is None


def test_limit_zero_disables_throttling() -> None:
    """`auth_failure_limit = 0` turns throttling off."""
    clock = FakeClock()
    rule = throttle(clock, limit=0)
    for _ in range(100):
        rule.failed("10.0.0.1")
    assert not rule.enabled
    assert rule.retry_after("10.0.0.1") is None
    assert rule.failures("10.0.0.1") == 0


def test_memory_is_bounded_by_forgetting_the_oldest_addresses() -> None:
    """A flood of sources cannot grow the table past `max_addresses`."""
    clock = FakeClock()
    rule = AuthThrottle(limit=1, window_s=60, clock=clock, max_addresses=3)
    for n in range(5):
        rule.failed(f"10.0.0.{n}")
    assert [rule.failures(f"10.0.0.{n}") for n in range(5)] == [0, 0, 1, 1, 1]


def test_invalid_settings_are_refused() -> None:
    """A negative limit or an empty window is a configuration error."""
    with pytest.raises(ValueError, match="limit"):
        AuthThrottle(limit=-1, window_s=60, clock=FakeClock())
    with pytest.raises(ValueError, match="window"):
        AuthThrottle(limit=1, window_s=0, clock=FakeClock())
