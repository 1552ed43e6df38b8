"""How a simulated station answers a 2.0.1 CSMS: one function per action, in a table.

Provisioning, remote control, availability and the device model are answered here; the
other functional blocks in `charging_responders` (H, K, D, E14, I02),
`maintenance_responders` (L, N01, M, B09) and `device_management_responders` (B08, N02-N06,
O, N09).

Each responder decodes the request into its wire model, decides on the station's state and
returns the response payload plus the follow-ups (`followups.py`) the station runs after the
answer went out. No I/O and no clock here.

Actions of 2.0.1 without a responder are answered with the CALLERROR NotSupported ("recognized
but not supported"); names that are not 2.0.1 actions at all with NotImplemented ("not known
by receiver"), as OCPP 2.0.1 part 4 §4.3 defines the two codes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from voltgate.ocpp import wire
from voltgate.ocpp.errors import ActionNotImplemented, ActionNotSupported, OcppVersion
from voltgate.ocpp.schemas import action_names
from voltgate.ocpp.v201 import messages as m
from voltgate.simulator.followups import (
    Answer,
    Followup,
    Reboot,
    SecurityEvent,
    SendReport,
    SendStatus,
    ToConnector,
    Trigger,
    status_changes,
)
from voltgate.simulator.state import StartCharging, StopCharging
from voltgate.simulator.v201 import (
    charging_responders,
    device_management_responders,
    maintenance_responders,
)
from voltgate.simulator.v201.charging_responders import reservation_update
from voltgate.simulator.v201.device_model import accepts
from voltgate.simulator.v201.state import V201State

Payload = dict[str, Any]
Responder = Callable[[V201State, Payload], Answer]

# TriggerMessage requests the simulator can honour (F06); the others are NotImplemented
# (F06.FR.08): it has no ISO 15118 side and no key pair to sign.
TRIGGERABLE = frozenset(
    {
        "BootNotification", "Heartbeat", "StatusNotification", "MeterValues", "TransactionEvent",
        "FirmwareStatusNotification", "LogStatusNotification", "PublishFirmwareStatusNotification",
    }
)  # fmt: skip
_PEM_CERTIFICATE = "-----BEGIN CERTIFICATE-----"


@functools.cache
def known_actions() -> frozenset[str]:
    """Every action name of OCPP 2.0.1 (read once from the official schemas)."""
    return action_names(OcppVersion.V201)


def answer(state: V201State, action: str, payload: Payload) -> Answer:
    """Answer a CSMS-initiated CALL.

    Raises:
        ActionNotSupported: a 2.0.1 action this simulator does not implement.
        ActionNotImplemented: not an OCPP 2.0.1 action.
        PayloadError: the payload does not fit the action (only with validation off).
    """
    responder = RESPONDERS.get(action)
    if responder is not None:
        return responder(state, payload)
    if action in known_actions():
        raise ActionNotSupported(f"the simulator does not support {action}")
    raise ActionNotImplemented(f"{action} is not an OCPP 2.0.1 action")


def _reply(response: wire.WireModel, then: list[Followup] | None = None) -> Answer:
    return Answer(wire.encode(response), then or [])


def _reset(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.ResetRequest, payload)
    if request.evse_id is not None:
        # B11.FR.09: a station that cannot reset a single EVSE rejects the request.
        return _reply(m.ResetResponse(status="Rejected"))
    if request.type == "OnIdle" and any(c.busy for c in state.connectors):
        # B12.FR.01: reset once the running transactions have ended.
        return _reply(m.ResetResponse(status="Scheduled"), [Reboot("Other", on_idle=True)])
    # B12.FR.02, B12.FR.04: end running transactions now, then reboot.
    return _reply(
        m.ResetResponse(status="Accepted"), [Reboot("ImmediateReset", trigger="ResetCommand")]
    )


def _request_start(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.RequestStartTransactionRequest, payload)
    rejected = _reply(m.RequestStartTransactionResponse(status="Rejected"))
    if state.registration == "Pending":
        return rejected  # B02.FR.05
    if request.evse_id is not None:
        connector = state.connector(request.evse_id)
        candidates = [connector] if connector else []
    else:
        candidates = state.connectors  # F01.FR.20: the station picks the EVSE
    for candidate in candidates:
        # F01.FR.23/24: not on an unavailable EVSE, nor on one with a transaction; nor on
        # one reserved for another idToken (H01.FR.07/23).
        if state.may_start(candidate, request.id_token.id_token):
            candidate.starting = True  # reserved until the connector has started
            command = StartCharging(
                request.id_token.id_token,
                remote=True,
                remote_start_id=request.remote_start_id,
                token_type=request.id_token.type,
            )
            return _reply(
                m.RequestStartTransactionResponse(status="Accepted"),
                [ToConnector(candidate.connector_id, command)],
            )
    return rejected


def _request_stop(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.RequestStopTransactionRequest, payload)
    connector = state.with_transaction(request.transaction_id)
    if connector is None or state.registration == "Pending":
        return _reply(m.RequestStopTransactionResponse(status="Rejected"))  # F03.FR.08, B02.FR.05
    stop = StopCharging("Remote", trigger="RemoteStop")  # F03.FR.03
    return _reply(
        m.RequestStopTransactionResponse(status="Accepted"),  # F03.FR.07
        [ToConnector(connector.connector_id, stop)],
    )


def _change_availability(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.ChangeAvailabilityRequest, payload)
    operative = request.operational_status == "Operative"
    whole_station = request.evse is None or request.evse.id == 0  # G04.FR.01
    if whole_station:
        targets = state.connectors
        state.operative = operative
    else:
        assert request.evse is not None
        connector = state.connector(request.evse.id)
        if connector is None or request.evse.connector_id not in (None, 1):
            return _reply(m.ChangeAvailabilityResponse(status="Rejected"))
        targets = [connector]
    scheduled = False
    then: list[Followup] = []
    for connector in targets:
        if connector.busy and not operative:
            # G03.FR.05, G04.FR.06: a connector in a transaction changes when it ends.
            connector.operative_after_transaction = operative
            scheduled = True
        elif connector.operative != operative:
            connector.operative = operative
            for removed in state.reservations.on_connector(connector.connector_id):
                then.append(reservation_update(removed.id, "Removed"))  # H01.FR.17
            connector.status = state.idle_status(connector)
            then.append(SendStatus(connector.connector_id))  # G03.FR.04, G04.FR.05
    then += status_changes(state)  # H01.FR.20: reservations of any EVSE may need another
    # G03.FR.03: a change to the state the station is already in is Accepted too.
    status: m.ChangeAvailabilityStatusEnum = "Scheduled" if scheduled else "Accepted"
    return _reply(m.ChangeAvailabilityResponse(status=status), then)


def _get_variables(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.GetVariablesRequest, payload)
    # B06.FR.01/02: one result per requested variable, naming the same component/variable.
    results = [_get_variable(state, data) for data in request.get_variable_data]
    return _reply(m.GetVariablesResponse(get_variable_result=results))


def _get_variable(state: V201State, data: m.GetVariableData) -> m.GetVariableResult:
    attribute = data.attribute_type or "Actual"  # B06.FR.03, B06.FR.11
    found = state.device_model.find(data.component, data.variable)
    value = None
    if isinstance(found, str):
        status: m.GetVariableStatusEnum = found
    elif attribute != "Actual":
        status = "NotSupportedAttributeType"  # B06.FR.08
    elif found[1].mutability == "WriteOnly":
        status = "Rejected"  # B06.FR.09
    else:
        status, value = "Accepted", state.value_of(found[0])  # B06.FR.10
    return m.GetVariableResult(
        attribute_status=status,
        attribute_type=attribute,
        attribute_value=value,
        component=data.component,
        variable=data.variable,
    )


def _set_variables(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.SetVariablesRequest, payload)
    # B05.FR.01/02: one result per variable, naming the same component/variable.
    results = [_set_variable(state, data) for data in request.set_variable_data]
    return _reply(m.SetVariablesResponse(set_variable_result=results))


def _set_variable(state: V201State, data: m.SetVariableData) -> m.SetVariableResult:
    attribute = data.attribute_type or "Actual"  # B05.FR.03, B05.FR.12
    found = state.device_model.find(data.component, data.variable)
    if isinstance(found, str):
        status: m.SetVariableStatusEnum = found  # B05.FR.04/05
    elif attribute != "Actual":
        status = "NotSupportedAttributeType"  # B05.FR.06
    elif found[1].mutability == "ReadOnly" or not accepts(found[1], data.attribute_value):
        status = "Rejected"  # B05.FR.07/08/09
    else:
        state.apply(found[0], data.attribute_value)
        status = "Accepted"
    return m.SetVariableResult(
        attribute_type=attribute,
        attribute_status=status,
        component=data.component,
        variable=data.variable,
    )


def _get_base_report(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.GetBaseReportRequest, payload)
    # B07.FR.01/12: all three base reports are supported; the report follows the answer.
    return _reply(
        m.GetBaseReportResponse(status="Accepted"),
        [SendReport(request.request_id, request.report_base)],
    )


def _trigger_message(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.TriggerMessageRequest, payload)
    message = request.requested_message
    evse_id = None if request.evse is None or request.evse.id == 0 else request.evse.id
    rejected = _reply(m.TriggerMessageResponse(status="Rejected"))
    if message not in TRIGGERABLE:
        return _reply(m.TriggerMessageResponse(status="NotImplemented"))  # F06.FR.08
    if evse_id is not None and state.connector(evse_id) is None:
        return rejected
    if message == "BootNotification" and state.registration == "Accepted":
        return rejected  # F06.FR.17
    chosen = [c for c in state.connectors if evse_id in (None, c.connector_id)]
    if message == "TransactionEvent" and not any(c.transaction for c in chosen):
        return rejected  # F06.FR.07 needs a transaction to report on
    # F06.FR.04/10: answer first, then send what was accepted.
    return _reply(m.TriggerMessageResponse(status="Accepted"), [Trigger(message, evse_id)])


def _unlock_connector(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.UnlockConnectorRequest, payload)
    connector = state.connector(request.evse_id) if request.connector_id == 1 else None
    if connector is None:
        return _reply(m.UnlockConnectorResponse(status="UnknownConnector"))  # F05.FR.03
    if connector.transaction is not None:
        # F05.FR.02: never unlock (or stop) an authorized transaction.
        return _reply(m.UnlockConnectorResponse(status="OngoingAuthorizedTransaction"))
    return _reply(m.UnlockConnectorResponse(status="Unlocked"))  # F05.FR.04


def _certificate_signed(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.CertificateSignedRequest, payload)
    kind = request.certificate_type or "ChargingStationCertificate"
    if _PEM_CERTIFICATE not in request.certificate_chain:
        # A02.FR.07: reject, discard and raise a security event. (The simulator checks the
        # form only; a real station also checks validity and its CSO hierarchy, A02.FR.06.)
        event = SecurityEvent("InvalidChargingStationCertificate", f"no PEM certificate ({kind})")
        return _reply(m.CertificateSignedResponse(status="Rejected"), [event])
    state.certificates[kind] = request.certificate_chain
    return _reply(m.CertificateSignedResponse(status="Accepted"))


def _clear_cache(state: V201State, payload: Payload) -> Answer:
    return _reply(m.ClearCacheResponse(status="Accepted"))  # C11: the cache is empty


def _data_transfer(state: V201State, payload: Payload) -> Answer:
    # P01.FR.05: a recipient without an implementation for the vendorId says so.
    return _reply(m.DataTransferResponse(status="UnknownVendorId"))


RESPONDERS: Mapping[str, Responder] = {
    **charging_responders.RESPONDERS,
    **maintenance_responders.RESPONDERS,
    **device_management_responders.RESPONDERS,
    "Reset": _reset,
    "RequestStartTransaction": _request_start,
    "RequestStopTransaction": _request_stop,
    "ChangeAvailability": _change_availability,
    "GetVariables": _get_variables,
    "SetVariables": _set_variables,
    "GetBaseReport": _get_base_report,
    "TriggerMessage": _trigger_message,
    "UnlockConnector": _unlock_connector,
    "CertificateSigned": _certificate_signed,
    "ClearCache": _clear_cache,
    "DataTransfer": _data_transfer,
}
