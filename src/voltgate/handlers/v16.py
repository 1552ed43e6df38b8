"""OCPP 1.6J actions a station sends -> domain service calls -> response models.

1.6 addresses a connector by one integer: connectorId N is EVSE N with its single connector 1
of our model, and connectorId 0 is the station itself (OCPP 1.6 §7.7 StatusNotification).
"""

from __future__ import annotations

from datetime import datetime

from voltgate.domain.authorization import AuthStatus, TokenDecision
from voltgate.domain.stations import BootInfo, Registration, StatusReport
from voltgate.domain.transactions import StartRequest, StopRequest
from voltgate.handlers.boot import after_boot
from voltgate.handlers.router import Context, Router
from voltgate.handlers.samples import v16_samples
from voltgate.ocpp import wire
from voltgate.ocpp.errors import OcppVersion
from voltgate.ocpp.v16 import messages as m
from voltgate.ocpp.wire import WireModel

router = Router(OcppVersion.V16, requests=m.REQUESTS, responses=m.RESPONSES)

_AUTH_STATUS: dict[AuthStatus, m.AuthorizationStatus] = {
    AuthStatus.ACCEPTED: "Accepted",
    AuthStatus.BLOCKED: "Blocked",
    AuthStatus.EXPIRED: "Expired",
    AuthStatus.INVALID: "Invalid",
    AuthStatus.CONCURRENT_TX: "ConcurrentTx",
    # 2.0.1-only answers: 1.6 §7.2 has one refusal for all of them, Invalid.
    AuthStatus.UNKNOWN: "Invalid",
    AuthStatus.NO_CREDIT: "Invalid",
    AuthStatus.NOT_ALLOWED_TYPE_EVSE: "Invalid",
    AuthStatus.NOT_AT_THIS_LOCATION: "Invalid",
    AuthStatus.NOT_AT_THIS_TIME: "Invalid",
}
_REGISTRATION: dict[Registration, m.RegistrationStatus] = {
    Registration.ACCEPTED: "Accepted",
    Registration.PENDING: "Pending",
    Registration.REJECTED: "Rejected",
}
# OCPP 1.6 §4.3 DataTransfer: "If the recipient has no implementation for the specific
# vendorId it SHALL return a status 'UnknownVendorId'". We store every transfer regardless.
_DATA_TRANSFER_STATUS: m.DataTransferStatus = "UnknownVendorId"


def _evse(connector_id: int) -> tuple[int, int]:
    """(evse_id, connector_id) of our model for a 1.6 connectorId."""
    return (0, 0) if connector_id == 0 else (connector_id, 1)


def id_tag_info(decision: TokenDecision) -> m.IdTagInfo:
    """The 1.6 IdTagInfo of a decision (Authorize, Start/StopTransaction, SendLocalList)."""
    return m.IdTagInfo(
        status=_AUTH_STATUS[decision.status],
        expiry_date=decision.expiry,
        parent_id_tag=decision.parent_id_tag,
    )


@router.on("BootNotification")
async def boot_notification(
    ctx: Context, req: m.BootNotificationRequest
) -> m.BootNotificationResponse:
    verdict = await ctx.services.stations.boot(
        ctx.station_id,
        BootInfo(
            vendor=req.charge_point_vendor,
            model=req.charge_point_model,
            serial_number=req.charge_point_serial_number or req.charge_box_serial_number,
            firmware_version=req.firmware_version,
            iccid=req.iccid,
            imsi=req.imsi,
            meter_type=req.meter_type,
            meter_serial_number=req.meter_serial_number,
            reason=None,
        ),
        str(OcppVersion.V16),
    )
    ctx.connection.accepted = verdict.status is Registration.ACCEPTED
    after_boot(ctx, verdict)
    return m.BootNotificationResponse(
        status=_REGISTRATION[verdict.status],
        current_time=verdict.current_time,
        interval=verdict.interval_s,
    )


@router.on("Heartbeat")
async def heartbeat(ctx: Context, req: m.HeartbeatRequest) -> m.HeartbeatResponse:
    return m.HeartbeatResponse(current_time=await ctx.services.stations.heartbeat(ctx.station_id))


@router.on("StatusNotification")
async def status_notification(
    ctx: Context, req: m.StatusNotificationRequest
) -> m.StatusNotificationResponse:
    evse_id, connector_id = _evse(req.connector_id)
    await ctx.services.stations.status_notification(
        ctx.station_id,
        StatusReport(
            evse_id=evse_id,
            connector_id=connector_id,
            status=req.status,
            error_code=req.error_code,
            info=req.info,
            vendor_id=req.vendor_id,
            vendor_error_code=req.vendor_error_code,
            timestamp=req.timestamp,
        ),
    )
    return m.StatusNotificationResponse()


@router.on("Authorize")
async def authorize(ctx: Context, req: m.AuthorizeRequest) -> m.AuthorizeResponse:
    decision = await ctx.services.authorization.authorize(ctx.station_id, req.id_tag)
    return m.AuthorizeResponse(id_tag_info=id_tag_info(decision))


@router.on("StartTransaction")
async def start_transaction(
    ctx: Context, req: m.StartTransactionRequest
) -> m.StartTransactionResponse:
    evse_id, connector_id = _evse(req.connector_id)
    result = await ctx.services.transactions.start(
        ctx.station_id,
        StartRequest(
            evse_id=evse_id,
            connector_id=connector_id,
            id_tag=req.id_tag,
            meter_start_wh=req.meter_start,
            timestamp=req.timestamp,
            reservation_id=req.reservation_id,
        ),
    )
    return m.StartTransactionResponse(
        transaction_id=result.transaction_id, id_tag_info=id_tag_info(result.token)
    )


@router.on("StopTransaction")
async def stop_transaction(
    ctx: Context, req: m.StopTransactionRequest
) -> m.StopTransactionResponse:
    decision = await ctx.services.transactions.stop(
        ctx.station_id,
        StopRequest(
            transaction_id=req.transaction_id,
            id_tag=req.id_tag,
            meter_stop_wh=req.meter_stop,
            timestamp=req.timestamp,
            reason=req.reason,
            samples=v16_samples(req.transaction_data or ()),
        ),
    )
    info = id_tag_info(decision) if decision is not None else None
    return m.StopTransactionResponse(id_tag_info=info)


@router.on("MeterValues")
async def meter_values(ctx: Context, req: m.MeterValuesRequest) -> m.MeterValuesResponse:
    evse_id, connector_id = _evse(req.connector_id)
    await ctx.services.transactions.meter_values(
        ctx.station_id, evse_id, connector_id, req.transaction_id, v16_samples(req.meter_value)
    )
    return m.MeterValuesResponse()


@router.on("DataTransfer")
async def data_transfer(ctx: Context, req: m.DataTransferRequest) -> m.DataTransferResponse:
    await _record(ctx, "DataTransfer", req)
    return m.DataTransferResponse(status=_DATA_TRANSFER_STATUS)


@router.on("DiagnosticsStatusNotification")
async def diagnostics_status(
    ctx: Context, req: m.DiagnosticsStatusNotificationRequest
) -> m.DiagnosticsStatusNotificationResponse:
    await _record(ctx, "DiagnosticsStatusNotification", req)
    return m.DiagnosticsStatusNotificationResponse()


@router.on("FirmwareStatusNotification")
async def firmware_status(
    ctx: Context, req: m.FirmwareStatusNotificationRequest
) -> m.FirmwareStatusNotificationResponse:
    await _record(ctx, "FirmwareStatusNotification", req)
    return m.FirmwareStatusNotificationResponse()


@router.on("SecurityEventNotification")
async def security_event(
    ctx: Context, req: m.SecurityEventNotificationRequest
) -> m.SecurityEventNotificationResponse:
    await _record(ctx, "SecurityEventNotification", req, at=req.timestamp)
    return m.SecurityEventNotificationResponse()


@router.on("SignCertificate")
async def sign_certificate(
    ctx: Context, req: m.SignCertificateRequest
) -> m.SignCertificateResponse:
    # 1.6 Security Whitepaper A02/A03: the CSR is kept as a station event, checked and signed
    # by the CSMS CA. Accepted (A02.FR.11) promises a CertificateSigned.req, sent once this
    # answer is out; Rejected (A02.FR.12) for an invalid CSR or a node without a CA.
    await _record(ctx, "SignCertificate", req)
    signing = await ctx.services.security.sign_certificate(ctx.station_id, req.csr)
    issued = signing.issued
    if issued is None:
        return m.SignCertificateResponse(status="Rejected")
    station_id, security = ctx.station_id, ctx.services.security
    ctx.then(lambda: security.deliver_certificate(station_id, str(OcppVersion.V16), issued))
    return m.SignCertificateResponse(status="Accepted")


@router.on("LogStatusNotification")
async def log_status(
    ctx: Context, req: m.LogStatusNotificationRequest
) -> m.LogStatusNotificationResponse:
    await _record(ctx, "LogStatusNotification", req)
    return m.LogStatusNotificationResponse()


@router.on("SignedFirmwareStatusNotification")
async def signed_firmware_status(
    ctx: Context, req: m.SignedFirmwareStatusNotificationRequest
) -> m.SignedFirmwareStatusNotificationResponse:
    await _record(ctx, "SignedFirmwareStatusNotification", req)
    return m.SignedFirmwareStatusNotificationResponse()


async def _record(ctx: Context, kind: str, req: WireModel, at: datetime | None = None) -> None:
    """Store a notification as a station event, with its wire payload."""
    await ctx.services.events.record(
        ctx.station_id, kind, wire.encode(req), at, message_id=ctx.message_id
    )
