"""OCPP 2.0.1 provisioning (B), authorization (C) and availability (G): BootNotification,
Heartbeat, StatusNotification, Authorize and NotifyReport (the device model).

They land in the same records as their 1.6 counterparts (stations, connectors, tokens), so
a 2.0.1 station looks like a 1.6 one everywhere but its protocol.
"""

from __future__ import annotations

from voltgate.domain.authorization import AuthStatus, TokenDecision
from voltgate.domain.device_model import (
    DEFAULT_ATTRIBUTE_TYPE,
    DEFAULT_MUTABILITY,
    Attribute,
    AttributeType,
    Characteristics,
    ReportedVariable,
    ReportPart,
    VariableAddress,
)
from voltgate.domain.stations import BootInfo, Registration, StatusReport
from voltgate.handlers.boot import after_boot
from voltgate.handlers.redaction import REDACTED, is_secret
from voltgate.handlers.router import Context
from voltgate.handlers.v201 import base
from voltgate.ocpp.errors import OcppVersion
from voltgate.ocpp.v201 import messages as m

_REGISTRATION: dict[Registration, m.RegistrationStatusEnum] = {
    Registration.ACCEPTED: "Accepted",
    Registration.PENDING: "Pending",
    Registration.REJECTED: "Rejected",
}
_PROTOCOL = str(OcppVersion.V201)


@base.router.on("BootNotification")
async def boot_notification(
    ctx: Context, req: m.BootNotificationRequest
) -> m.BootNotificationResponse:
    """B01-B03: Accepted, Pending or Rejected by the station's registration, as for 1.6;
    `interval` is the heartbeat interval when Accepted (B01.FR.04) and the wait before the
    next boot otherwise (B02.FR.08, B03.FR.06). Until Accepted the router answers other
    CALLs with SecurityError (B02.FR.09, B03.FR.07)."""
    station = req.charging_station
    modem = station.modem
    verdict = await ctx.services.stations.boot(
        ctx.station_id,
        BootInfo(
            vendor=station.vendor_name,
            model=station.model,
            serial_number=station.serial_number,
            firmware_version=station.firmware_version,
            iccid=None if modem is None else modem.iccid,
            imsi=None if modem is None else modem.imsi,
            reason=req.reason,  # B01.FR.09
        ),
        _PROTOCOL,
    )
    ctx.connection.accepted = verdict.status is Registration.ACCEPTED
    after_boot(ctx, verdict)
    return m.BootNotificationResponse(
        status=_REGISTRATION[verdict.status],
        current_time=verdict.current_time,
        interval=verdict.interval_s,
    )


@base.router.on("Heartbeat")
async def heartbeat(ctx: Context, req: m.HeartbeatRequest) -> m.HeartbeatResponse:
    """G02: the last heartbeat is stored; the answer carries the server time."""
    return m.HeartbeatResponse(current_time=await ctx.services.stations.heartbeat(ctx.station_id))


@base.router.on("StatusNotification")
async def status_notification(
    ctx: Context, req: m.StatusNotificationRequest
) -> m.StatusNotificationResponse:
    """G01: a connector's status, in the same connector records as 1.6 (evseId 0 is the
    station). 2.0.1 carries no error code: faults come as NotifyEvent."""
    evse_id, connector_id = base.evse(req.evse_id, req.connector_id)
    await ctx.services.stations.status_notification(
        ctx.station_id,
        StatusReport(
            evse_id=evse_id,
            connector_id=connector_id,
            status=req.connector_status,
            timestamp=req.timestamp,
        ),
    )
    return m.StatusNotificationResponse()


@base.router.on("Authorize")
async def authorize(ctx: Context, req: m.AuthorizeRequest) -> m.AuthorizeResponse:
    """C01: the token's status from the same token table as 1.6 idTags, with its group
    (C01.FR.06), cache expiry and personal message.

    A request with a contract certificate (C07, Plug & Charge) asks the CSMS to verify it;
    no ISO 15118 contract PKI is configured, so the chain "cannot be verified":
    certificateStatus CertChainError and status Invalid (C07.FR.17).
    """
    decision = await ctx.services.authorization.authorize(
        ctx.station_id, base.id_token(req.id_token)
    )
    if req.certificate is None and not req.iso15118_certificate_hash_data:
        return m.AuthorizeResponse(id_token_info=base.id_token_info(decision))
    refused = TokenDecision(AuthStatus.INVALID, parent_id_tag=decision.parent_id_tag)
    return m.AuthorizeResponse(
        id_token_info=base.id_token_info(refused), certificate_status="CertChainError"
    )


@base.router.on("NotifyReport")
async def notify_report(ctx: Context, req: m.NotifyReportRequest) -> m.NotifyReportResponse:
    """B07/B08: one part of a base or custom report, stored as the station's device model;
    a retried part changes nothing (`DeviceModelService.store_report`)."""
    await ctx.services.device_model.store_report(ctx.station_id, report_part(req))
    return m.NotifyReportResponse()


def report_part(req: m.NotifyReportRequest) -> ReportPart:
    """The domain view of a NotifyReportRequest (tbc absent means false: the last part)."""
    return ReportPart(
        request_id=req.request_id,
        seq_no=req.seq_no,
        generated_at=req.generated_at,
        tbc=bool(req.tbc),
        variables=tuple(_variable(data) for data in req.report_data or ()),
    )


def _variable(data: m.ReportData) -> ReportedVariable:
    component, variable, evse = data.component, data.variable, data.component.evse
    ch = data.variable_characteristics
    # A01.FR.09: a password the station reports (it should not, A01.FR.02) is not kept.
    secret = is_secret(variable.name)
    return ReportedVariable(
        address=VariableAddress(
            component=component.name,
            variable=variable.name,
            component_instance=component.instance,
            evse_id=None if evse is None else evse.id,
            connector_id=None if evse is None else evse.connector_id,
            variable_instance=variable.instance,
        ),
        attributes=tuple(_attribute(attribute, secret) for attribute in data.variable_attribute),
        characteristics=None
        if ch is None
        else Characteristics(
            data_type=ch.data_type,
            supports_monitoring=ch.supports_monitoring,
            unit=ch.unit,
            min_limit=ch.min_limit,
            max_limit=ch.max_limit,
            values_list=ch.values_list,
        ),
    )


def _attribute(attribute: m.VariableAttribute, secret: bool) -> Attribute:
    """With the defaults of VariableAttributeType (2.0.1 part 2 §2.50) for omitted fields;
    a `secret` value is stored as `REDACTED`."""
    value = attribute.value
    return Attribute(
        type=DEFAULT_ATTRIBUTE_TYPE if attribute.type is None else AttributeType(attribute.type),
        value=REDACTED if secret and value is not None else value,
        mutability=attribute.mutability or DEFAULT_MUTABILITY,
        persistent=bool(attribute.persistent),
        constant=bool(attribute.constant),
    )
