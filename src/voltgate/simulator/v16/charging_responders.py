"""How a simulated 1.6 station answers reservations (§5.13, §5.3), smart charging (§5.16,
§5.5, §5.7) and its local authorization list (§5.15, §5.10).

The decisions are version-neutral and live in `reservations.py`, `profiles.py`,
`composite.py` and `local_list.py`; here the 1.6 payloads are read and answered. Requests
are decoded with the generated 1.6 wire models, so times arrive as aware datetimes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from voltgate.ocpp import wire
from voltgate.ocpp.v16 import messages as m
from voltgate.simulator import composite
from voltgate.simulator.followups import Answer, status_changes
from voltgate.simulator.local_list import Entry
from voltgate.simulator.profiles import STATION_MAX, decoded
from voltgate.simulator.reservations import Reservation
from voltgate.simulator.v16 import payloads
from voltgate.simulator.v16.state import V16State

Payload = dict[str, Any]
Responder = Callable[[V16State, Payload], Answer]

# 1.6 spells the station maximum ChargePointMaxProfile; the rest as 2.0.1 does.
_PURPOSE = {"ChargePointMaxProfile": STATION_MAX}


def _reserve_now(state: V16State, payload: Payload) -> Answer:
    request = wire.decode(m.ReserveNowRequest, payload)
    any_connector = request.connector_id == 0
    zero = state.configuration["ReserveConnectorZeroSupported"].value == "true"
    if (any_connector and not zero) or request.expiry_date <= state.now():
        return Answer({"status": "Rejected"})
    reservation = Reservation(
        id=request.reservation_id,
        connector_id=None if any_connector else request.connector_id,
        id_tag=request.id_tag,
        expires_at=request.expiry_date,
        group_tag=request.parent_id_tag,
    )
    status = state.reservations.reserve(reservation)  # §5.13: Occupied, Unavailable, Faulted
    return Answer({"status": status}, status_changes(state))


def _cancel_reservation(state: V16State, payload: Payload) -> Answer:
    request = wire.decode(m.CancelReservationRequest, payload)
    if state.reservations.cancel(request.reservation_id) is None:
        return Answer({"status": "Rejected"})  # §5.3: no reservation with that id
    return Answer({"status": "Accepted"}, status_changes(state))


def _set_charging_profile(state: V16State, payload: Payload) -> Answer:
    request = wire.decode(m.SetChargingProfileRequest, payload)
    cs = request.cs_charging_profiles
    schedule = cs.charging_schedule
    profile = decoded(
        cs,
        schedule,
        profile_id=cs.charging_profile_id,
        evse_id=request.connector_id,
        purpose=_PURPOSE.get(cs.charging_profile_purpose, cs.charging_profile_purpose),
        transaction_id=None if cs.transaction_id is None else str(cs.transaction_id),
        wire=payload["csChargingProfiles"],
    )
    refused = state.profiles.install(profile, state.running_transactions())
    return Answer({"status": "Rejected" if refused else "Accepted"})


def _clear_charging_profile(state: V16State, payload: Payload) -> Answer:
    request = wire.decode(m.ClearChargingProfileRequest, payload)
    purpose = request.charging_profile_purpose
    cleared = state.profiles.clear(
        profile_id=request.id,
        evse_id=request.connector_id,
        purpose=None if purpose is None else _PURPOSE.get(purpose, purpose),
        stack_level=request.stack_level,
    )
    return Answer({"status": "Accepted" if cleared else "Unknown"})  # §5.5


def _get_composite_schedule(state: V16State, payload: Payload) -> Answer:
    request = wire.decode(m.GetCompositeScheduleRequest, payload)
    if not 0 <= request.connector_id <= len(state.connectors):
        return Answer({"status": "Rejected"})  # §5.7: an unknown connector
    now = state.now()
    unit = request.charging_rate_unit or "A"
    periods = composite.composite(state.charging(), request.connector_id, now, request.duration)
    schedule: Payload = {
        "duration": request.duration,
        "startSchedule": payloads.timestamp(now),
        "chargingRateUnit": unit,
        "chargingSchedulePeriod": [
            {
                "startPeriod": start,
                "limit": composite.from_watts(limit.watts, unit, limit.phases),
                "numberPhases": limit.phases,
            }
            for start, limit in periods
        ],
    }
    return Answer(
        {
            "status": "Accepted",
            "connectorId": request.connector_id,
            "scheduleStart": payloads.timestamp(now),
            "chargingSchedule": schedule,
        }
    )


def _send_local_list(state: V16State, payload: Payload) -> Answer:
    request = wire.decode(m.SendLocalListRequest, payload)
    if not state.local_list_enabled:
        return Answer({"status": "NotSupported"})
    entries = []
    for data in request.local_authorization_list or []:
        info = None if data.id_tag_info is None else wire.encode(data.id_tag_info)
        group = None if data.id_tag_info is None else data.id_tag_info.parent_id_tag
        entries.append(Entry(data.id_tag, info, group))
    status = state.local_list.update(
        full=request.update_type == "Full", version=request.list_version, entries=entries
    )
    return Answer({"status": status})


def _get_local_list_version(state: V16State, payload: Payload) -> Answer:
    # §5.10: -1 when the list is not supported (disabled), 0 when it is empty.
    version = state.local_list.version if state.local_list_enabled else -1
    return Answer({"listVersion": version})


RESPONDERS: Mapping[str, Responder] = {
    "ReserveNow": _reserve_now,
    "CancelReservation": _cancel_reservation,
    "SetChargingProfile": _set_charging_profile,
    "ClearChargingProfile": _clear_charging_profile,
    "GetCompositeSchedule": _get_composite_schedule,
    "SendLocalList": _send_local_list,
    "GetLocalListVersion": _get_local_list_version,
}
