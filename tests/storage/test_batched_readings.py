"""A batch of MeterValues stores what the same messages stored one at a time would.

On PostgreSQL a batch's readings go out, with their transactions' and EVSEs' registers, as
one statement (`bulk.tracked_columnar`, docs/adr/0003-hot-path.md §26); on SQLite each row
is inserted on its own and the register writes are coalesced. Either way a retry inside the
batch changes nothing, a transaction's registers are those its last new reading left, and an
EVSE keeps its newest register, whatever order the readings came in.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from voltgate.domain.meter import normalise
from voltgate.domain.ports import Repositories
from voltgate.domain.readings import MeterRecord
from voltgate.domain.services import Services, StartRequest
from voltgate.domain.transactions import NO_FLAGS
from voltgate.storage.committer import Committer
from voltgate.storage.database import Database
from voltgate.storage.migrate import downgrade, upgrade
from voltgate.storage.repositories import SqlRepositories
from voltgate.storage.statements import TX_REGISTERS
from voltgate.testing.clock import FakeClock

T0 = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)

# (connector = EVSE, seconds after T0, register in Wh), in the order the station sends them.
MESSAGES = [
    (1, 10, 1100),
    (2, 30, 2300),
    (1, 20, 1200),
    (1, 10, 1100),  # a retry of the first
    (2, 20, 2200),  # older than the reading before it on that connector
    (1, 30, 1300),
    (2, 30, 2300),  # a retry again
]


async def _store(database_url: str, station: str, *, one_batch: bool) -> dict[str, Any]:
    """Start a transaction on connectors 1 and 2, send MESSAGES (in one batch, or one batch
    each), and return what was stored."""
    await asyncio.to_thread(upgrade, database_url)
    db = Database.connect(database_url)
    batches: list[int] = []
    try:
        async with Committer(db) as committer:
            services = Services(committer, FakeClock(T0), clock_skew_tolerance_s=10**7)
            await services.stations.add(station, None)
            tx = {}
            for connector in (1, 2):
                request = StartRequest(connector, connector, f"{station}-{connector}", 0, T0)
                tx[connector] = (await services.transactions.start(station, request)).transaction_id
        # The messages: held back until all of them wait, or sent one batch each.
        linger = {"linger_s": 5.0, "linger_until": len(MESSAGES)} if one_batch else {}
        async with Committer(db, on_batch=batches.append, **linger) as committer:
            services = Services(committer, FakeClock(T0), clock_skew_tolerance_s=10**7)
            sends = [
                services.transactions.meter_values(
                    station, c, c, tx[c], [normalise(T0 + timedelta(seconds=s), str(wh))]
                )
                for c, s, wh in MESSAGES
            ]
            if one_batch:
                await asyncio.gather(*sends)
            else:
                for send in sends:
                    await send
        async with Committer(db) as committer:
            services = Services(committer, FakeClock(T0), clock_skew_tolerance_s=10**7)
            view = await services.stations.get_view(station)
            assert view is not None
            readings = {
                c: [(r.sample.at, r.sample.value) for r in await services.transactions.readings(t)]
                for c, t in tx.items()
            }

            def evses(repos: Repositories) -> dict[int, tuple[Any, ...]]:
                found = {c: repos.connectors.get_evse(station, c) for c in (1, 2)}
                return {
                    c: (e.last_register_wh, e.last_register_at)
                    for c, e in found.items()
                    if e is not None
                }

            registers = await db.run(evses)
    finally:
        await db.dispose()
    transactions = {
        t.connector_id: tuple(getattr(t, name) for name in TX_REGISTERS) for t in view.transactions
    }
    return {
        "batches": batches,
        "readings": readings,
        "transactions": transactions,
        "evses": registers,
    }


async def test_one_batch_stores_what_one_message_at_a_time_does(database_url: str) -> None:
    batched = await _store(database_url, "CP-1", one_batch=True)
    assert batched.pop("batches") == [len(MESSAGES)], "the messages were not one batch"

    def at(seconds: int) -> datetime:
        return T0 + timedelta(seconds=seconds)

    # Each reading once (the retries added nothing), in time order.
    assert batched["readings"] == {
        1: [(at(10), 1100.0), (at(20), 1200.0), (at(30), 1300.0)],
        2: [(at(20), 2200.0), (at(30), 2300.0)],
    }
    # The EVSEs keep their newest register: the late, older reading did not move EVSE 2 back.
    assert batched["evses"] == {1: (1300.0, at(30)), 2: (2300.0, at(30))}
    # The transactions' registers: last and first register, and one count per new reading.
    tx1, tx2 = batched["transactions"][1], batched["transactions"][2]
    assert (tx1[4], tx1[5], tx1[6]) == (1300.0, at(30), 3)
    assert (tx2[2], tx2[3], tx2[4], tx2[5], tx2[6]) == (2200.0, at(20), 2300.0, at(30), 2)

    alone = await _store(database_url, "CP-2", one_batch=False)
    assert alone.pop("batches") == [1] * len(MESSAGES)
    assert batched == alone


async def test_rows_deferred_in_one_statement_keep_the_one_at_a_time_rules(
    database_url: str,
) -> None:
    """The write port itself, without the services' reads between the rows (which send the
    queued rows early on PostgreSQL): several rows of one transaction and a retried key
    wait together, and still the first row with a key is the one stored, the transaction's
    registers are the last new row's, and the EVSE's register is the newest."""
    await asyncio.to_thread(upgrade, database_url)
    db = Database.connect(database_url)
    try:
        async with Committer(db) as committer:
            services = Services(committer, FakeClock(T0), clock_skew_tolerance_s=10**7)
            await services.stations.add("CP-1", None)
            start = StartRequest(1, 1, "TAG-1", 0, T0)
            tx_id = (await services.transactions.start("CP-1", start)).transaction_id

        def record(seconds: int, wh: int) -> MeterRecord:
            at = T0 + timedelta(seconds=seconds)
            key = f"reading-{seconds}".encode().ljust(16, b".")
            samples = (normalise(at, str(wh)),)
            return MeterRecord(key, "CP-1", 1, 1, tx_id, tx_id, at, samples, (NO_FLAGS,))

        def write(repos: Repositories) -> None:
            tx = repos.transactions.get(tx_id)
            assert tx is not None
            for count, (seconds, wh) in enumerate([(20, 1200), (10, 1100), (20, 9999)], 1):
                at = T0 + timedelta(seconds=seconds)
                registers = tx._replace(last_register_wh=float(wh), reading_count=count)
                repos.meter_values.add_one_for_transaction(
                    record(seconds, wh), registers, (float(wh), at)
                )

        def read(repos: Repositories) -> tuple[Any, ...]:
            tx = repos.transactions.get(tx_id)
            evse = repos.connectors.get_evse("CP-1", 1)
            assert tx is not None and evse is not None
            rows = repos.meter_values.list_for_transaction(tx_id)
            return (
                [(r.sample.at, r.sample.value) for r in rows],
                (tx.last_register_wh, tx.reading_count),
                (evse.last_register_wh, evse.last_register_at),
            )

        await db.run(write)
        readings, tx_registers, evse_register = await db.run(read)
    finally:
        await db.dispose()
    at = T0 + timedelta(seconds=20)
    # The third row repeats the first one's key: it is not stored and changes no register.
    assert readings == [(T0 + timedelta(seconds=10), 1100.0), (at, 1200.0)]
    assert tx_registers == (1100.0, 2)
    # The EVSE keeps the newest register (20 s), though a row for 10 s came after it.
    assert evse_register == (1200.0, at)


def _samples_type(repos: Repositories) -> str:
    """The PostgreSQL type of `meter_values.samples`."""
    assert isinstance(repos, SqlRepositories)
    sql = (
        "SELECT data_type FROM information_schema.columns"
        " WHERE table_name = 'meter_values' AND column_name = 'samples'"
    )
    return str(repos.connection.execute(text(sql)).scalar_one())


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_migration_0015_keeps_the_readings_both_ways(database_url: str) -> None:
    """Readings stored as `json` survive the way down to `jsonb` and back, and are listed
    the same after each."""
    await asyncio.to_thread(upgrade, database_url)

    async def readings() -> tuple[str, list[tuple[datetime, float | None]]]:
        db = Database.connect(database_url)
        try:
            async with Committer(db) as committer:
                services = Services(committer, FakeClock(T0))
                if not await services.stations.get_view("CP-1"):
                    await services.stations.add("CP-1", None)
                    start = StartRequest(1, 1, "TAG", 0, T0)
                    tx = (await services.transactions.start("CP-1", start)).transaction_id
                    for i in range(1, 4):
                        at = T0 + timedelta(minutes=i)
                        await services.transactions.meter_values(
                            "CP-1", 1, 1, tx, [normalise(at, str(1000 * i))]
                        )
                view = await services.stations.get_view("CP-1")
                assert view is not None
                [tx_view] = view.transactions
                listed = await services.transactions.readings(tx_view.id)
                return await db.run(_samples_type), [(r.sample.at, r.sample.value) for r in listed]
        finally:
            await db.dispose()

    kind, stored = await readings()
    assert kind == "json"
    assert [value for _, value in stored] == [1000.0, 2000.0, 3000.0]
    await asyncio.to_thread(downgrade, database_url, "0014")
    assert await readings() == ("jsonb", stored)
    await asyncio.to_thread(upgrade, database_url)
    assert await readings() == ("json", stored)
