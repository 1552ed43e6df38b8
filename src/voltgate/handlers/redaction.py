"""Blank the secrets in OCPP frames before the message log stores them.

OCPP 1.6 security whitepaper and 2.0.1 A01.FR.09: "the CSMS SHOULD NOT put the passwords in
clear-text in log files or debug information". The message log keeps whole frames, so the
payloads that can carry a password or a key get their secret values replaced by `REDACTED`:

- 1.6 CALL ChangeConfiguration: `value` when `key` is secret (AuthorizationKey, A01.FR.02).
- 1.6 CALLRESULT GetConfiguration: `configurationKey[].value` of secret keys (a station
  should not report AuthorizationKey, OCPP-J 1.6 §6.2.2, but some do).
- 2.0.1 CALL SetVariables: `setVariableData[].attributeValue` of secret variables
  (SecurityCtrlr.BasicAuthPassword, A01.FR.02).
- 2.0.1 CALLRESULT GetVariables: `getVariableResult[].attributeValue` of secret variables.
- 2.0.1 CALL NotifyReport: `variableAttribute[].value` of secret variables and of those
  whose dataType is passwordString.
- 2.0.1 CALL SetNetworkProfile: `apn.apnPassword`, `apn.simPin`, `vpn.password`, `vpn.key`.
- A CALLRESULT that answers no known CALL (a late answer): the GetConfiguration and
  GetVariables rules.

A key or variable is secret when its name is AuthorizationKey or contains "password", in
any letter case (vendor keys included). Certificates (CertificateSigned, InstallCertificate)
are public and CSRs (SignCertificate) hold no private key, so they are kept as sent.

A frame without a secret is stored exactly as it crossed the wire; a redacted one is
written again as compact JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import msgspec

from voltgate.domain.message_log import FrameType

REDACTED = "<redacted>"
WITHHELD = "<frame withheld: it may hold a secret and is not readable JSON>"

_decode = msgspec.json.Decoder().decode
_encode = msgspec.json.Encoder().encode

Rule = Callable[[dict[str, Any]], bool]
"""Blanks the secrets of one payload in place; True when it blanked anything."""

# Where the payload is in each frame: [2, id, action, payload] and [3, id, payload].
_PAYLOAD_INDEX = {FrameType.CALL: 3, FrameType.CALL_RESULT: 2}


def is_secret(name: object) -> bool:
    """True for configuration keys and variables that hold a password or key."""
    if not isinstance(name, str):
        return False
    folded = name.casefold()
    return folded == "authorizationkey" or "password" in folded


def _blank(holder: object, field: str) -> bool:
    if isinstance(holder, dict) and field in holder:
        holder[field] = REDACTED
        return True
    return False


def _entries(payload: dict[str, Any], field: str) -> list[dict[str, Any]]:
    value = payload.get(field)
    if not isinstance(value, list):
        return []
    return [entry for entry in value if isinstance(entry, dict)]


def _variable_name(entry: dict[str, Any]) -> object:
    variable = entry.get("variable")
    return variable.get("name") if isinstance(variable, dict) else None


def _change_configuration(payload: dict[str, Any]) -> bool:
    return is_secret(payload.get("key")) and _blank(payload, "value")


def _get_configuration(payload: dict[str, Any]) -> bool:
    found = False
    for entry in _entries(payload, "configurationKey"):
        if is_secret(entry.get("key")):
            found = _blank(entry, "value") or found
    return found


def _variables(field: str) -> Rule:
    def rule(payload: dict[str, Any]) -> bool:
        found = False
        for entry in _entries(payload, field):
            if is_secret(_variable_name(entry)):
                found = _blank(entry, "attributeValue") or found
        return found

    return rule


def _notify_report(payload: dict[str, Any]) -> bool:
    found = False
    for entry in _entries(payload, "reportData"):
        characteristics = entry.get("variableCharacteristics")
        password_type = (
            isinstance(characteristics, dict)
            and characteristics.get("dataType") == "passwordString"
        )
        if password_type or is_secret(_variable_name(entry)):
            for attribute in _entries(entry, "variableAttribute"):
                found = _blank(attribute, "value") or found
    return found


def _set_network_profile(payload: dict[str, Any]) -> bool:
    data = payload.get("connectionData")
    if not isinstance(data, dict):
        return False
    found = False
    for holder, fields in (("apn", ("apnPassword", "simPin")), ("vpn", ("password", "key"))):
        for name in fields:
            found = _blank(data.get(holder), name) or found
    return found


def _any_reply(payload: dict[str, Any]) -> bool:
    return any([rule(payload) for rule in _REPLY_RULES])


_REPLY_RULES: tuple[Rule, ...] = (_get_configuration, _variables("getVariableResult"))

RULES: Mapping[tuple[FrameType, str | None], Rule] = {
    (FrameType.CALL, "ChangeConfiguration"): _change_configuration,
    (FrameType.CALL_RESULT, "GetConfiguration"): _get_configuration,
    (FrameType.CALL, "SetVariables"): _variables("setVariableData"),
    (FrameType.CALL_RESULT, "GetVariables"): _variables("getVariableResult"),
    (FrameType.CALL, "NotifyReport"): _notify_report,
    (FrameType.CALL, "SetNetworkProfile"): _set_network_profile,
    (FrameType.CALL_RESULT, None): _any_reply,
}
"""Which frames may carry a secret, by (type, action); every other frame is kept as sent."""


def redact_frame(kind: FrameType, action: str | None, text: str) -> str:
    """`text` with its secret values blanked; the same text when it holds none
    (`domain.message_log.Redactor`)."""
    rule = RULES.get((kind, action))
    if rule is None:
        return text
    try:
        frame = _decode(text)
        payload = frame[_PAYLOAD_INDEX[kind]]
    except (msgspec.DecodeError, UnicodeDecodeError, TypeError, KeyError, IndexError):
        return WITHHELD
    if not isinstance(payload, dict) or not rule(payload):
        return text
    return _encode(frame).decode()
