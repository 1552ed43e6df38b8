"""SQL implementations of the transaction and meter value ports (the hot path).

A MeterValues message with one meterValue element (nearly all) costs:

* SQLite: one ``INSERT ... ON CONFLICT DO NOTHING`` of its row (samples packed,
  `storage.samples`). Its transaction comes from the writer's memory of open transactions
  (`storage.open_transactions`), and the transaction's and the EVSE's registers, when the
  row was new, are queued and coalesced: one UPDATE per transaction and one upsert per
  EVSE for the whole batch, each batch's rows sent as one ``executemany``
  (`sql.Executor.defer_latest`).
* PostgreSQL: the transaction comes from the server's memory of the transactions it
  wrote, with its row version (`storage.versioned_transactions`), or else is read ahead
  with the batch's others; the row insert, register update and EVSE upsert are one
  deferred row of a statement that writes the whole batch's messages at once, and updates
  the transaction only if its version is unchanged (`bulk.tracked_columnar`).

Rows map positionally onto the domain dataclasses (`statements.TX_FIELDS`,
`statements.MV_FIELDS`), which is cheaper than building dicts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any

from voltgate.domain.authorization import AuthStatus, token_key
from voltgate.domain.readings import MeterReading, MeterRecord
from voltgate.domain.transaction_events import StoredTransactionEvent, TxEventType
from voltgate.domain.transactions import Transaction
from voltgate.storage import samples as packed
from voltgate.storage.open_transactions import OpenTransactions
from voltgate.storage.packing import pack
from voltgate.storage.retry import TransactionChanged
from voltgate.storage.sql import Executor, Row
from voltgate.storage.statements import (
    TX_EVENT_FIELDS,
    TX_EVENT_SHORT,
    TX_FIELDS,
    TX_REGISTERS,
    Statements,
)
from voltgate.storage.types import decode_flags, encode_flags
from voltgate.storage.versioned_transactions import VersionedTransactions

_FIELDS = len(TX_FIELDS)
_AUTH = TX_FIELDS.index("auth_status")
_SUSPECT = TX_FIELDS.index("suspect")


class SqlTransactions:
    """`domain.ports.TransactionRepository` in SQL.

    `prefetch` (PostgreSQL) reads the transactions a batch's units declared in one query
    and keeps them until the first `get` of each; any write to a transaction drops its
    prefetched copy, so a unit always sees the writes of the units before it.

    `kept` (SQLite): the writer's open transactions, which serve `get` and `find` without a
    read; a write drops the transaction from it, except the register writes of the
    MeterValues path, which keep it up to date (`SqlMeterValues.add_one_for_transaction`).

    `versions` (PostgreSQL): the transactions this server wrote, with their row versions,
    which serve the `prefetch` of declared transactions without a read; what they serve is
    checked before the batch commits (`storage.versioned_transactions`). Every transaction
    read by id in a batch has its version noted (`_read`), for the write that follows.
    """

    def __init__(
        self,
        db: Executor,
        sql: Statements,
        kept: OpenTransactions | None,
        versions: VersionedTransactions | None = None,
    ) -> None:
        self._db = db
        self._sql = sql
        self._prefetched: dict[int, Row] = {}
        self._prefetched_keys: dict[bytes, Row] = {}
        self.kept = kept
        self.versions = versions
        self._served: dict[int, tuple[Transaction, int]] = {}  # from `versions`, unchecked
        self._read: dict[int, int] = {}  # versions of the transactions read this batch
        self._written: dict[int, Transaction] = {}  # by the deferred MeterValues write

    def reset(self) -> None:
        """Forget prefetched rows (a new database transaction starts)."""
        self._prefetched.clear()
        self._prefetched_keys.clear()
        self._served.clear()
        self._read.clear()
        self._written.clear()

    def prefetch(self, transaction_ids: Sequence[int], keys: Sequence[bytes] = ()) -> None:
        """Read these transactions (by id, and by natural key) in one round trip each, for
        the `get` and `find` calls that follow; those by id that `versions` holds are
        served from there instead. A single one is left to `get` (as cheap in the batch)."""
        statement, by_key = self._sql.tx_get_many, self._sql.tx_find_many
        if statement is None or by_key is None:  # SQLite: reading each in process costs as much
            return
        ids = sorted({i for i in transaction_ids if 0 < i < 2**31})
        versions = self.versions
        if versions is not None and ids:
            missing = []
            for tx_id in ids:
                hit = versions.get(tx_id)
                if hit is None:
                    missing.append(tx_id)
                else:
                    self._served[tx_id] = hit
            ids = missing
        if len(ids) + len(keys) < 2:
            return
        if ids:
            for row in self._db.read_ahead(statement, {"ids": ids}):
                self._prefetched[row[0]] = row
        if keys:
            for keyed in self._db.read_ahead(by_key, {"keys": sorted(set(keys))}):
                self._prefetched_keys[bytes(keyed[-1])] = keyed[:-1]

    def get(self, transaction_id: int) -> Transaction | None:
        # OCPP 1.6 ids are int32; anything else (-1, huge) cannot be ours.
        if not 0 < transaction_id < 2**31:
            return None
        kept = self.kept
        if kept is not None:
            tx = kept.get(transaction_id)
            if tx is not None:
                return tx
        served = self._served.get(transaction_id)
        if served is not None:
            return served[0]
        row = self._prefetched.pop(transaction_id, None)
        if row is None:
            row = self._db.first(self._sql.tx_get, {"id": transaction_id})
        if row is None:
            return None
        tx = _transaction(row)
        if kept is not None:
            kept.keep(tx)
        if self.versions is not None:
            self._read[transaction_id] = row[_FIELDS]
        return tx

    def written_deferred(self, tx: Transaction) -> int | None:
        """`tx` as the batch's deferred MeterValues write will store it: the version its
        registers were folded onto, which that write checks (None: not known)."""
        served = self._served.pop(tx.id, None)
        version = served[1] if served is not None else self._read.pop(tx.id, None)
        self.forget(tx.id)
        if self.versions is not None:
            self._written[tx.id] = tx
        return version

    def verify_served(self) -> None:
        """Before the commit: check the transactions served from `versions` that nothing
        wrote (and so nothing checked); raise `TransactionChanged` if one was changed."""
        if self._served:
            served, self._served = self._served, {}
            self._check({tx_id: version for tx_id, (_, version) in served.items()})

    def _check(self, versions: dict[int, int]) -> None:
        """Raise `TransactionChanged` unless each transaction's row has its version."""
        statement = self._sql.tx_versions
        assert statement is not None  # served only on PostgreSQL
        stored: dict[int, int] = dict(self._db.rows(statement, {"ids": sorted(versions)}))
        if any(stored.get(tx_id) != version for tx_id, version in versions.items()):
            raise TransactionChanged("a transaction changed since this server read it")

    def committed(self) -> None:
        """After the commit: remember the transactions the deferred MeterValues write
        stored, with their new versions (those it left alone are forgotten)."""
        versions, statement = self.versions, self._sql.mv_add_deferred
        if versions is None or statement is None or not self._written:
            return
        stored: dict[int, int] = {}
        for _, ids, new_versions in self._db.results(statement):
            stored.update(zip(ids or (), new_versions or (), strict=True))
        for tx_id, tx in self._written.items():
            version = stored.get(tx_id)
            if version is None:
                versions.drop(tx_id)
            else:
                versions.put(tx, version)
        self._written.clear()

    def forget(self, transaction_id: int) -> None:
        """Drop the kept and prefetched copies of a transaction that is being written; one
        served from `versions` is checked first (its write does not check it)."""
        served = self._served.pop(transaction_id, None)
        if served is not None:
            self._check({transaction_id: served[1]})
        if self.kept is not None:
            self.kept.forget(transaction_id)
        if self.versions is not None:
            self.versions.drop(transaction_id)
            self._read.pop(transaction_id, None)
            self._written.pop(transaction_id, None)
        self._prefetched.pop(transaction_id, None)
        if self._prefetched_keys:
            stale = [k for k, row in self._prefetched_keys.items() if row[0] == transaction_id]
            for key in stale:
                del self._prefetched_keys[key]

    def find(self, key: bytes) -> Transaction | None:
        kept = self.kept
        if kept is not None:
            tx = kept.find(key)
            if tx is not None:
                return tx
        row = self._prefetched_keys.pop(key, None)
        if row is None:
            row = self._db.first(self._sql.tx_find, {"key": key})
        if row is None:
            return None
        tx = _transaction(row)
        if kept is not None:
            kept.keep(tx, key)
        return tx

    def add(self, tx: Transaction, key: bytes) -> int | None:
        params = _params(tx)
        del params["id"]
        params["dedupe_key"] = key
        row = self._db.first(self._sql.tx_add, params)
        return None if row is None else int(row[0])

    def save(self, tx: Transaction) -> None:
        self.forget(tx.id)
        params = _params(tx)
        params["_id"] = params.pop("id")
        self._db.run(self._sql.tx_save, params)

    def save_registers(self, tx: Transaction) -> None:
        self.forget(tx.id)
        self._db.run(self._sql.tx_save_registers, _register_params(tx, ""))

    def has_open_elsewhere(
        self, id_tag: str, station_id: str, evse_id: int, connector_id: int
    ) -> bool:
        params = {"tag": token_key(id_tag), "_s": station_id, "_e": evse_id, "_c": connector_id}
        return self._db.first(self._sql.tx_open_elsewhere, params) is not None

    def list_for_station(self, station_id: str, *, limit: int = 100) -> list[Transaction]:
        rows = self._db.rows(self._sql.tx_list, {"_s": station_id, "limit": limit})
        return [_transaction(row) for row in rows]

    def list_for_evse(self, station_id: str, evse_id: int, limit: int) -> list[Transaction]:
        params = {"_s": station_id, "_e": evse_id, "limit": limit}
        return [_transaction(row) for row in self._db.rows(self._sql.tx_list_evse, params)]


class SqlMeterValues:
    """`domain.ports.MeterValueRepository` in SQL."""

    def __init__(self, db: Executor, sql: Statements, transactions: SqlTransactions) -> None:
        self._db = db
        self._sql = sql
        self._transactions = transactions

    def add(self, records: Sequence[MeterRecord]) -> set[bytes]:
        inserted: set[bytes] = set()
        step = self._sql.mv_add.MAX_ROWS
        for first in range(0, len(records), step):
            chunk = records[first : first + step]
            statement = self._sql.mv_add.for_rows(len(chunk))
            params = self._sql.mv_add.parameters([record_values(r) for r in chunk])
            inserted.update(bytes(row[0]) for row in self._db.raw_rows(statement, params))
        return inserted

    def add_for_transaction(
        self,
        records: Sequence[MeterRecord],
        tx: Transaction,
        register: tuple[float, datetime] | None,
    ) -> tuple[set[bytes], bool]:
        self._transactions.forget(tx.id)
        tracked = self._sql.mv_add_tracked
        if tracked is None or not 0 < len(records) <= tracked.MAX_ROWS:
            return self._add_then_update(records, tx, register)
        extra = tracked_extra(len(records), tx, register)
        rows = [record_values(r) for r in records]
        result = self._db.raw_rows(
            tracked.for_rows(len(rows)), tracked.tracked_parameters(rows, extra)
        )
        inserted = {bytes(key) for key, _ in result}
        return inserted, bool(result) and result[0][1] > 0

    def add_one_for_transaction(
        self,
        record: MeterRecord,
        tx: Transaction,
        register: tuple[float, datetime] | None,
    ) -> None:
        deferred = self._sql.mv_add_deferred
        if deferred is None:  # SQLite
            self._add_one_in_process(record, tx, register)
            return
        version = self._transactions.written_deferred(tx)
        wh, at = register if register is not None else (None, None)
        row = (
            *record_values(record), *_register_values(tx),
            tx.station_id, tx.evse_id, wh, at, register is not None, version,
        )  # fmt: skip
        self._db.defer(deferred, deferred.convert(row))

    def _add_one_in_process(
        self, record: MeterRecord, tx: Transaction, register: tuple[float, datetime] | None
    ) -> None:
        """SQLite: insert the row now (in process, so its outcome costs nothing), and, if it
        was new, queue the register writes: only the last of each transaction and the
        newest of each EVSE in a batch are sent, as `executemany`s before the commit. The
        transaction's registers are kept in memory as written (`kept`)."""
        insert = self._sql.mv_insert
        if not self._db.run_beside_deferred(insert, insert.convert(record_values(record))):
            return  # seen before: a retried message changes nothing
        self._db.defer_latest(self._sql.tx_save_registers, tx.id, _register_values(tx))
        kept = self._transactions.kept
        if kept is not None:
            kept.keep_written(tx)
        if register is not None:
            upsert = self._sql.evse_register_upsert
            evse = (tx.station_id, tx.evse_id)
            queued = self._db.queued(upsert, evse)
            # The upsert keeps the newest register (ties: the later write), so of a batch's
            # registers for one EVSE only that one can matter.
            if queued is None or queued[3] <= register[1]:
                self._db.defer_latest(upsert, evse, (*evse, *register))

    def _add_then_update(
        self,
        records: Sequence[MeterRecord],
        tx: Transaction,
        register: tuple[float, datetime] | None,
    ) -> tuple[set[bytes], bool]:
        """The same contract in up to three statements (SQLite: no round trips to save)."""
        inserted = self.add(records)
        if len(inserted) < len(records):
            return inserted, False
        self._db.run(self._sql.tx_save_registers, _register_params(tx, ""))
        if register is None:
            return inserted, False
        params = {"_s": tx.station_id, "_e": tx.evse_id, "wh": register[0], "at": register[1]}
        return inserted, self._db.run(self._sql.evse_register, params) > 0

    def list_for_transaction(self, transaction_id: int) -> list[MeterReading]:
        rows = self._db.rows(self._sql.mv_list, {"tx": transaction_id})
        return [reading for row in rows for reading in _record(row).readings()]

    def list_unmatched(self, station_id: str) -> list[MeterReading]:
        rows = self._db.rows(self._sql.mv_unmatched, {"_s": station_id})
        return [reading for row in rows for reading in _record(row).readings()]

    def list_outside_transactions(self, station_id: str) -> list[MeterReading]:
        rows = self._db.rows(self._sql.mv_outside, {"_s": station_id})
        return [reading for row in rows for reading in _record(row).readings()]

    def adopt(self, station_id: str, reported_id: int, transaction_id: int) -> int:
        params = {"_s": station_id, "reported": reported_id, "tx": transaction_id}
        return self._db.run(self._sql.mv_adopt, params)


def _transaction(row: Row) -> Transaction:
    values = list(row[:_FIELDS])
    if values[_AUTH] is not None:
        values[_AUTH] = AuthStatus(values[_AUTH])
    values[_SUSPECT] = decode_flags(values[_SUSPECT])
    return Transaction(*values)


def _register_params(tx: Transaction, prefix: str) -> dict[str, Any]:
    """`statements.TX_REGISTERS` of `tx`, bind names prefixed, plus the id as ``_id``."""
    *registers, tx_id = _register_values(tx)
    params = {prefix + name: value for name, value in zip(TX_REGISTERS, registers, strict=True)}
    params["_id"] = tx_id
    return params


def _register_values(tx: Transaction) -> tuple[Any, ...]:
    """`statements.TX_REGISTERS` of `tx` and its id, the bind order of `tx_save_registers`."""
    return (
        tx.baseline_wh, tx.energy_wh, tx.first_register_wh, tx.first_register_at,
        tx.last_register_wh, tx.last_register_at, tx.reading_count, encode_flags(tx.suspect),
        tx.id,
    )  # fmt: skip


def _params(tx: Transaction) -> dict[str, Any]:
    return {
        "id": tx.id,
        "station_id": tx.station_id,
        "evse_id": tx.evse_id,
        "connector_id": tx.connector_id,
        "id_tag": tx.id_tag,
        "id_tag_key": None if tx.id_tag is None else token_key(tx.id_tag),
        "started_at": tx.started_at,
        "meter_start_wh": tx.meter_start_wh,
        "remote_id": tx.remote_id,
        "reservation_id": tx.reservation_id,
        "auth_status": None if tx.auth_status is None else tx.auth_status.value,
        "stopped_at": tx.stopped_at,
        "meter_stop_wh": tx.meter_stop_wh,
        "stop_reason": tx.stop_reason,
        "stop_id_tag": tx.stop_id_tag,
        "baseline_wh": tx.baseline_wh,
        "energy_wh": tx.energy_wh,
        "first_register_wh": tx.first_register_wh,
        "first_register_at": tx.first_register_at,
        "last_register_wh": tx.last_register_wh,
        "last_register_at": tx.last_register_at,
        "reading_count": tx.reading_count,
        "suspect": encode_flags(tx.suspect),
        "unmatched": tx.unmatched,
        "reported_id": tx.reported_id,
    }


def tracked_extra(
    count: int, tx: Transaction, register: tuple[float, datetime] | None
) -> dict[str, Any]:
    """The parameters of `bulk.TrackedInsert` after its `count` rows: `tx`'s registers and
    id, and the EVSE's newest `register` (Wh, time), if any."""
    extra = _register_params(tx, "t_")
    wh, at = register if register is not None else (None, None)
    extra.update(
        n=count, _s=tx.station_id, _e=tx.evse_id, wh=wh, at=at,
        has_register=register is not None,
    )  # fmt: skip
    return extra


def record_values(record: MeterRecord) -> tuple[Any, ...]:
    """A record as a row in `statements.MV_FIELDS` order."""
    return (
        record.key,
        record.station_id,
        record.evse_id,
        record.connector_id,
        record.transaction_id,
        record.reported_transaction_id,
        record.at,
        pack(record.samples, record.flags),
    )


def _record(row: Row) -> MeterRecord:
    key, station_id, evse_id, connector_id, tx_id, reported, at, text = row
    samples, flags = packed.unpack(text, at)
    return MeterRecord(
        bytes(key), station_id, evse_id, connector_id, tx_id, reported, at, samples, flags
    )


class SqlTransactionEvents:
    """`domain.ports.TransactionEventRepository` in SQL."""

    def __init__(self, db: Executor, sql: Statements) -> None:
        self._db = db
        self._sql = sql

    def add(self, event: StoredTransactionEvent, key: bytes) -> None:
        """Queue the event's row (nothing reads the outcome, so the insert may wait: on
        PostgreSQL it goes out with the batch's other deferred writes in one round trip).

        An event that fills no column beyond `TX_EVENT_SHORT` (most: a periodic Updated
        carries its meter values, at most its charging state) is inserted by a statement
        without the others: sqlite3 binds a None through its adapter registry, ~1,700
        instructions each, and such a row has nine. Rows keep the order they came in,
        which decides which of two rows with one key is stored: once a row went to the
        full statement in this batch, the others follow it there, so the rows of the
        shorter statement, sent first, all came before.
        """
        values = _event_values(event)
        full = self._sql.tx_event_add
        if _rest(values) != _EMPTY_REST or self._db.has_deferred(full):
            self._db.defer(full, full.convert((key, *values)))
            return
        short = self._sql.tx_event_add_short
        self._db.defer(short, short.convert((key, *_short(values))))

    def list_for_transaction(self, transaction_id: int) -> list[StoredTransactionEvent]:
        rows = self._db.rows(self._sql.tx_event_list, {"_t": transaction_id})
        return [_stored_event(row) for row in rows]


def _event_values(event: StoredTransactionEvent) -> tuple[Any, ...]:
    """The event's fields in `TX_EVENT_FIELDS` order, as columns hold them (spelled out:
    `dataclasses.fields` costs more than the rest of this, once per TransactionEvent)."""
    e = event
    return (
        e.transaction_id, e.station_id, e.station_transaction_id, e.event_type.value,
        e.timestamp, e.trigger_reason, e.seq_no, e.offline, e.charging_state,
        e.stopped_reason, e.id_token, e.evse_id, e.connector_id, e.sample_count,
        e.received_at, e.remote_start_id, e.reservation_id, e.number_of_phases_used,
        e.cable_max_current_a, e.time_spent_charging_s,
    )  # fmt: skip


def _stored_event(row: Row) -> StoredTransactionEvent:
    values = list(row)
    values[_EVENT_TYPE] = TxEventType(values[_EVENT_TYPE])
    values[_OFFLINE] = bool(values[_OFFLINE])
    return StoredTransactionEvent(*values)


_EVENT_TYPE = TX_EVENT_FIELDS.index("event_type")
_OFFLINE = TX_EVENT_FIELDS.index("offline")
_short = itemgetter(*(TX_EVENT_FIELDS.index(name) for name in TX_EVENT_SHORT))
_REST = [i for i, name in enumerate(TX_EVENT_FIELDS) if name not in TX_EVENT_SHORT]
_rest = itemgetter(*_REST)
_EMPTY_REST = (None,) * len(_REST)
