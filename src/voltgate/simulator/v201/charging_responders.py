"""How a simulated 2.0.1 station answers reservations (H01, H02), smart charging (K01, K08,
K09, K10), its local authorization list (D01, D02), and questions about its transactions
(E14 GetTransactionStatus, I02 CostUpdated).

The decisions are version-neutral (`reservations.py`, `profiles.py`, `composite.py`,
`local_list.py`); here the 2.0.1 wire models are read and answered.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from voltgate.ocpp import wire
from voltgate.ocpp.v201 import messages as m
from voltgate.simulator import composite
from voltgate.simulator.followups import Answer, Notify, Step, status_changes
from voltgate.simulator.local_list import Entry
from voltgate.simulator.profiles import decoded
from voltgate.simulator.reservations import Reservation
from voltgate.simulator.v201.state import V201State

Payload = dict[str, Any]
Responder = Callable[[V201State, Payload], Answer]
CONNECTOR_TYPE = "cType2"  # every simulated EVSE has one Type 2 socket (device_model.py)
CSO: m.ChargingLimitSourceEnum = "CSO"  # who set the profiles the CSMS installs (K09)


def _reply(response: wire.WireModel, then: list[Any] | None = None) -> Answer:
    return Answer(wire.encode(response), then or [])


def reservation_update(reservation_id: int, status: m.ReservationUpdateStatusEnum) -> Notify:
    """ReservationStatusUpdate for a reservation that ended by itself (H04.FR.01, H01.FR.16/17)."""
    request = m.ReservationStatusUpdateRequest(
        reservation_id=reservation_id, reservation_update_status=status
    )
    return Notify((Step("ReservationStatusUpdate", wire.encode(request)),))


def _reserve_now(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.ReserveNowRequest, payload)
    wrong_type = request.connector_type not in (None, CONNECTOR_TYPE, "Unknown")
    if wrong_type or request.expiry_date_time <= state.now():
        info = m.StatusInfo(reason_code="UnknownConnectorType") if wrong_type else None
        return _reply(m.ReserveNowResponse(status="Rejected", status_info=info))
    group = request.group_id_token
    reservation = Reservation(
        id=request.id,
        connector_id=request.evse_id,  # H01.FR.18: none is any EVSE (NonEvseSpecific)
        id_tag=request.id_token.id_token,
        expires_at=request.expiry_date_time,
        group_tag=None if group is None else group.id_token,
    )
    status: Any = state.reservations.reserve(reservation)  # H01.FR.02/03/04/11/12/14
    return _reply(m.ReserveNowResponse(status=status), status_changes(state))  # H01.FR.20/23


def _cancel_reservation(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.CancelReservationRequest, payload)
    if state.reservations.cancel(request.reservation_id) is None:
        return _reply(m.CancelReservationResponse(status="Rejected"))  # H02.FR.01
    return _reply(m.CancelReservationResponse(status="Accepted"), status_changes(state))


def _set_charging_profile(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.SetChargingProfileRequest, payload)
    cs = request.charging_profile
    if len(cs.charging_schedule) != 1:
        return _refuse_profile("one chargingSchedule without ISO 15118 (K01.FR.34)")
    schedule = cs.charging_schedule[0]
    if any((p.number_phases or 3) > 3 for p in schedule.charging_schedule_period):
        return _refuse_profile("the EVSE has 3 phases (K01.FR.45)")
    profile = decoded(
        cs,
        schedule,
        profile_id=cs.id,
        evse_id=request.evse_id,
        purpose=cs.charging_profile_purpose,
        transaction_id=cs.transaction_id,
        wire=payload["chargingProfile"],
    )
    refused = state.profiles.install(profile, state.running_transactions())
    if refused is not None:
        return _refuse_profile(refused)
    return _reply(m.SetChargingProfileResponse(status="Accepted"))  # K01.FR.07: in force now


def _refuse_profile(why: str) -> Answer:
    info = m.StatusInfo(reason_code="InvalidProfile", additional_info=why[:512])
    return _reply(m.SetChargingProfileResponse(status="Rejected", status_info=info))


def _clear_charging_profile(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.ClearChargingProfileRequest, payload)
    criteria = request.charging_profile_criteria
    cleared = state.profiles.clear(
        profile_id=request.charging_profile_id,
        evse_id=None if criteria is None else criteria.evse_id,
        purpose=None if criteria is None else criteria.charging_profile_purpose,
        stack_level=None if criteria is None else criteria.stack_level,
    )
    status: m.ClearChargingProfileStatusEnum = "Accepted" if cleared else "Unknown"  # K10.FR.01
    return _reply(m.ClearChargingProfileResponse(status=status))


def _get_composite_schedule(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.GetCompositeScheduleRequest, payload)
    if not 0 <= request.evse_id <= len(state.connectors):
        return _reply(m.GetCompositeScheduleResponse(status="Rejected"))  # K08.FR.05
    now = state.now()
    unit = request.charging_rate_unit or "W"
    periods = composite.composite(state.charging(), request.evse_id, now, request.duration)
    schedule = m.CompositeSchedule(
        evse_id=request.evse_id,
        duration=request.duration,
        schedule_start=now,
        charging_rate_unit=unit,
        charging_schedule_period=[
            m.ChargingSchedulePeriod(
                start_period=start,
                limit=composite.from_watts(limit.watts, unit, limit.phases),
                number_phases=limit.phases,
            )
            for start, limit in periods
        ],
    )
    return _reply(m.GetCompositeScheduleResponse(status="Accepted", schedule=schedule))


def _get_charging_profiles(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.GetChargingProfilesRequest, payload)
    criterion = request.charging_profile
    sources = criterion.charging_limit_source
    found = state.profiles.matching(
        evse_id=request.evse_id,
        ids=criterion.charging_profile_id,
        purpose=criterion.charging_profile_purpose,
        stack_level=criterion.stack_level,
    )
    if sources and CSO not in sources:
        found = []  # every profile here was set by the CSMS
    if not found:
        return _reply(m.GetChargingProfilesResponse(status="NoProfiles"))
    evses = sorted({p.evse_id for p in found})
    steps = []
    for n, evse_id in enumerate(evses):
        report = m.ReportChargingProfilesRequest(
            request_id=request.request_id,  # K09.FR.01
            charging_limit_source=CSO,
            charging_profile=[
                wire.decode(m.ChargingProfile, p.wire) for p in found if p.evse_id == evse_id
            ],
            tbc=True if n < len(evses) - 1 else None,  # K09.FR.02
            evse_id=evse_id,
        )
        steps.append(Step("ReportChargingProfiles", wire.encode(report)))
    return _reply(m.GetChargingProfilesResponse(status="Accepted"), [Notify(tuple(steps))])


def _send_local_list(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.SendLocalListRequest, payload)
    entries = []
    for data in request.local_authorization_list or []:
        info = data.id_token_info
        group = None if info is None or info.group_id_token is None else info.group_id_token
        entries.append(
            Entry(
                data.id_token.id_token,
                None if info is None else wire.encode(info),
                None if group is None else group.id_token,
            )
        )
    status: Any = state.local_list.update(
        full=request.update_type == "Full", version=request.version_number, entries=entries
    )
    return _reply(m.SendLocalListResponse(status=status))  # D01.FR.02/04/05/15-19


def _get_local_list_version(state: V201State, payload: Payload) -> Answer:
    return _reply(m.GetLocalListVersionResponse(version_number=state.local_list.version))


def _get_transaction_status(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.GetTransactionStatusRequest, payload)
    # An Ended event waits for its answer (transactions.py): the only queued message.
    queued = [
        c.transaction.transaction_id
        for c in state.connectors
        if c.transaction is not None and c.transaction.ending is not None
    ]
    if request.transaction_id is None:  # E14.FR.06/07/08
        return _reply(m.GetTransactionStatusResponse(messages_in_queue=bool(queued)))
    ongoing = state.with_transaction(request.transaction_id) is not None
    return _reply(
        m.GetTransactionStatusResponse(
            ongoing_indicator=ongoing,  # E14.FR.01/02/03
            messages_in_queue=request.transaction_id in queued,  # E14.FR.04/05
        )
    )


def _cost_updated(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.CostUpdatedRequest, payload)
    connector = state.with_transaction(request.transaction_id)
    if connector is not None and connector.transaction is not None:
        connector.transaction.total_cost = request.total_cost  # I02.FR.03: shown to the driver
    return _reply(m.CostUpdatedResponse())  # I02.FR.02


RESPONDERS: Mapping[str, Responder] = {
    "ReserveNow": _reserve_now,
    "CancelReservation": _cancel_reservation,
    "SetChargingProfile": _set_charging_profile,
    "ClearChargingProfile": _clear_charging_profile,
    "GetCompositeSchedule": _get_composite_schedule,
    "GetChargingProfiles": _get_charging_profiles,
    "SendLocalList": _send_local_list,
    "GetLocalListVersion": _get_local_list_version,
    "GetTransactionStatus": _get_transaction_status,
    "CostUpdated": _cost_updated,
}
