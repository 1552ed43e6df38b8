"""The OCPP 2.0.1 transaction use case: fold one TransactionEvent into its transaction.

The rules live in `domain.transaction_events` (what an event changes, in any order) and
`domain.transactions` (registers, energy and suspect flags, shared with 1.6); this module
runs them in one unit of work, exactly once per event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from voltgate.domain import transaction_events as events
from voltgate.domain.authorization import TokenDecision
from voltgate.domain.keys import remote_start_key, transaction_event_key
from voltgate.domain.ports import Clock, Reads, Repositories, UnitOfWork
from voltgate.domain.services.authorization import decide_with
from voltgate.domain.services.stations import ensure_evse
from voltgate.domain.services.transactions import add_samples, store_samples
from voltgate.domain.transaction_events import StoredTransactionEvent, TransactionEventReport
from voltgate.domain.transactions import Transaction


@dataclass(frozen=True, slots=True)
class TransactionEventOutcome:
    """What the CSMS answers: the verdict on the event's id token (None without one)."""

    transaction_id: int
    token: TokenDecision | None


class TransactionEventService:
    """Transactions that stations report as events (OCPP 2.0.1 TransactionEvent)."""

    def __init__(self, uow: UnitOfWork, clock: Clock, *, clock_skew_tolerance_s: int) -> None:
        self._uow = uow
        self._clock = clock
        self._tolerance = timedelta(seconds=clock_skew_tolerance_s)

    async def report(
        self, station_id: str, report: TransactionEventReport
    ) -> TransactionEventOutcome:
        """Store one event and what it changes; a retried event is stored once.

        Every event is acknowledged (E01-E06: the CSMS cannot refuse a transaction the
        station already runs); doubtful data is stored and flagged, as for 1.6.
        """
        now, tolerance = self._clock(), self._tolerance
        tx_key = remote_start_key(station_id, report.station_transaction_id)
        event_key = transaction_event_key(
            station_id,
            report.station_transaction_id,
            report.seq_no,
            report.event_type.value,
            report.timestamp,
        )

        def work(repos: Repositories) -> TransactionEventOutcome:
            decision = _decide(repos, station_id, report, now)
            status = None if decision is None else decision.status
            tx = repos.transactions.find(tx_key) or _create(repos, station_id, report, tx_key)
            if report.remote_start_id is not None:
                # F01.FR.25 / F02.FR.01: remoteStartId is the id of the command that started it.
                repos.commands.link_remote_start(station_id, report.remote_start_id, tx.id)
            if report.reservation_id is not None:
                # H01.FR.15, H03.FR.09: the transaction used (ended) the reservation.
                repos.reservations.use(station_id, report.reservation_id, tx.id, now)
            # A retried event is stored once (its key) and changes nothing else: applying
            # the same facts again is a no-op, and its samples are stored once by theirs.
            repos.transaction_events.add(
                StoredTransactionEvent.of(tx.id, station_id, report, now), event_key
            )
            applied = events.apply(
                tx,
                report,
                auth_status=status,
                evse_register_wh=_evse_register(repos, station_id, report, tx),
                now=now,
                tolerance=tolerance,
            )
            if applied is tx:
                # Only samples (an Updated with meter values, most events): they save the
                # registers they move, in the write that MeterValues uses (ADR 0003).
                store_samples(repos, tx, report.samples, now, tolerance)
            else:
                tracked = add_samples(repos, applied, report.samples, now, tolerance)
                repos.transactions.save(tracked)
            return TransactionEventOutcome(tx.id, decision)

        return await self._uow.submit(work, Reads(transaction_keys=(tx_key,)))

    async def list_for_transaction(self, transaction_id: int) -> list[StoredTransactionEvent]:
        """A transaction's stored events, in seqNo order."""

        def work(repos: Repositories) -> list[StoredTransactionEvent]:
            return repos.transaction_events.list_for_transaction(transaction_id)

        return await self._uow.submit(work)


def _decide(
    repos: Repositories, station_id: str, report: TransactionEventReport, now: datetime
) -> TokenDecision | None:
    """E01.FR.11 / E05.FR.01: the CSMS verifies every id token a TransactionEvent carries."""
    if report.token is None:
        return None
    busy = report.event_type is not events.TxEventType.ENDED and (
        repos.transactions.has_open_elsewhere(
            report.token.id_tag, station_id, report.evse_id or 0, report.connector_id or 0
        )
    )
    return decide_with(repos, report.token, now, has_active_tx_elsewhere=busy)


def _evse_register(
    repos: Repositories, station_id: str, report: TransactionEventReport, tx: Transaction
) -> float | None:
    """The EVSE's last register, which only a Started needs (a bogus Begin of 0)."""
    if report.event_type is not events.TxEventType.STARTED:
        return None
    evse_id = report.evse_id if report.evse_id is not None else tx.evse_id
    evse = repos.connectors.get_evse(station_id, evse_id) if evse_id else None
    return None if evse is None else evse.last_register_wh


def _create(
    repos: Repositories, station_id: str, report: TransactionEventReport, key: bytes
) -> Transaction:
    """The transaction of a station's first event about it (whatever the event's type)."""
    if report.evse_id:
        ensure_evse(repos, station_id, report.evse_id)
    tx = events.first_seen(station_id, report)
    tx_id = repos.transactions.add(tx, key)
    if tx_id is None:  # a concurrent unit on another node stored it first
        stored = repos.transactions.find(key)
        assert stored is not None
        return stored
    return tx._replace(id=tx_id)
