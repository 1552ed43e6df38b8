"""OCPP 2.0.1 transactions: TransactionEvent (E01-E15) and MeterValues (J01).

The station names its transactions; the CSMS folds each event into the same transaction
records as 1.6 (`domain.transaction_events`) and answers every event, whatever its order or
content: a station cannot undo a transaction it already runs, so nothing here refuses one.
"""

from __future__ import annotations

from voltgate.domain.transaction_events import TransactionEventReport, TxEventType
from voltgate.handlers.router import Context
from voltgate.handlers.samples import v201_samples
from voltgate.handlers.v201 import base
from voltgate.ocpp.v201 import messages as m

_EMPTY_METER_VALUES = m.MeterValuesResponse()


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
        samples=v201_samples(req.meter_value or ()),
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
        ctx.station_id, evse_id, connector_id, None, v201_samples(req.meter_value)
    )
    return _EMPTY_METER_VALUES
