"""SQL implementations of the transaction and meter value ports (the hot path).

A MeterValues message costs: one primary-key SELECT of the transaction, one multi-row
``INSERT ... ON CONFLICT DO NOTHING RETURNING key`` of its samples, one UPDATE of the
transaction and one UPDATE of the EVSE register. Rows map positionally onto the domain
dataclasses (`statements.TX_FIELDS`, `statements.MV_FIELDS`), which is cheaper than
building dicts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from voltgate.domain.authorization import AuthStatus, token_key
from voltgate.domain.meter import MeterSample
from voltgate.domain.transactions import MeterReading, Transaction
from voltgate.storage.sql import Executor, Row
from voltgate.storage.statements import TX_FIELDS, Statements
from voltgate.storage.types import decode_flags, encode_flags

_AUTH = TX_FIELDS.index("auth_status")
_SUSPECT = TX_FIELDS.index("suspect")


class SqlTransactions:
    """`domain.ports.TransactionRepository` in SQL."""

    def __init__(self, db: Executor, sql: Statements) -> None:
        self._db = db
        self._sql = sql

    def get(self, transaction_id: int) -> Transaction | None:
        # OCPP 1.6 ids are int32; anything else (-1, huge) cannot be ours.
        if not 0 < transaction_id < 2**31:
            return None
        row = self._db.first(self._sql.tx_get, {"id": transaction_id})
        return None if row is None else _transaction(row)

    def find(self, key: bytes) -> Transaction | None:
        row = self._db.first(self._sql.tx_find, {"key": key})
        return None if row is None else _transaction(row)

    def add(self, tx: Transaction, key: bytes) -> int | None:
        params = _params(tx)
        del params["id"]
        params["dedupe_key"] = key
        row = self._db.first(self._sql.tx_add, params)
        return None if row is None else int(row[0])

    def save(self, tx: Transaction) -> None:
        params = _params(tx)
        params["_id"] = params.pop("id")
        self._db.run(self._sql.tx_save, params)

    def save_registers(self, tx: Transaction) -> None:
        self._db.run(self._sql.tx_save_registers, _register_params(tx, ""))

    def has_open_elsewhere(
        self, id_tag: str, station_id: str, evse_id: int, connector_id: int
    ) -> bool:
        params = {"tag": token_key(id_tag), "_s": station_id, "_e": evse_id, "_c": connector_id}
        return self._db.first(self._sql.tx_open_elsewhere, params) is not None

    def list_for_station(self, station_id: str, *, limit: int = 100) -> list[Transaction]:
        rows = self._db.rows(self._sql.tx_list, {"_s": station_id, "limit": limit})
        return [_transaction(row) for row in rows]


class SqlMeterValues:
    """`domain.ports.MeterValueRepository` in SQL."""

    def __init__(self, db: Executor, sql: Statements) -> None:
        self._db = db
        self._sql = sql

    def add(self, readings: Sequence[MeterReading]) -> set[bytes]:
        inserted: set[bytes] = set()
        step = self._sql.mv_add.MAX_ROWS
        for first in range(0, len(readings), step):
            chunk = readings[first : first + step]
            statement = self._sql.mv_add.for_rows(len(chunk))
            params = self._sql.mv_add.parameters([_reading_values(r) for r in chunk])
            inserted.update(bytes(row[0]) for row in self._db.raw_rows(statement, params))
        return inserted

    def add_for_transaction(
        self,
        readings: Sequence[MeterReading],
        tx: Transaction,
        register: tuple[float, datetime] | None,
    ) -> tuple[set[bytes], bool]:
        tracked = self._sql.mv_add_tracked
        if tracked is None or not 0 < len(readings) <= tracked.MAX_ROWS:
            return self._add_then_update(readings, tx, register)
        extra = _register_params(tx, "t_")
        wh, at = register if register is not None else (None, None)
        extra.update(
            n=len(readings), _s=tx.station_id, _e=tx.evse_id, wh=wh, at=at,
            has_register=register is not None,
        )  # fmt: skip
        rows = [_reading_values(r) for r in readings]
        result = self._db.raw_rows(
            tracked.for_rows(len(rows)), tracked.tracked_parameters(rows, extra)
        )
        inserted = {bytes(key) for key, _ in result}
        return inserted, bool(result) and result[0][1] > 0

    def _add_then_update(
        self,
        readings: Sequence[MeterReading],
        tx: Transaction,
        register: tuple[float, datetime] | None,
    ) -> tuple[set[bytes], bool]:
        """The same contract in up to three statements (SQLite: no round trips to save)."""
        inserted = self.add(readings)
        if len(inserted) < len(readings):
            return inserted, False
        self._db.run(self._sql.tx_save_registers, _register_params(tx, ""))
        if register is None:
            return inserted, False
        params = {"_s": tx.station_id, "_e": tx.evse_id, "wh": register[0], "at": register[1]}
        return inserted, self._db.run(self._sql.evse_register, params) > 0

    def list_for_transaction(self, transaction_id: int) -> list[MeterReading]:
        rows = self._db.rows(self._sql.mv_list, {"tx": transaction_id})
        return [_reading(row) for row in rows]

    def list_unmatched(self, station_id: str) -> list[MeterReading]:
        rows = self._db.rows(self._sql.mv_unmatched, {"_s": station_id})
        return [_reading(row) for row in rows]

    def adopt(self, station_id: str, reported_id: int, transaction_id: int) -> int:
        params = {"_s": station_id, "reported": reported_id, "tx": transaction_id}
        return self._db.run(self._sql.mv_adopt, params)


def _transaction(row: Row) -> Transaction:
    values = list(row)
    if values[_AUTH] is not None:
        values[_AUTH] = AuthStatus(values[_AUTH])
    values[_SUSPECT] = decode_flags(values[_SUSPECT])
    return Transaction(*values)


def _register_params(tx: Transaction, prefix: str) -> dict[str, Any]:
    """`statements.TX_REGISTERS` of `tx`, bind names prefixed, plus the id as ``_id``."""
    return {
        "_id": tx.id,
        f"{prefix}baseline_wh": tx.baseline_wh,
        f"{prefix}energy_wh": tx.energy_wh,
        f"{prefix}first_register_wh": tx.first_register_wh,
        f"{prefix}first_register_at": tx.first_register_at,
        f"{prefix}last_register_wh": tx.last_register_wh,
        f"{prefix}last_register_at": tx.last_register_at,
        f"{prefix}reading_count": tx.reading_count,
        f"{prefix}suspect": encode_flags(tx.suspect),
    }


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


def _reading_values(reading: MeterReading) -> tuple[Any, ...]:
    """A reading as a row in `statements.MV_FIELDS` order."""
    sample = reading.sample
    return (
        reading.key,
        reading.station_id,
        reading.evse_id,
        reading.connector_id,
        reading.transaction_id,
        reading.reported_transaction_id,
        sample.at,
        sample.measurand,
        sample.phase,
        sample.location,
        sample.context,
        sample.format,
        sample.unit_raw,
        sample.value_raw,
        sample.value,
        sample.unit,
        sample.signed_data,
        encode_flags(reading.flags),
    )


def _reading(row: Row) -> MeterReading:
    (key, station_id, evse_id, connector_id, tx_id, reported, at, measurand, phase, location,
     context, fmt, unit_raw, value_raw, value, unit, signed_data, flags) = row  # fmt: skip
    sample = MeterSample(
        at=at,
        value_raw=value_raw,
        value=value,
        unit=unit,
        unit_raw=unit_raw,
        measurand=measurand,
        phase=phase,
        location=location,
        context=context,
        format=fmt,
        signed_data=signed_data,
    )
    return MeterReading(
        bytes(key), station_id, evse_id, connector_id, tx_id, reported, sample, decode_flags(flags)
    )
