"""A real OCPP 2.0.1 client (the `ocpp` package's v201 ChargePoint) runs transactions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from ocpp.v201 import ChargePoint, call

from tests.e2e.conftest import ProvisionStation, charge_point_201
from voltgate.app import Csms
from voltgate.domain.authorization import TokenType
from voltgate.domain.services import Transaction
from voltgate.domain.transaction_events import TxEventType

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
CARD = {"id_token": "TAG-1", "type": "ISO14443"}
EVSE = {"id": 1, "connector_id": 1}


def iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def meter_value(at: datetime, wh: float, context: str = "Sample.Periodic") -> dict[str, Any]:
    """The six sampled values of the benchmark's mix: energy, power, 3 currents, SoC."""
    sampled = [
        {"value": wh, "context": context, "measurand": "Energy.Active.Import.Register",
         "unit_of_measure": {"unit": "Wh"}},
        {"value": 7.2, "context": context, "measurand": "Power.Active.Import",
         "unit_of_measure": {"unit": "kW"}},
        *({"value": 10.5, "context": context, "measurand": "Current.Import", "phase": phase,
           "unit_of_measure": {"unit": "A"}} for phase in ("L1", "L2", "L3")),
        {"value": 61, "context": context, "measurand": "SoC", "location": "EV",
         "unit_of_measure": {"unit": "Percent"}},
    ]  # fmt: skip
    return {"timestamp": iso(at), "sampled_value": sampled}


def tx_event(
    kind: str,
    seq_no: int,
    at: datetime,
    wh: float,
    *,
    tx: str = "8d7e2c1a-0000-4000-8000-000000000001",
    offline: bool = False,
    **extra: Any,
) -> call.TransactionEvent:
    context = {"Started": "Transaction.Begin", "Ended": "Transaction.End"}.get(
        kind, "Sample.Periodic"
    )
    trigger = {"Started": "Authorized", "Ended": "StopAuthorized"}.get(kind, "MeterValuePeriodic")
    info: dict[str, Any] = {"transaction_id": tx, "charging_state": "Charging"}
    if kind == "Ended":
        info = {"transaction_id": tx, "charging_state": "Idle", "stopped_reason": "EVDisconnected"}
    return call.TransactionEvent(
        event_type=kind,
        timestamp=iso(at),
        trigger_reason=trigger,
        seq_no=seq_no,
        transaction_info=info,
        meter_value=[meter_value(at, wh, context)],
        offline=offline or None,
        evse=EVSE,
        **extra,
    )


async def boot(cp: ChargePoint) -> None:
    response = await cp.call(
        call.BootNotification(
            charging_station={"model": "X2", "vendor_name": "ACME"}, reason="PowerUp"
        )
    )
    assert response.status == "Accepted"


async def only_transaction(csms: Csms, station_id: str) -> Transaction:
    view = await csms.services.stations.get_view(station_id)
    assert view is not None and len(view.transactions) == 1
    return view.transactions[0]


async def test_a_whole_transaction_is_stored_like_a_16_one(
    csms: Csms, provision: ProvisionStation
) -> None:
    """Boot, Started (with idToken), Updated x3, Ended: one transaction with its energy."""
    await provision("CP-201")
    await csms.services.authorization.add_token("FLEET", type=TokenType.CENTRAL)
    await csms.services.authorization.add_token("TAG-1", parent_id_tag="FLEET")
    async with charge_point_201(csms, "CP-201") as cp:
        await boot(cp)
        started = await cp.call(
            tx_event(
                "Started", 0, T0, 10_000, id_token=CARD, number_of_phases_used=3,
                cable_max_current=32, reservation_id=7,
            )
        )  # fmt: skip
        # E01.FR.12: the idTokenInfo with the groupIdToken of the token.
        assert started.id_token_info["status"] == "Accepted"
        assert started.id_token_info["group_id_token"] == {"id_token": "FLEET", "type": "Central"}
        for n in (1, 2, 3):
            updated = await cp.call(
                tx_event("Updated", n, T0 + timedelta(minutes=10 * n), 10_000 + 1_200 * n)
            )
            assert updated.id_token_info is None
        await cp.call(tx_event("Ended", 4, T0 + timedelta(minutes=40), 15_000, id_token=CARD))
    tx = await only_transaction(csms, "CP-201")
    assert (tx.remote_id, tx.evse_id, tx.connector_id) == (
        "8d7e2c1a-0000-4000-8000-000000000001", 1, 1
    )  # fmt: skip
    assert (tx.id_tag, tx.stop_id_tag, tx.stop_reason) == ("TAG-1", "TAG-1", "EVDisconnected")
    assert (tx.started_at, tx.stopped_at) == (T0, T0 + timedelta(minutes=40))
    assert (tx.meter_start_wh, tx.meter_stop_wh, tx.energy_wh) == (10_000, 15_000, 5_000.0)
    assert tx.reading_count == 5 * 6
    readings = await csms.services.transactions.readings(tx.id)
    power = [r.sample for r in readings if r.sample.measurand == "Power.Active.Import"]
    assert {(s.value, s.unit) for s in power} == {(7200.0, "W")}  # kW normalised to W
    events = await csms.services.transaction_events.list_for_transaction(tx.id)
    first = events[0]
    assert (first.number_of_phases_used, first.cable_max_current_a, first.reservation_id) == (
        3, 32, 7
    )  # fmt: skip
    assert tx.reservation_id == 7
    assert [e.event_type for e in events] == [
        TxEventType.STARTED, *[TxEventType.UPDATED] * 3, TxEventType.ENDED
    ]  # fmt: skip


async def test_offline_replay_out_of_order_is_folded_into_one_transaction(
    csms: Csms, provision: ProvisionStation
) -> None:
    """E04.FR.01-03: queued events, offline=true, Ended before the Updated it skipped."""
    await provision("CP-OFF")
    await csms.services.authorization.add_token("TAG-1")
    queued = [
        tx_event("Ended", 3, T0 + timedelta(minutes=30), 13_000, offline=True),
        tx_event("Started", 0, T0, 10_000, offline=True, id_token=CARD),
        tx_event("Updated", 2, T0 + timedelta(minutes=20), 12_000, offline=True),
        tx_event("Updated", 1, T0 + timedelta(minutes=10), 11_000, offline=True),
    ]
    async with charge_point_201(csms, "CP-OFF") as cp:
        await boot(cp)
        for message in queued:
            await cp.call(message)
    tx = await only_transaction(csms, "CP-OFF")
    assert (tx.started_at, tx.stopped_at, tx.id_tag) == (T0, T0 + timedelta(minutes=30), "TAG-1")
    assert (tx.energy_wh, tx.reading_count, tx.suspect) == (3_000.0, 24, frozenset())
    events = await csms.services.transaction_events.list_for_transaction(tx.id)
    assert [e.seq_no for e in events] == [0, 1, 2, 3]
    assert all(e.offline for e in events)


async def test_a_retried_event_is_answered_and_stored_once(
    csms: Csms, provision: ProvisionStation
) -> None:
    """The same event after a reconnect (new message id) is a retry: one event, one reading."""
    await provision("CP-RETRY")
    await csms.services.authorization.add_token("TAG-1")
    started = tx_event("Started", 0, T0, 10_000, id_token=CARD)
    updated = tx_event("Updated", 1, T0 + timedelta(minutes=10), 11_000)
    async with charge_point_201(csms, "CP-RETRY") as cp:
        await boot(cp)
        await cp.call(started)
        await cp.call(updated)
    async with charge_point_201(csms, "CP-RETRY") as cp:
        await boot(cp)
        again = await cp.call(started)
        await cp.call(updated)
    assert again.id_token_info["status"] == "Accepted"
    tx = await only_transaction(csms, "CP-RETRY")
    assert (tx.reading_count, tx.energy_wh) == (12, 1_000.0)
    assert len(await csms.services.transaction_events.list_for_transaction(tx.id)) == 2


async def test_meter_values_outside_a_transaction_are_stored_with_their_multiplier(
    csms: Csms, provision: ProvisionStation
) -> None:
    """J01: MeterValues for evseId 0 (main meter); value x 10^multiplier in the unit."""
    await provision("CP-MAIN")
    async with charge_point_201(csms, "CP-MAIN") as cp:
        await boot(cp)
        sampled = {
            "value": 123.456,
            "measurand": "Energy.Active.Import.Register",
            "unit_of_measure": {"unit": "kWh", "multiplier": 3},
        }
        response = await cp.call(
            call.MeterValues(
                evse_id=0, meter_value=[{"timestamp": iso(T0), "sampled_value": [sampled]}]
            )
        )
        assert response is not None
    [reading] = await csms.services.transactions.readings_outside_transactions("CP-MAIN")
    assert (reading.evse_id, reading.sample.value, reading.sample.unit) == (0, 123_456_000.0, "Wh")
    assert (reading.sample.value_raw, reading.sample.unit_raw) == ("123.456", "kWh*10^3")
