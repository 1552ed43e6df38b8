"""Stacking a station's charging profiles into the limit that applies, and into the composite
schedule the CSMS asks for (1.6 §3.13.3-4, §5.7; 2.0.1 K01.FR.17, K08).

At an instant, for one EVSE:

* of each purpose, the valid profile (validFrom..validTo) with the highest stack level
  that has a period at that instant wins (K01.FR.17); a schedule past its duration has no
  period (K01.FR.11/12), so a lower stack level takes over;
* the transaction's limit is its TxProfile, else a TxDefaultProfile (the EVSE's own before
  the station-wide one of the same stack level, 1.6 §3.13.2); an EVSE without a
  transaction is computed as if one started now (K08.FR.06);
* the limit is the lowest of that, the station maximum, external constraints and the EVSE's
  own rating (K08.FR.04).

For EVSE 0 the composite is what the station expects to draw from the grid (K08.FR.03):
the sum of its EVSEs' limits, capped by the station maximum and external constraints.

Limits are compared in watts: a limit in A is per phase (K01.FR.51) on `numberPhases`
phases, 3 when absent (K01.FR.49), at 230 V (K01.FR.50). A Relative schedule starts with
its transaction, an Absolute one at startSchedule, a Recurring one at the last daily or
weekly repetition of startSchedule. Pure functions over `profiles.Profile`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from voltgate.simulator.profiles import EXTERNAL, STATION_MAX, TX, TX_DEFAULT, Profile

VOLTAGE_V = 230.0
PHASES = 3
RECURRENCE = {"Daily": timedelta(days=1), "Weekly": timedelta(days=7)}


@dataclass(frozen=True, slots=True)
class Limit:
    """A limit in watts on `phases` phases."""

    watts: float
    phases: int = PHASES


@dataclass(frozen=True, slots=True)
class Charging:
    """What the stacking needs to know of a station: its profiles, each EVSE's rating and
    the transaction running on each EVSE (station id, start)."""

    profiles: Sequence[Profile]
    evse_max_w: float
    evses: int
    transactions: dict[int, tuple[str, datetime]]


def to_watts(limit: float, unit: str, phases: int) -> float:
    """A schedule limit in watts (K01.FR.50/51)."""
    return limit if unit == "W" else limit * VOLTAGE_V * phases


def from_watts(watts: float, unit: str, phases: int) -> float:
    """Watts in `unit`, rounded to 0.1 (A per phase, or W)."""
    return round(watts if unit == "W" else watts / (VOLTAGE_V * phases), 1)


def profile_limit(profile: Profile, at: datetime, tx_start: datetime) -> Limit | None:
    """What `profile` allows at `at`, or None when it has no period then."""
    if not profile.valid_at(at):
        return None
    origin = _origin(profile, at, tx_start)
    offset = (at - origin).total_seconds()
    if offset < 0 or (profile.duration_s is not None and offset >= profile.duration_s):
        return None
    period = [p for p in profile.periods if p.start_s <= offset][-1]
    phases = period.phases or PHASES
    return Limit(to_watts(period.limit, profile.unit, phases), phases)


def evse_limit(charging: Charging, evse_id: int, at: datetime, now: datetime) -> Limit:
    """The limit of one EVSE (1..n) at `at`; see the module docstring."""
    tx_id, tx_start = charging.transactions.get(evse_id, (None, now))
    own = [p for p in charging.profiles if p.evse_id in (0, evse_id)]
    transaction = None
    if tx_id is not None:
        transaction = _best([p for p in own if p.purpose == TX and p.transaction_id == tx_id],
                            at, tx_start)  # fmt: skip
    if transaction is None:
        transaction = _best([p for p in own if p.purpose == TX_DEFAULT], at, tx_start)
    caps = [
        transaction,
        _best([p for p in own if p.purpose == STATION_MAX], at, tx_start),
        _best([p for p in own if p.purpose == EXTERNAL], at, tx_start),
    ]
    return _lowest([Limit(charging.evse_max_w), *caps])


def station_limit(charging: Charging, at: datetime, now: datetime) -> Limit:
    """What the station expects to draw at `at` (EVSE 0, K08.FR.03)."""
    total = sum(evse_limit(charging, n, at, now).watts for n in range(1, charging.evses + 1))
    station = [p for p in charging.profiles if p.evse_id == 0]
    caps = [
        _best([p for p in station if p.purpose == STATION_MAX], at, now),
        _best([p for p in station if p.purpose == EXTERNAL], at, now),
    ]
    return _lowest([Limit(total), *caps])


def composite(
    charging: Charging, evse_id: int, start: datetime, duration_s: int
) -> list[tuple[int, Limit]]:
    """The composite schedule of `evse_id` (0: the station) from `start` for `duration_s`
    seconds: (startPeriod, limit) whenever the limit changes (K08.FR.02)."""
    end = start + timedelta(seconds=duration_s)
    tx_starts = [begun for _, begun in charging.transactions.values()] + [start]
    instants = {start}
    for profile in charging.profiles:
        for tx_start in tx_starts:
            instants |= _changes(profile, start, end, tx_start)
    periods: list[tuple[int, Limit]] = []
    for at in sorted(t for t in instants if start <= t < end):
        limit = (
            station_limit(charging, at, start)
            if evse_id == 0
            else evse_limit(charging, evse_id, at, start)
        )
        if not periods or periods[-1][1] != limit:
            periods.append((int((at - start).total_seconds()), limit))
    return periods


def _best(profiles: Iterable[Profile], at: datetime, tx_start: datetime) -> Limit | None:
    """The limit of the highest stack level with a period at `at`; at one stack level an
    EVSE's own profile before the station-wide one."""
    for profile in sorted(profiles, key=lambda p: (p.stack_level, p.evse_id), reverse=True):
        limit = profile_limit(profile, at, tx_start)
        if limit is not None:
            return limit
    return None


def _lowest(limits: Iterable[Limit | None]) -> Limit:
    return min((limit for limit in limits if limit is not None), key=lambda limit: limit.watts)


def _origin(profile: Profile, at: datetime, tx_start: datetime) -> datetime:
    """Where the schedule's startPeriod 0 lies for the instant `at`."""
    if profile.kind == "Relative" or profile.start is None:
        return tx_start  # 1.6 lets an Absolute schedule leave startSchedule out
    if profile.kind == "Recurring" and profile.recurrency in RECURRENCE and at >= profile.start:
        every = RECURRENCE[profile.recurrency]
        return profile.start + every * ((at - profile.start) // every)
    return profile.start


def _changes(profile: Profile, start: datetime, end: datetime, tx_start: datetime) -> set[datetime]:
    """Every instant in start..end where `profile` may change what it allows."""
    moments = {t for t in (profile.valid_from, profile.valid_to) if t is not None}
    origins = {_origin(profile, start, tx_start)}
    if profile.kind == "Recurring" and profile.recurrency in RECURRENCE:
        every = RECURRENCE[profile.recurrency]
        origin = _origin(profile, start, tx_start)
        while origin < end:
            origin += every
            origins.add(origin)
    for origin in origins:
        moments |= {origin + timedelta(seconds=p.start_s) for p in profile.periods}
        if profile.duration_s is not None:
            moments.add(origin + timedelta(seconds=profile.duration_s))
    return {t for t in moments if start < t < end}
