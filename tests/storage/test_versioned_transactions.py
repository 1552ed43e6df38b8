"""PostgreSQL: transactions served from the server's memory are checked before they count.

A batch of 1.6 MeterValues no longer reads the transactions this server wrote: it takes
them, with their row versions, from memory, and its write updates each only if the row
still has that version (`storage.versioned_transactions`, docs/adr/0003-hot-path.md §30).
Another gateway node, the CLI or an API call may change a transaction meanwhile: these
tests change it on another connection and show that what is stored then is what reading
the transaction afresh would have stored.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import pytest
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_cursor
from sqlalchemy.engine import make_url

from voltgate.domain.meter import MeterSample, normalise
from voltgate.domain.ports import Reads, Repositories
from voltgate.domain.services import Services, StartRequest
from voltgate.domain.transactions import Transaction
from voltgate.storage.committer import Committer
from voltgate.storage.database import Database
from voltgate.testing.clock import FakeClock

pytestmark = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)

CHANGE = "UPDATE transactions SET reading_count = 40 WHERE id = $1"


def _energy(at: datetime, wh: float) -> list[MeterSample]:
    return [normalise(at, str(wh), measurand="Energy.Active.Import.Register", unit="Wh")]


async def _started(services: Services, clock: FakeClock) -> int:
    await services.stations.add("CP-1", None)
    await services.authorization.add_token("TAG")
    result = await services.transactions.start("CP-1", StartRequest(1, 1, "TAG", 1000, clock()))
    return result.transaction_id


async def _other(database_url: str) -> Any:
    """A plain asyncpg connection of its own: another gateway node, or the CLI."""
    url = make_url(database_url).set(drivername="postgresql")
    return await asyncpg.connect(url.render_as_string(hide_password=False))


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The SQL of every statement the server's connection executes from now on."""
    statements: list[str] = []
    execute: Any = AsyncAdapt_asyncpg_cursor.execute

    def spy(self: Any, operation: Any, parameters: Any = None) -> Any:
        statements.append(str(operation))
        return execute(self, operation, parameters)

    monkeypatch.setattr(AsyncAdapt_asyncpg_cursor, "execute", spy)
    yield statements


async def _remembered_then_changed(services: Services, clock: FakeClock, database_url: str) -> int:
    """A started transaction with one reading, as this server remembers it; then another
    connection (another gateway node, the CLI) sets its reading count to 40."""
    tx_id = await _started(services, clock)
    await services.transactions.meter_values("CP-1", 1, 1, tx_id, _energy(clock(), 1500))
    await _change(database_url, tx_id)
    return tx_id


async def _change(database_url: str, tx_id: int) -> None:
    other = await _other(database_url)
    try:
        await other.execute(CHANGE, tx_id)
    finally:
        await other.close()


async def _reading_count(services: Services, tx_id: int) -> tuple[Any, ...]:
    tx = await services.transactions.get(tx_id)
    assert tx is not None
    return tx.last_register_wh, tx.reading_count


async def test_a_transaction_this_server_wrote_is_not_read_again(
    services: Services, clock: FakeClock, sent: list[str]
) -> None:
    tx_id = await _started(services, clock)
    await services.transactions.meter_values("CP-1", 1, 1, tx_id, _energy(clock(), 1500))
    sent.clear()
    later = clock() + timedelta(seconds=10)
    await services.transactions.meter_values("CP-1", 1, 1, tx_id, _energy(later, 1600))
    # One statement: the write, which checks the transaction's version; no read before it.
    assert len(sent) == 1 and sent[0].startswith("WITH u AS"), sent
    assert await _reading_count(services, tx_id) == (1600.0, 2)


async def test_a_change_by_another_connection_is_folded_into(
    db: Database, clock: FakeClock, database_url: str
) -> None:
    """The remembered copy says 1 reading; another node made it 40. The next MeterValues
    counts on from 40, as it would had it read the transaction, and the batch ran again at
    once, not after the committer's backoff for an unavailable database."""
    retries: list[BaseException] = []
    async with Committer(db, on_retry=retries.append) as committer:
        services = Services(committer, clock, clock_skew_tolerance_s=300)
        tx_id = await _remembered_then_changed(services, clock, database_url)
        later = clock() + timedelta(seconds=10)
        await services.transactions.meter_values("CP-1", 1, 1, tx_id, _energy(later, 1600))
        assert await _reading_count(services, tx_id) == (1600.0, 41)
    assert retries == []


async def test_a_change_committed_while_the_write_waits_is_seen(
    services: Services, clock: FakeClock, database_url: str
) -> None:
    """Another connection holds the transaction's row, changed but not yet committed, when
    the write arrives: the write waits for it, sees the committed change, and the batch
    runs again on it (the version check is the UPDATE's own condition)."""
    tx_id = await _started(services, clock)
    await services.transactions.meter_values("CP-1", 1, 1, tx_id, _energy(clock(), 1500))
    other = await _other(database_url)
    try:
        holding = other.transaction()
        await holding.start()
        await other.execute(CHANGE, tx_id)
        later = clock() + timedelta(seconds=10)
        write = asyncio.create_task(
            services.transactions.meter_values("CP-1", 1, 1, tx_id, _energy(later, 1600))
        )
        await asyncio.sleep(0.3)
        assert not write.done(), "the write did not wait for the row"
        await holding.commit()
        await asyncio.wait_for(write, 10)
    finally:
        await other.close()
    assert await _reading_count(services, tx_id) == (1600.0, 41)
    # Each reading once: the write that failed kept nothing.
    readings = await services.transactions.readings(tx_id)
    assert [r.sample.value for r in readings] == [1500.0, 1600.0]


async def test_a_served_transaction_that_nothing_wrote_is_checked(
    services: Services, clock: FakeClock, database_url: str, committer: Committer
) -> None:
    """A unit that declared its transaction and only read it gets the stored transaction,
    not the remembered one, once another connection changed it."""
    tx_id = await _remembered_then_changed(services, clock, database_url)

    def read(repos: Repositories) -> Transaction | None:
        return repos.transactions.get(tx_id)

    tx = await committer.submit(read, Reads(transactions=(tx_id,)))
    assert tx is not None and tx.reading_count == 40


async def test_a_served_transaction_written_another_way_is_checked(
    services: Services, clock: FakeClock, database_url: str
) -> None:
    """A MeterValues with two meterValue elements writes its transaction by another
    statement than the batch's write; the remembered copy is checked before it."""
    tx_id = await _remembered_then_changed(services, clock, database_url)
    t1, t2 = clock() + timedelta(seconds=10), clock() + timedelta(seconds=20)
    samples = [*_energy(t1, 1600), *_energy(t2, 1700)]
    await services.transactions.meter_values("CP-1", 1, 1, tx_id, samples)
    assert await _reading_count(services, tx_id) == (1700.0, 42)
