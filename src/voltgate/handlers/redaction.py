"""Blank the secrets in OCPP payloads: in the frames the message log stores, and in the
requests command records keep. One place knows where OCPP puts secrets, for both uses.

OCPP 1.6 security whitepaper and 2.0.1 A01.FR.09: "the CSMS SHOULD NOT put the passwords in
clear-text in log files or debug information". So the payloads that can carry a password or
a key get their secret values replaced by `REDACTED` (the station still gets the real ones):

- 1.6 CALL ChangeConfiguration: `value` when `key` is secret (AuthorizationKey, A01.FR.02).
- 1.6 CALLRESULT GetConfiguration: `configurationKey[].value` of secret keys (a station
  should not report AuthorizationKey, OCPP-J 1.6 §6.2.2, but some do).
- 2.0.1 CALL SetVariables: `setVariableData[].attributeValue` of secret variables
  (SecurityCtrlr.BasicAuthPassword, A01.FR.02).
- 2.0.1 CALLRESULT GetVariables: `getVariableResult[].attributeValue` of secret variables.
- 2.0.1 CALL NotifyReport: `variableAttribute[].value` of secret variables and of those
  whose dataType is passwordString.
- 2.0.1 CALL SetNetworkProfile: `apn.apnPassword`, `apn.simPin`, `vpn.password`, `vpn.key`,
  and the password of a CSMS URL with credentials (`ocppCsmsUrl`).
- The password of a URL with credentials (``ftp://user:secret@host/``) where the CSMS names
  an upload or download location: 1.6 UpdateFirmware, GetDiagnostics, and the whitepaper's
  SignedUpdateFirmware and GetLog; 2.0.1 UpdateFirmware, PublishFirmware, GetLog.
- A CALLRESULT that answers no known CALL (a late answer): the GetConfiguration and
  GetVariables rules.

A key or variable is secret when its name is AuthorizationKey or contains "password", in
any letter case (vendor keys included). Certificates (CertificateSigned, InstallCertificate)
are public and CSRs (SignCertificate) hold no private key, so they are kept as sent.

A frame without a secret is stored exactly as it crossed the wire; a redacted one is
written again as compact JSON.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import msgspec

from voltgate.domain.commands import REDACTED
from voltgate.domain.message_log import FrameType

__all__ = ["REDACTED", "WITHHELD", "is_secret", "redact_frame", "redacted_call"]

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
    found = _blank_url(data, "ocppCsmsUrl")
    for holder, fields in (("apn", ("apnPassword", "simPin")), ("vpn", ("password", "key"))):
        for name in fields:
            found = _blank(data.get(holder), name) or found
    return found


def _url_at(*path: str) -> Rule:
    """The rule for a location URL at `path`; an action whose two versions put it in
    different places gets one rule per place (a path a payload lacks is passed over)."""

    def rule(payload: dict[str, Any]) -> bool:
        holder: object = payload
        for key in path[:-1]:
            holder = holder.get(key) if isinstance(holder, dict) else None
        return _blank_url(holder, path[-1])

    return rule


def _either(*rules: Rule) -> Rule:
    def rule(payload: dict[str, Any]) -> bool:
        return any([each(payload) for each in rules])  # a list: every rule runs

    return rule


def _blank_url(holder: object, field: str) -> bool:
    """Replace the password of the URL at `holder[field]`; the whole value when it cannot
    be parsed (it might still hold one). True when anything was replaced."""
    if not isinstance(holder, dict) or not isinstance(holder.get(field), str):
        return False
    value = holder[field]
    try:
        parts = urlsplit(value)
        password = parts.password
    except ValueError:
        holder[field] = REDACTED
        return True
    if password is None:
        return False
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    holder[field] = urlunsplit(parts._replace(netloc=f"{user}:{REDACTED}@{host}"))
    return True


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
    # 1.6 `location`, 2.0.1 `firmware.location`; the whitepaper's SignedUpdateFirmware too.
    (FrameType.CALL, "UpdateFirmware"): _either(
        _url_at("location"), _url_at("firmware", "location")
    ),
    (FrameType.CALL, "SignedUpdateFirmware"): _url_at("firmware", "location"),
    (FrameType.CALL, "PublishFirmware"): _url_at("location"),
    (FrameType.CALL, "GetDiagnostics"): _url_at("location"),
    (FrameType.CALL, "GetLog"): _url_at("log", "remoteLocation"),
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


def redacted_call(action: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The CALL `payload` of `action` as a command record may keep it: a copy with its
    secrets blanked, or `payload` itself when it holds none."""
    rule = RULES.get((FrameType.CALL, action))
    if rule is None:
        return payload
    blanked = copy.deepcopy(payload)
    return blanked if rule(blanked) else payload
