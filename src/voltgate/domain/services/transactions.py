"""Transaction use cases: start, stop, meter values, each exactly once.

Stations retry transaction messages and replay them after being offline (OCPP 1.6 §3.7);
storage retries units after ambiguous commits. So each use case first recognises what is
already stored (by CSMS id or natural key, `voltgate.domain.keys`) and inserts with
"on conflict do nothing". Nothing is refused: suspect data is stored and flagged.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from voltgate.domain import transactions as rules
from voltgate.domain.authorization import TokenDecision, decide
from voltgate.domain.events import STOP_CONFLICT, StationEvent
from voltgate.domain.keys import event_key, record_keys, start_key, unmatched_stop_key
from voltgate.domain.meter import MeterSample
from voltgate.domain.ports import Clock, Reads, Repositories, UnitOfWork
from voltgate.domain.queries import Page, TransactionQuery, page_of
from voltgate.domain.readings import MeterReading, MeterRecord
from voltgate.domain.services.stations import ensure_evse
from voltgate.domain.transactions import (
    StartRequest,
    StartResult,
    StopRequest,
    Transaction,
)


class TransactionService:
    """Starts, stops and meter readings of charging transactions."""

    def __init__(self, uow: UnitOfWork, clock: Clock, *, clock_skew_tolerance_s: int) -> None:
        self._uow = uow
        self._clock = clock
        self._tolerance = timedelta(seconds=clock_skew_tolerance_s)

    async def start(self, station_id: str, req: StartRequest) -> StartResult:
        """Store a started transaction and answer with its id and the tag's status.

        A retried start (same station, EVSE, connector, tag, timestamp, meterStart) returns
        the same id and the decision given the first time.
        """
        now, tolerance = self._clock(), self._tolerance
        key = start_key(
            station_id, req.evse_id, req.connector_id, req.id_tag, req.timestamp, req.meter_start_wh
        )

        def work(repos: Repositories) -> StartResult:
            stored = repos.transactions.find(key)
            if stored is not None:
                return _replayed_start(repos, stored)
            evse = ensure_evse(repos, station_id, req.evse_id)
            busy = repos.transactions.has_open_elsewhere(
                req.id_tag, station_id, req.evse_id, req.connector_id
            )
            decision = decide(repos.tokens.get(req.id_tag), now, has_active_tx_elsewhere=busy)
            tx = rules.new_transaction(
                station_id,
                req,
                decision,
                evse_register_wh=evse.last_register_wh,
                now=now,
                tolerance=tolerance,
            )
            tx_id = repos.transactions.add(tx, key)
            if tx_id is None:  # a concurrent unit on another node stored it first
                stored = repos.transactions.find(key)
                assert stored is not None
                return _replayed_start(repos, stored)
            if tx.meter_start_wh:
                repos.connectors.record_register(
                    station_id, req.evse_id, float(tx.meter_start_wh), req.timestamp
                )
            # A remote start's transaction (domain.commands): 1.6 names no command in it.
            repos.commands.link_start(station_id, req.evse_id, req.id_tag, tx_id, now)
            if req.reservation_id is not None:
                # 1.6 §5.13: a transaction on a reserved connector ends the reservation.
                repos.reservations.use(station_id, req.reservation_id, tx_id, now)
            return StartResult(tx_id, decision)

        return await self._uow.submit(work)

    async def stop(self, station_id: str, req: StopRequest) -> TokenDecision | None:
        """Store a stop; return the verdict on its tag (None when it carries no tag).

        Unknown ids (and -1) become `unmatched` rows flagged UNKNOWN_TRANSACTION; a repeat of
        the stored stop adds nothing; a different second stop keeps the first one, flags
        DUPLICATE_STOP_CONFLICT and records the second one as a station event.
        """
        now, tolerance = self._clock(), self._tolerance

        def work(repos: Repositories) -> TokenDecision | None:
            decision = (
                None
                if req.id_tag is None
                else decide(repos.tokens.get(req.id_tag), now, has_active_tx_elsewhere=False)
            )
            tx = _own(repos.transactions.get(req.transaction_id), station_id)
            if tx is None:
                _stop_unmatched(repos, station_id, req, now, tolerance)
            elif tx.stopped_at is None:
                tx = add_samples(repos, tx, req.samples, now, tolerance)
                tx = rules.stop(tx, req, now=now, tolerance=tolerance)
                repos.transactions.save(tx)
                if req.meter_stop_wh > 0 and rules.SuspectFlag.STOP_BELOW_START not in tx.suspect:
                    repos.connectors.record_register(
                        station_id, tx.evse_id, float(req.meter_stop_wh), req.timestamp
                    )
            elif not rules.stop_matches(tx, req):
                _stop_conflict(repos, tx, req, now)
            return decision

        return await self._uow.submit(work)

    async def meter_values(
        self,
        station_id: str,
        evse_id: int,
        connector_id: int,
        transaction_id: int | None,
        samples: list[MeterSample],
    ) -> None:
        """Store meter samples exactly once and fold energy registers into the transaction.

        Samples naming an unknown transaction are kept with the reported id and flagged.
        """
        now, tolerance = self._clock(), self._tolerance

        def work(repos: Repositories) -> None:
            tx = None if transaction_id is None else repos.transactions.get(transaction_id)
            tx = _own(tx, station_id)
            if tx is not None:
                store_samples(repos, tx, samples, now, tolerance)
                return
            _, flags = rules.track(
                None,
                samples,
                now=now,
                tolerance=tolerance,
                unknown_reference=transaction_id is not None,
            )
            ref = "-" if transaction_id is None else f"r{transaction_id}"
            records = _records(
                station_id, evse_id, connector_id, None, transaction_id, ref, samples, flags
            )
            inserted = repos.meter_values.add(records)
            _record_evse_register(repos, station_id, evse_id, records, inserted)

        reads = None if transaction_id is None else Reads(transactions=(transaction_id,))
        await self._uow.submit(work, reads)

    async def get(self, transaction_id: int) -> Transaction | None:
        """The transaction, or None."""

        def work(repos: Repositories) -> Transaction | None:
            return repos.transactions.get(transaction_id)

        return await self._uow.submit(work)

    async def readings(self, transaction_id: int) -> list[MeterReading]:
        """A transaction's stored samples in timestamp order (as reported within a time)."""

        def work(repos: Repositories) -> list[MeterReading]:
            return repos.meter_values.list_for_transaction(transaction_id)

        return await self._uow.submit(work)

    async def readings_outside_transactions(self, station_id: str) -> list[MeterReading]:
        """A station's samples that belong to no transaction (main meter, idle EVSEs)."""

        def work(repos: Repositories) -> list[MeterReading]:
            return repos.meter_values.list_outside_transactions(station_id)

        return await self._uow.submit(work)

    async def unmatched_readings(self, station_id: str) -> list[MeterReading]:
        """Samples of a station that named a transaction id we never issued."""

        def work(repos: Repositories) -> list[MeterReading]:
            return repos.meter_values.list_unmatched(station_id)

        return await self._uow.submit(work)

    async def list_page(self, query: TransactionQuery) -> Page[Transaction]:
        """One page of transactions, newest first, filtered (REST API)."""

        def work(repos: Repositories) -> list[Transaction]:
            return repos.operator.transactions(query)

        return page_of(await self._uow.submit(work), query.page)


def _own(tx: Transaction | None, station_id: str) -> Transaction | None:
    """A transaction id only counts for the station that holds it."""
    return tx if tx is not None and tx.station_id == station_id else None


def _replayed_start(repos: Repositories, tx: Transaction) -> StartResult:
    token = repos.tokens.get(tx.id_tag) if tx.id_tag is not None else None
    assert tx.auth_status is not None  # set on every started (not unmatched) transaction
    expiry = token.expiry if token is not None else None
    parent = token.parent_id_tag if token is not None else None
    return StartResult(tx.id, TokenDecision(tx.auth_status, expiry, parent))


def add_samples(
    repos: Repositories,
    tx: Transaction,
    samples: Sequence[MeterSample],
    now: datetime,
    tolerance: timedelta,
) -> Transaction:
    """Insert a known transaction's samples and save what the new ones change."""
    if not samples:
        return tx
    tracked, records = _tracked_records(tx, samples, now, tolerance)
    return _add_records(repos, tx, tracked, records, now, tolerance)


def store_samples(
    repos: Repositories,
    tx: Transaction,
    samples: Sequence[MeterSample],
    now: datetime,
    tolerance: timedelta,
) -> None:
    """`add_samples` for a caller that needs no outcome (MeterValues).

    A message with one meterValue element (nearly all of them) is stored either whole or
    not at all (a retry), so the outcome needs no follow-up and the write may be sent
    later: `add_one_for_transaction`. Anything else takes the general path.
    """
    if not samples:
        return
    tracked, records = _tracked_records(tx, samples, now, tolerance)
    if len(records) == 1:
        repos.meter_values.add_one_for_transaction(records[0], tracked, _newest_register(records))
        return
    _add_records(repos, tx, tracked, records, now, tolerance)


def _tracked_records(
    tx: Transaction, samples: Sequence[MeterSample], now: datetime, tolerance: timedelta
) -> tuple[Transaction, list[MeterRecord]]:
    """`tx` with `samples` folded in, and the samples as records to store."""
    tracked, flags = rules.track(tx, samples, now=now, tolerance=tolerance)
    assert tracked is not None
    records = _records(
        tx.station_id, tx.evse_id, tx.connector_id, tx.id, tx.reported_id, f"t{tx.id}",
        samples, flags,
    )  # fmt: skip
    return tracked, records


def _add_records(
    repos: Repositories,
    tx: Transaction,
    tracked: Transaction,
    records: list[MeterRecord],
    now: datetime,
    tolerance: timedelta,
) -> Transaction:
    """Insert `records` of `tx` (`tracked`: with all of them folded in); save what the new
    ones change and return the transaction as stored."""
    register = _newest_register(records)
    inserted, evse_written = repos.meter_values.add_for_transaction(records, tracked, register)
    if not inserted:
        return tx  # all seen before: a retried message changes nothing
    if len(inserted) < len(records):
        # Some meterValue elements were stored by an earlier message: count only the new ones.
        fresh = [sample for r in records if r.key in inserted for sample in r.samples]
        refolded, _ = rules.track(tx, fresh, now=now, tolerance=tolerance)
        assert refolded is not None
        repos.transactions.save_registers(refolded)
        _record_evse_register(repos, tx.station_id, tx.evse_id, records, inserted)
        return refolded
    if register is not None and not evse_written:
        ensure_evse(repos, tx.station_id, tx.evse_id)
        repos.connectors.record_register(tx.station_id, tx.evse_id, *register)
    return tracked


def _records(
    station_id: str,
    evse_id: int,
    connector_id: int,
    transaction_id: int | None,
    reported_id: int | None,
    ref: str,
    samples: Sequence[MeterSample],
    flags: Sequence[frozenset[rules.SuspectFlag]],
) -> list[MeterRecord]:
    """`samples` (with their `flags`) as one record per timestamp, in order of appearance.

    A meterValue element of OCPP 1.6 §7.10 is one timestamp with its sampled values; the
    flat list the handlers pass is grouped back by time.
    """
    if not samples:
        return []
    first_at = samples[0].at
    if all(sample.at == first_at for sample in samples):
        # One meterValue, nearly every message: built directly, which measured ~7,000
        # instructions less than the general path below (docs/adr/0003-hot-path.md §17).
        [key] = record_keys(station_id, evse_id, connector_id, ref, [(first_at, samples)])
        return [
            MeterRecord(
                key, station_id, evse_id, connector_id, transaction_id, reported_id,
                first_at, tuple(samples), tuple(flags),
            )
        ]  # fmt: skip
    by_time: dict[datetime, list[int]] = {}
    for i, sample in enumerate(samples):
        by_time.setdefault(sample.at, []).append(i)
    groups = [
        (at, tuple(samples[i] for i in indexes), tuple(flags[i] for i in indexes))
        for at, indexes in by_time.items()
    ]
    keys = record_keys(
        station_id, evse_id, connector_id, ref, [(at, group) for at, group, _ in groups]
    )
    return [
        MeterRecord(
            key,
            station_id,
            evse_id,
            connector_id,
            transaction_id,
            reported_id,
            at,
            group,
            group_flags,
        )
        for key, (at, group, group_flags) in zip(keys, groups, strict=True)
    ]


def _newest_register(records: Sequence[MeterRecord]) -> tuple[float, datetime] | None:
    """The newest energy register among the samples of `records` as (wh, at), if any."""
    newest = None
    for record in records:
        for sample in record.samples:
            if sample.is_energy_register and (newest is None or sample.at > newest.at):
                newest = sample
    if newest is None or newest.value is None:
        return None
    return newest.value, newest.at


def _record_evse_register(
    repos: Repositories,
    station_id: str,
    evse_id: int,
    records: Sequence[MeterRecord],
    inserted: set[bytes],
) -> None:
    """Remember the newest energy register per EVSE (used to spot a bogus meterStart 0)."""
    register = _newest_register([r for r in records if r.key in inserted])
    if register is None:
        return
    if not repos.connectors.record_register(station_id, evse_id, *register):
        ensure_evse(repos, station_id, evse_id)
        repos.connectors.record_register(station_id, evse_id, *register)


def _stop_unmatched(
    repos: Repositories, station_id: str, req: StopRequest, now: datetime, tolerance: timedelta
) -> None:
    key = unmatched_stop_key(station_id, req.transaction_id, req.timestamp, req.meter_stop_wh)
    if repos.transactions.find(key) is not None:
        return
    tx = rules.unmatched_transaction(station_id, req, now=now, tolerance=tolerance)
    tx_id = repos.transactions.add(tx, key)
    if tx_id is None:
        return
    tx = tx._replace(id=tx_id)
    if req.transaction_id >= 0:
        repos.meter_values.adopt(station_id, req.transaction_id, tx_id)
    tx = add_samples(repos, tx, req.samples, now, tolerance)
    repos.transactions.save(rules.stop(tx, req, now=now, tolerance=tolerance))


def _stop_conflict(repos: Repositories, tx: Transaction, req: StopRequest, now: datetime) -> None:
    flag = rules.SuspectFlag.DUPLICATE_STOP_CONFLICT
    if flag not in tx.suspect:
        repos.transactions.save(tx._replace(suspect=tx.suspect | {flag}))
    payload = {
        "transactionId": req.transaction_id,
        "idTag": req.id_tag,
        "meterStop": req.meter_stop_wh,
        "timestamp": req.timestamp.isoformat(),
        "reason": req.reason,
        "sampleCount": len(req.samples),
    }
    event = StationEvent(tx.station_id, STOP_CONFLICT, payload, req.timestamp, received_at=now)
    repos.events.add(event, event_key(tx.station_id, STOP_CONFLICT, req.timestamp, payload))
