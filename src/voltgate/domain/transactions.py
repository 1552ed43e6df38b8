"""Transactions and their energy: lifecycle, register tracking, suspect flags.

Theory of operation
-------------------
A transaction is created by a start (1.6 StartTransaction) and ends with a stop; the
state table `TRANSITIONS` lists the legal moves. The CSMS cannot refuse either message
(OCPP 1.6 §4.8, §4.10: sanity checks SHOULD NOT stop the answer), so everything a station
reports is stored and the doubtful parts are *flagged* (`SuspectFlag`) instead of refused:

* registers that go backwards in time order  -> METER_BACKWARDS (transaction and sample)
* meterStop below meterStart                 -> STOP_BELOW_START
* timestamps beyond a tolerance in the future, or a stop before its start -> CLOCK_SKEW
* meterStart 0 while the meter shows a real register -> ZERO_BASELINE (baseline replaced)
* a stop or sample for an id the CSMS never issued   -> UNKNOWN_TRANSACTION (kept, `unmatched`)
* a second stop with different data                  -> DUPLICATE_STOP_CONFLICT (first kept)

Energy is "last real register minus first real register" (OCPP 1.6 §7.31: the quantity is
the register minus the register at the start). It is never computed from a bogus zero
baseline and never negative. Old timestamps (offline replay, §3.7) are normal and kept.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from voltgate.domain.authorization import AuthStatus, TokenDecision
from voltgate.domain.errors import InvalidTransition
from voltgate.domain.meter import MeterSample

# A register at or below this is "zero" (a fresh meter or a station that rebases to 0).
ZERO_BASELINE_MIN_WH = 10.0
# No charger delivers more than this; a first register above what it could have delivered
# since the start proves that a meterStart of 0 was not the meter's real reading.
MAX_PLAUSIBLE_POWER_W = 400_000.0


class SuspectFlag(enum.StrEnum):
    """Why a transaction or a sample deserves a second look (stored, never refused)."""

    METER_BACKWARDS = "meter_backwards"
    STOP_BELOW_START = "stop_below_start"
    CLOCK_SKEW = "clock_skew"
    ZERO_BASELINE = "zero_baseline"
    UNKNOWN_TRANSACTION = "unknown_transaction"
    DUPLICATE_STOP_CONFLICT = "duplicate_stop_conflict"
    UNPARSEABLE_VALUE = "unparseable_value"


NO_FLAGS: frozenset[SuspectFlag] = frozenset()


class TxState(enum.Enum):
    """Lifecycle of a transaction as the CSMS sees it."""

    STARTED = "started"
    STOPPED = "stopped"


class TxEvent(enum.Enum):
    """What a station reports about a transaction."""

    METER_VALUES = "meter_values"
    STOP = "stop"


# A repeated STOP on a STOPPED transaction is not a move: `stop_matches` tells a retry
# (nothing to do) from a conflict (flagged). Late meter values are stored in any state.
TRANSITIONS: Mapping[tuple[TxState, TxEvent], TxState] = {
    (TxState.STARTED, TxEvent.METER_VALUES): TxState.STARTED,
    (TxState.STARTED, TxEvent.STOP): TxState.STOPPED,
    (TxState.STOPPED, TxEvent.METER_VALUES): TxState.STOPPED,
}


def advance(state: TxState, event: TxEvent) -> TxState:
    """The state after `event`; raises InvalidTransition for a move the table lacks."""
    try:
        return TRANSITIONS[state, event]
    except KeyError:
        raise InvalidTransition(state, event) from None


class Transaction(NamedTuple):
    """One charging transaction (`id` is 0 until storage assigns it).

    `baseline_wh` is the register energy is counted from: meterStart, unless that was a
    bogus zero (ZERO_BASELINE). Unmatched transactions (a stop for an id we never issued)
    have no start: `started_at`, `meter_start_wh` and `id_tag` are None.

    A NamedTuple rather than a frozen dataclass, as `MeterSample`: `track` builds a new one
    for every MeterValues and TransactionEvent, and a frozen dataclass of 24 fields sets
    each through ``object.__setattr__`` (docs/adr/0003-hot-path.md §17). Copies with changes
    are `tx._replace(...)`.
    """

    id: int
    station_id: str
    evse_id: int
    connector_id: int
    id_tag: str | None
    started_at: datetime | None
    meter_start_wh: int | None
    remote_id: str | None = None
    reservation_id: int | None = None
    auth_status: AuthStatus | None = None
    stopped_at: datetime | None = None
    meter_stop_wh: int | None = None
    stop_reason: str | None = None
    stop_id_tag: str | None = None
    baseline_wh: float | None = None
    energy_wh: float | None = None
    first_register_wh: float | None = None
    first_register_at: datetime | None = None
    last_register_wh: float | None = None
    last_register_at: datetime | None = None
    reading_count: int = 0
    suspect: frozenset[SuspectFlag] = NO_FLAGS
    unmatched: bool = False
    reported_id: int | None = None

    @property
    def state(self) -> TxState:
        """STOPPED once a stop was stored, else STARTED."""
        return TxState.STARTED if self.stopped_at is None else TxState.STOPPED


@dataclass(frozen=True, slots=True)
class StartRequest:
    """A station reports that it started a transaction (1.6 StartTransaction.req)."""

    evse_id: int
    connector_id: int
    id_tag: str
    meter_start_wh: int
    timestamp: datetime
    reservation_id: int | None = None


@dataclass(frozen=True, slots=True)
class StartResult:
    """The transaction id the CSMS assigned and the verdict on the tag."""

    transaction_id: int
    token: TokenDecision


@dataclass(frozen=True, slots=True)
class StopRequest:
    """A station reports that a transaction ended (1.6 StopTransaction.req)."""

    transaction_id: int
    id_tag: str | None
    meter_stop_wh: int
    timestamp: datetime
    reason: str | None = None
    samples: Sequence[MeterSample] = ()


def is_future(at: datetime, now: datetime, tolerance: timedelta) -> bool:
    """True when `at` lies more than `tolerance` after the server clock."""
    return at > now + tolerance


def start_baseline(
    meter_start_wh: int, evse_register_wh: float | None
) -> tuple[float, frozenset[SuspectFlag]]:
    """The register to count from, given meterStart and the EVSE's last known register."""
    if (
        meter_start_wh == 0
        and evse_register_wh is not None
        and evse_register_wh > ZERO_BASELINE_MIN_WH
    ):
        return evse_register_wh, frozenset({SuspectFlag.ZERO_BASELINE})
    return float(meter_start_wh), NO_FLAGS


def new_transaction(
    station_id: str,
    req: StartRequest,
    decision: TokenDecision,
    *,
    evse_register_wh: float | None,
    now: datetime,
    tolerance: timedelta,
) -> Transaction:
    """The transaction a start creates (stored whatever the tag's status: the station
    has already started; OCPP 1.6 §4.8 lets it stop on a non-Accepted idTagInfo)."""
    baseline, flags = start_baseline(req.meter_start_wh, evse_register_wh)
    if is_future(req.timestamp, now, tolerance):
        flags = flags | {SuspectFlag.CLOCK_SKEW}
    return Transaction(
        id=0,
        station_id=station_id,
        evse_id=req.evse_id,
        connector_id=req.connector_id,
        id_tag=req.id_tag,
        started_at=req.timestamp,
        meter_start_wh=req.meter_start_wh,
        reservation_id=req.reservation_id,
        auth_status=decision.status,
        baseline_wh=baseline,
        energy_wh=0.0,
        suspect=flags,
    )


def unmatched_transaction(
    station_id: str, req: StopRequest, *, now: datetime, tolerance: timedelta
) -> Transaction:
    """A row for a stop that names a transaction we never issued (kept for reconciliation)."""
    flags = {SuspectFlag.UNKNOWN_TRANSACTION}
    if is_future(req.timestamp, now, tolerance):
        flags.add(SuspectFlag.CLOCK_SKEW)
    return Transaction(
        id=0,
        station_id=station_id,
        evse_id=0,
        connector_id=0,
        id_tag=None,
        started_at=None,
        meter_start_wh=None,
        suspect=frozenset(flags),
        unmatched=True,
        reported_id=req.transaction_id,
    )


def track(
    tx: Transaction | None,
    samples: Sequence[MeterSample],
    *,
    now: datetime,
    tolerance: timedelta,
    unknown_reference: bool = False,
) -> tuple[Transaction | None, list[frozenset[SuspectFlag]]]:
    """Fold samples into a transaction's registers; return it and each sample's flags.

    Args:
        tx: the transaction the samples belong to, or None (no or unknown transaction).
        samples: in any order; registers are compared in timestamp order.
        unknown_reference: the station named a transaction id we do not know.
    """
    flags: list[frozenset[SuspectFlag]] = [NO_FLAGS] * len(samples)
    limit = now + tolerance  # later than this is CLOCK_SKEW
    if tx is None:
        for i, sample in enumerate(samples):
            flags[i] = _sample_flags(sample, limit, unknown_reference)
        return None, flags
    tx_flags = tx.suspect
    registers: list[int] = []  # the energy registers, compared in time order below
    for i, sample in enumerate(samples):
        if sample.at > limit or sample.unparseable:  # most samples have no flag
            flags[i] = sample_flags = _sample_flags(sample, limit, False)
            tx_flags = tx_flags | (sample_flags & _TX_SAMPLE_FLAGS)
        if sample.is_energy_register:
            registers.append(i)
    if len(registers) > 1:  # a stable sort: equal times keep the order reported
        registers.sort(key=lambda i: samples[i].at)
    first, first_at = tx.first_register_wh, tx.first_register_at
    last, last_at = tx.last_register_wh, tx.last_register_at
    baseline = tx.baseline_wh
    zero = _zero(tx, baseline)
    for i in registers:
        sample = samples[i]
        value = sample.value
        assert value is not None  # guaranteed by is_energy_register
        at = sample.at
        backwards = False
        if first is None or last is None or first_at is None or last_at is None:
            first, first_at, last, last_at = value, at, value, at
        elif at >= last_at:
            if value < last:
                backwards = True
            else:
                last, last_at = value, at
        elif at < first_at:
            if value > first:
                backwards = True
            else:
                first, first_at = value, at
        elif not first <= value <= last:
            backwards = True
        if baseline is not None and value < baseline and not zero:
            backwards = True
        if backwards:
            flags[i] = flags[i] | _BACKWARDS
            tx_flags = tx_flags | _BACKWARDS
    if (
        first is not None
        and first_at is not None
        and _zero(tx, baseline)
        and _implausible_first(tx, first, first_at)
    ):
        baseline = first
        tx_flags = tx_flags | {SuspectFlag.ZERO_BASELINE}
    # Built field by field rather than with `_replace`, which costs half as much again (it
    # runs for every MeterValues message).
    updated = Transaction(
        id=tx.id,
        station_id=tx.station_id,
        evse_id=tx.evse_id,
        connector_id=tx.connector_id,
        id_tag=tx.id_tag,
        started_at=tx.started_at,
        meter_start_wh=tx.meter_start_wh,
        remote_id=tx.remote_id,
        reservation_id=tx.reservation_id,
        auth_status=tx.auth_status,
        stopped_at=tx.stopped_at,
        meter_stop_wh=tx.meter_stop_wh,
        stop_reason=tx.stop_reason,
        stop_id_tag=tx.stop_id_tag,
        baseline_wh=baseline,
        energy_wh=_energy(baseline, first, last, tx.meter_stop_wh),
        first_register_wh=first,
        first_register_at=first_at,
        last_register_wh=last,
        last_register_at=last_at,
        reading_count=tx.reading_count + len(samples),
        suspect=tx_flags,
        unmatched=tx.unmatched,
        reported_id=tx.reported_id,
    )
    return updated, flags


def stop(tx: Transaction, req: StopRequest, *, now: datetime, tolerance: timedelta) -> Transaction:
    """Apply a stop to a STARTED (or new unmatched) transaction and compute its energy."""
    advance(tx.state, TxEvent.STOP)
    flags = set(tx.suspect)
    if is_future(req.timestamp, now, tolerance) or (
        tx.started_at is not None and req.timestamp < tx.started_at
    ):
        flags.add(SuspectFlag.CLOCK_SKEW)
    if tx.meter_start_wh is not None and req.meter_stop_wh < tx.meter_start_wh:
        flags.add(SuspectFlag.STOP_BELOW_START)
    stopped = tx._replace(
        stopped_at=req.timestamp,
        meter_stop_wh=req.meter_stop_wh,
        # OCPP 1.6 §4.10: an omitted reason SHOULD be assumed "Local".
        stop_reason=req.reason or "Local",
        stop_id_tag=req.id_tag,
    )
    if stopped.last_register_wh is not None and req.meter_stop_wh < stopped.last_register_wh:
        flags.add(SuspectFlag.METER_BACKWARDS)
    stopped = stopped._replace(suspect=frozenset(flags))
    return stopped._replace(energy_wh=energy_of(stopped))


def stop_matches(tx: Transaction, req: StopRequest) -> bool:
    """True when `req` repeats the stop already stored on `tx` (a retry, not a conflict)."""
    return (
        tx.stopped_at == req.timestamp
        and tx.meter_stop_wh == req.meter_stop_wh
        and tx.stop_reason == (req.reason or "Local")
        and tx.stop_id_tag == req.id_tag
    )


def energy_of(tx: Transaction) -> float | None:
    """Energy delivered: last real register minus baseline, never negative.

    The end register is meterStop once stopped, unless it is below the baseline or below a
    register already read during the transaction (then the highest register read counts).
    """
    return _energy(tx.baseline_wh, tx.first_register_wh, tx.last_register_wh, tx.meter_stop_wh)


def _energy(
    baseline: float | None, first: float | None, last: float | None, meter_stop: int | None
) -> float | None:
    start = baseline if baseline is not None else first
    if start is None:
        return None
    end = last
    if meter_stop is not None and (end is None or meter_stop >= end):
        end = float(meter_stop)
    if end is None:
        return 0.0
    return max(0.0, end - start)


_BACKWARDS = frozenset({SuspectFlag.METER_BACKWARDS})
# Sample flags that also mark their transaction.
_TX_SAMPLE_FLAGS = frozenset({SuspectFlag.METER_BACKWARDS, SuspectFlag.CLOCK_SKEW})


def _sample_flags(
    sample: MeterSample, limit: datetime, unknown_reference: bool
) -> frozenset[SuspectFlag]:
    """CLOCK_SKEW after `limit` (now + tolerance), UNPARSEABLE_VALUE, UNKNOWN_TRANSACTION."""
    skewed = sample.at > limit
    unparseable = sample.unparseable
    if not (skewed or unparseable or unknown_reference):
        return NO_FLAGS
    flags: set[SuspectFlag] = set()
    if skewed:
        flags.add(SuspectFlag.CLOCK_SKEW)
    if unparseable:
        flags.add(SuspectFlag.UNPARSEABLE_VALUE)
    if unknown_reference:
        flags.add(SuspectFlag.UNKNOWN_TRANSACTION)
    return frozenset(flags)


def _zero(tx: Transaction, baseline: float | None) -> bool:
    """The baseline is still the station's meterStart of 0 (not yet shown to be bogus)."""
    return tx.meter_start_wh == 0 and baseline is not None and baseline <= ZERO_BASELINE_MIN_WH


def _implausible_first(tx: Transaction, first_wh: float, first_at: datetime) -> bool:
    """A first register no charger could have reached from 0 since the start."""
    if tx.started_at is None:
        return False
    hours = max(0.0, (first_at - tx.started_at).total_seconds()) / 3600
    return first_wh > ZERO_BASELINE_MIN_WH + MAX_PLAUSIBLE_POWER_W * hours
