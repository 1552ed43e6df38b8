"""What both versions' command dialects share: the official schema check before anything is
stored or sent, and reading a station's answer into ACCEPTED / REJECTED."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from voltgate.domain.commands import CommandState, Outcome, RawCall
from voltgate.domain.errors import InvalidCommand
from voltgate.ocpp.errors import ActionNotImplemented, OcppVersion, PayloadError
from voltgate.ocpp.validation import Validators

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
