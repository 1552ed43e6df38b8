"""The SQLite writer's memory of open transactions, so a MeterValues reads no row.

Every MeterValues (and 2.0.1 TransactionEvent Updated) reads its transaction, folds the
samples into its registers and writes them back. On SQLite the read was one of four
statements per message and its row conversion (datetimes parsed, flags decoded, a
`Transaction` built) cost about as much again (docs/adr/0003-hot-path.md). The writer
thread owns the only connection that writes through this process, so it can keep the open
transactions it has read or written, as they are stored, and serve the next read of each
from memory. It stays exact because:

* it is only ever changed by that connection's own statements, inside a batch;
* a batch that fails (rolled back, or its commit raised) forgets everything, since what it
  changed here may never have been committed;
* another connection or process (the CLI, a second server on the same file) may commit to
  the file: ``PRAGMA data_version`` changes when one did, so it is read once per batch,
  after ``BEGIN IMMEDIATE`` took the write lock (nobody else can commit until the batch
  ends), and a change forgets everything.

PostgreSQL cannot be this sure: several gateway nodes may share one database. There the
transactions are remembered with their row versions, which the writes check
(`storage.versioned_transactions`), and the others are read ahead in one query.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from voltgate.domain.transactions import Transaction

MAX_KEPT = 16_384
"""More transactions or keys than this (far beyond one SQLite gateway's open transactions;
about 10 MB) and all are forgotten, so transactions that never stop cannot pile up."""


class OpenTransactions:
    """Open transactions by id and by natural key, as the database holds them."""

    __slots__ = ("_by_id", "_ids", "_version")

    def __init__(self) -> None:
        self._by_id: dict[int, Transaction] = {}
        self._ids: dict[bytes, int] = {}
        self._version: int | None = None

    def begin(self, dbapi_connection: Any) -> None:
        """Start of a batch (write lock held): forget all if another connection committed."""
        (version,) = dbapi_connection.execute("PRAGMA data_version").fetchone()
        if version != self._version:
            self.clear()
            self._version = version

    def clear(self) -> None:
        """Forget every transaction (a batch failed, or the file changed under us)."""
        self._by_id.clear()
        self._ids.clear()

    def reset(self) -> None:
        """Forget everything, the file's version too (a new connection counts its own)."""
        self.clear()
        self._version = None

    def get(self, transaction_id: int) -> Transaction | None:
        """The kept transaction, or None (not kept: read it)."""
        return self._by_id.get(transaction_id)

    def find(self, key: bytes) -> Transaction | None:
        """The kept transaction stored with natural key `key`, or None (not kept: read it)."""
        tx_id = self._ids.get(key)
        return None if tx_id is None else self._by_id.get(tx_id)

    def keep(self, tx: Transaction, key: bytes | None = None) -> None:
        """Remember `tx` as read from the database (and its natural key), if it is open."""
        if tx.stopped_at is not None:
            self.forget(tx.id)
            return
        if len(self._by_id) >= MAX_KEPT or len(self._ids) >= MAX_KEPT:
            self.clear()
        self._by_id[tx.id] = tx
        if key is not None:
            self._ids[key] = tx.id

    def keep_written(self, tx: Transaction) -> None:
        """Remember `tx` whose registers this batch has just written (`stored_registers`)."""
        self.keep(stored_registers(tx))

    def forget(self, transaction_id: int) -> None:
        """Drop a transaction that is being written in a way not kept here."""
        self._by_id.pop(transaction_id, None)


def stored_registers(tx: Transaction) -> Transaction:
    """`tx` with its register fields as a read would return them: REAL columns come back
    as float, datetimes as aware UTC (see `storage.types`). The same object when they are
    already so, as on the MeterValues path."""
    if (
        type(tx.baseline_wh) in _STORED_WH
        and type(tx.energy_wh) in _STORED_WH
        and type(tx.first_register_wh) in _STORED_WH
        and type(tx.last_register_wh) in _STORED_WH
        and (tx.first_register_at is None or tx.first_register_at.tzinfo is UTC)
        and (tx.last_register_at is None or tx.last_register_at.tzinfo is UTC)
    ):
        return tx
    return tx._replace(
        baseline_wh=_float(tx.baseline_wh),
        energy_wh=_float(tx.energy_wh),
        first_register_wh=_float(tx.first_register_wh),
        first_register_at=_utc(tx.first_register_at),
        last_register_wh=_float(tx.last_register_wh),
        last_register_at=_utc(tx.last_register_at),
    )


_STORED_WH = frozenset({float, type(None)})


def _float(value: float | None) -> float | None:
    return None if value is None else float(value)


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None or value.tzinfo is UTC else value.astimezone(UTC)
