"""What a reading names exists, on PostgreSQL without foreign keys on `meter_values`.

PostgreSQL does not enforce the two foreign keys of `meter_values` (migration 0018,
docs/adr/0003-hot-path.md §33): the batch's write of 1.6 readings fails unless it updated
each transaction they name, and a station with readings is never deleted. SQLite still
enforces both.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect
from sqlalchemy.exc import DBAPIError

from voltgate.domain.errors import InUse
from voltgate.domain.meter import normalise
from voltgate.domain.ports import Repositories
from voltgate.domain.readings import MeterRecord
from voltgate.domain.services import Services, StartRequest
from voltgate.domain.transactions import NO_FLAGS
from voltgate.storage.database import Database
from voltgate.storage.repositories import SqlRepositories

T0 = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def reading(station_id: str, tx_id: int | None, wh: int) -> MeterRecord:
    key = f"{station_id}-{tx_id}-{wh}".encode().ljust(16, b".")
    return MeterRecord(
        key, station_id, 1, 1, tx_id, tx_id, T0, (normalise(T0, str(wh)),), (NO_FLAGS,)
    )


async def stored_readings(db: Database) -> int:
    def count(repos: Repositories) -> int:
        assert isinstance(repos, SqlRepositories)
        return int(repos.connection.exec_driver_sql("SELECT count(*) FROM meter_values").scalar())

    return await db.run(count)


async def test_only_sqlite_checks_the_readings_references_by_foreign_key(db: Database) -> None:
    def references(repos: Repositories) -> set[str]:
        assert isinstance(repos, SqlRepositories)
        keys = inspect(repos.connection).get_foreign_keys("meter_values")
        return {key["referred_table"] for key in keys}

    expected = {"stations", "transactions"} if db.dialect_name == "sqlite" else set()
    assert await db.run(references) == expected


async def test_a_station_with_readings_only_is_not_deleted(
    db: Database, services: Services
) -> None:
    """The delete looks for the station's readings itself (on PostgreSQL no foreign key
    would stop it): the station and its reading stay."""
    await services.stations.add("CP-R", None)

    def add(repos: Repositories) -> None:
        repos.meter_values.add([reading("CP-R", None, 1000)])

    await db.run(add)
    with pytest.raises(InUse):
        await services.stations.remove("CP-R")
    assert await services.stations.get("CP-R") is not None
    assert await stored_readings(db) == 1


async def test_a_reading_of_a_missing_transaction_is_refused(
    db: Database, services: Services
) -> None:
    """The batch's write of a transaction's reading fails, and stores nothing, when the
    transaction is not there: PostgreSQL's statement updated fewer transactions than its
    rows name (`voltgate_unchanged`), SQLite's foreign key refused the row."""
    await services.stations.add("CP-1", None)
    started = await services.transactions.start("CP-1", StartRequest(1, 1, "TAG-1", 0, T0))

    def write_for_a_missing_transaction(repos: Repositories) -> None:
        tx = repos.transactions.get(started.transaction_id)
        assert tx is not None
        missing = tx._replace(id=tx.id + 1000, last_register_wh=2000.0, reading_count=1)
        repos.meter_values.add_one_for_transaction(
            reading("CP-1", missing.id, 2000), missing, (2000.0, T0)
        )

    refusal = (
        "FOREIGN KEY constraint failed"
        if db.dialect_name == "sqlite"
        else "a transaction changed since this server read it"
    )
    with pytest.raises(DBAPIError, match=refusal):
        await db.run(write_for_a_missing_transaction)
    assert await stored_readings(db) == 0
