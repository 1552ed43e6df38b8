"""The writer's memory of open transactions (SQLite) never serves what is not stored.

Each test also runs on PostgreSQL, which reads every transaction: both must behave alike.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from voltgate.domain.meter import MeterSample, normalise
from voltgate.domain.ports import Repositories
from voltgate.domain.services import Services, StartRequest, StopRequest
from voltgate.domain.services.transactions import store_samples
from voltgate.domain.transaction_events import TransactionEventReport, TxEventType
from voltgate.domain.transactions import Transaction
from voltgate.storage.committer import Committer
from voltgate.storage.database import Database
from voltgate.storage.open_transactions import OpenTransactions
from voltgate.storage.versioned_transactions import VersionedTransactions
from voltgate.testing.clock import FakeClock

TOLERANCE = timedelta(seconds=300)


def _energy(at: datetime, wh: float) -> list[MeterSample]:
    return [
        normalise(at, str(wh), measurand="Energy.Active.Import.Register", unit="Wh"),
        normalise(at, "7200", measurand="Power.Active.Import", unit="W"),
    ]


def _exact(tx: Transaction | None) -> tuple[Any, ...]:
    """Every field with its type (and a datetime's zone): equal means indistinguishable."""
    assert tx is not None
    return tuple(
        (value, type(value), getattr(value, "tzinfo", None))
        for value in (getattr(tx, name) for name in Transaction.__slots__)
    )


async def _started(services: Services, clock: FakeClock, station: str = "CP-1") -> int:
    await services.stations.add(station, None)
    await services.authorization.add_token("TAG")
    result = await services.transactions.start(station, StartRequest(1, 1, "TAG", 1000, clock()))
    return result.transaction_id


_REGISTERS = ("baseline_wh", "energy_wh", "first_register_wh", "first_register_at")
_REGISTERS += ("last_register_wh", "last_register_at", "reading_count", "suspect")


async def _other_services(database_url: str, clock: FakeClock, run: Any) -> None:
    """Run `run(services)` through a second Database: another connection to the file."""
    other = Database.connect(database_url)
    try:
        async with Committer(other) as committer:
            await run(Services(committer, clock, clock_skew_tolerance_s=300))
    finally:
        await other.dispose()


async def test_a_stop_through_another_connection_is_seen(
    services: Services, clock: FakeClock, database_url: str
) -> None:
    """Meter values after a stop stored by another connection fold into the stopped
    transaction (its meterStop counts), and the transaction reads as stopped."""
    tx_id = await _started(services, clock)
    t0 = clock()
    await services.transactions.meter_values("CP-1", 1, 1, tx_id, _energy(t0, 1500))
    assert (await services.transactions.get(tx_id)) is not None

    async def stop(other: Services) -> None:
        stop = StopRequest(tx_id, "TAG", 2000, t0 + timedelta(seconds=20))
        await other.transactions.stop("CP-1", stop)

    await _other_services(database_url, clock, stop)
    late = t0 + timedelta(seconds=30)
    await services.transactions.meter_values("CP-1", 1, 1, tx_id, _energy(late, 1800))

    tx = await services.transactions.get(tx_id)
    assert tx is not None
    assert tx.stopped_at is not None and tx.meter_stop_wh == 2000
    assert (tx.last_register_wh, tx.energy_wh, tx.reading_count) == (1800.0, 1000.0, 4)


async def test_an_ended_event_through_another_connection_is_seen(
    services: Services, clock: FakeClock, database_url: str
) -> None:
    """A 2.0.1 transaction (found by its natural key) ended by another connection reads as
    ended after the next Updated event through this one."""
    await services.stations.add("CP-1", None)
    t0 = clock()

    def event(kind: TxEventType, seq_no: int, at: datetime, **more: Any) -> Any:
        return TransactionEventReport("TX-1", kind, at, "MeterValuePeriodic", seq_no, **more)

    started = event(TxEventType.STARTED, 0, t0, evse_id=1, connector_id=1)
    tx_id = (await services.transaction_events.report("CP-1", started)).transaction_id
    updated = event(TxEventType.UPDATED, 1, t0, samples=_energy(t0, 1500))
    await services.transaction_events.report("CP-1", updated)

    async def end(other: Services) -> None:
        ended = event(TxEventType.ENDED, 2, t0 + timedelta(seconds=20), stopped_reason="Local")
        await other.transaction_events.report("CP-1", ended)

    await _other_services(database_url, clock, end)
    late = t0 + timedelta(seconds=30)
    await services.transaction_events.report(
        "CP-1", event(TxEventType.UPDATED, 3, late, samples=_energy(late, 1800))
    )
    tx = await services.transactions.get(tx_id)
    assert tx is not None and tx.stopped_at == t0 + timedelta(seconds=20)
    assert (tx.last_register_wh, tx.reading_count) == (1800.0, 4)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_write_by_another_process_is_seen(
    services: Services, clock: FakeClock, database_url: str
) -> None:
    """A commit by another process to the same SQLite file (the CLI, a second server) is
    seen by the next MeterValues, which folds into the transaction as stored."""
    tx_id = await _started(services, clock)
    await services.transactions.meter_values("CP-1", 1, 1, tx_id, _energy(clock(), 1500))
    path = database_url.removeprefix("sqlite:///")
    script = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
        "c.execute('UPDATE transactions SET reading_count = 40, stop_reason = ? WHERE id = ?', "
        "('Other', int(sys.argv[2]))); c.commit()"
    )
    process = await asyncio.create_subprocess_exec(sys.executable, "-c", script, path, str(tx_id))
    assert await process.wait() == 0
    later = clock() + timedelta(seconds=10)
    await services.transactions.meter_values("CP-1", 1, 1, tx_id, _energy(later, 1600))
    tx = await services.transactions.get(tx_id)
    assert tx is not None and (tx.reading_count, tx.stop_reason) == (42, "Other")


async def test_a_rolled_back_batch_leaves_nothing_behind(
    db: Database, services: Services, clock: FakeClock
) -> None:
    """Registers folded in a batch that rolls back are neither stored nor remembered."""
    tx_id = await _started(services, clock)
    await services.transactions.meter_values("CP-1", 1, 1, tx_id, _energy(clock(), 1500))
    before = await services.transactions.get(tx_id)
    assert before is not None

    def fails(repos: Repositories) -> None:
        tx = repos.transactions.get(tx_id)
        assert tx is not None
        later = clock() + timedelta(seconds=10)
        store_samples(repos, tx, _energy(later, 1600), clock(), TOLERANCE)
        assert repos.transactions.get(tx_id) != tx  # the batch itself sees its write
        raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        await db.run_batch(fails)
    assert _exact(await services.transactions.get(tx_id)) == _exact(before)


async def test_what_is_remembered_is_what_is_stored(
    services: Services, clock: FakeClock, database_url: str
) -> None:
    """A transaction served from memory equals, types and time zones included, the same
    transaction read from the file (a register reported at +02:00 comes back UTC)."""
    tx_id = await _started(services, clock)
    plus_two = clock().astimezone(timezone(timedelta(hours=2))) + timedelta(seconds=10)
    await services.transactions.meter_values("CP-1", 1, 1, tx_id, _energy(plus_two, 1500))
    served = await services.transactions.get(tx_id)
    read: list[Transaction | None] = []

    async def get(other: Services) -> None:
        read.append(await other.transactions.get(tx_id))

    await _other_services(database_url, clock, get)
    assert _exact(served) == _exact(read[0])


async def test_a_batch_writes_what_message_by_message_writes(
    services: Services, clock: FakeClock, db: Database, batches: list[int]
) -> None:
    """Register writes queued and coalesced per batch (the last per transaction, the newest
    per EVSE, an older reading sent later included) end as sending one at a time does."""
    alone, together = await _started(services, clock, "CP-A"), await _started(services, clock)
    t0 = clock()
    messages = [(t0 + timedelta(seconds=20), 1700), (t0 + timedelta(seconds=30), 1800)]
    messages += [(t0 + timedelta(seconds=30), 1900), (t0 + timedelta(seconds=10), 1600)]
    for at, wh in messages:
        await services.transactions.meter_values("CP-A", 1, 1, alone, _energy(at, wh))
    batches.clear()
    await asyncio.gather(
        *(
            services.transactions.meter_values("CP-1", 1, 1, together, _energy(at, wh))
            for at, wh in messages
        )
    )
    assert batches == [len(messages)]

    def state(repos: Repositories, station: str, tx_id: int) -> tuple[Any, ...]:
        tx, evse = repos.transactions.get(tx_id), repos.connectors.get_evse(station, 1)
        assert tx is not None and evse is not None
        registers = tuple(getattr(tx, name) for name in _REGISTERS)
        return registers, evse.last_register_wh, evse.last_register_at

    def fresh(repos: Repositories) -> tuple[Any, ...]:
        return state(repos, "CP-A", alone), state(repos, "CP-1", together)

    first, second = await db.run(fresh)
    assert first == second
    assert first[1:] == (1900.0, t0 + timedelta(seconds=30))


def test_the_memory_is_dropped_when_the_file_changes(tmp_path: Path) -> None:
    """The memory is kept across our own commits and dropped after another connection's."""
    path = tmp_path / "v.db"
    ours, theirs = sqlite3.connect(path, isolation_level=None), sqlite3.connect(path)
    ours.execute("CREATE TABLE t (x)")
    kept = OpenTransactions()
    tx = Transaction(7, "CP", 1, 1, "TAG", None, 0)
    kept.begin(ours)
    kept.keep(tx, b"k")
    ours.execute("INSERT INTO t VALUES (1)")
    kept.begin(ours)
    assert kept.get(7) is tx and kept.find(b"k") is tx
    theirs.execute("INSERT INTO t VALUES (2)")
    theirs.commit()
    kept.begin(ours)
    assert kept.get(7) is None and kept.find(b"k") is None


def test_the_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past its bound the memory starts over, counting natural keys of forgotten ones too."""
    monkeypatch.setattr("voltgate.storage.open_transactions.MAX_KEPT", 3)
    kept = OpenTransactions()
    for tx_id in range(1, 11):
        kept.keep(Transaction(tx_id, "CP", 1, 1, "TAG", None, 0), bytes([tx_id]))
        kept.forget(tx_id)  # stopped: its key stays known until the memory starts over
        assert len(kept._ids) <= 3  # the bound is internal: nothing else shows it
    kept.keep(Transaction(11, "CP", 1, 1, "TAG", None, 0), b"k")
    assert kept.find(b"k") is not None and kept.get(11) is not None


def test_the_versioned_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL's memory of transactions (`storage.versioned_transactions`) starts over
    past its bound too, and keeps what it was given last."""
    monkeypatch.setattr("voltgate.storage.versioned_transactions.MAX_KEPT", 3)
    versions = VersionedTransactions()
    for tx_id in range(1, 11):
        versions.put(Transaction(tx_id, "CP", 1, 1, "TAG", None, 0), 100 + tx_id)
        assert len(versions) <= 3
    hit = versions.get(10)
    assert hit is not None and hit[1] == 110
    versions.put(Transaction(10, "CP", 1, 1, "TAG", None, 0), 111)  # a newer version
    again = versions.get(10)
    assert len(versions) <= 3 and again is not None and again[1] == 111
