"""Every CSMS action of each OCPP version has a responder in the simulator, and its answer to
a well-formed request passes the official response schema (no I/O: the responders alone)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.certificates import root_certificate
from voltgate.ocpp.errors import OcppVersion
from voltgate.ocpp.validation import Validators
from voltgate.simulator.state import ConnectorState
from voltgate.simulator.v16 import responders as r16
from voltgate.simulator.v16.state import V16State
from voltgate.simulator.v201 import responders as r201
from voltgate.simulator.v201.device_model import Nameplate, standard_model
from voltgate.simulator.v201.state import V201State

AT = datetime(2030, 5, 1, 12, 0, tzinfo=UTC)
LATER = (AT + timedelta(hours=1)).isoformat()
EARLIER = (AT - timedelta(hours=1)).isoformat()
HASH = {"hashAlgorithm": "SHA256", "issuerNameHash": "a1", "issuerKeyHash": "b2",
        "serialNumber": "0f"}  # fmt: skip
PEM = root_certificate("Every Action Root", days=36500)
TOKEN = {"idToken": "TAG-1", "type": "ISO14443"}
PERIODS = [{"startPeriod": 0, "limit": 16.0}]

# 2.0.1 part 2, every message the CSMS sends to a Charging Station.
CSMS_ACTIONS_201 = frozenset(
    {
        "CancelReservation", "CertificateSigned", "ChangeAvailability", "ClearCache",
        "ClearChargingProfile", "ClearDisplayMessage", "ClearVariableMonitoring", "CostUpdated",
        "CustomerInformation", "DataTransfer", "DeleteCertificate", "GetBaseReport",
        "GetChargingProfiles", "GetCompositeSchedule", "GetDisplayMessages",
        "GetInstalledCertificateIds", "GetLocalListVersion", "GetLog", "GetMonitoringReport",
        "GetReport", "GetTransactionStatus", "GetVariables", "InstallCertificate",
        "PublishFirmware", "RequestStartTransaction", "RequestStopTransaction", "ReserveNow",
        "Reset", "SendLocalList", "SetChargingProfile", "SetDisplayMessage",
        "SetMonitoringBase", "SetMonitoringLevel", "SetNetworkProfile", "SetVariableMonitoring",
        "SetVariables", "TriggerMessage", "UnlockConnector", "UnpublishFirmware",
        "UpdateFirmware",
    }
)  # fmt: skip

REQUESTS_16: dict[str, dict[str, Any]] = {
    "CancelReservation": {"reservationId": 1},
    "ChangeAvailability": {"connectorId": 1, "type": "Inoperative"},
    "ChangeConfiguration": {"key": "HeartbeatInterval", "value": "60"},
    "ClearCache": {},
    "ClearChargingProfile": {"id": 3},
    "DataTransfer": {"vendorId": "com.example"},
    "GetCompositeSchedule": {"connectorId": 0, "duration": 3600, "chargingRateUnit": "W"},
    "GetConfiguration": {},
    "GetDiagnostics": {"location": "ftp://logs.example.com/"},
    "GetLocalListVersion": {},
    "RemoteStartTransaction": {"idTag": "TAG-1", "connectorId": 2},
    "RemoteStopTransaction": {"transactionId": 5},
    "ReserveNow": {"connectorId": 2, "expiryDate": LATER, "idTag": "TAG-2", "reservationId": 1},
    "Reset": {"type": "Soft"},
    "SendLocalList": {"listVersion": 1, "updateType": "Full", "localAuthorizationList": [
        {"idTag": "TAG-1", "idTagInfo": {"status": "Accepted"}}]},
    "SetChargingProfile": {"connectorId": 0, "csChargingProfiles": {
        "chargingProfileId": 3, "stackLevel": 0, "chargingProfilePurpose": "ChargePointMaxProfile",
        "chargingProfileKind": "Absolute", "chargingSchedule": {
            "chargingRateUnit": "A", "startSchedule": EARLIER, "chargingSchedulePeriod": PERIODS}}},
    "TriggerMessage": {"requestedMessage": "StatusNotification"},
    "UnlockConnector": {"connectorId": 1},
    "UpdateFirmware": {"location": "https://fw.example.com/1.bin", "retrieveDate": LATER},
    "CertificateSigned": {"certificateChain": PEM},
    "DeleteCertificate": {"certificateHashData": HASH},
    "ExtendedTriggerMessage": {"requestedMessage": "FirmwareStatusNotification"},
    "GetInstalledCertificateIds": {"certificateType": "CentralSystemRootCertificate"},
    "GetLog": {"logType": "SecurityLog", "requestId": 4, "log": {
        "remoteLocation": "ftp://logs.example.com/"}},
    "InstallCertificate": {"certificateType": "CentralSystemRootCertificate", "certificate": PEM},
    "SignedUpdateFirmware": {"requestId": 5, "firmware": {
        "location": "https://fw.example.com/2.bin", "retrieveDateTime": LATER,
        "installDateTime": LATER, "signingCertificate": PEM, "signature": "c2ln"}},
}  # fmt: skip

REQUESTS_201: dict[str, dict[str, Any]] = {
    "CancelReservation": {"reservationId": 1},
    "CertificateSigned": {"certificateChain": PEM},
    "ChangeAvailability": {"operationalStatus": "Inoperative", "evse": {"id": 1}},
    "ClearCache": {},
    "ClearChargingProfile": {"chargingProfileId": 3},
    "ClearDisplayMessage": {"id": 1},
    "ClearVariableMonitoring": {"id": [1, 2]},
    "CostUpdated": {"totalCost": 1.5, "transactionId": "tx-1"},
    "CustomerInformation": {"requestId": 6, "report": True, "clear": True, "idToken": TOKEN},
    "DataTransfer": {"vendorId": "com.example"},
    "DeleteCertificate": {"certificateHashData": HASH},
    "GetBaseReport": {"requestId": 7, "reportBase": "ConfigurationInventory"},
    "GetChargingProfiles": {"requestId": 8, "chargingProfile": {"stackLevel": 0}},
    "GetCompositeSchedule": {"duration": 600, "evseId": 0, "chargingRateUnit": "A"},
    "GetDisplayMessages": {"requestId": 9},
    "GetInstalledCertificateIds": {"certificateType": ["CSMSRootCertificate"]},
    "GetLocalListVersion": {},
    "GetLog": {"logType": "DiagnosticsLog", "requestId": 10, "log": {
        "remoteLocation": "ftp://logs.example.com/"}},
    "GetMonitoringReport": {"requestId": 11, "monitoringCriteria": ["DeltaMonitoring"]},
    "GetReport": {"requestId": 12, "componentCriteria": ["Available"]},
    "GetTransactionStatus": {"transactionId": "tx-1"},
    "GetVariables": {"getVariableData": [{"component": {"name": "OCPPCommCtrlr"},
                                          "variable": {"name": "HeartbeatInterval"}}]},
    "InstallCertificate": {"certificateType": "CSMSRootCertificate", "certificate": PEM},
    "PublishFirmware": {"location": "https://fw.example.com/3.bin", "checksum": "0" * 32,
                        "requestId": 13},
    "RequestStartTransaction": {"idToken": TOKEN, "remoteStartId": 14, "evseId": 2},
    "RequestStopTransaction": {"transactionId": "tx-9"},
    "ReserveNow": {"id": 1, "expiryDateTime": LATER, "idToken": TOKEN, "evseId": 2},
    "Reset": {"type": "OnIdle"},
    "SendLocalList": {"versionNumber": 2, "updateType": "Differential",
                      "localAuthorizationList": [{"idToken": TOKEN}]},
    "SetChargingProfile": {"evseId": 1, "chargingProfile": {
        "id": 3, "stackLevel": 1, "chargingProfilePurpose": "TxDefaultProfile",
        "chargingProfileKind": "Relative", "chargingSchedule": [
            {"id": 3, "chargingRateUnit": "W", "chargingSchedulePeriod": PERIODS}]}},
    "SetDisplayMessage": {"message": {"id": 1, "priority": "NormalCycle", "message": {
        "format": "UTF8", "content": "Hello"}}},
    "SetMonitoringBase": {"monitoringBase": "All"},
    "SetMonitoringLevel": {"severity": 3},
    "SetNetworkProfile": {"configurationSlot": 1, "connectionData": {
        "ocppVersion": "OCPP20", "ocppTransport": "JSON", "ocppCsmsUrl": "wss://csms.example/",
        "messageTimeout": 30, "securityProfile": 2, "ocppInterface": "Wired0"}},
    "SetVariableMonitoring": {"setMonitoringData": [{
        "value": 1, "type": "Delta", "severity": 5,
        "component": {"name": "EVSE", "evse": {"id": 1}}, "variable": {"name": "Power"}}]},
    "SetVariables": {"setVariableData": [{"attributeValue": "60",
                                          "component": {"name": "OCPPCommCtrlr"},
                                          "variable": {"name": "HeartbeatInterval"}}]},
    "TriggerMessage": {"requestedMessage": "PublishFirmwareStatusNotification"},
    "UnlockConnector": {"evseId": 1, "connectorId": 1},
    "UnpublishFirmware": {"checksum": "0" * 32},
    "UpdateFirmware": {"requestId": 15, "firmware": {
        "location": "https://fw.example.com/4.bin", "retrieveDateTime": LATER,
        "signingCertificate": PEM, "signature": "c2ln"}},
}  # fmt: skip


def _connectors() -> list[ConnectorState]:
    return [ConnectorState(n, 1000) for n in (1, 2)]


def state_201() -> V201State:
    """A booted two-EVSE 2.0.1 station whose clock says `AT`."""
    plate = Nameplate("SIM-1", "Voltgate", "Simulator", 2, 300, 10, 30, 1)
    state = V201State(_connectors(), 300, 10, device_model=standard_model(plate), now=lambda: AT)
    state.registration = "Accepted"
    return state


def test_every_16_csms_action_has_a_responder() -> None:
    """The simulator answers all of 1.6 edition 2 §5 and the Security Whitepaper."""
    assert set(r16.RESPONDERS) == r16.CSMS_ACTIONS == set(REQUESTS_16)


def test_every_201_csms_action_has_a_responder() -> None:
    """The simulator answers every message a 2.0.1 CSMS sends."""
    assert set(r201.RESPONDERS) == CSMS_ACTIONS_201 == set(REQUESTS_201)


@pytest.mark.parametrize("action", sorted(REQUESTS_16))
def test_16_answers_satisfy_the_official_schemas(action: str) -> None:
    """A well-formed 1.6 request gets an answer its response schema accepts, and every
    notification it promises passes its request schema."""
    validators = Validators.for_version(OcppVersion.V16)
    state = V16State(_connectors(), 300, 10, now=lambda: AT)
    validators.check_request(action, REQUESTS_16[action])
    answer = r16.answer(state, action, REQUESTS_16[action])
    validators.check_response(action, answer.payload)
    for followup in answer.then:
        for step in getattr(followup, "steps", ()):
            validators.check_request(step.action, step.payload)


@pytest.mark.parametrize("action", sorted(REQUESTS_201))
def test_201_answers_satisfy_the_official_schemas(action: str) -> None:
    """A well-formed 2.0.1 request gets an answer its response schema accepts, and every
    notification it promises passes its request schema."""
    validators = Validators.for_version(OcppVersion.V201)
    validators.check_request(action, REQUESTS_201[action])
    answer = r201.answer(state_201(), action, REQUESTS_201[action])
    validators.check_response(action, answer.payload)
    for followup in answer.then:
        for step in getattr(followup, "steps", ()):
            validators.check_request(step.action, step.payload)
