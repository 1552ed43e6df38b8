"""How a simulated station answers the CSMS: one function per OCPP 1.6 action, in a table.

The Core and Remote Trigger profiles are answered here; reservations, smart charging and the
local list in `charging_responders`, firmware, diagnostics and the Security Whitepaper's
messages in `maintenance_responders`.

A responder looks at the station's state, decides, and returns the `.conf` payload plus the
follow-up work the station does *after* the answer went out (OCPP 1.6 §5.11: a station
confirms RemoteStartTransaction first, then starts the transaction); see `followups.py`.

Actions of 1.6 without a responder are answered with the CALLERROR NotSupported ("recognized
but not supported"); names that are not 1.6 actions at all with NotImplemented ("not known by
receiver"), as OCPP-J 1.6 §4.2.3 defines the two codes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, get_args

from voltgate.ocpp.errors import ActionNotImplemented, ActionNotSupported
from voltgate.ocpp.v16 import messages as m16
from voltgate.simulator.followups import (
    Answer,
    Followup,
    Reboot,
    SendStatus,
    ToConnector,
    Trigger,
    status_changes,
)
from voltgate.simulator.state import StartCharging, StopCharging
from voltgate.simulator.v16 import charging_responders, maintenance_responders
from voltgate.simulator.v16.state import V16State

Payload = dict[str, Any]

# OCPP 1.6 edition 2 §5 plus the security whitepaper: every CALL a CSMS may send to a station.
CSMS_ACTIONS = frozenset(
    {
        "CancelReservation", "ChangeAvailability", "ChangeConfiguration", "ClearCache",
        "ClearChargingProfile", "DataTransfer", "GetCompositeSchedule", "GetConfiguration",
        "GetDiagnostics", "GetLocalListVersion", "RemoteStartTransaction",
        "RemoteStopTransaction", "ReserveNow", "Reset", "SendLocalList", "SetChargingProfile",
        "TriggerMessage", "UnlockConnector", "UpdateFirmware", "CertificateSigned",
        "DeleteCertificate", "ExtendedTriggerMessage", "GetInstalledCertificateIds", "GetLog",
        "InstallCertificate", "SignedUpdateFirmware",
    }
)  # fmt: skip
# The CALLs a station sends: a CSMS that sends one of these gets NotSupported, not NotImplemented.
STATION_ACTIONS = frozenset(
    {
        "Authorize", "BootNotification", "DiagnosticsStatusNotification",
        "FirmwareStatusNotification", "Heartbeat", "MeterValues", "StartTransaction",
        "StatusNotification", "StopTransaction", "LogStatusNotification",
        "SecurityEventNotification", "SignCertificate", "SignedFirmwareStatusNotification",
    }
)  # fmt: skip


Responder = Callable[[V16State, Payload], Answer]


def answer(state: V16State, action: str, payload: Payload) -> Answer:
    """Answer a CSMS-initiated CALL.

    Raises:
        ActionNotSupported: a 1.6 action this simulator does not implement.
        ActionNotImplemented: not an OCPP 1.6 action.
    """
    responder = RESPONDERS.get(action)
    if responder is not None:
        return responder(state, payload)
    if action in CSMS_ACTIONS or action in STATION_ACTIONS:
        raise ActionNotSupported(f"the simulator does not support {action}")
    raise ActionNotImplemented(f"{action} is not an OCPP 1.6 action a CSMS sends")


def _reset(state: V16State, payload: Payload) -> Answer:
    reason = "HardReset" if payload.get("type") == "Hard" else "SoftReset"
    return Answer({"status": "Accepted"}, [Reboot(reason)])


def _remote_start(state: V16State, payload: Payload) -> Answer:
    id_tag = str(payload["idTag"])
    if "connectorId" in payload:
        connector = state.connector(int(payload["connectorId"]))
        candidates = [connector] if connector else []
    else:
        candidates = state.connectors
    for candidate in candidates:
        # §5.11, §5.13: not on a busy or inoperative connector, nor one reserved for another.
        if state.may_start(candidate, id_tag):
            candidate.starting = True  # reserved until the connector has started
            command = StartCharging(id_tag, remote=True)
            return Answer({"status": "Accepted"}, [ToConnector(candidate.connector_id, command)])
    return Answer({"status": "Rejected"})


def _remote_stop(state: V16State, payload: Payload) -> Answer:
    connector = state.with_transaction(int(payload["transactionId"]))
    if connector is None:
        return Answer({"status": "Rejected"})
    return Answer(
        {"status": "Accepted"}, [ToConnector(connector.connector_id, StopCharging("Remote"))]
    )


def _change_configuration(state: V16State, payload: Payload) -> Answer:
    key, value = str(payload["key"]), str(payload["value"])
    entry = state.configuration.get(key)
    if entry is None:
        return Answer({"status": "NotSupported"})
    if entry.readonly or not entry.accepts(value):
        return Answer({"status": "Rejected"})
    entry.value = value
    if key == "HeartbeatInterval" and int(value) > 0:
        state.set_heartbeat(float(value))
    elif key == "MeterValueSampleInterval" and int(value) > 0:
        state.meter_s = float(value)
    return Answer({"status": "Accepted"})


def _get_configuration(state: V16State, payload: Payload) -> Answer:
    wanted = payload.get("key")
    keys = list(state.configuration) if not wanted else [str(k) for k in wanted]
    known = [k for k in keys if k in state.configuration]
    result: Payload = {
        "configurationKey": [
            {
                "key": k,
                "readonly": state.configuration[k].readonly,
                "value": state.configuration[k].value,
            }
            for k in known
        ]
    }
    unknown = [k for k in keys if k not in state.configuration]
    if unknown:
        result["unknownKey"] = unknown
    return Answer(result)


def _change_availability(state: V16State, payload: Payload) -> Answer:
    operative = payload["type"] == "Operative"
    connector_id = int(payload["connectorId"])
    if connector_id == 0:
        targets = state.connectors
    else:
        connector = state.connector(connector_id)
        if connector is None:
            return Answer({"status": "Rejected"})
        targets = [connector]
    scheduled = False
    then: list[Followup] = []
    if connector_id == 0:
        state.operative = operative
    for connector in targets:
        if connector.busy and not operative:
            # §5.2: a connector in a transaction changes availability when it ends.
            connector.operative_after_transaction = operative
            scheduled = True
        elif connector.operative != operative:
            connector.operative = operative
            # An unavailable connector keeps no reservation (as 2.0.1 H01.FR.17 says).
            state.reservations.on_connector(connector.connector_id)
            connector.status = state.idle_status(connector)
            then.append(SendStatus(connector.connector_id))
    then += status_changes(state)
    return Answer({"status": "Scheduled" if scheduled else "Accepted"}, then)


def _unlock_connector(state: V16State, payload: Payload) -> Answer:
    connector = state.connector(int(payload["connectorId"]))
    if connector is None:
        return Answer({"status": "NotSupported"})
    if connector.transaction is not None:
        # §5.18: unlocking a connector in a transaction stops that transaction first.
        stop = ToConnector(connector.connector_id, StopCharging("UnlockCommand"))
        return Answer({"status": "Unlocked"}, [stop])
    return Answer({"status": "Unlocked"})


# §5.17 TriggerMessage: the MessageTrigger values of 1.6, from the generated wire models.
_TRIGGERABLE = frozenset(get_args(m16.TriggerMessageRequestedMessage))


def _trigger_message(state: V16State, payload: Payload) -> Answer:
    message = str(payload["requestedMessage"])
    connector_id = payload.get("connectorId")
    if message not in _TRIGGERABLE:
        return Answer({"status": "NotImplemented"})
    if connector_id is not None and connector_id != 0 and state.connector(connector_id) is None:
        return Answer({"status": "Rejected"})
    return Answer({"status": "Accepted"}, [Trigger(message, connector_id)])


def _clear_cache(state: V16State, payload: Payload) -> Answer:
    return Answer({"status": "Accepted"})


def _data_transfer(state: V16State, payload: Payload) -> Answer:
    # §5.6: a station that knows no vendor extensions answers UnknownVendorId.
    return Answer({"status": "UnknownVendorId"})


RESPONDERS: Mapping[str, Responder] = {
    **charging_responders.RESPONDERS,
    **maintenance_responders.RESPONDERS,
    "Reset": _reset,
    "RemoteStartTransaction": _remote_start,
    "RemoteStopTransaction": _remote_stop,
    "ChangeConfiguration": _change_configuration,
    "GetConfiguration": _get_configuration,
    "ChangeAvailability": _change_availability,
    "UnlockConnector": _unlock_connector,
    "TriggerMessage": _trigger_message,
    "ClearCache": _clear_cache,
    "DataTransfer": _data_transfer,
}
