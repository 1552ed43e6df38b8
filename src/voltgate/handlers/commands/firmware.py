"""Firmware and diagnostics in both versions: 1.6 UpdateFirmware / GetDiagnostics (§5.19,
§5.9) and the Security Whitepaper's SignedUpdateFirmware / GetLog; 2.0.1 L01, L03, L04, N01,
N09. Every requestId is the command's id. Upload and download URLs may carry credentials
(``ftp://user:password@host/``): the stored request shows them redacted
(`handlers.redaction`)."""

from __future__ import annotations

from voltgate.domain import commands as c
from voltgate.domain.errors import InvalidCommand
from voltgate.handlers.commands.certificates import certificate_hash
from voltgate.handlers.commands.common import (
    Builder,
    Payload,
    id_token,
    put,
    refuse,
)
from voltgate.ocpp.errors import OcppVersion

LOG_TYPE = {c.LogType.DIAGNOSTICS: "DiagnosticsLog", c.LogType.SECURITY: "SecurityLog"}


def update_16(command: c.UpdateFirmware, context: c.BuildContext) -> tuple[str, Payload]:
    """§5.19 UpdateFirmware; with a certificate and signature the whitepaper's
    SignedUpdateFirmware (which alone has an install time)."""
    if command.signed:
        return "SignedUpdateFirmware", _signed(command, context, both=True)
    if command.install_at is not None:
        refuse(OcppVersion.V16, command.NAME, "only a signed 1.6 update has an install time")
    payload: Payload = {"location": command.location}
    put(payload, "retrieveDate", command.retrieve_at)
    return "UpdateFirmware", _retries(payload, command.retries, command.retry_interval_s)


def update_201(command: c.UpdateFirmware, context: c.BuildContext) -> tuple[str, Payload]:
    """L01: signingCertificate and signature are optional in 2.0.1 (L01.FR.09: recommended)."""
    return "UpdateFirmware", _signed(command, context, both=False)


def _signed(command: c.UpdateFirmware, context: c.BuildContext, *, both: bool) -> Payload:
    if both and (command.signing_certificate is None or command.signature is None):
        raise InvalidCommand("a signed update needs both signingCertificate and signature")
    firmware: Payload = {"location": command.location}
    put(firmware, "retrieveDateTime", command.retrieve_at)
    put(firmware, "installDateTime", command.install_at)
    put(firmware, "signingCertificate", command.signing_certificate)
    put(firmware, "signature", command.signature)
    payload: Payload = {"requestId": context.command_id, "firmware": firmware}
    return _retries(payload, command.retries, command.retry_interval_s)


def publish_201(command: c.PublishFirmware, context: c.BuildContext) -> tuple[str, Payload]:
    """L03."""
    payload: Payload = {
        "location": command.location,
        "checksum": command.checksum,
        "requestId": context.command_id,
    }
    return "PublishFirmware", _retries(payload, command.retries, command.retry_interval_s)


def unpublish_201(command: c.UnpublishFirmware, context: c.BuildContext) -> tuple[str, Payload]:
    """L04."""
    return "UnpublishFirmware", {"checksum": command.checksum}


def log_16(command: c.GetLog, context: c.BuildContext) -> tuple[str, Payload]:
    """§5.9 GetDiagnostics for diagnostics; the whitepaper's GetLog for the security log."""
    if command.log_type is c.LogType.SECURITY:
        return "GetLog", _log(command, context)
    payload: Payload = {"location": command.location}
    put(payload, "startTime", command.oldest_at)
    put(payload, "stopTime", command.latest_at)
    return "GetDiagnostics", _retries(payload, command.retries, command.retry_interval_s)


def log_201(command: c.GetLog, context: c.BuildContext) -> tuple[str, Payload]:
    """N01."""
    return "GetLog", _log(command, context)


def _log(command: c.GetLog, context: c.BuildContext) -> Payload:
    log: Payload = {"remoteLocation": command.location}
    put(log, "oldestTimestamp", command.oldest_at)
    put(log, "latestTimestamp", command.latest_at)
    payload: Payload = {
        "logType": LOG_TYPE[command.log_type],
        "requestId": context.command_id,
        "log": log,
    }
    return _retries(payload, command.retries, command.retry_interval_s)


def customer_201(command: c.CustomerInformation, context: c.BuildContext) -> tuple[str, Payload]:
    """N09: exactly one of identifier, id token and certificate names the customer
    (N09.FR.04; a station answers Invalid otherwise, N09.FR.09)."""
    given = [command.customer_identifier, command.id_tag, command.certificate]
    if sum(reference is not None for reference in given) != 1:
        raise InvalidCommand(
            "name the customer by exactly one of customerIdentifier, idTag and "
            "customerCertificate (N09.FR.04)"
        )
    payload: Payload = {
        "requestId": context.command_id,
        "report": command.report,
        "clear": command.clear,
    }
    put(payload, "customerIdentifier", command.customer_identifier)
    if command.id_tag is not None:
        payload["idToken"] = id_token(command.id_tag, context.token_type)
    if command.certificate is not None:
        payload["customerCertificate"] = certificate_hash(command.certificate)
    return "CustomerInformation", payload


def _retries(payload: Payload, retries: int | None, interval_s: int | None) -> Payload:
    put(payload, "retries", retries)
    return put(payload, "retryInterval", interval_s)


V16: dict[type, Builder] = {c.UpdateFirmware: update_16, c.GetLog: log_16}
V201: dict[type, Builder] = {
    c.UpdateFirmware: update_201,
    c.PublishFirmware: publish_201,
    c.UnpublishFirmware: unpublish_201,
    c.GetLog: log_201,
    c.CustomerInformation: customer_201,
}
