"""How a simulated 1.6 station answers firmware updates (§5.19), diagnostics (§5.9) and the
Security Whitepaper's signed updates, security logs, certificates and ExtendedTriggerMessage.

An accepted update or upload is planned as an `activities.Timeline`: the station confirms,
then reports each status a few seconds apart (the simulation's `progress_s`), waiting for
retrieveDate / installDateTime when they lie ahead:

    UpdateFirmware        Downloading, Downloaded, Installing, Installed (§5.19)
    SignedUpdateFirmware  [DownloadScheduled], Downloading, Downloaded, SignatureVerified,
                          [InstallScheduled], Installing, Installed, then the security event
                          FirmwareUpdated (L01.FR.01/13/16)
    GetDiagnostics        Uploading, Uploaded (§5.9)
    GetLog                Uploading, Uploaded, with the request's id (N01.FR.07/08/09)

The whitepaper lets a station that implements signed updates refuse the plain UpdateFirmware
(L01.FR.20); the simulator keeps both, as stations that support the two profiles do.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from voltgate.ocpp import wire
from voltgate.ocpp.v16 import messages as m
from voltgate.simulator.activities import FIRMWARE_JOB, LOG_JOB, Timeline, followed_by
from voltgate.simulator.certificates import read_certificate
from voltgate.simulator.followups import Answer, SecurityEvent, Trigger
from voltgate.simulator.v16 import payloads
from voltgate.simulator.v16.state import V16State

Payload = dict[str, Any]
Responder = Callable[[V16State, Payload], Answer]
STATION_CERTIFICATE = "ChargePointCertificate"

# ExtendedTriggerMessage (whitepaper §5.5): all but SignChargePointCertificate, which needs a
# key pair the simulator does not make.
EXTENDED_TRIGGERABLE = frozenset(
    {"BootNotification", "Heartbeat", "StatusNotification", "MeterValues",
     "FirmwareStatusNotification", "LogStatusNotification"}
)  # fmt: skip


def _update_firmware(state: V16State, payload: Payload) -> Answer:
    request = wire.decode(m.UpdateFirmwareRequest, payload)
    timeline = Timeline(state.now(), state.progress_s).not_before(request.retrieve_date)
    for status in ("Downloading", "Downloaded", "Installing", "Installed"):
        timeline.then(status)
    activity, notify = timeline.plan(
        "FirmwareStatusNotification", payloads.firmware_status, None, FIRMWARE_JOB
    )
    state.activities[FIRMWARE_JOB] = activity
    return Answer({}, [notify])  # §6.51: UpdateFirmware.conf has no fields


def _signed_update_firmware(state: V16State, payload: Payload) -> Answer:
    request = wire.decode(m.SignedUpdateFirmwareRequest, payload)
    firmware = request.firmware
    if read_certificate(firmware.signing_certificate) is None:
        # L01.FR.24, L01.FR.02: an unreadable signing certificate, reported as an event.
        event = SecurityEvent("InvalidFirmwareSigningCertificate", "unreadable certificate")
        return Answer({"status": "InvalidCertificate"}, [event])
    replaced = state.activity_running(FIRMWARE_JOB)  # L01.FR.26: cancel and say so
    now = state.now()
    timeline = Timeline(now, state.progress_s)
    timeline.not_before(firmware.retrieve_date_time, "DownloadScheduled")
    timeline.then("Downloading").then("Downloaded").then("SignatureVerified")
    timeline.not_before(firmware.install_date_time, "InstallScheduled")
    timeline.then("Installing").then("Installed")
    activity, notify = timeline.plan(
        "SignedFirmwareStatusNotification",
        lambda status: payloads.signed_firmware_status(status, request.request_id),
        request.request_id,
        FIRMWARE_JOB,
    )
    state.activities[FIRMWARE_JOB] = activity
    status = "AcceptedCanceled" if replaced else "Accepted"
    return Answer(
        {"status": status},
        [followed_by(notify, activity, "SecurityEventNotification", _firmware_updated)],
    )


def _get_diagnostics(state: V16State, payload: Payload) -> Answer:
    wire.decode(m.GetDiagnosticsRequest, payload)
    now = state.now()
    timeline = Timeline(now, state.progress_s).then("Uploading").then("Uploaded")
    activity, notify = timeline.plan(
        "DiagnosticsStatusNotification", payloads.diagnostics_status, None, LOG_JOB
    )
    state.activities[LOG_JOB] = activity
    return Answer({"fileName": f"diagnostics-{now:%Y%m%dT%H%M%SZ}.zip"}, [notify])


def _get_log(state: V16State, payload: Payload) -> Answer:
    request = wire.decode(m.GetLogRequest, payload)
    replaced = state.activity_running(LOG_JOB)  # N01.FR.11
    now = state.now()
    timeline = Timeline(now, state.progress_s).then("Uploading").then("Uploaded")
    activity, notify = timeline.plan(
        "LogStatusNotification",
        lambda status: payloads.log_status(status, request.request_id),
        request.request_id,
        LOG_JOB,
    )
    state.activities[LOG_JOB] = activity
    kind = "security" if request.log_type == "SecurityLog" else "diagnostics"
    return Answer(
        {
            "status": "AcceptedCanceled" if replaced else "Accepted",  # N01.FR.01
            "filename": f"{kind}-{now:%Y%m%dT%H%M%SZ}.log",
        },
        [notify],
    )


def _install_certificate(state: V16State, payload: Payload) -> Answer:
    request = wire.decode(m.InstallCertificateRequest, payload)
    status = state.certificate_store.install(
        request.certificate_type, request.certificate, state.now()
    )
    return Answer({"status": status})


def _delete_certificate(state: V16State, payload: Payload) -> Answer:
    wanted = payload["certificateHashData"]
    own = state.certificates.get(STATION_CERTIFICATE)
    return Answer({"status": state.certificate_store.delete(wanted, own)})


def _get_installed_certificate_ids(state: V16State, payload: Payload) -> Answer:
    request = wire.decode(m.GetInstalledCertificateIdsRequest, payload)
    installed = state.certificate_store.ids([request.certificate_type])
    if not installed:
        return Answer({"status": "NotFound"})
    return Answer({"status": "Accepted", "certificateHashData": [c.hash_data for c in installed]})


def _certificate_signed(state: V16State, payload: Payload) -> Answer:
    request = wire.decode(m.CertificateSignedRequest, payload)
    if read_certificate(request.certificate_chain) is None:
        # A02.FR.07: discard it and raise a security event.
        event = SecurityEvent("InvalidChargePointCertificate", "unreadable certificate chain")
        return Answer({"status": "Rejected"}, [event])
    state.certificates[STATION_CERTIFICATE] = request.certificate_chain
    return Answer({"status": "Accepted"})


def _extended_trigger_message(state: V16State, payload: Payload) -> Answer:
    request = wire.decode(m.ExtendedTriggerMessageRequest, payload)
    message, connector_id = request.requested_message, request.connector_id
    if message not in EXTENDED_TRIGGERABLE:
        return Answer({"status": "NotImplemented"})
    if connector_id not in (None, 0) and state.connector(connector_id) is None:
        return Answer({"status": "Rejected"})
    # Whitepaper §6.16: FirmwareStatusNotification asks for SignedFirmwareStatusNotification.
    sent = (
        "SignedFirmwareStatusNotification" if message == "FirmwareStatusNotification" else message
    )
    return Answer({"status": "Accepted"}, [Trigger(sent, connector_id)])


def _firmware_updated(at: datetime) -> Payload:
    return payloads.security_event("FirmwareUpdated", at)


RESPONDERS: Mapping[str, Responder] = {
    "UpdateFirmware": _update_firmware,
    "SignedUpdateFirmware": _signed_update_firmware,
    "GetDiagnostics": _get_diagnostics,
    "GetLog": _get_log,
    "InstallCertificate": _install_certificate,
    "DeleteCertificate": _delete_certificate,
    "GetInstalledCertificateIds": _get_installed_certificate_ids,
    "CertificateSigned": _certificate_signed,
    "ExtendedTriggerMessage": _extended_trigger_message,
}
