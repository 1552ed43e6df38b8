"""The neutral commands in OCPP 2.0.1 (part 2, use cases by functional block).

Payloads are checked against the official schema before the command is stored
(`common.checked`). Get/SetVariables address a setting as ``Component.Variable``
(`domain.commands.split_key`) and are ACCEPTED only when every variable was. The first
commands are spelled here; the functional blocks' in their own modules (`BUILDERS`).
"""

from __future__ import annotations

from typing import Any

from voltgate.domain import commands as c
from voltgate.domain.errors import InvalidCommand, SecretSetting
from voltgate.handlers.commands import (
    certificates,
    charging,
    firmware,
    local_list,
    monitoring,
    provisioning,
    reservations,
)
from voltgate.handlers.commands.common import (
    ACCEPTED,
    Builder,
    Payload,
    checked,
    data_transfer,
    id_token,
    no_connector_without_evse,
    raw,
    read_status,
    status_info,
)
from voltgate.handlers.redaction import redacted_call
from voltgate.ocpp.errors import OcppVersion

VERSION = OcppVersion.V201

CSMS_ACTIONS = frozenset(
    {
        "CancelReservation",
        "CertificateSigned",
        "ChangeAvailability",
        "ClearCache",
        "ClearChargingProfile",
        "ClearDisplayMessage",
        "ClearVariableMonitoring",
        "CostUpdated",
        "CustomerInformation",
        "DataTransfer",
        "DeleteCertificate",
        "GetBaseReport",
        "GetChargingProfiles",
        "GetCompositeSchedule",
        "GetDisplayMessages",
        "GetInstalledCertificateIds",
        "GetLocalListVersion",
        "GetLog",
        "GetMonitoringReport",
        "GetReport",
        "GetTransactionStatus",
        "GetVariables",
        "InstallCertificate",
        "PublishFirmware",
        "RequestStartTransaction",
        "RequestStopTransaction",
        "ReserveNow",
        "Reset",
        "SendLocalList",
        "SetChargingProfile",
        "SetDisplayMessage",
        "SetMonitoringBase",
        "SetMonitoringLevel",
        "SetNetworkProfile",
        "SetVariableMonitoring",
        "SetVariables",
        "TriggerMessage",
        "UnlockConnector",
        "UnpublishFirmware",
        "UpdateFirmware",
    }
)
"""Every action the CSMS may send to a 2.0.1 station (a raw call of any other is refused)."""

# Answers that mean "done, or will be done" besides Accepted.
ACCEPTED_STATUSES: dict[str, frozenset[str]] = {
    "ChangeAvailability": ACCEPTED | {"Scheduled"},  # G03.FR.05: after the transaction
    "Reset": ACCEPTED | {"Scheduled"},  # B12.FR.02: OnIdle with a transaction running
    "UnlockConnector": frozenset({"Unlocked"}),  # F05.FR.02
    # Accepted, and a running update or upload was cancelled for it (L01.FR.24, N01.FR.12).
    "UpdateFirmware": ACCEPTED | {"AcceptedCanceled"},
    "GetLog": ACCEPTED | {"AcceptedCanceled"},
    "UnpublishFirmware": frozenset({"Unpublished"}),  # L04
    # Requests carried out that found nothing to report: an empty result, not a refusal.
    "GetBaseReport": ACCEPTED | {"EmptyResultSet"},
    "GetReport": ACCEPTED | {"EmptyResultSet"},  # B08.FR.15
    "GetMonitoringReport": ACCEPTED | {"EmptyResultSet"},  # N02.FR.10
    "GetChargingProfiles": ACCEPTED | {"NoProfiles"},  # K09
    "GetInstalledCertificateIds": ACCEPTED | {"NotFound"},  # M03.FR.02
    "GetDisplayMessages": ACCEPTED | {"Unknown"},  # O03: no message matched
}

BUILDERS: dict[type, Builder] = {
    **reservations.V201,
    **charging.V201,
    **local_list.V201,
    **firmware.V201,
    **certificates.V201,
    **provisioning.V201,
    **monitoring.V201,
}
"""The functional blocks' commands in 2.0.1, by command type."""


class V201Commands:
    """`CommandDialect` of OCPP 2.0.1."""

    def build(self, command: c.Command, context: c.BuildContext) -> tuple[str, Payload]:
        if isinstance(command, c.RawCall):
            action, payload = raw(VERSION, command, CSMS_ACTIONS)
        else:
            action, payload = checked(VERSION, *_payload(command, context), CSMS_ACTIONS)
        if action == "SetVariables" and any(map(_is_password, payload["setVariableData"])):
            # A01.FR.08/09: the password is never stored in clear, and a command record
            # keeps its payload; the password rotation endpoint sets it instead.
            raise SecretSetting(
                "SecurityCtrlr.BasicAuthPassword is set by the password rotation only"
            )
        return action, payload

    def redacted(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        return redacted_call(action, payload)  # `handlers.redaction` knows where secrets are

    def read(self, action: str, answer: dict[str, Any]) -> c.Outcome:
        reader = monitoring.READERS.get(action)
        if reader is not None:
            return reader(answer)
        if action == "GetVariables":
            return _variables(answer.get("getVariableResult") or [], ACCEPTED)
        if action == "SetVariables":
            # B05.FR.04 (RebootRequired): set, effective after a reboot.
            return _variables(answer.get("setVariableResult") or [], ACCEPTED | {"RebootRequired"})
        return read_status(answer, ACCEPTED_STATUSES.get(action, ACCEPTED))

    def read_values(self, action: str, answer: dict[str, Any]) -> dict[str, str | None]:
        if action != "GetVariables":
            return {}
        # B06.FR.10: Accepted carries the value; UnknownComponent, UnknownVariable (B06.FR.06,
        # 07), NotSupportedAttributeType (FR.08) and Rejected (write-only, FR.09) do not.
        # B06.FR.13: an unset value is an empty string.
        return {
            f"{result['component']['name']}.{result['variable']['name']}".casefold(): str(
                result.get("attributeValue", "")
            )
            for result in answer.get("getVariableResult") or []
            if result.get("attributeStatus") == "Accepted"
        }

    def same_value(self, expected: str, actual: str) -> bool:
        # attributeValue is a case-sensitive string (part 2 §2.1.4: only identifierString
        # is case-insensitive).
        return expected == actual


def _payload(command: c.Command, context: c.BuildContext) -> tuple[str, Payload]:
    match command:
        case c.StartCharging(id_tag=id_tag, evse_id=evse_id):
            # F01/F02: remoteStartId is the command's id, so the TransactionEvent that
            # carries it (F01.FR.25, F02.FR.01) names the command.
            token = id_token(id_tag, context.token_type)
            payload: Payload = {"idToken": token, "remoteStartId": context.command_id}
            if evse_id is not None:
                payload["evseId"] = evse_id
            return "RequestStartTransaction", payload
        case c.StopCharging(transaction_id=transaction_id):
            # F03: the station's own transactionId.
            if context.station_transaction_id is None:
                raise InvalidCommand(f"transaction {transaction_id} has no 2.0.1 transactionId")
            return "RequestStopTransaction", {"transactionId": context.station_transaction_id}
        case c.Reset(kind=kind, evse_id=evse_id):
            # B11/B12: Immediate, or OnIdle once no transaction runs (1.6 Hard / Soft).
            reset: Payload = {"type": "Immediate" if kind is c.ResetKind.IMMEDIATE else "OnIdle"}
            if evse_id is not None:
                reset["evseId"] = evse_id
            return "Reset", reset
        case c.Unlock(evse_id=evse_id, connector_id=connector_id):
            return "UnlockConnector", {"evseId": evse_id, "connectorId": connector_id}  # F05
        case c.ChangeAvailability(operative=operative, evse_id=evse_id, connector_id=connector_id):
            # G03/G04: no evse is the whole station.
            status = "Operative" if operative else "Inoperative"
            availability: Payload = {"operationalStatus": status}
            evse = _evse(evse_id, connector_id)
            if evse is not None:
                availability["evse"] = evse
            return "ChangeAvailability", availability
        case c.TriggerMessage(message=message, evse_id=evse_id, connector_id=connector_id):
            trigger: Payload = {"requestedMessage": message}  # F06
            evse = _evse(evse_id, connector_id)
            if evse is not None:
                trigger["evse"] = evse
            return "TriggerMessage", trigger
        case c.ClearCache():
            return "ClearCache", {}  # C11
        case c.GetConfiguration(keys=keys):
            if not keys:
                raise InvalidCommand("OCPP 2.0.1 GetVariables needs at least one key")
            data = [_address(key) for key in keys]  # B06
            return "GetVariables", {"getVariableData": data}
        case c.SetConfiguration(key=key, value=value):
            data = [{**_address(key), "attributeValue": value}]  # B05
            return "SetVariables", {"setVariableData": data}
        case c.DataTransfer(vendor_id=vendor_id, message_id=message_id, data=text):
            return "DataTransfer", data_transfer(vendor_id, message_id, text)  # P01
    builder = BUILDERS.get(type(command))
    if builder is None:  # pragma: no cover - every neutral command has a 2.0.1 form
        raise InvalidCommand(f"{command.NAME} has no OCPP 2.0.1 form")
    return builder(command, context)


def _evse(evse_id: int | None, connector_id: int | None) -> Payload | None:
    if evse_id is None:
        no_connector_without_evse(connector_id)
        return None
    evse: Payload = {"id": evse_id}
    if connector_id is not None:
        evse["connectorId"] = connector_id
    return evse


def _address(key: str) -> Payload:
    component, variable = c.split_key(key)
    return {"component": {"name": component}, "variable": {"name": variable}}


def _variables(results: list[dict[str, Any]], accepted: frozenset[str]) -> c.Outcome:
    """ACCEPTED when every variable's attributeStatus is in `accepted`; else REJECTED with
    the first refusal's status, and which variable and why."""
    for result in results:
        status = result.get("attributeStatus")
        if status not in accepted:
            name = f"{result['component']['name']}.{result['variable']['name']}"
            why = status_info(result.get("attributeStatusInfo"))
            reason = f"{name}: {status}" + (f" ({why})" if why else "")
            return c.Outcome(c.CommandState.REJECTED, str(status), reason)
    statuses = {str(result.get("attributeStatus")) for result in results}
    return c.Outcome(c.CommandState.ACCEPTED, statuses.pop() if len(statuses) == 1 else None)


def _is_password(data: dict[str, Any]) -> bool:
    # Component and variable names are identifierStrings: case-insensitive (part 2, §2.1.4).
    return (
        str(data["component"]["name"]).casefold() == "securityctrlr"
        and str(data["variable"]["name"]).casefold() == "basicauthpassword"
    )
