"""OCPP 2.0.1 transactions: TransactionEvent (E01-E15) and MeterValues (J01).

The station names its transactions; the CSMS folds each event into the same transaction
records as 1.6 (`domain.transaction_events`) and answers every event, whatever its order or
content: a station cannot undo a transaction it already runs, so nothing here refuses one.
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from voltgate.domain.meter import MeterSample, normalise_number
from voltgate.domain.transaction_events import TransactionEventReport, TxEventType
from voltgate.handlers.router import Context
from voltgate.handlers.v201 import base
from voltgate.ocpp.v201 import messages as m

_EMPTY_METER_VALUES = m.MeterValuesResponse()


def samples(meter_values: Iterable[m.MeterValue]) -> list[MeterSample]:
    """The domain samples of 2.0.1 MeterValueType elements (J01, 2.0.1 part 2 §2.50)."""
    return [
        normalise_number(
            mv.timestamp,
            sv.value,
            multiplier=0 if sv.unit_of_measure is None else sv.unit_of_measure.multiplier or 0,
            measurand=sv.measurand,
            phase=sv.phase,
            location=sv.location,
            context=sv.context,
            unit=None if sv.unit_of_measure is None else sv.unit_of_measure.unit,
            signed_data=_signed(sv.signed_meter_value),
        )
        for mv in meter_values
        for sv in mv.sampled_value
    ]


def _signed(value: m.SignedMeterValue | None) -> str | None:
    """A signed meter value kept whole (data, signing and encoding method, public key)."""
    return None if value is None else msgspec.json.encode(value).decode()


def report(req: m.TransactionEventRequest) -> TransactionEventReport:
    """The domain view of a TransactionEventRequest."""
    info, evse = req.transaction_info, req.evse
    return TransactionEventReport(
        station_transaction_id=info.transaction_id,
        event_type=TxEventType(req.event_type),
        timestamp=req.timestamp,
        trigger_reason=req.trigger_reason,
        seq_no=req.seq_no,
        offline=bool(req.offline),
        charging_state=info.charging_state,
        stopped_reason=info.stopped_reason,
        time_spent_charging_s=info.time_spent_charging,
        remote_start_id=info.remote_start_id,
        reservation_id=req.reservation_id,
        number_of_phases_used=req.number_of_phases_used,
        cable_max_current_a=req.cable_max_current,
        evse_id=None if evse is None else evse.id,
        connector_id=None if evse is None else evse.connector_id,
        token=None if req.id_token is None else base.id_token(req.id_token),
        samples=samples(req.meter_value or ()),
    )


@base.router.on("TransactionEvent")
async def transaction_event(
    ctx: Context, req: m.TransactionEventRequest
) -> m.TransactionEventResponse:
    """E01.FR.11/12, E05.FR.01: an event with an idToken gets its idTokenInfo (with the
    groupIdToken when there is one); every event is acknowledged once it is stored."""
    outcome = await ctx.services.transaction_events.report(ctx.station_id, report(req))
    if outcome.token is None:
        return m.TransactionEventResponse()
    return m.TransactionEventResponse(id_token_info=base.id_token_info(outcome.token))


@base.router.on("MeterValues")
async def meter_values(ctx: Context, req: m.MeterValuesRequest) -> m.MeterValuesResponse:
    """J01: readings outside a transaction (evseId 0 is the station's main meter), stored
    exactly once like 1.6 MeterValues without a transactionId."""
    evse_id, connector_id = base.evse(req.evse_id)
    await ctx.services.transactions.meter_values(
        ctx.station_id, evse_id, connector_id, None, samples(req.meter_value)
    )
    return _EMPTY_METER_VALUES
