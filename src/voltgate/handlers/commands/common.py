"""What both versions' command dialects share: the official schema check before anything is
stored or sent, reading a station's answer into ACCEPTED / REJECTED, and the helpers the
functional blocks spell payloads with."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, NoReturn

from voltgate.domain.commands import BuildContext, CommandState, Outcome, RawCall
from voltgate.domain.errors import InvalidCommand
from voltgate.ocpp.errors import ActionNotImplemented, OcppVersion, PayloadError
from voltgate.ocpp.validation import Validators
from voltgate.ocpp.wire import format_timestamp

Payload = dict[str, Any]

ACCEPTED = frozenset({"Accepted"})


def checked(
    version: OcppVersion, action: str, payload: Payload, csms_actions: frozenset[str]
) -> tuple[str, Payload]:
    """`action` and `payload` once the official request schema of `version` accepts them.

    Raises:
        InvalidCommand: not an action the CSMS sends in `version`, or the payload breaks
            its schema (the message says which field and how).
    """
    if action not in csms_actions:
        raise InvalidCommand(f"{action!r} is not an action the CSMS sends to {version} stations")
    try:
        Validators.for_version(version).check_request(action, payload)
    except (ActionNotImplemented, PayloadError) as error:
        raise InvalidCommand(f"{action} is not valid for {version}: {error.description}") from None
    return action, payload


def raw(
    version: OcppVersion, command: RawCall, csms_actions: frozenset[str]
) -> tuple[str, Payload]:
    """A raw call, checked like every other command."""
    return checked(version, command.action, dict(command.payload), csms_actions)


def read_status(
    answer: Mapping[str, Any], accepted: frozenset[str] = ACCEPTED, reason: str | None = None
) -> Outcome:
    """ACCEPTED when the answer's ``status`` is one of `accepted`, else REJECTED; an answer
    without a status (GetLocalListVersion, GetDiagnostics ...) is ACCEPTED. The reason is
    2.0.1's statusInfo (``reasonCode: additionalInfo``) unless one is given."""
    status = answer.get("status")
    if reason is None:
        reason = status_info(answer.get("statusInfo"))
    if status is None:
        return Outcome(CommandState.ACCEPTED, None, reason)
    state = CommandState.ACCEPTED if status in accepted else CommandState.REJECTED
    return Outcome(state, str(status), reason)


def status_info(info: object) -> str | None:
    """2.0.1 StatusInfoType as one line (reasonCode, then additionalInfo), or None."""
    if not isinstance(info, Mapping):
        return None
    code, more = info.get("reasonCode"), info.get("additionalInfo")
    if code and more:
        return f"{code}: {more}"
    return str(code) if code else None


def no_connector_without_evse(connector_id: int | None) -> None:
    """A connector is addressed within its EVSE.

    Raises:
        InvalidCommand: a connectorId was given without an evseId.
    """
    if connector_id is not None:
        raise InvalidCommand("a connectorId needs an evseId")


def data_transfer(vendor_id: str, message_id: str | None, data: str | None) -> Payload:
    """DataTransfer: the same fields in 1.6 (§5.6) and 2.0.1 (P01)."""
    payload: Payload = {"vendorId": vendor_id}
    if message_id is not None:
        payload["messageId"] = message_id
    if data is not None:
        payload["data"] = data
    return payload


# -- shared by the functional blocks ------------------------------------------------------

Builder = Callable[[Any, BuildContext], tuple[str, Payload]]
"""Spells one kind of neutral command in one version: its action and payload."""

Reader = Callable[[Payload], Outcome]
"""Reads the answer to one action into ACCEPTED / REJECTED."""


def put(payload: Payload, key: str, value: object) -> Payload:
    """`payload` with `key` set to `value` unless it is None (OCPP leaves out what is not
    given); timestamps and decimals as the wire writes them."""
    if value is None:
        return payload
    if isinstance(value, datetime):
        value = format_timestamp(value)
    elif isinstance(value, Decimal):
        value = number(value)
    payload[key] = value
    return payload


def number(value: Decimal) -> int | float:
    """A decimal as a JSON number: an integer when it is whole (``16`` rather than ``16.0``)."""
    return int(value) if value == value.to_integral_value() else float(value)


def refuse(version: OcppVersion, name: str, why: str = "") -> NoReturn:
    """The station's version cannot express the command `name`.

    Raises:
        InvalidCommand: always, saying so.
    """
    more = f": {why}" if why else ""
    raise InvalidCommand(f"{name} cannot be sent to an {version} station{more}")


def read_results(
    results: list[dict[str, Any]], name: Callable[[dict[str, Any]], str], accepted: frozenset[str]
) -> Outcome:
    """ACCEPTED when every result's ``status`` is in `accepted`; else REJECTED with the
    first refusal's status, naming which item (`name`) and why (statusInfo)."""
    for result in results:
        status = result.get("status")
        if status not in accepted:
            why = status_info(result.get("statusInfo"))
            reason = f"{name(result)}: {status}" + (f" ({why})" if why else "")
            return Outcome(CommandState.REJECTED, str(status), reason)
    return Outcome(CommandState.ACCEPTED, "Accepted" if results else None)


DEFAULT_TOKEN_TYPE = "Central"
"""2.0.1 IdTokenEnumType of a token provisioned without a type: an id the CSMS generated."""


def id_token(id_tag: str, token_type: str | None) -> Payload:
    """A 2.0.1 IdTokenType: the tag with its stored type, else `DEFAULT_TOKEN_TYPE`."""
    return {"idToken": id_tag, "type": token_type or DEFAULT_TOKEN_TYPE}
