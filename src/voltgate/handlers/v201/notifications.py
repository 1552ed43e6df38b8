"""OCPP 2.0.1 notifications the CSMS keeps as station events: monitoring (N), firmware (L),
diagnostics (N01), smart charging (K), display messages (O), reservations (H), customer
information (N09) and DataTransfer (P).

Each is stored once as a station event with its wire payload (`EventService.record`) and
answered only after that. A message with a time of its own is told apart by that time and
its content; the others by the OCPP message id, so a retry after a reconnect adds nothing
(`domain.keys.event_key`).
"""

from __future__ import annotations

from datetime import datetime

from voltgate.handlers.router import Context
from voltgate.handlers.v201 import base
from voltgate.ocpp import wire
from voltgate.ocpp.v201 import messages as m
from voltgate.ocpp.wire import WireModel

# P01.FR.05: a recipient without an implementation for the vendorId answers UnknownVendorId
# (as 1.6 §4.3). No vendor extensions are implemented; every transfer is stored anyway.
_DATA_TRANSFER_STATUS: m.DataTransferStatusEnum = "UnknownVendorId"

# K15.FR.03-05 / K17.FR.03-05: Accepted or Processing promise a SetChargingProfileRequest
# (K15.FR.07, K17.FR.07). No smart charging runs yet, so the honest answer is Rejected
# (K15.FR.04, K17.FR.04: "not able to provide a charging schedule"); the needs are stored.
_EV_CHARGING_NEEDS = m.NotifyEVChargingNeedsResponse(
    status="Rejected",
    status_info=m.StatusInfo(
        reason_code="NotEnabled", additional_info="No smart charging configured; needs stored."
    ),
)


@base.router.on("NotifyEvent")
async def notify_event(ctx: Context, req: m.NotifyEventRequest) -> m.NotifyEventResponse:
    """N07: events of monitored variables (trigger, actualValue, techCode ...)."""
    await _record(ctx, "NotifyEvent", req, at=req.generated_at)
    return m.NotifyEventResponse()


@base.router.on("NotifyMonitoringReport")
async def notify_monitoring_report(
    ctx: Context, req: m.NotifyMonitoringReportRequest
) -> m.NotifyMonitoringReportResponse:
    """N02: the monitors of a GetMonitoringReport, one event per report part."""
    await _record(ctx, "NotifyMonitoringReport", req, at=req.generated_at)
    return m.NotifyMonitoringReportResponse()


@base.router.on("FirmwareStatusNotification")
async def firmware_status(
    ctx: Context, req: m.FirmwareStatusNotificationRequest
) -> m.FirmwareStatusNotificationResponse:
    """L01.FR.01: each new state of a firmware update."""
    await _record(ctx, "FirmwareStatusNotification", req)
    return m.FirmwareStatusNotificationResponse()


@base.router.on("PublishFirmwareStatusNotification")
async def publish_firmware_status(
    ctx: Context, req: m.PublishFirmwareStatusNotificationRequest
) -> m.PublishFirmwareStatusNotificationResponse:
    """L03: progress of publishing firmware to a local controller."""
    await _record(ctx, "PublishFirmwareStatusNotification", req)
    return m.PublishFirmwareStatusNotificationResponse()


@base.router.on("LogStatusNotification")
async def log_status(
    ctx: Context, req: m.LogStatusNotificationRequest
) -> m.LogStatusNotificationResponse:
    """N01: progress of a log upload."""
    await _record(ctx, "LogStatusNotification", req)
    return m.LogStatusNotificationResponse()


@base.router.on("NotifyChargingLimit")
async def notify_charging_limit(
    ctx: Context, req: m.NotifyChargingLimitRequest
) -> m.NotifyChargingLimitResponse:
    """K12.FR.02: an external limit (EMS, grid operator) the station applies."""
    await _record(ctx, "NotifyChargingLimit", req)
    return m.NotifyChargingLimitResponse()


@base.router.on("ClearedChargingLimit")
async def cleared_charging_limit(
    ctx: Context, req: m.ClearedChargingLimitRequest
) -> m.ClearedChargingLimitResponse:
    """K13.FR.02: an external limit was released."""
    await _record(ctx, "ClearedChargingLimit", req)
    return m.ClearedChargingLimitResponse()


@base.router.on("ReportChargingProfiles")
async def report_charging_profiles(
    ctx: Context, req: m.ReportChargingProfilesRequest
) -> m.ReportChargingProfilesResponse:
    """K09.FR.01/02: the profiles installed on the station (a GetChargingProfiles answer)."""
    await _record(ctx, "ReportChargingProfiles", req)
    return m.ReportChargingProfilesResponse()


@base.router.on("NotifyEVChargingNeeds")
async def notify_ev_charging_needs(
    ctx: Context, req: m.NotifyEVChargingNeedsRequest
) -> m.NotifyEVChargingNeedsResponse:
    """K15/K17: the EV's needs (ISO 15118), stored; answered Rejected (see above)."""
    await _record(ctx, "NotifyEVChargingNeeds", req)
    return _EV_CHARGING_NEEDS


@base.router.on("NotifyEVChargingSchedule")
async def notify_ev_charging_schedule(
    ctx: Context, req: m.NotifyEVChargingScheduleRequest
) -> m.NotifyEVChargingScheduleResponse:
    """K15.FR.11: the EV's own schedule. The CSMS set no schedule it could exceed, so it is
    within limits: Accepted."""
    await _record(ctx, "NotifyEVChargingSchedule", req)
    return m.NotifyEVChargingScheduleResponse(status="Accepted")


@base.router.on("NotifyCustomerInformation")
async def notify_customer_information(
    ctx: Context, req: m.NotifyCustomerInformationRequest
) -> m.NotifyCustomerInformationResponse:
    """N09: customer data a CustomerInformation request asked for."""
    await _record(ctx, "NotifyCustomerInformation", req, at=req.generated_at)
    return m.NotifyCustomerInformationResponse()


@base.router.on("NotifyDisplayMessages")
async def notify_display_messages(
    ctx: Context, req: m.NotifyDisplayMessagesRequest
) -> m.NotifyDisplayMessagesResponse:
    """O02: the display messages configured on the station."""
    await _record(ctx, "NotifyDisplayMessages", req)
    return m.NotifyDisplayMessagesResponse()


@base.router.on("ReservationStatusUpdate")
async def reservation_status_update(
    ctx: Context, req: m.ReservationStatusUpdateRequest
) -> m.ReservationStatusUpdateResponse:
    """H04.FR.01, H01.FR.16/17: a reservation expired or was removed; stored as a station
    event, and the reservation (when Voltgate made it) EXPIRED with the station's status."""
    await ctx.services.reservations.ended_by_station(
        ctx.station_id,
        req.reservation_id,
        req.reservation_update_status,
        payload=wire.encode(req),
        message_id=ctx.message_id,
    )
    return m.ReservationStatusUpdateResponse()


@base.router.on("DataTransfer")
async def data_transfer(ctx: Context, req: m.DataTransferRequest) -> m.DataTransferResponse:
    """P01: vendor-specific data, stored; answered UnknownVendorId (see above)."""
    await _record(ctx, "DataTransfer", req)
    return m.DataTransferResponse(status=_DATA_TRANSFER_STATUS)


async def _record(ctx: Context, kind: str, req: WireModel, at: datetime | None = None) -> None:
    """Store a notification as a station event, with its wire payload."""
    await ctx.services.events.record(
        ctx.station_id, kind, wire.encode(req), at, message_id=ctx.message_id
    )
