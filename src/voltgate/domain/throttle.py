"""Brute-force throttling of station authentication, per remote address.

Theory of operation: every failed authentication (wrong or missing password, unknown
station id, refused client certificate) is remembered with its time, per remote address.
Once `limit` failures of one address fall within the last `window_s` seconds, further
attempts from that address are refused without checking anything (HTTP 429 with a
Retry-After) until enough of those failures have aged out of the window. Other addresses
are not affected, and a station that authenticates correctly from another address never
notices. Successful attempts neither count nor reset anything: an attacker cannot wash
its failures away with one good connection of a station behind the same address.

Refusing early also keeps the CPU safe: each password check costs a deliberately slow
scrypt hash (`voltgate.domain.credentials`).

State lives in memory on one node (docs/adr/0004-security-profiles.md): it is lost on
restart, and each node of a cluster counts its own attempts.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from datetime import datetime, timedelta

from voltgate.domain.ports import Clock

DEFAULT_MAX_ADDRESSES = 100_000


class AuthThrottle:
    """Counts failed authentications per address in a sliding window.

    Args:
        limit: failures within the window that close the address; 0 disables throttling.
        window_s: the window, in seconds.
        clock: the server clock (aware UTC); tests pass a FakeClock.
        max_addresses: addresses remembered at most; the least recently failing are
            forgotten first, so a flood of spoofed sources cannot exhaust memory.
    """

    def __init__(
        self,
        *,
        limit: int,
        window_s: float,
        clock: Clock,
        max_addresses: int = DEFAULT_MAX_ADDRESSES,
    ) -> None:
        if limit < 0:
            raise ValueError("limit must not be negative")
        if window_s <= 0:
            raise ValueError("window_s must be positive")
        self._limit = limit
        self._window = timedelta(seconds=window_s)
        self._clock = clock
        self._max_addresses = max_addresses
        self._failures: OrderedDict[str, deque[datetime]] = OrderedDict()

    @property
    def enabled(self) -> bool:
        """False when the limit is 0 (no throttling)."""
        return self._limit > 0

    def retry_after(self, address: str) -> float | None:
        """Seconds until `address` may try again, or None when it may try now."""
        if not self.enabled:
            return None
        failures = self._recent(address)
        if failures is None or len(failures) < self._limit:
            return None
        # The address reopens when the oldest failure that still counts leaves the window.
        reopens = failures[-self._limit] + self._window
        return max(0.0, (reopens - self._clock()).total_seconds())

    def failed(self, address: str) -> None:
        """Remember a failed authentication from `address`."""
        if not self.enabled:
            return
        failures = self._recent(address)
        if failures is None:
            failures = self._failures[address] = deque(maxlen=self._limit)
            while len(self._failures) > self._max_addresses:
                self._failures.popitem(last=False)
        else:
            self._failures.move_to_end(address)
        failures.append(self._clock())

    def failures(self, address: str) -> int:
        """Failures of `address` still inside the window."""
        failures = self._recent(address)
        return 0 if failures is None else len(failures)

    def _recent(self, address: str) -> deque[datetime] | None:
        """The address's failures inside the window (older ones dropped), or None."""
        failures = self._failures.get(address)
        if failures is None:
            return None
        horizon = self._clock() - self._window
        while failures and failures[0] <= horizon:
            failures.popleft()
        if not failures:
            del self._failures[address]
            return None
        return failures
