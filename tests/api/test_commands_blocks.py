"""The commands of every functional block over real HTTP, answered by real 1.6 and 2.0.1
stations (the `ocpp` package's clients, which also check what they get against the official
schemas): each reaches the station as its version's action with the expected payload, and
the station's yes and no are recorded with its status."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.command_stations import sent, station16, station201
from tests.api.conftest import Api, data
from tests.api.test_commands import command_url
from voltgate.domain.access import Role

AT = "2030-01-01T10:00:00Z"
LATER = "2030-02-01T10:00:00Z"
URL = "https://firmware.example.com/fw-2.1.bin"
PEM = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2E=\n-----END CERTIFICATE-----\n"
HASH = {"hashAlgorithm": "SHA256", "issuerNameHash": "a1b2", "issuerKeyHash": "c3d4",
        "serialNumber": "0f"}  # fmt: skip
MD5 = "9e107d9d372bb6826bd81d3542a419d6"
ID = "<the command's id>"

# (command, body, action, payload sent, (state, status) when yes, (state, status) when no)
Case = tuple[str, dict[str, Any], str, dict[str, Any], tuple[str, Any], tuple[str, Any]]
YES, NO = ("ACCEPTED", "Accepted"), ("REJECTED", "Rejected")

CASES_16: list[Case] = [
    ("reserve", {"idTag": "TAG-1", "expiresAt": AT, "evseId": 1, "groupIdTag": "GROUP-1"},
     "ReserveNow", {"connectorId": 1, "expiryDate": AT, "idTag": "TAG-1", "reservationId": ID,
                    "parentIdTag": "GROUP-1"}, YES, ("REJECTED", "Occupied")),
    ("set-charging-profile",
     {"evseId": 0, "chargingProfile": {
         "id": 7, "stackLevel": 0, "chargingProfilePurpose": "CHARGING_STATION_MAX",
         "chargingProfileKind": "ABSOLUTE", "chargingSchedule": {
             "chargingRateUnit": "W", "startSchedule": AT, "chargingSchedulePeriod": [
                 {"startPeriod": 0, "limit": "11000"}, {"startPeriod": 3600, "limit": 7400.5}]}}},
     "SetChargingProfile",
     {"connectorId": 0, "csChargingProfiles": {
         "chargingProfileId": 7, "stackLevel": 0, "chargingProfilePurpose": "ChargePointMaxProfile",
         "chargingProfileKind": "Absolute", "chargingSchedule": {
             "chargingRateUnit": "W", "startSchedule": AT, "chargingSchedulePeriod": [
                 {"startPeriod": 0, "limit": 11000}, {"startPeriod": 3600, "limit": 7400.5}]}}},
     YES, NO),
    ("clear-charging-profile", {"id": 7}, "ClearChargingProfile", {"id": 7},
     YES, ("REJECTED", "Unknown")),
    ("get-composite-schedule", {"evseId": 1, "duration": 3600, "chargingRateUnit": "A"},
     "GetCompositeSchedule", {"connectorId": 1, "duration": 3600, "chargingRateUnit": "A"},
     YES, NO),
    ("send-local-list",
     {"versionNumber": 2, "updateType": "DIFFERENTIAL",
      "entries": [{"idTag": "TAG-9", "status": "BLOCKED"}, {"idTag": "TAG-8"}]},
     "SendLocalList",
     {"listVersion": 2, "updateType": "Differential", "localAuthorizationList": [
         {"idTag": "TAG-9", "idTagInfo": {"status": "Blocked"}}, {"idTag": "TAG-8"}]},
     YES, ("REJECTED", "VersionMismatch")),
    ("get-local-list-version", {}, "GetLocalListVersion", {}, ("ACCEPTED", None),
     ("ACCEPTED", None)),
    ("update-firmware", {"location": URL, "retrieveDateTime": AT, "retries": 2},
     "UpdateFirmware", {"location": URL, "retrieveDate": AT, "retries": 2},
     ("ACCEPTED", None), ("ACCEPTED", None)),
    ("update-firmware",
     {"location": URL, "retrieveDateTime": AT, "installDateTime": LATER,
      "signingCertificate": PEM, "signature": "c2lnbmF0dXJl"},
     "SignedUpdateFirmware",
     {"requestId": ID, "firmware": {"location": URL, "retrieveDateTime": AT,
                                    "installDateTime": LATER, "signingCertificate": PEM,
                                    "signature": "c2lnbmF0dXJl"}},
     YES, ("REJECTED", "InvalidCertificate")),
    ("get-log", {"logType": "DIAGNOSTICS", "remoteLocation": "ftp://logs.example.com/cp",
                 "oldestTimestamp": AT},
     "GetDiagnostics", {"location": "ftp://logs.example.com/cp", "startTime": AT},
     ("ACCEPTED", None), ("ACCEPTED", None)),
    ("get-log", {"logType": "SECURITY", "remoteLocation": "ftp://logs.example.com/cp"},
     "GetLog", {"logType": "SecurityLog", "requestId": ID,
                "log": {"remoteLocation": "ftp://logs.example.com/cp"}}, YES, NO),
    ("install-certificate", {"certificateType": "CSMS_ROOT", "certificate": PEM},
     "InstallCertificate", {"certificateType": "CentralSystemRootCertificate",
                            "certificate": PEM}, YES, NO),
    ("delete-certificate", {"certificateHashData": HASH}, "DeleteCertificate",
     {"certificateHashData": HASH}, YES, ("REJECTED", "NotFound")),
    ("get-installed-certificates", {"certificateType": ["MANUFACTURER_ROOT"]},
     "GetInstalledCertificateIds", {"certificateType": "ManufacturerRootCertificate"},
     ("ACCEPTED", "NotFound"), ("ACCEPTED", "NotFound")),
    ("trigger", {"message": "LogStatusNotification"}, "ExtendedTriggerMessage",
     {"requestedMessage": "LogStatusNotification"}, YES, NO),
]  # fmt: skip

MONITOR = {"address": {"component": "EVSE", "evseId": 1, "variable": "Power"},
           "type": "UPPER_THRESHOLD", "value": 22000, "severity": 4}  # fmt: skip
CASES_201: list[Case] = [
    ("reserve", {"idTag": "TAG-1", "expiresAt": AT, "connectorType": "cType2",
                 "groupIdTag": "GROUP-1"},
     "ReserveNow", {"id": ID, "expiryDateTime": AT, "idToken": {"idToken": "TAG-1",
                    "type": "Central"}, "connectorType": "cType2",
                    "groupIdToken": {"idToken": "GROUP-1", "type": "Central"}},
     YES, ("REJECTED", "Occupied")),
    ("set-charging-profile",
     {"evseId": 1, "chargingProfile": {
         "id": 8, "stackLevel": 1, "chargingProfilePurpose": "TX_DEFAULT",
         "chargingProfileKind": "RECURRING", "recurrencyKind": "DAILY", "validTo": LATER,
         "chargingSchedule": {"chargingRateUnit": "A", "startSchedule": AT, "duration": 86400,
                              "minChargingRate": 6, "chargingSchedulePeriod": [
                                  {"startPeriod": 0, "limit": 16, "numberPhases": 1,
                                   "phaseToUse": 2}]}}},
     "SetChargingProfile",
     {"evseId": 1, "chargingProfile": {
         "id": 8, "stackLevel": 1, "chargingProfilePurpose": "TxDefaultProfile",
         "chargingProfileKind": "Recurring", "recurrencyKind": "Daily", "validTo": LATER,
         "chargingSchedule": [{"id": 8, "chargingRateUnit": "A", "startSchedule": AT,
                               "duration": 86400, "minChargingRate": 6,
                               "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 16,
                                                           "numberPhases": 1,
                                                           "phaseToUse": 2}]}]}},
     YES, NO),
    ("clear-charging-profile",
     {"evseId": 1, "chargingProfilePurpose": "TX_DEFAULT", "stackLevel": 1},
     "ClearChargingProfile", {"chargingProfileCriteria": {
         "evseId": 1, "chargingProfilePurpose": "TxDefaultProfile", "stackLevel": 1}},
     YES, ("REJECTED", "Unknown")),
    ("get-composite-schedule", {"evseId": 0, "duration": 600}, "GetCompositeSchedule",
     {"duration": 600, "evseId": 0}, YES, NO),
    ("get-charging-profiles", {"evseId": 1, "chargingLimitSource": ["CSO", "EMS"]},
     "GetChargingProfiles", {"requestId": ID, "evseId": 1,
                             "chargingProfile": {"chargingLimitSource": ["CSO", "EMS"]}},
     ("ACCEPTED", "NoProfiles"), ("ACCEPTED", "NoProfiles")),
    ("send-local-list",
     {"versionNumber": 5, "updateType": "FULL", "entries": [
         {"idTag": "TAG-9", "status": "ACCEPTED", "expiresAt": AT, "parentIdTag": "GROUP-1",
          "type": "ISO14443"}]},
     "SendLocalList",
     {"versionNumber": 5, "updateType": "Full", "localAuthorizationList": [
         {"idToken": {"idToken": "TAG-9", "type": "ISO14443"},
          "idTokenInfo": {"status": "Accepted", "cacheExpiryDateTime": AT,
                          "groupIdToken": {"idToken": "GROUP-1", "type": "Central"}}}]},
     YES, ("REJECTED", "Failed")),
    ("get-local-list-version", {}, "GetLocalListVersion", {}, ("ACCEPTED", None),
     ("ACCEPTED", None)),
    ("update-firmware", {"location": URL, "retrieveDateTime": AT, "installDateTime": LATER,
                         "retryInterval": 60},
     "UpdateFirmware", {"requestId": ID, "firmware": {"location": URL, "retrieveDateTime": AT,
                                                      "installDateTime": LATER},
                        "retryInterval": 60},
     ("ACCEPTED", "AcceptedCanceled"), ("REJECTED", "InvalidCertificate")),
    ("publish-firmware", {"location": URL, "checksum": MD5}, "PublishFirmware",
     {"location": URL, "checksum": MD5, "requestId": ID}, YES, NO),
    ("unpublish-firmware", {"checksum": MD5}, "UnpublishFirmware", {"checksum": MD5},
     ("ACCEPTED", "Unpublished"), ("REJECTED", "NoFirmware")),
    ("get-log", {"logType": "DIAGNOSTICS", "remoteLocation": "ftp://logs.example.com/cp"},
     "GetLog", {"logType": "DiagnosticsLog", "requestId": ID,
                "log": {"remoteLocation": "ftp://logs.example.com/cp"}}, YES, NO),
    ("customer-information", {"report": True, "clear": False, "idTag": "TAG-1"},
     "CustomerInformation", {"requestId": ID, "report": True, "clear": False,
                             "idToken": {"idToken": "TAG-1", "type": "Central"}},
     YES, ("REJECTED", "Invalid")),
    ("install-certificate", {"certificateType": "V2G_ROOT", "certificate": PEM},
     "InstallCertificate", {"certificateType": "V2GRootCertificate", "certificate": PEM},
     YES, ("REJECTED", "Failed")),
    ("delete-certificate", {"certificateHashData": HASH}, "DeleteCertificate",
     {"certificateHashData": HASH}, YES, ("REJECTED", "NotFound")),
    ("get-installed-certificates", {}, "GetInstalledCertificateIds", {},
     ("ACCEPTED", "NotFound"), ("ACCEPTED", "NotFound")),
    ("get-base-report", {"reportBase": "SUMMARY_INVENTORY"}, "GetBaseReport",
     {"requestId": ID, "reportBase": "SummaryInventory"}, YES, NO),
    ("get-report", {"componentVariable": [{"component": "EVSE", "evseId": 1,
                                           "variable": "Power"}],
                    "componentCriteria": ["PROBLEM"]},
     "GetReport", {"requestId": ID, "componentVariable": [
         {"component": {"name": "EVSE", "evse": {"id": 1}}, "variable": {"name": "Power"}}],
                   "componentCriteria": ["Problem"]},
     ("ACCEPTED", "EmptyResultSet"), ("REJECTED", "NotSupported")),
    ("set-network-profile",
     {"configurationSlot": 1, "connectionData": {
         "ocppVersion": "OCPP20", "ocppTransport": "JSON",
         "ocppCsmsUrl": "wss://csms.example.com/ocpp", "messageTimeout": 30,
         "securityProfile": 2, "ocppInterface": "WIRED0"}},
     "SetNetworkProfile",
     {"configurationSlot": 1, "connectionData": {
         "ocppVersion": "OCPP20", "ocppTransport": "JSON",
         "ocppCsmsUrl": "wss://csms.example.com/ocpp", "messageTimeout": 30,
         "securityProfile": 2, "ocppInterface": "Wired0"}}, YES, NO),
    ("get-transaction-status", {}, "GetTransactionStatus", {}, ("ACCEPTED", None),
     ("ACCEPTED", None)),
    ("set-variable-monitoring", {"setMonitoringData": [MONITOR]}, "SetVariableMonitoring",
     {"setMonitoringData": [{"component": {"name": "EVSE", "evse": {"id": 1}},
                             "variable": {"name": "Power"}, "type": "UpperThreshold",
                             "severity": 4, "value": 22000}]},
     YES, ("REJECTED", "UnknownVariable")),
    ("clear-variable-monitoring", {"id": [3, 4]}, "ClearVariableMonitoring",
     {"id": [3, 4]}, YES, ("REJECTED", "NotFound")),
    ("set-monitoring-base", {"monitoringBase": "FACTORY_DEFAULT"}, "SetMonitoringBase",
     {"monitoringBase": "FactoryDefault"}, YES, ("REJECTED", "NotSupported")),
    ("set-monitoring-level", {"severity": 5}, "SetMonitoringLevel", {"severity": 5}, YES, NO),
    ("get-monitoring-report", {"monitoringCriteria": ["DELTA"]}, "GetMonitoringReport",
     {"requestId": ID, "monitoringCriteria": ["DeltaMonitoring"]},
     YES, ("REJECTED", "NotSupported")),
    ("set-display-message",
     {"message": {"id": 1, "priority": "IN_FRONT", "content": "Welcome", "language": "en",
                  "state": "IDLE"}},
     "SetDisplayMessage",
     {"message": {"id": 1, "priority": "InFront", "state": "Idle",
                  "message": {"format": "UTF8", "content": "Welcome", "language": "en"}}},
     YES, ("REJECTED", "NotSupportedPriority")),
    ("get-display-messages", {"priority": "IN_FRONT"}, "GetDisplayMessages",
     {"requestId": ID, "priority": "InFront"}, ("ACCEPTED", "Unknown"), ("ACCEPTED", "Unknown")),
    ("clear-display-message", {"id": 1}, "ClearDisplayMessage", {"id": 1}, YES,
     ("REJECTED", "Unknown")),
]  # fmt: skip


def _fill(value: Any, command_id: int) -> Any:
    """`value` with the placeholder `ID` replaced by the command's id."""
    if value == ID:
        return command_id
    if isinstance(value, dict):
        return {key: _fill(item, command_id) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, command_id) for item in value]
    return value


async def _check_all(api: Api, station: Any, station_id: str, cases: list[Case],
                     accept: bool) -> None:  # fmt: skip
    for name, body, action, payload, yes, no in cases:
        url = command_url(station_id, name)
        record = data(await api.post(url, Role.OPERATOR, json=body))
        expected = _fill(payload, record["id"])
        assert (record["action"], record["request"]) == (action, expected), name
        assert sent(station, action) == expected, name
        assert (record["state"], record["status"]) == (yes if accept else no), name


@pytest.mark.parametrize("accept", [True, False], ids=["accepted", "rejected"])
async def test_every_block_reaches_a_16_station(api: Api, accept: bool) -> None:
    """Reservation (§5.13), smart charging (§5.16, §5.5, §5.7), local list (§5.15, §5.10),
    firmware (§5.19, signed), diagnostics (§5.9, security log), certificates and the
    extended trigger of the Security Whitepaper, in 1.6 words, answers recorded."""
    async with station16(api.csms, "CP-16", accept=accept) as station:
        await _check_all(api, station, "CP-16", CASES_16, accept)
        assert len(station.received) == len(CASES_16)


@pytest.mark.parametrize("accept", [True, False], ids=["accepted", "rejected"])
async def test_every_block_reaches_a_201_station(api: Api, accept: bool) -> None:
    """Every 2.0.1 block (H, K, D, L, N, M, B, E, O) in 2.0.1 words, requestIds and the
    reservation id being the command's id; refusals keep the station's status, and empty
    results (NoProfiles, EmptyResultSet, NotFound, Unknown of a report) are ACCEPTED."""
    async with station201(api.csms, "CP-201", accept=accept) as station:
        await _check_all(api, station, "CP-201", CASES_201, accept)
        assert len(station.received) == len(CASES_201)


async def test_monitors_refused_by_the_station_are_named(api: Api) -> None:
    """SetVariableMonitoring is REJECTED when one monitor is, naming its variable (N04)."""
    async with station201(api.csms, "CP-201", accept=False):
        body = {"setMonitoringData": [MONITOR]}
        record = data(await api.post(command_url("CP-201", "set-variable-monitoring"), json=body))
    assert record["reason"] == "EVSE.Power: UnknownVariable"
