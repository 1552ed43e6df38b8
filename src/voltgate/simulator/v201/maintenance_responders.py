"""How a simulated 2.0.1 station answers firmware management (L01, L03, L04), log uploads
(N01), certificate management (M03, M04, M05) and SetNetworkProfile (B09).

An accepted update or upload is planned as an `activities.Timeline`: the station confirms,
then reports each status a few seconds apart (the simulation's `progress_s`), waiting for
retrieveDateTime / installDateTime when they lie ahead:

    UpdateFirmware   [DownloadScheduled], Downloading, Downloaded, [SignatureVerified],
                     [InstallScheduled], Installing, Installed, then the security event
                     FirmwareUpdated (L01.FR.01/05/16, L01.FR.28)
    PublishFirmware  Downloading, Downloaded, ChecksumVerified, Published with the URI the
                     local controller serves it at (L03)
    GetLog           Uploading, Uploaded (N01.FR.07/08/09)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from voltgate.ocpp import wire
from voltgate.ocpp.v201 import messages as m
from voltgate.simulator.activities import FIRMWARE_JOB, LOG_JOB, PUBLISH_JOB, Timeline, followed_by
from voltgate.simulator.certificates import read_certificate
from voltgate.simulator.followups import Answer, SecurityEvent
from voltgate.simulator.v201 import payloads
from voltgate.simulator.v201.device_model import NETWORK_SLOTS, VariableKey
from voltgate.simulator.v201.state import V201State

Payload = dict[str, Any]
Responder = Callable[[V201State, Payload], Answer]
STATION_CERTIFICATE = "ChargingStationCertificate"
SECURITY_PROFILE = VariableKey("SecurityCtrlr", "SecurityProfile")


def _reply(response: wire.WireModel, then: list[Any] | None = None) -> Answer:
    return Answer(wire.encode(response), then or [])


def _update_firmware(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.UpdateFirmwareRequest, payload)
    firmware = request.firmware
    if firmware.signing_certificate is not None and (
        read_certificate(firmware.signing_certificate) is None
    ):
        # L01.FR.21/22, L01.FR.02: refuse, and report the event.
        event = SecurityEvent("InvalidFirmwareSigningCertificate", "unreadable certificate")
        return _reply(m.UpdateFirmwareResponse(status="InvalidCertificate"), [event])
    replaced = state.activity_running(FIRMWARE_JOB)  # L01.FR.24: cancel it and say so
    timeline = Timeline(state.now(), state.progress_s)
    timeline.not_before(firmware.retrieve_date_time, "DownloadScheduled")
    timeline.then("Downloading").then("Downloaded")
    if firmware.signature is not None:
        timeline.then("SignatureVerified")  # L01.FR.04
    timeline.not_before(firmware.install_date_time, "InstallScheduled")  # L01.FR.16
    timeline.then("Installing").then("Installed")  # L01.FR.28
    activity, notify = timeline.plan(
        "FirmwareStatusNotification",
        lambda status: payloads.firmware_status(status, request.request_id),  # L01.FR.20
        request.request_id,
        FIRMWARE_JOB,
    )
    state.activities[FIRMWARE_JOB] = activity
    status: m.UpdateFirmwareStatusEnum = "AcceptedCanceled" if replaced else "Accepted"
    return _reply(
        m.UpdateFirmwareResponse(status=status),
        [followed_by(notify, activity, "SecurityEventNotification", _firmware_updated)],
    )


def _publish_firmware(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.PublishFirmwareRequest, payload)
    served = f"http://{_identity(state)}.local/firmware/{request.checksum}"
    timeline = Timeline(state.now(), state.progress_s)
    for status in ("Downloading", "Downloaded", "ChecksumVerified", "Published"):
        timeline.then(status)
    activity, notify = timeline.plan(
        "PublishFirmwareStatusNotification",
        lambda status: payloads.publish_status(
            status, request.request_id, served if status == "Published" else None
        ),
        request.request_id,
        PUBLISH_JOB,
    )
    state.activities[PUBLISH_JOB] = activity
    state.published[request.checksum] = served
    return _reply(m.PublishFirmwareResponse(status="Accepted"), [notify])


def _unpublish_firmware(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.UnpublishFirmwareRequest, payload)
    status: m.UnpublishFirmwareStatusEnum
    if state.activity_running(PUBLISH_JOB):
        status = "DownloadOngoing"  # L04: still publishing, nothing to stop yet
    elif state.published.pop(request.checksum, None) is None:
        status = "NoFirmware"
    else:
        status = "Unpublished"
    return _reply(m.UnpublishFirmwareResponse(status=status))


def _get_log(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.GetLogRequest, payload)
    replaced = state.activity_running(LOG_JOB)  # N01.FR.12
    now = state.now()
    timeline = Timeline(now, state.progress_s).then("Uploading").then("Uploaded")
    activity, notify = timeline.plan(
        "LogStatusNotification",
        lambda status: payloads.log_status(status, request.request_id),  # N01.FR.07
        request.request_id,
        LOG_JOB,
    )
    state.activities[LOG_JOB] = activity
    kind = "security" if request.log_type == "SecurityLog" else "diagnostics"
    status: m.LogStatusEnum = "AcceptedCanceled" if replaced else "Accepted"
    filename = f"{kind}-{now:%Y%m%dT%H%M%SZ}.log"  # N01.FR.01
    return _reply(m.GetLogResponse(status=status, filename=filename), [notify])


def _install_certificate(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.InstallCertificateRequest, payload)
    status: Any = state.certificate_store.install(
        request.certificate_type, request.certificate, state.now()
    )  # M05.FR.02/06/07
    return _reply(m.InstallCertificateResponse(status=status))


def _delete_certificate(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.DeleteCertificateRequest, payload)
    own = state.certificates.get(STATION_CERTIFICATE)
    status: Any = state.certificate_store.delete(
        wire.encode(request.certificate_hash_data), own
    )  # M04.FR.02/04/06
    return _reply(m.DeleteCertificateResponse(status=status))


def _get_installed_certificate_ids(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.GetInstalledCertificateIdsRequest, payload)
    installed = state.certificate_store.ids(list(request.certificate_type or []))
    if not installed:
        return _reply(m.GetInstalledCertificateIdsResponse(status="NotFound"))  # M03.FR.02
    chains = [
        m.CertificateHashDataChain(
            certificate_type=c.use,  # type: ignore[arg-type]  # an InstallCertificateUseEnum
            certificate_hash_data=wire.decode(m.CertificateHashData, c.hash_data),
        )
        for c in installed
    ]
    return _reply(
        m.GetInstalledCertificateIdsResponse(status="Accepted", certificate_hash_data_chain=chains)
    )


def _set_network_profile(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.SetNetworkProfileRequest, payload)
    profile = request.connection_data
    current = int(state.device_model.settings[SECURITY_PROFILE].value)
    scheme = urlsplit(profile.ocpp_csms_url).scheme
    valid = (
        request.configuration_slot in NETWORK_SLOTS  # B09.FR.05
        and profile.security_profile >= current  # B09.FR.04
        and profile.ocpp_version == "OCPP20"  # the simulator speaks 2.0.1 only
        and profile.ocpp_transport == "JSON"
        and scheme in (("wss",) if profile.security_profile >= 2 else ("ws", "wss"))  # A00
    )
    if not valid:
        return _reply(m.SetNetworkProfileResponse(status="Rejected"))  # B09.FR.02
    state.network_profiles[request.configuration_slot] = profile  # B09.FR.01
    return _reply(m.SetNetworkProfileResponse(status="Accepted"))


def _identity(state: V201State) -> str:
    return state.device_model.settings[VariableKey("SecurityCtrlr", "Identity")].value


def _firmware_updated(at: datetime) -> Payload:
    return payloads.security_event("FirmwareUpdated", at)


RESPONDERS: Mapping[str, Responder] = {
    "UpdateFirmware": _update_firmware,
    "PublishFirmware": _publish_firmware,
    "UnpublishFirmware": _unpublish_firmware,
    "GetLog": _get_log,
    "InstallCertificate": _install_certificate,
    "DeleteCertificate": _delete_certificate,
    "GetInstalledCertificateIds": _get_installed_certificate_ids,
    "SetNetworkProfile": _set_network_profile,
}
