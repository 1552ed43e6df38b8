"""Secrets are blanked from OCPP frames before the message log stores them (1.6 security
whitepaper and 2.0.1 A01.FR.09); every other frame is kept exactly as sent. Pure."""

from __future__ import annotations

import json
from typing import Any

import pytest

from voltgate.domain.message_log import FrameType
from voltgate.handlers.redaction import REDACTED, WITHHELD, is_secret, redact_frame, redacted_call

CALL, RESULT, ERROR = FrameType.CALL, FrameType.CALL_RESULT, FrameType.CALL_ERROR


def call(action: str, payload: dict[str, Any]) -> str:
    return json.dumps([2, "m1", action, payload])


def result(payload: dict[str, Any]) -> str:
    return json.dumps([3, "m1", payload])


def payload_of(text: str) -> Any:
    frame = json.loads(text)
    return frame[3] if frame[0] == 2 else frame[2]


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("AuthorizationKey", True),
        ("authorizationkey", True),
        ("BasicAuthPassword", True),
        ("VendorWifiPASSWORD", True),
        ("HeartbeatInterval", False),
        ("AuthorizeRemoteTxRequests", False),
        (None, False),
        (7, False),
    ],
)
def test_secret_names(name: object, secret: bool) -> None:
    """AuthorizationKey and any name containing "password" (any case) are secret."""
    assert is_secret(name) is secret


def test_16_change_configuration_of_the_authorization_key_a01_fr_02() -> None:
    """ChangeConfiguration AuthorizationKey keeps its key and loses its value; another key
    is kept byte for byte."""
    text = call("ChangeConfiguration", {"key": "AuthorizationKey", "value": "0123abcd" * 5})
    assert payload_of(redact_frame(CALL, "ChangeConfiguration", text)) == {
        "key": "AuthorizationKey",
        "value": REDACTED,
    }
    plain = call("ChangeConfiguration", {"key": "HeartbeatInterval", "value": "60"})
    assert redact_frame(CALL, "ChangeConfiguration", plain) is plain


def test_16_get_configuration_answer_with_the_key_6_2_2() -> None:
    """A station that reports AuthorizationKey's value anyway (OCPP-J 1.6 §6.2.2 says it
    should not) has it blanked; other keys stay."""
    text = result(
        {
            "configurationKey": [
                {"key": "AuthorizationKey", "readonly": False, "value": "s3cret"},
                {"key": "HeartbeatInterval", "readonly": False, "value": "60"},
            ]
        }
    )
    keys = payload_of(redact_frame(RESULT, "GetConfiguration", text))["configurationKey"]
    assert [entry["value"] for entry in keys] == [REDACTED, "60"]


def test_201_set_and_get_variables_basic_auth_password() -> None:
    """SetVariables and the GetVariables answer lose BasicAuthPassword's attributeValue."""
    component = {"name": "SecurityCtrlr"}
    sent = call(
        "SetVariables",
        {
            "setVariableData": [
                {
                    "component": component,
                    "variable": {"name": "BasicAuthPassword"},
                    "attributeValue": "pw-1",
                },
                {
                    "component": component,
                    "variable": {"name": "Identity"},
                    "attributeValue": "CP-1",
                },
            ]
        },
    )
    data = payload_of(redact_frame(CALL, "SetVariables", sent))["setVariableData"]
    assert [entry["attributeValue"] for entry in data] == [REDACTED, "CP-1"]
    answer = result(
        {
            "getVariableResult": [
                {
                    "attributeStatus": "Accepted",
                    "component": component,
                    "variable": {"name": "BasicAuthPassword"},
                    "attributeValue": "pw-1",
                }
            ]
        }
    )
    got = payload_of(redact_frame(RESULT, "GetVariables", answer))["getVariableResult"]
    assert got[0]["attributeValue"] == REDACTED


def test_201_set_network_profile_apn_and_vpn_secrets() -> None:
    """SetNetworkProfile loses apnPassword, simPin, the VPN password and shared key."""
    text = call(
        "SetNetworkProfile",
        {
            "configurationSlot": 1,
            "connectionData": {
                "apn": {"apn": "internet", "apnPassword": "a", "simPin": 1234},
                "vpn": {"server": "v", "user": "u", "password": "b", "key": "c"},
            },
        },
    )
    data = payload_of(redact_frame(CALL, "SetNetworkProfile", text))["connectionData"]
    assert data["apn"] == {"apn": "internet", "apnPassword": REDACTED, "simPin": REDACTED}
    assert data["vpn"] == {"server": "v", "user": "u", "password": REDACTED, "key": REDACTED}
    without = call("SetNetworkProfile", {"configurationSlot": 1, "connectionData": {}})
    assert redact_frame(CALL, "SetNetworkProfile", without) is without


def test_201_notify_report_by_name_and_by_password_type() -> None:
    """NotifyReport loses the values of secret variables and of passwordString ones."""
    text = call(
        "NotifyReport",
        {
            "reportData": [
                {
                    "component": {"name": "SecurityCtrlr"},
                    "variable": {"name": "BasicAuthPassword"},
                    "variableAttribute": [{"value": "pw"}, {"type": "Target", "value": "pw"}],
                },
                {
                    "component": {"name": "Modem"},
                    "variable": {"name": "Unlock"},
                    "variableAttribute": [{"value": "1234"}],
                    "variableCharacteristics": {"dataType": "passwordString"},
                },
                {
                    "component": {"name": "OCPPCommCtrlr"},
                    "variable": {"name": "HeartbeatInterval"},
                    "variableAttribute": [{"value": "300"}],
                },
            ]
        },
    )
    data = payload_of(redact_frame(CALL, "NotifyReport", text))["reportData"]
    values = [[a["value"] for a in entry["variableAttribute"]] for entry in data]
    assert values == [[REDACTED, REDACTED], [REDACTED], ["300"]]


def test_a_late_answer_gets_every_answer_rule() -> None:
    """A CALLRESULT that answers no known CALL is checked with the GetConfiguration and
    GetVariables rules, since its action is unknown."""
    text = result({"configurationKey": [{"key": "AuthorizationKey", "value": "x"}]})
    redacted = payload_of(redact_frame(RESULT, None, text))
    assert redacted["configurationKey"][0]["value"] == REDACTED
    plain = result({"status": "Accepted"})
    assert redact_frame(RESULT, None, plain) is plain


def test_other_frames_are_kept_as_sent() -> None:
    """Frames of other actions, CALLERRORs and unreadable text are returned unchanged,
    without being parsed."""
    certificate = call("CertificateSigned", {"certificateChain": "-----BEGIN..."})
    assert redact_frame(CALL, "CertificateSigned", certificate) is certificate
    assert redact_frame(ERROR, "SetVariables", "[4,...") == "[4,..."
    assert redact_frame(FrameType.MALFORMED, None, "password=1") == "password=1"
    # An answer to ChangeConfiguration holds only a status.
    answer = result({"status": "Accepted"})
    assert redact_frame(RESULT, "ChangeConfiguration", answer) is answer


def test_a_frame_that_might_hold_a_secret_but_is_not_json_is_withheld() -> None:
    """Should a frame of a secret-bearing action not be readable, it is withheld whole."""
    assert redact_frame(CALL, "SetVariables", '[2,"m1","SetVariables",{') == WITHHELD
    assert redact_frame(CALL, "SetVariables", "7") == WITHHELD


def test_redacted_frames_stay_compact_json_with_the_same_envelope() -> None:
    """A redacted frame keeps its type, id and action and is compact JSON."""
    text = call("ChangeConfiguration", {"key": "AuthorizationKey", "value": "v"})
    redacted = redact_frame(CALL, "ChangeConfiguration", text)
    assert json.loads(redacted)[:3] == [2, "m1", "ChangeConfiguration"]
    assert " " not in redacted.replace(REDACTED, "")


@pytest.mark.parametrize(
    ("action", "payload", "where"),
    [
        ("UpdateFirmware", {"location": "ftp://fw:s3cret@files.example/x.bin",
                            "retrieveDate": "2026-12-05T00:00:00Z"}, ("location",)),
        ("UpdateFirmware", {"requestId": 1, "firmware": {
            "location": "https://fw:s3cret@files.example/x.bin",
            "retrieveDateTime": "2026-12-05T00:00:00Z"}}, ("firmware", "location")),
        ("GetDiagnostics", {"location": "ftp://up:s3cret@logs.example/"}, ("location",)),
        ("GetLog", {"logType": "DiagnosticsLog", "requestId": 1,
                    "log": {"remoteLocation": "ftp://up:s3cret@logs.example/"}},
         ("log", "remoteLocation")),
        ("PublishFirmware", {"location": "https://fw:s3cret@files.example/x.bin",
                             "checksum": "0" * 32, "requestId": 1}, ("location",)),
    ],
)  # fmt: skip
def test_the_password_of_a_location_url_in_frames_and_command_records(
    action: str, payload: dict[str, Any], where: tuple[str, ...]
) -> None:
    """Upload and download URLs with credentials (1.6 §5.9, §5.19; 2.0.1 L01, L03, N01) keep
    their user and host and lose their password, in a logged frame and in the request a
    command record keeps; the payload sent to the station is not touched."""
    sent = json.loads(json.dumps(payload))
    for redacted in (payload_of(redact_frame(CALL, action, call(action, payload))),
                     redacted_call(action, payload)):  # fmt: skip
        value: Any = redacted
        for key in where:
            value = value[key]
        assert "s3cret" not in value and f":{REDACTED}@" in value
    assert payload == sent
    plain = {
        **payload,
        **({"location": "https://files.example/x.bin"} if "location" in payload else {}),
    }
    if where == ("location",):
        assert redacted_call(action, plain) is plain  # nothing secret: nothing copied
