"""PostgreSQL's own CPU per MeterValues write: one execution per row, or a batch as an array.

    .venv/bin/python bench/postgres_write_forms.py [--batches 200] [--rounds 3] [--jsonb]

Writes batches of 100 MeterValues rows (one per open transaction, six samples each, with
the transaction's and the EVSE's registers) through `SqlMeterValues`, in the two forms the
storage has had (docs/adr/0003-hot-path.md §26), alternating:

  rows     each row its own execution of `bulk.TrackedInsert` (one pipelined executemany)
  arrays   the whole batch as one execution of `bulk.tracked_columnar`, what Voltgate sends
           (one array per column until ADR 0003 §29, one array of rows of a composite
           type since)

and prints PostgreSQL's CPU per row (all its processes, as bench/run.py counts it).
`--jsonb` first turns `samples` back into `jsonb`, the type before migration 0015. Runs on
a fresh database, dropped afterwards, as bench/run.py does (`servers.database`).
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.dialects import postgresql

from phases import cpu_by_pid, cpu_since
from servers import database, postgres_backends
from voltgate.domain.meter import normalise
from voltgate.domain.ports import Repositories
from voltgate.domain.readings import MeterRecord
from voltgate.domain.transactions import NO_FLAGS, Transaction
from voltgate.storage.database import Database
from voltgate.storage.migrate import upgrade
from voltgate.storage.repositories import SqlRepositories
from voltgate.storage.statements import Statements
from voltgate.storage.transaction_repos import record_values, tracked_extra

TRANSACTIONS = 100
T0 = datetime(2026, 12, 6, tzinfo=UTC)
TRACKED = Statements(postgresql.asyncpg.dialect()).mv_add_tracked
assert TRACKED is not None


def _samples(at: datetime, wh: int) -> tuple[Any, ...]:
    return (
        normalise(at, str(wh)),
        normalise(at, "11000", measurand="Power.Active.Import", unit="W"),
        *(
            normalise(at, "16", measurand="Current.Import", unit="A", phase=p)
            for p in ("L1", "L2", "L3")
        ),
        normalise(at, "50", measurand="SoC", unit="Percent"),
    )


def _setup(repos: Repositories) -> list[int]:
    assert isinstance(repos, SqlRepositories)
    run = repos.connection.exec_driver_sql
    run(
        "INSERT INTO stations (id, registration) "
        f"SELECT 'CP-' || g, 'accepted' FROM generate_series(1, {TRANSACTIONS}) g"
    )
    run(
        "INSERT INTO evses (station_id, evse_id) "
        f"SELECT 'CP-' || g, 1 FROM generate_series(1, {TRANSACTIONS}) g"
    )
    run(
        "INSERT INTO transactions (dedupe_key, station_id, evse_id, connector_id) "
        f"SELECT decode(md5(g::text), 'hex'), 'CP-' || g, 1, 1 "
        f"FROM generate_series(1, {TRANSACTIONS}) g"
    )
    return [row[0] for row in run("SELECT id FROM transactions ORDER BY id")]


def _defer_tracked(
    repos: SqlRepositories, record: MeterRecord, tx: Transaction, register: tuple[float, datetime]
) -> None:
    """The form before §26: the row, its registers and the EVSE's in one statement per row."""
    extra = tracked_extra(1, tx, register)
    repos.executor.defer(
        TRACKED.for_rows(1), TRACKED.tracked_parameters([record_values(record)], extra)
    )


async def _write(db: Database, tx_ids: list[int], form: str, batches: int, first: int) -> None:
    for batch in range(first, first + batches):
        at = T0 + timedelta(seconds=10 * batch)

        def unit(repos: Repositories, at: datetime = at, batch: int = batch) -> None:
            assert isinstance(repos, SqlRepositories)
            repos.transactions.prefetch(tx_ids)  # as the server reads a batch's ahead
            for n, tx_id in enumerate(tx_ids, 1):
                tx = repos.transactions.get(tx_id)
                assert tx is not None
                tx = tx._replace(last_register_wh=float(batch), last_register_at=at)
                key = f"{batch}-{n}".encode().ljust(16, b".")
                record = MeterRecord(
                    key, f"CP-{n}", 1, 1, tx_id, tx_id, at, _samples(at, batch),
                    (NO_FLAGS,) * 6,
                )  # fmt: skip
                if form == "arrays":
                    repos.meter_values.add_one_for_transaction(record, tx, (float(batch), at))
                else:
                    _defer_tracked(repos, record, tx, (float(batch), at))

        await db.run(unit)


async def main(batches: int, rounds: int, jsonb: bool) -> None:
    with database("postgres") as url:
        await asyncio.to_thread(upgrade, url)
        db = Database.connect(url)
        try:
            tx_ids = await db.run(_setup)
            if jsonb:
                await db.run(
                    lambda repos: repos.connection.exec_driver_sql(  # type: ignore[attr-defined]
                        "ALTER TABLE meter_values ALTER COLUMN samples TYPE jsonb"
                        " USING samples::jsonb"
                    )
                )
            print(f"samples as {'jsonb' if jsonb else 'json'}; {batches} batches of {TRANSACTIONS}")
            print(f"{'form':8s} {'postgres µs/row':>16s}")
            done = 0
            for _ in range(rounds):
                for form in ("rows", "arrays"):
                    before = cpu_by_pid(postgres_backends())
                    await _write(db, tx_ids, form, batches, done)
                    await asyncio.sleep(0.5)  # let the WAL writer finish its share
                    spent = cpu_since(before, cpu_by_pid(postgres_backends()))
                    print(f"{form:8s} {spent / (batches * TRANSACTIONS) * 1e6:16.1f}")
                    done += batches
        finally:
            await db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batches", type=int, default=200, help="batches per form and round")
    parser.add_argument("--rounds", type=int, default=3, help="times each form runs, alternating")
    parser.add_argument("--jsonb", action="store_true", help="samples as jsonb (before 0015)")
    args = parser.parse_args()
    asyncio.run(main(args.batches, args.rounds, args.jsonb))
