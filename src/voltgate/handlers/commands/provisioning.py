"""2.0.1 provisioning and transaction commands: GetBaseReport, GetReport, SetNetworkProfile
(B07-B09), GetTransactionStatus (E14), CostUpdated (I02). 1.6 has none of them.

SetNetworkProfile carries secrets (the APN password and SIM PIN, the VPN password and shared
key, credentials in the CSMS URL); the stored request shows them redacted
(`handlers.redaction`).
"""

from __future__ import annotations

from voltgate.domain import commands as c
from voltgate.domain.errors import InvalidCommand
from voltgate.handlers.commands.common import Builder, Payload, put


def component_variable(address: c.Address) -> Payload:
    """ComponentVariableType: the component (with its EVSE and connector) and the variable."""
    component: Payload = {"name": address.component}
    put(component, "instance", address.component_instance)
    if address.evse_id is not None:
        component["evse"] = put({"id": address.evse_id}, "connectorId", address.connector_id)
    elif address.connector_id is not None:
        raise InvalidCommand("a connectorId needs an evseId")
    spelled: Payload = {"component": component}
    if address.variable is not None:
        variable = put({"name": address.variable}, "instance", address.variable_instance)
        spelled["variable"] = variable
    elif address.variable_instance is not None:
        raise InvalidCommand("a variableInstance needs a variable")
    return spelled


def base_report(command: c.GetBaseReport, context: c.BuildContext) -> tuple[str, Payload]:
    """B07: the NotifyReport parts that follow carry the command's id as requestId."""
    return "GetBaseReport", {"requestId": context.command_id, "reportBase": command.base.value}


def report(command: c.GetReport, context: c.BuildContext) -> tuple[str, Payload]:
    """B08."""
    payload: Payload = {"requestId": context.command_id}
    variables = [component_variable(address) for address in command.addresses]
    put(payload, "componentVariable", variables or None)
    criteria = [criterion.value for criterion in command.criteria]
    return "GetReport", put(payload, "componentCriteria", criteria or None)


def network_profile(command: c.SetNetworkProfile, context: c.BuildContext) -> tuple[str, Payload]:
    """B09."""
    profile = command.profile
    data: Payload = {
        "ocppVersion": profile.ocpp_version.value,
        "ocppTransport": profile.transport.value,
        "ocppCsmsUrl": profile.csms_url,
        "messageTimeout": profile.message_timeout_s,
        "securityProfile": profile.security_profile,
        "ocppInterface": profile.interface.value,
    }
    if profile.apn is not None:
        apn = profile.apn
        spelled: Payload = {"apn": apn.apn, "apnAuthentication": apn.authentication.value}
        put(spelled, "apnUserName", apn.user_name)
        put(spelled, "apnPassword", apn.password)
        put(spelled, "simPin", apn.sim_pin)
        put(spelled, "preferredNetwork", apn.preferred_network)
        data["apn"] = put(spelled, "useOnlyPreferredNetwork", apn.use_only_preferred_network)
    if profile.vpn is not None:
        vpn = profile.vpn
        data["vpn"] = put(
            {
                "server": vpn.server,
                "user": vpn.user,
                "password": vpn.password,
                "key": vpn.key,
                "type": vpn.type.value,
            },
            "group",
            vpn.group,
        )
    return "SetNetworkProfile", {"configurationSlot": command.slot, "connectionData": data}


def transaction_status(
    command: c.GetTransactionStatus, context: c.BuildContext
) -> tuple[str, Payload]:
    """E14: the station's own transactionId, or none for the queue of every transaction."""
    if command.transaction_id is not None and context.station_transaction_id is None:
        raise InvalidCommand(f"transaction {command.transaction_id} has no 2.0.1 transactionId")
    return "GetTransactionStatus", put({}, "transactionId", context.station_transaction_id)


def cost_updated(command: c.CostUpdated, context: c.BuildContext) -> tuple[str, Payload]:
    """I02: the running total of the station's own transactionId."""
    if context.station_transaction_id is None:
        raise InvalidCommand(f"transaction {command.transaction_id} has no 2.0.1 transactionId")
    payload = put({}, "totalCost", command.total_cost)
    payload["transactionId"] = context.station_transaction_id
    return "CostUpdated", payload


V201: dict[type, Builder] = {
    c.GetBaseReport: base_report,
    c.GetReport: report,
    c.SetNetworkProfile: network_profile,
    c.GetTransactionStatus: transaction_status,
    c.CostUpdated: cost_updated,
}
