"""2.0.1 monitoring and display messages: SetVariableMonitoring, ClearVariableMonitoring,
SetMonitoringBase, SetMonitoringLevel, GetMonitoringReport (N02-N06) and SetDisplayMessage,
GetDisplayMessages, ClearDisplayMessage (O01-O06). 1.6 has none of them. The answers to the
two list commands are read item by item (`READERS`)."""

from __future__ import annotations

from typing import Any

from voltgate.domain import commands as c
from voltgate.domain.errors import InvalidCommand
from voltgate.handlers.commands.common import (
    ACCEPTED,
    Builder,
    Payload,
    Reader,
    put,
    read_results,
)
from voltgate.handlers.commands.provisioning import component_variable


def set_monitoring(
    command: c.SetVariableMonitoring, context: c.BuildContext
) -> tuple[str, Payload]:
    """N04: each monitor watches one variable."""
    data = []
    for monitor in command.monitors:
        if monitor.address.variable is None:
            raise InvalidCommand(f"monitor on {monitor.address.component!r} names no variable")
        spelled: Payload = {
            **component_variable(monitor.address),
            "type": monitor.kind.value,
            "severity": monitor.severity,
        }
        put(spelled, "value", monitor.value)
        put(spelled, "id", monitor.id)
        data.append(put(spelled, "transaction", monitor.transaction or None))
    return "SetVariableMonitoring", {"setMonitoringData": data}


def clear_monitoring(
    command: c.ClearVariableMonitoring, context: c.BuildContext
) -> tuple[str, Payload]:
    """N06."""
    return "ClearVariableMonitoring", {"id": list(command.ids)}


def monitoring_base(command: c.SetMonitoringBase, context: c.BuildContext) -> tuple[str, Payload]:
    """N03."""
    return "SetMonitoringBase", {"monitoringBase": command.base.value}


def monitoring_level(command: c.SetMonitoringLevel, context: c.BuildContext) -> tuple[str, Payload]:
    """N05."""
    return "SetMonitoringLevel", {"severity": command.severity}


def monitoring_report(
    command: c.GetMonitoringReport, context: c.BuildContext
) -> tuple[str, Payload]:
    """N02: requestId is the command's id."""
    payload: Payload = {"requestId": context.command_id}
    variables = [component_variable(address) for address in command.addresses]
    put(payload, "componentVariable", variables or None)
    criteria = [criterion.value for criterion in command.criteria]
    return "GetMonitoringReport", put(payload, "monitoringCriteria", criteria or None)


def set_display(command: c.SetDisplayMessage, context: c.BuildContext) -> tuple[str, Payload]:
    """O01/O02: a message bound to a transaction names the station's own transactionId."""
    message = command.message
    content = put(
        {"format": message.format.value, "content": message.content}, "language", message.language
    )
    info: Payload = {"id": message.id, "priority": message.priority.value, "message": content}
    put(info, "state", None if message.state is None else message.state.value)
    put(info, "startDateTime", message.starts_at)
    put(info, "endDateTime", message.ends_at)
    if message.transaction_id is not None:
        if context.station_transaction_id is None:
            raise InvalidCommand(f"transaction {message.transaction_id} has no 2.0.1 transactionId")
        info["transactionId"] = context.station_transaction_id
    if message.display is not None:
        info["display"] = component_variable(message.display)["component"]
    return "SetDisplayMessage", {"message": info}


def get_display(command: c.GetDisplayMessages, context: c.BuildContext) -> tuple[str, Payload]:
    """O03: requestId is the command's id."""
    payload: Payload = {"requestId": context.command_id}
    put(payload, "id", list(command.ids) or None)
    put(payload, "priority", None if command.priority is None else command.priority.value)
    return "GetDisplayMessages", put(
        payload, "state", None if command.state is None else command.state.value
    )


def clear_display(command: c.ClearDisplayMessage, context: c.BuildContext) -> tuple[str, Payload]:
    """O05."""
    return "ClearDisplayMessage", {"id": command.id}


def _variable_name(result: dict[str, Any]) -> str:
    return f"{result['component']['name']}.{result['variable']['name']}"


def _read_set(answer: Payload) -> c.Outcome:
    return read_results(answer.get("setMonitoringResult") or [], _variable_name, ACCEPTED)


def _read_clear(answer: Payload) -> c.Outcome:
    results = answer.get("clearMonitoringResult") or []
    return read_results(results, lambda result: f"monitor {result['id']}", ACCEPTED)


V201: dict[type, Builder] = {
    c.SetVariableMonitoring: set_monitoring,
    c.ClearVariableMonitoring: clear_monitoring,
    c.SetMonitoringBase: monitoring_base,
    c.SetMonitoringLevel: monitoring_level,
    c.GetMonitoringReport: monitoring_report,
    c.SetDisplayMessage: set_display,
    c.GetDisplayMessages: get_display,
    c.ClearDisplayMessage: clear_display,
}
READERS: dict[str, Reader] = {
    "SetVariableMonitoring": _read_set,
    "ClearVariableMonitoring": _read_clear,
}
