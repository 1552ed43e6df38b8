"""Commands that cannot be sent as asked are refused before anything is stored (422, the
message says why), secrets never reach a stored record, and the commands that name a
transaction send the station's own id for it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ocpp.v16 import call as call16
from ocpp.v201 import call as call201

from tests.api.command_stations import sent, station16, station201
from tests.api.conftest import Api, data, error
from tests.api.test_commands import command_url
from tests.api.test_commands_blocks import AT, MONITOR, PEM, URL
from voltgate.domain.commands import REDACTED

PROFILE = {
    "id": 3,
    "stackLevel": 0,
    "chargingProfilePurpose": "TX_DEFAULT",
    "chargingProfileKind": "RELATIVE",
    "chargingSchedule": {
        "chargingRateUnit": "A",
        "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 16}],
    },
}


def _profile(**changes: Any) -> dict[str, Any]:
    return {**PROFILE, **changes}


ONLY_201 = [
    ("get-charging-profiles", {"stackLevel": 0}),
    ("publish-firmware", {"location": URL, "checksum": "0" * 32}),
    ("unpublish-firmware", {"checksum": "0" * 32}),
    ("customer-information", {"report": True, "clear": False, "customerIdentifier": "c-1"}),
    ("get-base-report", {"reportBase": "FULL_INVENTORY"}),
    ("get-report", {}),
    ("set-network-profile", {"configurationSlot": 1, "connectionData": {
        "ocppVersion": "OCPP16", "ocppTransport": "JSON", "ocppCsmsUrl": "wss://x",
        "messageTimeout": 30, "securityProfile": 1, "ocppInterface": "WIRED0"}}),
    ("get-transaction-status", {}),
    ("set-variable-monitoring", {"setMonitoringData": [MONITOR]}),
    ("clear-variable-monitoring", {"id": [1]}),
    ("set-monitoring-base", {"monitoringBase": "ALL"}),
    ("set-monitoring-level", {"severity": 3}),
    ("get-monitoring-report", {}),
    ("set-display-message", {"message": {"id": 1, "priority": "NORMAL_CYCLE", "content": "x"}}),
    ("get-display-messages", {}),
    ("clear-display-message", {"id": 1}),
    # What 1.6 cannot say of a command it has.
    ("reserve", {"idTag": "T", "expiresAt": AT, "connectorType": "cType2"}),
    ("install-certificate", {"certificateType": "V2G_ROOT", "certificate": PEM}),
    ("get-installed-certificates", {"certificateType": ["CSMS_ROOT", "MANUFACTURER_ROOT"]}),
    ("update-firmware", {"location": URL, "retrieveDateTime": AT, "installDateTime": AT}),
    ("clear-charging-profile", {"chargingProfilePurpose": "CHARGING_STATION_EXTERNAL_CONSTRAINTS"}),
    ("set-charging-profile", {"evseId": 1, "chargingProfile": _profile(chargingSchedule={
        "chargingRateUnit": "A", "chargingSchedulePeriod": [
            {"startPeriod": 0, "limit": 16, "numberPhases": 1, "phaseToUse": 1}]})}),
]  # fmt: skip

REFUSED_BOTH = [
    ("reserve", {"idTag": "T", "expiresAt": "2020-01-01T00:00:00Z"}, "in the future"),
    ("set-charging-profile", {"evseId": 1, "chargingProfile": _profile(
        chargingProfilePurpose="TX")}, "K01.FR.03"),
    ("set-charging-profile", {"evseId": 1, "chargingProfile": _profile(
        chargingProfilePurpose="CHARGING_STATION_MAX")}, "K04.FR.03"),
    ("set-charging-profile", {"evseId": 0, "chargingProfile": _profile(chargingSchedule={
        "chargingRateUnit": "W", "chargingSchedulePeriod": [{"startPeriod": 5, "limit": 1}]})},
     "K01.FR.31"),
    ("set-charging-profile", {"evseId": 0, "chargingProfile": _profile(
        chargingProfileKind="RECURRING")}, "recurrencyKind"),
    ("set-charging-profile", {"evseId": 1, "chargingProfile": _profile(
        chargingProfilePurpose="TX", transactionId=999)}, "no transaction 999"),
    ("send-local-list", {"versionNumber": 1, "updateType": "FULL",
                         "entries": [{"idTag": "A", "status": "ACCEPTED"},
                                     {"idTag": "a", "status": "BLOCKED"}]}, "D01.FR.06"),
    ("send-local-list", {"versionNumber": 1, "updateType": "FULL",
                         "entries": [{"idTag": "A"}]}, "only a differential update"),
    ("send-local-list", {"versionNumber": 1, "updateType": "FULL", "idTags": ["NOPE"]},
     "no id token 'NOPE'"),
    ("cancel-reservation", {"reservationId": 12345}, "has no reservation 12345"),
    ("cost-updated", {"transactionId": 999, "totalCost": 1}, "no transaction 999"),
]  # fmt: skip


async def test_what_a_version_cannot_say_is_refused_and_nothing_stored(api: Api) -> None:
    """422 naming the command and the version for every 2.0.1-only command sent to a 1.6
    station and for what 1.6 cannot express; 422 for what breaks a rule of both; 422 naming
    the field for a bad body. Nothing is stored, nothing reaches the stations."""
    async with station16(api.csms, "CP-16") as s16, station201(api.csms, "CP-201") as s201:
        for name, body in ONLY_201:
            problem = error(await api.post(command_url("CP-16", name), json=body), 422)
            assert "ocpp1.6" in problem["message"], (name, problem)
        for name, body, why in REFUSED_BOTH:
            for station_id in ("CP-16", "CP-201"):
                response = await api.post(command_url(station_id, name), json=body)
                assert why in error(response, 422)["message"], (station_id, name)
        customer = {"report": True, "clear": False, "idTag": "T", "customerIdentifier": "c"}
        problem = error(await api.post(command_url("CP-201", "customer-information"),
                                       json=customer), 422)  # fmt: skip
        assert "N09.FR.04" in problem["message"]
        bad = {"evseId": 1, "duration": 0}
        problem = error(await api.post(command_url("CP-201", "get-composite-schedule"),
                                       json=bad), 422)  # fmt: skip
        assert "duration" in str(problem["details"])
        assert s16.received == [] and s201.received == []
    for station_id in ("CP-16", "CP-201"):
        page = data(await api.get(f"/api/v1/stations/{station_id}/commands"))
        assert page["items"] == [], station_id


async def test_network_profile_secrets_reach_the_station_but_are_never_stored(api: Api) -> None:
    """SetNetworkProfile's APN password and SIM PIN, VPN password and key and the password in
    the CSMS URL reach the station as given; the record shows them redacted, for the typed
    command and for the raw call alike."""
    connection = {
        "ocppVersion": "OCPP20", "ocppTransport": "JSON",
        "ocppCsmsUrl": "wss://cp7:url-s3cret@csms.example.com/ocpp", "messageTimeout": 30,
        "securityProfile": 1, "ocppInterface": "WIRELESS0",
        "apn": {"apn": "internet.example", "apnAuthentication": "CHAP", "apnUserName": "cp7",
                "apnPassword": "apn-s3cret", "simPin": 4321},
        "vpn": {"server": "vpn.example.com", "user": "cp7", "password": "vpn-s3cret",
                "key": "vpn-psk-s3cret", "type": "IPSEC"},
    }  # fmt: skip
    body = {"configurationSlot": 2, "connectionData": connection}
    async with station201(api.csms, "CP-201") as station:
        typed = data(await api.post(command_url("CP-201", "set-network-profile"), json=body))
        got = sent(station, "SetNetworkProfile")
        wire = {**typed["request"]["connectionData"]}
        raw_payload = {"configurationSlot": 2, "connectionData": {
            **got["connectionData"], "ocppInterface": "Wireless0"}}  # fmt: skip
        raw = data(
            await api.post(
                command_url("CP-201", "raw"),
                json={"action": "SetNetworkProfile", "payload": raw_payload},
            )
        )
    assert got["connectionData"]["apn"]["apnPassword"] == "apn-s3cret"
    assert got["connectionData"]["apn"]["simPin"] == 4321
    assert got["connectionData"]["vpn"]["key"] == "vpn-psk-s3cret"
    assert got["connectionData"]["ocppCsmsUrl"] == "wss://cp7:url-s3cret@csms.example.com/ocpp"
    assert wire["apn"]["apnPassword"] == wire["apn"]["simPin"] == REDACTED
    assert wire["vpn"]["password"] == wire["vpn"]["key"] == REDACTED
    assert wire["ocppCsmsUrl"] == f"wss://cp7:{REDACTED}@csms.example.com/ocpp"
    assert wire["apn"]["apnUserName"] == "cp7"
    listed = data(await api.get("/api/v1/stations/CP-201/commands"))["items"]
    stored = str([item["request"] for item in listed]) + str(raw["request"])
    for secret in ("apn-s3cret", "4321", "vpn-s3cret", "vpn-psk-s3cret", "url-s3cret"):
        assert secret not in stored, secret
    assert raw["request"]["connectionData"]["apn"]["apnPassword"] == REDACTED


async def test_a_password_in_an_upload_url_is_not_stored(api: Api) -> None:
    """1.6 GetDiagnostics to ``ftp://user:password@host``: the station gets the URL as
    given, the record keeps it without the password."""
    location = "ftp://diag:ftp-s3cret@logs.example.com/cp16"
    async with station16(api.csms, "CP-16") as station:
        body = {"logType": "DIAGNOSTICS", "remoteLocation": location}
        record = data(await api.post(command_url("CP-16", "get-log"), json=body))
        assert sent(station, "GetDiagnostics")["location"] == location
    assert record["request"]["location"] == f"ftp://diag:{REDACTED}@logs.example.com/cp16"


async def test_commands_naming_a_transaction_send_the_stations_id(api: Api) -> None:
    """TxProfile (K01.FR.03), CostUpdated (I02), GetTransactionStatus (E14) and a display
    message for a transaction carry the station's own transactionId; 1.6 TxProfile carries
    ours, which is the 1.6 station's; a TxProfile for an ended transaction is refused."""
    tx_profile = _profile(chargingProfilePurpose="TX")
    async with station201(api.csms, "CP-201") as station:
        await station.call(call201.TransactionEvent(
            event_type="Started", timestamp=_now(), trigger_reason="Authorized", seq_no=0,
            transaction_info={"transaction_id": "TX-9"}, evse={"id": 1, "connector_id": 1},
            id_token={"id_token": "TAG-1", "type": "ISO14443"}))  # fmt: skip
        ours = data(await api.get("/api/v1/transactions?stationId=CP-201"))["items"][0]["id"]
        bodies = [
            ("set-charging-profile", {"evseId": 1, "chargingProfile": {**tx_profile,
                                                                       "transactionId": ours}}),
            ("cost-updated", {"transactionId": ours, "totalCost": "12.34"}),
            ("get-transaction-status", {"transactionId": ours}),
            ("set-display-message", {"message": {"id": 2, "priority": "ALWAYS_FRONT",
                                                 "content": "12.34 EUR", "transactionId": ours}}),
        ]  # fmt: skip
        for name, body in bodies:
            assert data(await api.post(command_url("CP-201", name), json=body))["state"] == (
                "ACCEPTED"
            ), name
        assert sent(station, "SetChargingProfile")["chargingProfile"]["transactionId"] == "TX-9"
        assert sent(station, "CostUpdated") == {"totalCost": 12.34, "transactionId": "TX-9"}
        assert sent(station, "GetTransactionStatus") == {"transactionId": "TX-9"}
        assert sent(station, "SetDisplayMessage")["message"]["transactionId"] == "TX-9"
        wrong_evse = {"evseId": 2, "chargingProfile": {**tx_profile, "transactionId": ours}}
        problem = error(await api.post(command_url("CP-201", "set-charging-profile"),
                                       json=wrong_evse), 422)  # fmt: skip
        assert "runs on EVSE 1" in problem["message"]
    async with station16(api.csms, "CP-16") as station:
        started = await station.call(call16.StartTransaction(
            connector_id=1, id_tag="TAG-1", meter_start=0, timestamp=_now()))  # fmt: skip
        body = {
            "evseId": 1,
            "chargingProfile": {**tx_profile, "transactionId": started.transaction_id},
        }
        data(await api.post(command_url("CP-16", "set-charging-profile"), json=body))
        profile = sent(station, "SetChargingProfile")["csChargingProfiles"]
        assert profile["transactionId"] == started.transaction_id
        await station.call(call16.StopTransaction(
            transaction_id=started.transaction_id, meter_stop=10, timestamp=_now()))  # fmt: skip
        problem = error(await api.post(command_url("CP-16", "set-charging-profile"),
                                       json=body), 422)  # fmt: skip
        assert "has ended" in problem["message"]


async def test_local_list_from_voltgates_id_tokens(api: Api) -> None:
    """`idTags` and `allIdTokens` put Voltgate's tokens in the list as Voltgate would answer
    for them: status, expiry (passed: Expired), group and its type, personal message."""
    tokens = [
        {"idTag": "CARD-1", "parentIdTag": "FLEET", "type": "ISO14443",
         "personalMessage": "Hello"},
        {"idTag": "CARD-2", "status": "BLOCKED"},
        {"idTag": "CARD-3", "expiresAt": "2020-01-01T00:00:00Z"},
        {"idTag": "FLEET", "type": "CENTRAL"},
    ]  # fmt: skip
    for token in tokens:
        data(await api.post("/api/v1/id-tokens", json=token), 201)
    async with station201(api.csms, "CP-201") as s201, station16(api.csms, "CP-16") as s16:
        body = {"versionNumber": 9, "updateType": "FULL", "allIdTokens": True}
        data(await api.post(command_url("CP-201", "send-local-list"), json=body))
        named = {"versionNumber": 4, "updateType": "DIFFERENTIAL", "idTags": ["card-2"]}
        data(await api.post(command_url("CP-16", "send-local-list"), json=named))
        full = sent(s201, "SendLocalList")["localAuthorizationList"]
        differential = sent(s16, "SendLocalList")["localAuthorizationList"]
    by_tag = {entry["idToken"]["idToken"]: entry for entry in full}
    assert set(by_tag) == {"CARD-1", "CARD-2", "CARD-3", "FLEET"}
    assert by_tag["CARD-1"] == {
        "idToken": {"idToken": "CARD-1", "type": "ISO14443"},
        "idTokenInfo": {"status": "Accepted",
                        "groupIdToken": {"idToken": "FLEET", "type": "Central"},
                        "personalMessage": {"format": "UTF8", "content": "Hello"}},
    }  # fmt: skip
    assert by_tag["CARD-2"]["idTokenInfo"]["status"] == "Blocked"
    assert by_tag["CARD-3"]["idTokenInfo"]["status"] == "Expired"
    assert differential == [{"idTag": "CARD-2", "idTagInfo": {"status": "Blocked"}}]


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")
