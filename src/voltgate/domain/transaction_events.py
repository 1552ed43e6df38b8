"""Transactions reported as a stream of events (OCPP 2.0.1 TransactionEvent).

Theory of operation
-------------------
A 2.0.1 station names its transactions itself (`transactionId`, unique per station forever:
E01.FR.08) and reports each as events: one Started, any number of Updated, one Ended, each
with a sequence number (§1.3.2: +1 per message, SHOULD start at 0 for a new transaction).
Events queued while offline arrive late and possibly out of order (E04.FR.01-03), so the
CSMS folds each event into the transaction whatever its order:

* the first event that names a transaction creates it, whichever type it has: an Ended or
  Updated replayed before its Started is not lost, and the Started fills in the start later;
* Started sets the start (time, id token, EVSE, reservation, remote start id); Ended sets the
  stop (time, reason, id token); neither is undone by an event that arrives after it;
* the register at `Transaction.Begin` plays the part of 1.6's meterStart and the register at
  `Transaction.End` that of meterStop, so the same energy rules and suspect flags apply
  (`domain.transactions`): energy runs from the first real register to the last;
* meter values after Ended are still stored (late data), and counted.

An event is the same event (a retry) when station, transactionId, seqNo, eventType and
timestamp are equal. The timestamp is part of the identity because a station may start
counting seqNo from 0 again (after a reboot, or per EVSE as §1.3.2 allows), and then an
equal (transactionId, seqNo, eventType) with another time is a new event, not a retry.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from voltgate.domain.authorization import AuthStatus, PresentedToken
from voltgate.domain.meter import MeterSample
from voltgate.domain.transactions import (
    SuspectFlag,
    Transaction,
    energy_of,
    is_future,
    start_baseline,
)

TRANSACTION_BEGIN = "Transaction.Begin"
TRANSACTION_END = "Transaction.End"
# OCPP 2.0.1 E06.FR.09: an Ended without stoppedReason was ended locally by the EV driver.
DEFAULT_STOPPED_REASON = "Local"


class TxEventType(enum.StrEnum):
    """TransactionEventEnumType."""

    STARTED = "Started"
    UPDATED = "Updated"
    ENDED = "Ended"


class TransactionEventReport(NamedTuple):
    """One TransactionEvent as the station sent it, in domain terms.

    `evse_id`/`connector_id` are None when the message carries no `evse` (E01.FR.16: it is
    sent once it is known); `token` is the id token with its type, when the event has one.

    A NamedTuple, as `StoredTransactionEvent`: the handler builds one per TransactionEvent
    on the event loop, 2.8 µs as a frozen dataclass of 17 fields, 0.9 µs so (`timeit`).
    """

    station_transaction_id: str
    event_type: TxEventType
    timestamp: datetime
    trigger_reason: str
    seq_no: int
    offline: bool = False
    charging_state: str | None = None
    stopped_reason: str | None = None
    time_spent_charging_s: int | None = None
    remote_start_id: int | None = None
    reservation_id: int | None = None
    number_of_phases_used: int | None = None
    cable_max_current_a: int | None = None
    evse_id: int | None = None
    connector_id: int | None = None
    token: PresentedToken | None = None
    samples: Sequence[MeterSample] = ()


class StoredTransactionEvent(NamedTuple):
    """A TransactionEvent as stored: the report's facts, which transaction, when received.

    A NamedTuple rather than a frozen dataclass (as `meter.MeterSample`): just as immutable,
    and every TransactionEvent builds one in the writer; with its 20 fields a frozen
    dataclass cost 3.1 µs to build (``object.__setattr__`` per field), this 1.2 µs
    (`timeit`).
    """

    transaction_id: int
    station_id: str
    station_transaction_id: str
    event_type: TxEventType
    timestamp: datetime
    trigger_reason: str
    seq_no: int
    offline: bool
    charging_state: str | None
    stopped_reason: str | None
    id_token: str | None
    evse_id: int | None
    connector_id: int | None
    sample_count: int
    received_at: datetime
    remote_start_id: int | None = None
    reservation_id: int | None = None
    number_of_phases_used: int | None = None
    cable_max_current_a: int | None = None
    time_spent_charging_s: int | None = None

    @classmethod
    def of(
        cls, transaction_id: int, station_id: str, report: TransactionEventReport, now: datetime
    ) -> StoredTransactionEvent:
        """The stored form of `report`, received at `now`."""
        return cls(
            transaction_id=transaction_id,
            station_id=station_id,
            station_transaction_id=report.station_transaction_id,
            event_type=report.event_type,
            timestamp=report.timestamp,
            trigger_reason=report.trigger_reason,
            seq_no=report.seq_no,
            offline=report.offline,
            charging_state=report.charging_state,
            stopped_reason=report.stopped_reason,
            id_token=None if report.token is None else report.token.id_tag,
            evse_id=report.evse_id,
            connector_id=report.connector_id,
            sample_count=len(report.samples),
            received_at=now,
            remote_start_id=report.remote_start_id,
            reservation_id=report.reservation_id,
            number_of_phases_used=report.number_of_phases_used,
            cable_max_current_a=report.cable_max_current_a,
            time_spent_charging_s=report.time_spent_charging_s,
        )


def context_register(samples: Sequence[MeterSample], context: str) -> int | None:
    """The overall energy register (Wh, rounded) read with `context`, if the event has one."""
    for sample in samples:
        if sample.context == context and sample.is_energy_register:
            assert sample.value is not None  # guaranteed by is_energy_register
            return round(sample.value)
    return None


def first_seen(station_id: str, report: TransactionEventReport) -> Transaction:
    """The transaction a station's first event about it creates (any event type).

    Start and stop facts are filled in by `apply`, so this is the same for every type.
    """
    return Transaction(
        id=0,
        station_id=station_id,
        evse_id=report.evse_id or 0,
        connector_id=report.connector_id or 0,
        id_tag=None,
        started_at=None,
        meter_start_wh=None,
        remote_id=report.station_transaction_id,
    )


def apply(
    tx: Transaction,
    report: TransactionEventReport,
    *,
    auth_status: AuthStatus | None,
    evse_register_wh: float | None,
    now: datetime,
    tolerance: timedelta,
) -> Transaction:
    """Fold one event's facts (not its samples: `transactions.track`) into `tx`.

    Returns `tx` itself when the event changes nothing but its samples (an Updated with meter
    values, most events), so the caller can take the cheaper samples-only write. Applying the
    same event twice gives the same transaction (a retry is harmless at this level too).

    Args:
        auth_status: the CSMS's verdict on the event's id token, None when it has none.
        evse_register_wh: the EVSE's last known register, to spot a bogus Begin of 0.
    """
    changes: dict[str, Any] = {}
    flags = set(tx.suspect)
    if is_future(report.timestamp, now, tolerance):
        flags.add(SuspectFlag.CLOCK_SKEW)
    evse_id, connector_id = report.evse_id, report.connector_id
    if evse_id is not None and evse_id != tx.evse_id and (tx.evse_id == 0 or evse_id != 0):
        changes["evse_id"] = evse_id
    if connector_id is not None and connector_id != tx.connector_id:
        changes["connector_id"] = connector_id
    if report.reservation_id is not None and report.reservation_id != tx.reservation_id:
        changes["reservation_id"] = report.reservation_id
    ending = report.event_type is TxEventType.ENDED
    if report.token is not None and tx.id_tag is None and not ending:
        # E03.FR.01: the token that authorized the transaction comes once, in the first
        # event after the authorization; a token on Ended is the one that stopped it (E07.FR.02).
        changes["id_tag"] = report.token.id_tag
        changes["auth_status"] = auth_status
    if report.event_type is TxEventType.STARTED:
        _start(tx, report, evse_register_wh, changes, flags)
    elif ending:
        _end(tx, report, changes, flags)
    if not changes and len(flags) == len(tx.suspect):
        return tx
    tx = tx._replace(**changes)
    if tx.stopped_at is not None and tx.started_at is not None and tx.stopped_at < tx.started_at:
        flags.add(SuspectFlag.CLOCK_SKEW)
    if (
        tx.meter_start_wh is not None
        and tx.meter_stop_wh is not None
        and tx.meter_stop_wh < tx.meter_start_wh
    ):
        flags.add(SuspectFlag.STOP_BELOW_START)
    return tx._replace(suspect=frozenset(flags), energy_wh=energy_of(tx))


def _start(
    tx: Transaction,
    report: TransactionEventReport,
    evse_register_wh: float | None,
    changes: dict[str, Any],
    flags: set[SuspectFlag],
) -> None:
    """Started: the start time, and the Begin register as the baseline (1.6 meterStart)."""
    if tx.started_at is not None:
        return  # a second Started (a station restarting seqNo) keeps the first start
    changes["started_at"] = report.timestamp
    begin = context_register(report.samples, TRANSACTION_BEGIN)
    if begin is None:
        return
    baseline, baseline_flags = start_baseline(begin, evse_register_wh)
    flags.update(baseline_flags)
    changes["meter_start_wh"] = begin
    changes["baseline_wh"] = baseline


def _end(
    tx: Transaction,
    report: TransactionEventReport,
    changes: dict[str, Any],
    flags: set[SuspectFlag],
) -> None:
    """Ended: the stop time, reason and token; the End register as 1.6's meterStop."""
    if tx.stopped_at is not None:
        if tx.stopped_at != report.timestamp:
            flags.add(SuspectFlag.DUPLICATE_STOP_CONFLICT)  # the first Ended is kept
        return
    end = context_register(report.samples, TRANSACTION_END)
    if end is not None and tx.last_register_wh is not None and end < tx.last_register_wh:
        flags.add(SuspectFlag.METER_BACKWARDS)
    changes["stopped_at"] = report.timestamp
    changes["meter_stop_wh"] = end
    changes["stop_reason"] = report.stopped_reason or DEFAULT_STOPPED_REASON
    changes["stop_id_tag"] = None if report.token is None else report.token.id_tag
