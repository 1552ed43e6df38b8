"""OCPP 2.0.1 security (functional block A) and the ISO 15118 certificate requests (block M).

* SignCertificate (A02/A03): the CSR is checked and signed by the CSMS CA; Accepted, then
  CertificateSigned follows once the answer is sent (`Context.then`). Rejected with a
  reason code from part 2 appendix 5 otherwise: InvalidCSR, or NotEnabled when this node has
  no CA or the CSR is for a V2G (ISO 15118) certificate, which needs a V2G PKI we do not run.
* SecurityEventNotification (A04): stored as a station event with its timestamp (A04.FR.03:
  the CSMS confirms receipt).
* Get15118EVCertificate (M01/M02) and GetCertificateStatus (M06): no ISO 15118 PKI and no OCSP
  responder are configured, so both answer Failed (M06.FR.04) with reason code NotEnabled.
  The requests are stored as station events, for the operator to see what stations ask for.
"""

from __future__ import annotations

from voltgate.domain.services.security import SigningRefusal
from voltgate.handlers.router import Context
from voltgate.handlers.v201.base import router
from voltgate.ocpp import wire
from voltgate.ocpp.errors import OcppVersion
from voltgate.ocpp.v201 import messages as m

# Part 2, appendix 5 (Reason Codes).
_INVALID_CSR = "InvalidCSR"
_NOT_ENABLED = "NotEnabled"
_MAX_ADDITIONAL_INFO = 512  # StatusInfoType.additionalInfo: string[0..512]

_NO_15118_PKI = "no ISO 15118 PKI is configured on this CSMS"
_NO_OCSP = "no OCSP responder is configured on this CSMS"


def _status_info(reason_code: str, additional_info: str) -> m.StatusInfo:
    return m.StatusInfo(
        reason_code=reason_code, additional_info=additional_info[:_MAX_ADDITIONAL_INFO]
    )


@router.on("SignCertificate")
async def sign_certificate(
    ctx: Context, req: m.SignCertificateRequest
) -> m.SignCertificateResponse:
    # Every request is kept as a station event (what was asked, also when refused).
    await ctx.services.events.record(
        ctx.station_id, "SignCertificate", wire.encode(req), None, message_id=ctx.message_id
    )
    if req.certificate_type == "V2GCertificate":
        # A02.FR.12 / A03.FR.12: Rejected when the CSMS cannot process the request.
        info = _status_info(_NOT_ENABLED, "V2G certificates need an ISO 15118 PKI; none is set up")
        return m.SignCertificateResponse(status="Rejected", status_info=info)
    signing = await ctx.services.security.sign_certificate(ctx.station_id, req.csr)
    issued = signing.issued
    if issued is None:
        code = _INVALID_CSR if signing.refusal is SigningRefusal.INVALID_CSR else _NOT_ENABLED
        return m.SignCertificateResponse(
            status="Rejected", status_info=_status_info(code, signing.reason)
        )
    station_id, security = ctx.station_id, ctx.services.security
    ctx.then(lambda: security.deliver_certificate(station_id, str(OcppVersion.V201), issued))
    return m.SignCertificateResponse(status="Accepted")  # A02.FR.11 / A03.FR.11


@router.on("SecurityEventNotification")
async def security_event_notification(
    ctx: Context, req: m.SecurityEventNotificationRequest
) -> m.SecurityEventNotificationResponse:
    await ctx.services.events.record(
        ctx.station_id,
        "SecurityEventNotification",
        wire.encode(req),
        req.timestamp,
        message_id=ctx.message_id,
    )
    return m.SecurityEventNotificationResponse()


@router.on("Get15118EVCertificate")
async def get_15118_ev_certificate(
    ctx: Context, req: m.Get15118EVCertificateRequest
) -> m.Get15118EVCertificateResponse:
    await ctx.services.events.record(
        ctx.station_id, "Get15118EVCertificate", wire.encode(req), None, message_id=ctx.message_id
    )
    return m.Get15118EVCertificateResponse(
        status="Failed", status_info=_status_info(_NOT_ENABLED, _NO_15118_PKI), exi_response=""
    )


@router.on("GetCertificateStatus")
async def get_certificate_status(
    ctx: Context, req: m.GetCertificateStatusRequest
) -> m.GetCertificateStatusResponse:
    await ctx.services.events.record(
        ctx.station_id, "GetCertificateStatus", wire.encode(req), None, message_id=ctx.message_id
    )
    return m.GetCertificateStatusResponse(
        status="Failed", status_info=_status_info(_NOT_ENABLED, _NO_OCSP)
    )
