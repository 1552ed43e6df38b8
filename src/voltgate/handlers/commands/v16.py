"""The neutral commands in OCPP 1.6 (edition 2, with the Security Whitepaper edition 3).

1.6 has no EVSEs: its connectorId N is our EVSE N with connector 1, and 0 is the whole
station (as `handlers.v16` reads StatusNotification). Payloads are checked against the
official schema before the command is stored (`common.checked`). The first commands are
spelled here; the functional blocks' in their own modules (`BUILDERS`). A command of a block
1.6 lacks (2.0.1's monitoring, display messages ...) is refused, saying so.
"""

from __future__ import annotations

from typing import Any, get_args

from voltgate.domain import commands as c
from voltgate.domain.errors import InvalidCommand, SecretSetting
from voltgate.handlers.commands import certificates, charging, firmware, local_list, reservations
from voltgate.handlers.commands.common import (
    ACCEPTED,
    Builder,
    Payload,
    Reader,
    checked,
    data_transfer,
    no_connector_without_evse,
    raw,
    read_status,
    refuse,
)
from voltgate.handlers.redaction import redacted_call
from voltgate.ocpp.errors import OcppVersion
from voltgate.ocpp.v16 import messages as m

VERSION = OcppVersion.V16

CSMS_ACTIONS = frozenset(
    {
        # Core, Firmware Management, Local Auth List, Reservation, Smart Charging, Remote
        # Trigger (1.6 §5.1-5.19)
        "CancelReservation",
        "ChangeAvailability",
        "ChangeConfiguration",
        "ClearCache",
        "ClearChargingProfile",
        "DataTransfer",
        "GetCompositeSchedule",
        "GetConfiguration",
        "GetDiagnostics",
        "GetLocalListVersion",
        "RemoteStartTransaction",
        "RemoteStopTransaction",
        "ReserveNow",
        "Reset",
        "SendLocalList",
        "SetChargingProfile",
        "TriggerMessage",
        "UnlockConnector",
        "UpdateFirmware",
        # Security Whitepaper edition 3, §5
        "CertificateSigned",
        "DeleteCertificate",
        "ExtendedTriggerMessage",
        "GetInstalledCertificateIds",
        "GetLog",
        "InstallCertificate",
        "SignedUpdateFirmware",
    }
)
"""Every action the CSMS may send to a 1.6 station (a raw call of any other is refused)."""

SECRET_KEY = "authorizationkey"  # CiString: any letter case

# Answers that mean "done, or will be done" besides Accepted.
ACCEPTED_STATUSES: dict[str, frozenset[str]] = {
    "ChangeAvailability": ACCEPTED | {"Scheduled"},  # §5.2: after the running transaction
    "ChangeConfiguration": ACCEPTED | {"RebootRequired"},  # §5.3: set, effective after reboot
    "UnlockConnector": frozenset({"Unlocked"}),  # §5.18
    # Whitepaper: accepted, and a running update or upload was cancelled for it.
    "SignedUpdateFirmware": ACCEPTED | {"AcceptedCanceled"},
    "GetLog": ACCEPTED | {"AcceptedCanceled"},
    # Whitepaper: NotFound is an empty list, the request was carried out.
    "GetInstalledCertificateIds": ACCEPTED | {"NotFound"},
}

BUILDERS: dict[type, Builder] = {
    **reservations.V16,
    **charging.V16,
    **local_list.V16,
    **firmware.V16,
    **certificates.V16,
}
"""The functional blocks' commands in 1.6, by command type."""

# §5.17 TriggerMessage's messages; the whitepaper's ExtendedTriggerMessage triggers the others.
TRIGGERABLE = frozenset(get_args(m.TriggerMessageRequestedMessage))
EXTENDED_TRIGGERABLE = frozenset(get_args(m.MessageTriggerEnum)) - TRIGGERABLE


class V16Commands:
    """`CommandDialect` of OCPP 1.6."""

    def build(self, command: c.Command, context: c.BuildContext) -> tuple[str, Payload]:
        if isinstance(command, c.RawCall):
            action, payload = raw(VERSION, command, CSMS_ACTIONS)
        else:
            action, payload = checked(VERSION, *_payload(command, context), CSMS_ACTIONS)
        if action == "ChangeConfiguration" and str(payload["key"]).casefold() == SECRET_KEY:
            # Security Whitepaper A01.FR.08/09: the password is never stored in clear, and
            # a command record keeps its payload; the rotation endpoint sets it instead.
            raise SecretSetting("AuthorizationKey is set by the password rotation only")
        return action, payload

    def redacted(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        return redacted_call(action, payload)  # `handlers.redaction` knows where secrets are

    def read(self, action: str, answer: dict[str, Any]) -> c.Outcome:
        reader = READERS.get(action)
        if reader is not None:
            return reader(answer)
        return read_status(answer, ACCEPTED_STATUSES.get(action, ACCEPTED))

    def read_values(self, action: str, answer: dict[str, Any]) -> dict[str, str | None]:
        if action != "GetConfiguration":
            return {}
        # §6.24: configurationKey lists the recognised keys (value optional), unknownKey the
        # others; keys are CiString50.
        return {
            str(entry["key"]).casefold(): entry.get("value")
            for entry in answer.get("configurationKey") or []
        }

    def same_value(self, expected: str, actual: str) -> bool:
        # §6.9: ChangeConfiguration.req value is CiString500, case-insensitive.
        return expected.casefold() == actual.casefold()


def _read_configuration(answer: Payload) -> c.Outcome:
    """§5.8: no status; keys the station does not know come back in unknownKey."""
    unknown = answer.get("unknownKey") or []
    if unknown:
        names = ", ".join(str(key) for key in unknown)
        return c.Outcome(c.CommandState.REJECTED, "UnknownKey", f"unknown keys: {names}")
    return c.Outcome(c.CommandState.ACCEPTED)


def _read_diagnostics(answer: Payload) -> c.Outcome:
    """§5.9: no status; without a fileName the station has no diagnostics to upload."""
    if answer.get("fileName") is None:
        return c.Outcome(c.CommandState.ACCEPTED, None, "no diagnostic information available")
    return c.Outcome(c.CommandState.ACCEPTED)


READERS: dict[str, Reader] = {
    "GetConfiguration": _read_configuration,
    "GetDiagnostics": _read_diagnostics,
}


def _payload(command: c.Command, context: c.BuildContext) -> tuple[str, Payload]:
    match command:
        case c.StartCharging(id_tag=id_tag, evse_id=evse_id):
            # §5.11: connectorId optional; idTag is at most 20 characters (CiString20).
            payload: Payload = {"idTag": id_tag}
            if evse_id is not None:
                payload["connectorId"] = evse_id
            return "RemoteStartTransaction", payload
        case c.StopCharging(transaction_id=transaction_id):
            return "RemoteStopTransaction", {"transactionId": transaction_id}  # §5.12
        case c.Reset(kind=kind, evse_id=evse_id):
            if evse_id is not None:
                raise InvalidCommand("OCPP 1.6 resets the whole station, not one EVSE")
            # §5.14: Hard restarts at once, Soft after ending transactions gracefully.
            return "Reset", {"type": "Hard" if kind is c.ResetKind.IMMEDIATE else "Soft"}
        case c.Unlock(evse_id=evse_id, connector_id=connector_id):
            _one_connector(connector_id)
            return "UnlockConnector", {"connectorId": evse_id}  # §5.18
        case c.ChangeAvailability(operative=operative, evse_id=evse_id, connector_id=connector_id):
            if evse_id is None:
                no_connector_without_evse(connector_id)
            else:
                _one_connector(connector_id)
            # §5.2: connectorId 0 is the whole station.
            availability = "Operative" if operative else "Inoperative"
            return "ChangeAvailability", {"connectorId": evse_id or 0, "type": availability}
        case c.TriggerMessage(message=message, evse_id=evse_id, connector_id=connector_id):
            _one_connector(connector_id)
            payload = {"requestedMessage": message}
            if evse_id is not None:
                payload["connectorId"] = evse_id
            if message in EXTENDED_TRIGGERABLE:  # LogStatusNotification, SignChargePoint...
                return "ExtendedTriggerMessage", payload  # whitepaper "Extended Trigger Message"
            return "TriggerMessage", payload  # §5.17
        case c.ClearCache():
            return "ClearCache", {}
        case c.GetConfiguration(keys=keys):
            return "GetConfiguration", {"key": list(keys)} if keys else {}  # §5.8
        case c.SetConfiguration(key=key, value=value):
            return "ChangeConfiguration", {"key": key, "value": value}  # §5.3
        case c.DataTransfer(vendor_id=vendor_id, message_id=message_id, data=data):
            return "DataTransfer", data_transfer(vendor_id, message_id, data)
    builder = BUILDERS.get(type(command))
    if builder is None:
        refuse(VERSION, command.NAME, "it is an OCPP 2.0.1 message")
    return builder(command, context)


def _one_connector(connector_id: int | None) -> None:
    if connector_id not in (None, 1):
        raise InvalidCommand("an OCPP 1.6 EVSE has one connector: connectorId must be 1")
