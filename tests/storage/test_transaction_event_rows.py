"""TransactionEvent rows: what is stored is what was reported, and of two rows with one key
the first is kept, whichever of the two insert statements carries each row (SQLite and
PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from voltgate.domain.ports import Repositories
from voltgate.domain.services import Services
from voltgate.domain.transaction_events import (
    StoredTransactionEvent,
    TransactionEventReport,
    TxEventType,
)
from voltgate.storage.database import Database
from voltgate.testing.clock import FakeClock


async def _transaction(services: Services, clock: FakeClock) -> int:
    await services.stations.add("CP-1", None)
    started = TransactionEventReport(
        "TX-1", TxEventType.STARTED, clock(), "Authorized", 0, evse_id=1, connector_id=1
    )
    return (await services.transaction_events.report("CP-1", started)).transaction_id


def _event(tx_id: int, clock: FakeClock, seq_no: int, **optional: Any) -> StoredTransactionEvent:
    at = clock() + timedelta(seconds=seq_no)
    return StoredTransactionEvent(
        tx_id, "CP-1", "TX-1", TxEventType.UPDATED, at, "MeterValuePeriodic", seq_no,
        False, None, None, None, None, None, 6, clock(),
    )._replace(**optional)  # fmt: skip


async def _stored_after_one_batch(
    db: Database, tx_id: int, rows: list[tuple[StoredTransactionEvent, bytes]]
) -> list[StoredTransactionEvent]:
    """Add `rows` (event, key) in this order in one batch; then the transaction's events as
    stored, but its Started event."""

    def add(repos: Repositories) -> None:
        for event, key in rows:
            repos.transaction_events.add(event, key)

    await db.run_batch(add)
    stored = await db.run_batch(lambda r: r.transaction_events.list_for_transaction(tx_id))
    return stored[1:]


async def test_events_with_and_without_optional_fields_read_back_as_reported(
    db: Database, services: Services, clock: FakeClock
) -> None:
    """Periodic events (with and without a charging state) and one with every optional
    field are stored exactly as reported, in one batch."""
    tx_id = await _transaction(services, clock)
    bare = _event(tx_id, clock, 1)
    charging = _event(tx_id, clock, 3, charging_state="Charging")
    full = _event(
        tx_id, clock, 2,
        charging_state="Charging", stopped_reason="Local", id_token="TAG", evse_id=1,
        connector_id=1, remote_start_id=7, reservation_id=8, number_of_phases_used=3,
        cable_max_current_a=32, time_spent_charging_s=600,
    )  # fmt: skip

    rows = [(bare, b"k" * 16), (full, b"l" * 16), (charging, b"m" * 16)]
    assert await _stored_after_one_batch(db, tx_id, rows) == [bare, full, charging]


async def test_of_two_rows_with_one_key_in_a_batch_the_first_is_kept(
    db: Database, services: Services, clock: FakeClock
) -> None:
    """A row of a periodic event, then a row with an EVSE, then a periodic one under the
    second row's key: the second row is stored, not the third, although rows of periodic
    events are inserted by another, shorter statement that is sent first
    (`SqlTransactionEvents.add`)."""
    tx_id = await _transaction(services, clock)
    first = _event(tx_id, clock, 1)
    second = _event(tx_id, clock, 2, evse_id=1)
    same_key = _event(tx_id, clock, 2)

    rows = [(first, b"k" * 16), (second, b"l" * 16), (same_key, b"l" * 16)]
    assert await _stored_after_one_batch(db, tx_id, rows) == [first, second]
