"""A real OCPP 1.6J client (the `ocpp` package's ChargePoint) runs a whole charging session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ocpp.v16 import call

from tests.e2e.conftest import ProvisionStation, charge_point
from voltgate.app import Csms
from voltgate.domain.authorization import TokenStatus
from voltgate.domain.transactions import SuspectFlag

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def energy_sample(
    at: datetime, wh: float, unit: str = "Wh", context: str = "Sample.Periodic"
) -> dict[str, object]:
    value = f"{wh / 1000:.3f}" if unit == "kWh" else f"{wh:.0f}"
    return {
        "timestamp": iso(at),
        "sampledValue": [
            {
                "value": value,
                "context": context,
                "measurand": "Energy.Active.Import.Register",
                "location": "Outlet",
                "unit": unit,
            },
            {"value": "7200", "context": context, "measurand": "Power.Active.Import", "unit": "W"},
            {
                "value": "10.5",
                "context": context,
                "measurand": "Current.Import",
                "phase": "L1",
                "unit": "A",
            },
        ],
    }


async def test_full_charging_session_is_stored(csms: Csms, provision: ProvisionStation) -> None:
    """Boot, status, heartbeat, authorize, start, meter values, stop: all stored and readable."""
    await provision("CP-1")
    await csms.services.authorization.add_token("TAG-1")
    async with charge_point(csms, "CP-1") as cp:
        boot = await cp.call(
            call.BootNotification(
                charge_point_vendor="ACME", charge_point_model="X1", firmware_version="1.2.3"
            )
        )
        assert (boot.status, boot.interval) == ("Accepted", 300)
        await cp.call(
            call.StatusNotification(connector_id=1, error_code="NoError", status="Available")
        )
        beat = await cp.call(call.Heartbeat())
        assert abs(datetime.fromisoformat(beat.current_time) - datetime.now(UTC)) < timedelta(
            minutes=1
        )
        assert (await cp.call(call.Authorize(id_tag="TAG-1"))).id_tag_info["status"] == "Accepted"
        assert (await cp.call(call.Authorize(id_tag="STRANGER"))).id_tag_info["status"] == "Invalid"
        started = await cp.call(
            call.StartTransaction(
                connector_id=1, id_tag="TAG-1", meter_start=1_000, timestamp=iso(T0)
            )
        )
        assert started.id_tag_info["status"] == "Accepted"
        tx_id = started.transaction_id
        await cp.call(
            call.StatusNotification(connector_id=1, error_code="NoError", status="Charging")
        )
        for minute in (10, 20):
            await cp.call(
                call.MeterValues(
                    connector_id=1,
                    transaction_id=tx_id,
                    meter_value=[
                        energy_sample(
                            T0 + timedelta(minutes=minute), 1_000 + 1_200 * minute / 10, "kWh"
                        )
                    ],
                )
            )
        stopped = await cp.call(
            call.StopTransaction(
                transaction_id=tx_id,
                meter_stop=4_600,
                timestamp=iso(T0 + timedelta(minutes=30)),
                id_tag="TAG-1",
                reason="Local",
                transaction_data=[
                    energy_sample(T0 + timedelta(minutes=30), 4_600, context="Transaction.End")
                ],
            )
        )
        assert stopped.id_tag_info["status"] == "Accepted"

    view = await csms.services.stations.get_view("CP-1")
    assert view is not None
    assert (view.station.vendor, view.station.model, view.station.firmware_version) == (
        "ACME",
        "X1",
        "1.2.3",
    )
    assert [(c.evse_id, c.status) for c in view.connectors] == [(1, "Charging")]
    [tx] = view.transactions
    assert (tx.id, tx.id_tag, tx.started_at, tx.meter_start_wh) == (tx_id, "TAG-1", T0, 1_000)
    assert (tx.stopped_at, tx.meter_stop_wh, tx.stop_reason) == (
        T0 + timedelta(minutes=30),
        4_600,
        "Local",
    )
    assert tx.energy_wh == 3_600
    assert tx.reading_count == 9  # 3 samples in each of 2 MeterValues + 3 in transactionData
    assert tx.suspect == frozenset()


async def test_token_statuses_reach_the_station(csms: Csms, provision: ProvisionStation) -> None:
    """Blocked and expired tags are reported as such; a parent id tag is passed on."""
    await provision("CP-1")
    await csms.services.authorization.add_token("BLOCKED", status=TokenStatus.BLOCKED)
    await csms.services.authorization.add_token("OLD", expiry=datetime(2020, 1, 1, tzinfo=UTC))
    await csms.services.authorization.add_token("CHILD", parent_id_tag="FLEET-7")
    async with charge_point(csms, "CP-1") as cp:
        await cp.call(call.BootNotification(charge_point_vendor="ACME", charge_point_model="X1"))
        assert (await cp.call(call.Authorize(id_tag="BLOCKED"))).id_tag_info["status"] == "Blocked"
        assert (await cp.call(call.Authorize(id_tag="OLD"))).id_tag_info["status"] == "Expired"
        child = (await cp.call(call.Authorize(id_tag="CHILD"))).id_tag_info
        assert (child["status"], child["parent_id_tag"]) == ("Accepted", "FLEET-7")


async def test_retried_messages_are_stored_once(csms: Csms, provision: ProvisionStation) -> None:
    """A retried Start gets the same id; retried MeterValues and Stop add nothing."""
    await provision("CP-1")
    await csms.services.authorization.add_token("TAG-1")
    start = call.StartTransaction(
        connector_id=2, id_tag="TAG-1", meter_start=500, timestamp=iso(T0)
    )
    values = call.MeterValues(
        connector_id=2, meter_value=[energy_sample(T0 + timedelta(minutes=5), 900)]
    )
    async with charge_point(csms, "CP-1") as cp:
        await cp.call(call.BootNotification(charge_point_vendor="ACME", charge_point_model="X1"))
        first = await cp.call(start)
        values.transaction_id = first.transaction_id
        await cp.call(values)
        stop = call.StopTransaction(
            transaction_id=first.transaction_id,
            meter_stop=1_500,
            timestamp=iso(T0 + timedelta(minutes=9)),
        )
        await cp.call(stop)
    async with charge_point(csms, "CP-1") as cp:  # the station reconnects and retries all three
        assert (await cp.call(start)).transaction_id == first.transaction_id
        await cp.call(values)
        await cp.call(stop)
    view = await csms.services.stations.get_view("CP-1")
    assert view is not None
    [tx] = view.transactions
    assert (tx.reading_count, tx.meter_stop_wh, tx.energy_wh) == (3, 1_500, 1_000)


async def test_unknown_transactions_are_accepted_for_reconciliation(
    csms: Csms, provision: ProvisionStation
) -> None:
    """Stop and MeterValues for an unknown id or -1 get a CALLRESULT and are kept, flagged."""
    await provision("CP-1")
    async with charge_point(csms, "CP-1") as cp:
        await cp.call(call.BootNotification(charge_point_vendor="ACME", charge_point_model="X1"))
        await cp.call(
            call.MeterValues(
                connector_id=1, transaction_id=777, meter_value=[energy_sample(T0, 2_000)]
            )
        )
        await cp.call(call.StopTransaction(transaction_id=-1, meter_stop=2_500, timestamp=iso(T0)))
        await cp.call(
            call.StopTransaction(
                transaction_id=777, meter_stop=2_600, timestamp=iso(T0 + timedelta(minutes=1))
            )
        )
    view = await csms.services.stations.get_view("CP-1")
    assert view is not None
    unmatched = sorted(
        (tx.reported_id, tx.meter_stop_wh) for tx in view.transactions if tx.unmatched
    )
    assert unmatched == [(-1, 2_500), (777, 2_600)]
    assert all(SuspectFlag.UNKNOWN_TRANSACTION in tx.suspect for tx in view.transactions)


async def test_offline_replay_and_bad_meters_are_kept_and_flagged(
    csms: Csms, provision: ProvisionStation
) -> None:
    """Old timestamps are stored as sent; a register going backwards is flagged, not dropped."""
    await provision("CP-1")
    await csms.services.authorization.add_token("TAG-1")
    old = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
    async with charge_point(csms, "CP-1") as cp:
        await cp.call(call.BootNotification(charge_point_vendor="ACME", charge_point_model="X1"))
        tx_id = (
            await cp.call(
                call.StartTransaction(
                    connector_id=1, id_tag="TAG-1", meter_start=10_000, timestamp=iso(old)
                )
            )
        ).transaction_id
        await cp.call(
            call.MeterValues(
                connector_id=1,
                transaction_id=tx_id,
                meter_value=[energy_sample(old + timedelta(minutes=5), 12_000)],
            )
        )
        await cp.call(
            call.MeterValues(
                connector_id=1,
                transaction_id=tx_id,
                meter_value=[energy_sample(old + timedelta(minutes=6), 11_000)],
            )
        )
        await cp.call(
            call.StopTransaction(
                transaction_id=tx_id, meter_stop=9_000, timestamp=iso(old + timedelta(minutes=7))
            )
        )
    view = await csms.services.stations.get_view("CP-1")
    assert view is not None
    [tx] = view.transactions
    assert tx.started_at == old
    assert {SuspectFlag.METER_BACKWARDS, SuspectFlag.STOP_BELOW_START} <= tx.suspect
    assert SuspectFlag.CLOCK_SKEW not in tx.suspect
