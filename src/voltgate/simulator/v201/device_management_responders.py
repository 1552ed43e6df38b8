"""How a simulated 2.0.1 station answers reports on its device model (B08 GetReport), variable
monitoring (N02-N06), display messages (O01-O05) and customer information (N09, N10).

Reports follow the answer as notifications with the request's id: NotifyReport (in two parts,
like GetBaseReport's), NotifyMonitoringReport, NotifyDisplayMessages and
NotifyCustomerInformation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from voltgate.ocpp import wire
from voltgate.ocpp.v201 import messages as m
from voltgate.simulator.followups import Answer, Notify, Step
from voltgate.simulator.v201 import payloads
from voltgate.simulator.v201.device_model import DISPLAY_FORMATS, MAX_DISPLAY_MESSAGES
from voltgate.simulator.v201.monitoring import CRITERIA
from voltgate.simulator.v201.state import V201State

Payload = dict[str, Any]
Responder = Callable[[V201State, Payload], Answer]
MAX_CUSTOMER_DATA = 512  # NotifyCustomerInformationRequest.data is string[0..512]


def _reply(response: wire.WireModel, then: list[Any] | None = None) -> Answer:
    return Answer(wire.encode(response), then or [])


def _notify(action: str, *requests: wire.WireModel) -> Notify:
    return Notify(tuple(Step(action, wire.encode(request)) for request in requests))


def _get_report(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.GetReportRequest, payload)
    data = state.device_model.select(
        request.component_variable or [], request.component_criteria or [], state.value_of
    )
    if not data:
        return _reply(m.GetReportResponse(status="EmptyResultSet"))  # B08.FR.15
    parts = payloads.notify_report_parts(request.request_id, state.now(), data)
    steps = tuple(Step("NotifyReport", part) for part in parts)
    return _reply(m.GetReportResponse(status="Accepted"), [Notify(steps)])  # B08.FR.01/03/04


def _set_variable_monitoring(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.SetVariableMonitoringRequest, payload)
    results = []
    for data in request.set_monitoring_data:  # N04.FR.01/02: one result per item, in order
        status, monitor_id = state.monitors.set(state.device_model, data)
        results.append(
            m.SetMonitoringResult(
                id=monitor_id,
                status=status,  # type: ignore[arg-type]  # a SetMonitoringStatusEnum value
                type=data.type,
                component=data.component,
                variable=data.variable,
                severity=data.severity,
            )
        )
    return _reply(m.SetVariableMonitoringResponse(set_monitoring_result=results))


def _clear_variable_monitoring(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.ClearVariableMonitoringRequest, payload)
    results = [
        m.ClearMonitoringResult(status=state.monitors.clear(n), id=n)  # type: ignore[arg-type]
        for n in request.id
    ]  # N06.FR.01/02/05
    return _reply(m.ClearVariableMonitoringResponse(clear_monitoring_result=results))


def _set_monitoring_base(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.SetMonitoringBaseRequest, payload)
    state.monitors.set_base(request.monitoring_base)  # N03.FR.03/04/05
    return _reply(m.SetMonitoringBaseResponse(status="Accepted"))  # N03.FR.01


def _set_monitoring_level(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.SetMonitoringLevelRequest, payload)
    state.monitors.level = request.severity  # N05: events up to this severity are reported
    return _reply(m.SetMonitoringLevelResponse(status="Accepted"))


def _get_monitoring_report(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.GetMonitoringReportRequest, payload)
    criteria = request.monitoring_criteria or []
    if any(criterion not in CRITERIA for criterion in criteria):
        return _reply(m.GetMonitoringReportResponse(status="NotSupported"))  # N02.FR.02
    monitors = state.monitors.report(criteria, request.component_variable or [])
    if not monitors:
        return _reply(m.GetMonitoringReportResponse(status="EmptyResultSet"))  # N02.FR.10
    report = m.NotifyMonitoringReportRequest(
        monitor=monitors, request_id=request.request_id, seq_no=0, generated_at=state.now()
    )  # N02.FR.03/04/09
    return _reply(
        m.GetMonitoringReportResponse(status="Accepted"),
        [_notify("NotifyMonitoringReport", report)],
    )


def _set_display_message(state: V201State, payload: Payload) -> Answer:
    message = wire.decode(m.SetDisplayMessageRequest, payload).message
    status: m.DisplayMessageStatusEnum = "Accepted"
    if message.message.format not in DISPLAY_FORMATS:
        status = "NotSupportedMessageFormat"
    elif (
        message.transaction_id is not None
        and state.with_transaction(message.transaction_id) is None
    ):
        status = "UnknownTransaction"
    elif message.id not in state.display_messages and (
        len(state.display_messages) >= MAX_DISPLAY_MESSAGES
    ):
        status = "Rejected"  # DisplayMessageCtrlr.DisplayMessages is full
    else:
        state.display_messages[message.id] = message  # a known id is replaced
    return _reply(m.SetDisplayMessageResponse(status=status))


def _get_display_messages(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.GetDisplayMessagesRequest, payload)
    found = [
        message
        for message in state.display_messages.values()
        if (not request.id or message.id in request.id)
        and request.priority in (None, message.priority)
        and request.state in (None, message.state)
    ]
    if not found:
        return _reply(m.GetDisplayMessagesResponse(status="Unknown"))
    report = m.NotifyDisplayMessagesRequest(message_info=found, request_id=request.request_id)
    return _reply(
        m.GetDisplayMessagesResponse(status="Accepted"),
        [_notify("NotifyDisplayMessages", report)],
    )


def _clear_display_message(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.ClearDisplayMessageRequest, payload)
    known = state.display_messages.pop(request.id, None) is not None
    return _reply(m.ClearDisplayMessageResponse(status="Accepted" if known else "Unknown"))


def _customer_information(state: V201State, payload: Payload) -> Answer:
    request = wire.decode(m.CustomerInformationRequest, payload)
    named = [request.id_token, request.customer_identifier, request.customer_certificate]
    if sum(value is not None for value in named) != 1:
        return _reply(m.CustomerInformationResponse(status="Invalid"))  # N09.FR.09
    if not (request.report or request.clear):
        return _reply(m.CustomerInformationResponse(status="Rejected"))  # N09.FR.07
    token = None if request.id_token is None else request.id_token.id_token
    facts = _about(state, token) if request.report else []
    if request.clear:
        # N10: the station keeps no cache of its own; the local list is the CSMS's (D01.FR.09).
        facts.append("cleared: no customer data is kept outside the local authorization list")
    data = "; ".join(facts) or "no data stored about this customer"  # N09.FR.05/06
    report = m.NotifyCustomerInformationRequest(
        data=data[:MAX_CUSTOMER_DATA],
        seq_no=0,
        generated_at=state.now(),
        request_id=request.request_id,
    )
    return _reply(
        m.CustomerInformationResponse(status="Accepted"),  # N09.FR.02
        [_notify("NotifyCustomerInformation", report)],
    )


def _about(state: V201State, token: str | None) -> list[str]:
    """What the station holds about an idToken: its local list entry, its reservations and
    its running transactions."""
    if token is None:
        return []  # only idTokens link to anything the station keeps
    facts = []
    entry = state.local_list.get(token)
    if entry is not None and entry.info is not None:
        facts.append(f"local authorization list: {entry.info.get('status')}")
    for reservation in state.reservations.all():
        if reservation.for_tag(token, None):
            where = reservation.connector_id
            facts.append(
                f"reservation {reservation.id} on {f'EVSE {where}' if where else 'any EVSE'}"
            )
    for connector in state.connectors:
        tx = connector.transaction
        if tx is not None and tx.id_tag.casefold() == token.casefold():
            facts.append(
                f"charging on EVSE {connector.connector_id} (transaction {tx.transaction_id})"
            )
    return facts


RESPONDERS: Mapping[str, Responder] = {
    "GetReport": _get_report,
    "SetVariableMonitoring": _set_variable_monitoring,
    "ClearVariableMonitoring": _clear_variable_monitoring,
    "SetMonitoringBase": _set_monitoring_base,
    "SetMonitoringLevel": _set_monitoring_level,
    "GetMonitoringReport": _get_monitoring_report,
    "SetDisplayMessage": _set_display_message,
    "GetDisplayMessages": _get_display_messages,
    "ClearDisplayMessage": _clear_display_message,
    "CustomerInformation": _customer_information,
}
