"""PostgreSQL: open transactions remembered with their row version, so a MeterValues batch
reads none of them again, and every write made from one checks that it is still current.

Each 1.6 MeterValues folds its samples into its transaction's registers, so the batch read
every transaction it touched (`SqlTransactions.prefetch`, one round trip) before it could
write them. That read cost the server ~40,000 instructions a MeterValues to decode, and a
round trip whose answer waits in the event loop behind the frames that came in meanwhile
(docs/adr/0003-hot-path.md §27, §30).

Unlike SQLite's writer (`storage.open_transactions`), a PostgreSQL server cannot know that
nobody else wrote a transaction: several gateway nodes, the CLI and the API may share the
database. So what is remembered here is only a claim, checked where it is used:

* Each transaction is remembered with its row's version (PostgreSQL's `xmin`, which every
  UPDATE of the row changes, whoever runs it), as this server last wrote or read it.
* The batch's MeterValues write updates a transaction only if its row still has that
  version, and fails as a whole, with nothing kept, if one had changed
  (`bulk.tracked_columnar`, migration 0017).
* Any other write of a transaction served from here first reads its version in the
  batch's transaction, and so does the end of a batch for those it served but did not
  write (`SqlTransactions.forget`, `SqlTransactions.verify_served`).
* A change found either way raises `retry.TransactionChanged`: the batch is rolled back,
  everything here is forgotten, and the batch runs again on what is stored.

Only the units that declare the transactions they read (`domain.ports.Reads`: the
MeterValues path) are served from here; every other read goes to the database.
"""

from __future__ import annotations

from voltgate.domain.transactions import Transaction

MAX_KEPT = 16_384
"""More transactions than this (far beyond one gateway's open transactions; about 10 MB)
and all are forgotten, so transactions that never stop cannot pile up."""


class VersionedTransactions:
    """Transactions by id, each with the row version it was stored with."""

    __slots__ = ("_by_id",)

    def __init__(self) -> None:
        self._by_id: dict[int, tuple[Transaction, int]] = {}

    def get(self, transaction_id: int) -> tuple[Transaction, int] | None:
        """The transaction and its version, if remembered."""
        return self._by_id.get(transaction_id)

    def put(self, tx: Transaction, version: int) -> None:
        """Remember `tx` as committed with `version`."""
        by_id = self._by_id
        if len(by_id) >= MAX_KEPT and tx.id not in by_id:
            by_id.clear()
        by_id[tx.id] = (tx, version)

    def drop(self, transaction_id: int) -> None:
        """Forget one transaction (it is being written some other way)."""
        self._by_id.pop(transaction_id, None)

    def clear(self) -> None:
        """Forget every transaction (a batch failed: what it wrote may not be stored)."""
        self._by_id.clear()

    def __len__(self) -> int:
        return len(self._by_id)
