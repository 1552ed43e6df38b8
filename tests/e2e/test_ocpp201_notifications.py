"""Every other 2.0.1 notification a station sends is answered per its schema and stored
once as a station event, whatever retries the station makes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ocpp.v201 import call

from tests.e2e.conftest import ProvisionStation, charge_point_201
from voltgate.app import Csms

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
AT = "2026-11-20T08:00:00Z"
BOOT = call.BootNotification(
    charging_station={"model": "X2", "vendor_name": "ACME"}, reason="PowerUp"
)
SCHEDULE = {
    "id": 1,
    "charging_rate_unit": "A",
    "charging_schedule_period": [{"start_period": 0, "limit": 16}],
}
EVENT_DATA = {
    "event_id": 1,
    "timestamp": AT,
    "trigger": "Delta",
    "actual_value": "Occupied",
    "tech_code": "E42",
    "component": {"name": "Connector", "evse": {"id": 1, "connector_id": 1}},
    "variable": {"name": "AvailabilityState"},
    "event_notification_type": "HardWiredNotification",
}

# (the request, its event kind, the station event's own time, if it has one)
NOTIFICATIONS: list[tuple[Any, str, datetime | None]] = [
    (call.NotifyEvent(generated_at=AT, seq_no=0, event_data=[EVENT_DATA]), "NotifyEvent", T0),
    (
        call.NotifyMonitoringReport(
            request_id=4,
            seq_no=0,
            generated_at=AT,
            monitor=[
                {
                    "component": {"name": "EVSE", "evse": {"id": 1}},
                    "variable": {"name": "Power"},
                    "variable_monitoring": [
                        {
                            "id": 1,
                            "transaction": False,
                            "value": 22000,
                            "type": "UpperThreshold",
                            "severity": 5,
                        }
                    ],
                }
            ],
        ),
        "NotifyMonitoringReport",
        T0,
    ),
    (
        call.FirmwareStatusNotification(status="Downloading", request_id=3),
        "FirmwareStatusNotification",
        None,
    ),
    (
        call.PublishFirmwareStatusNotification(
            status="Published", location=["http://lc.local/fw.bin"], request_id=5
        ),
        "PublishFirmwareStatusNotification",
        None,
    ),
    (call.LogStatusNotification(status="Uploading", request_id=6), "LogStatusNotification", None),
    (
        call.NotifyChargingLimit(
            charging_limit={"charging_limit_source": "EMS", "is_grid_critical": False},
            charging_schedule=[SCHEDULE],
            evse_id=1,
        ),
        "NotifyChargingLimit",
        None,
    ),
    (
        call.ClearedChargingLimit(charging_limit_source="EMS", evse_id=1),
        "ClearedChargingLimit",
        None,
    ),
    (
        call.ReportChargingProfiles(
            request_id=7,
            charging_limit_source="CSO",
            evse_id=1,
            charging_profile=[
                {
                    "id": 1,
                    "stack_level": 0,
                    "charging_profile_purpose": "TxDefaultProfile",
                    "charging_profile_kind": "Absolute",
                    "charging_schedule": [SCHEDULE],
                }
            ],
        ),
        "ReportChargingProfiles",
        None,
    ),
    (
        call.NotifyEVChargingSchedule(time_base=AT, charging_schedule=SCHEDULE, evse_id=1),
        "NotifyEVChargingSchedule",
        None,
    ),
    (
        call.NotifyCustomerInformation(data="name=Ada", seq_no=0, generated_at=AT, request_id=8),
        "NotifyCustomerInformation",
        T0,
    ),
    (
        call.NotifyDisplayMessages(
            request_id=9,
            message_info=[
                {
                    "id": 1,
                    "priority": "NormalCycle",
                    "message": {"format": "UTF8", "content": "Welcome"},
                }
            ],
        ),
        "NotifyDisplayMessages",
        None,
    ),
    (
        call.ReservationStatusUpdate(reservation_id=10, reservation_update_status="Expired"),
        "ReservationStatusUpdate",
        None,
    ),
]


async def test_each_notification_is_answered_and_stored_once(
    csms: Csms, provision: ProvisionStation
) -> None:
    """Sent, retried under the same message id, and resent after a reconnect: each
    notification is one station event with its wire payload and its own time."""
    await provision("CS-1")
    async with charge_point_201(csms, "CS-1") as cp:
        await cp.call(BOOT)
        for index, (request, _, _) in enumerate(NOTIFICATIONS):
            await cp.call(request, suppress=False, unique_id=f"n-{index}")
            await cp.call(request, suppress=False, unique_id=f"n-{index}")  # a retry
    async with charge_point_201(csms, "CS-1") as cp:
        for request, _, at in NOTIFICATIONS:
            if at is not None:  # with a time of its own: a resend under a new id is a retry
                await cp.call(request, suppress=False)
    events = await csms.services.events.list_for_station("CS-1")
    assert sorted(e.kind for e in events) == sorted(kind for _, kind, _ in NOTIFICATIONS)
    for _, kind, at in NOTIFICATIONS:
        [event] = [e for e in events if e.kind == kind]
        assert event.at == at, kind
    [event] = [e for e in events if e.kind == "NotifyEvent"]
    assert event.payload["eventData"][0]["techCode"] == "E42"
    assert event.payload["eventData"][0]["component"]["evse"] == {"id": 1, "connectorId": 1}


async def test_a_new_status_under_a_new_message_id_is_a_new_event(
    csms: Csms, provision: ProvisionStation
) -> None:
    """Without a time of its own, a second "Downloading" (new message id) is a new event."""
    await provision("CS-1")
    async with charge_point_201(csms, "CS-1") as cp:
        await cp.call(BOOT)
        for _ in range(2):
            await cp.call(call.FirmwareStatusNotification(status="Downloading", request_id=3))
    events = await csms.services.events.list_for_station("CS-1", kind="FirmwareStatusNotification")
    assert len(events) == 2


async def test_ev_charging_needs_stored_and_rejected_without_smart_charging_K15_FR_04(
    csms: Csms, provision: ProvisionStation
) -> None:
    """Accepted or Processing would promise a SetChargingProfile (K15.FR.07); with no smart
    charging configured the CSMS is "not able to provide a charging schedule": Rejected.
    The needs are kept for when it is."""
    await provision("CS-1")
    needs = {
        "requested_energy_transfer": "AC_three_phase",
        "departure_time": "2026-11-20T17:00:00Z",
        "ac_charging_parameters": {
            "energy_amount": 20000,
            "ev_min_current": 6,
            "ev_max_current": 32,
            "ev_max_voltage": 400,
        },
    }
    async with charge_point_201(csms, "CS-1") as cp:
        await cp.call(BOOT)
        answer = await cp.call(
            call.NotifyEVChargingNeeds(charging_needs=needs, evse_id=1, max_schedule_tuples=3)
        )
    assert answer.status == "Rejected"
    assert answer.status_info["reason_code"] == "NotEnabled"
    [event] = await csms.services.events.list_for_station("CS-1", kind="NotifyEVChargingNeeds")
    assert event.payload["chargingNeeds"]["acChargingParameters"]["energyAmount"] == 20000
    assert event.payload["evseId"] == 1


async def test_schedule_and_data_transfer_answers_K15_FR_11_P01_FR_05(
    csms: Csms, provision: ProvisionStation
) -> None:
    """The EV's schedule is Accepted (the CSMS set no limit it exceeds); a DataTransfer is
    UnknownVendorId (no vendor extension implemented) and stored with its data."""
    await provision("CS-1")
    async with charge_point_201(csms, "CS-1") as cp:
        await cp.call(BOOT)
        schedule = await cp.call(
            call.NotifyEVChargingSchedule(time_base=AT, charging_schedule=SCHEDULE, evse_id=1)
        )
        transfer = await cp.call(
            call.DataTransfer(vendor_id="com.acme", message_id="temp", data={"celsius": 41})
        )
    assert (schedule.status, transfer.status) == ("Accepted", "UnknownVendorId")
    [event] = await csms.services.events.list_for_station("CS-1", kind="DataTransfer")
    assert event.payload == {"vendorId": "com.acme", "messageId": "temp", "data": {"celsius": 41}}
