"""A storage fault while a station talks is retried inside the server, never lost or doubled."""

from __future__ import annotations

import asyncio
import sqlite3

import asyncpg
import pytest
from ocpp.v16 import call
from sqlalchemy.engine import make_url

from tests.e2e.conftest import ProvisionStation, charge_point
from tests.e2e.test_ocpp16_station import T0, energy_sample, iso
from voltgate.app import Csms


async def _start(csms: Csms, cp: object) -> int:
    await cp.call(call.BootNotification(charge_point_vendor="ACME", charge_point_model="X1"))  # type: ignore[attr-defined]
    started = await cp.call(  # type: ignore[attr-defined]
        call.StartTransaction(connector_id=1, id_tag="TAG-1", meter_start=0, timestamp=iso(T0))
    )
    tx_id: int = started.transaction_id
    return tx_id


@pytest.mark.parametrize(
    "database_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
async def test_postgres_connections_killed_mid_session(
    csms: Csms, provision: ProvisionStation, database_url: str
) -> None:
    """After every server connection is terminated, the next MeterValues still commits once."""
    await provision("CP-1")
    await csms.services.authorization.add_token("TAG-1")
    url = make_url(database_url)
    async with charge_point(csms, "CP-1") as cp:
        tx_id = await _start(csms, cp)
        admin = await asyncpg.connect(
            url.set(drivername="postgresql", database="postgres").render_as_string(False)
        )
        try:
            killed = await admin.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = $1 AND pid <> pg_backend_pid()",
                url.database,
            )
        finally:
            await admin.close()
        assert killed >= 1
        reply = await cp.call(
            call.MeterValues(
                connector_id=1, transaction_id=tx_id, meter_value=[energy_sample(T0, 800)]
            )
        )
        assert reply is not None  # a CALLRESULT, not a CALLERROR
    readings = await csms.services.transactions.readings(tx_id)
    assert len(readings) == 3


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_sqlite_locked_by_another_writer(
    csms: Csms, provision: ProvisionStation, database_url: str
) -> None:
    """While another process holds the write lock, the station waits and is then answered."""
    await provision("CP-1")
    await csms.services.authorization.add_token("TAG-1")
    path = make_url(database_url).database
    assert path is not None
    async with charge_point(csms, "CP-1") as cp:
        tx_id = await _start(csms, cp)
        blocker = sqlite3.connect(path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # take the write lock
        sending = asyncio.create_task(
            cp.call(
                call.MeterValues(
                    connector_id=1, transaction_id=tx_id, meter_value=[energy_sample(T0, 800)]
                )
            )
        )
        await asyncio.sleep(0.5)
        assert not sending.done()  # not answered before it is durable
        blocker.execute("COMMIT")
        blocker.close()
        assert await asyncio.wait_for(sending, 10) is not None
    assert len(await csms.services.transactions.readings(tx_id)) == 3
