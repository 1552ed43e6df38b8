"""2.0.1 bodies: device model reports, the network profile, monitoring, display messages,
a transaction's message queue and its running cost."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field

from voltgate.api import command_enums as e
from voltgate.api.command_bodies.types import Count, Identifier, Seconds, Severity, Url, text
from voltgate.api.command_schemas import Number
from voltgate.api.conventions import ApiModel, UtcDateTime, to_domain
from voltgate.domain import commands as c

Short = Annotated[str, text(20)]  # APN and VPN user names and passwords (string[20])


class AddressIn(ApiModel):
    """A component (on an EVSE, or a connector of it) and optionally one of its variables."""

    component: Identifier
    variable: Identifier | None = None
    evse_id: Number | None = None
    connector_id: Number | None = None
    component_instance: Identifier | None = None
    variable_instance: Identifier | None = None

    def value(self) -> c.Address:
        return c.Address(
            self.component,
            self.variable,
            self.evse_id,
            self.connector_id,
            self.component_instance,
            self.variable_instance,
        )


class GetBaseReportIn(ApiModel):
    """Report a base set of the device model (stored as the station's device model)."""

    report_base: e.ReportBase

    def command(self) -> c.Command:
        return c.GetBaseReport(to_domain(c.ReportBase, self.report_base))


class GetReportIn(ApiModel):
    """Report these components and variables, and/or the components matching the criteria
    (neither: everything)."""

    component_variable: list[AddressIn] = Field(default_factory=list, max_length=100)
    component_criteria: list[e.ComponentCriterion] = Field(default_factory=list, max_length=4)

    def command(self) -> c.Command:
        return c.GetReport(
            tuple(address.value() for address in self.component_variable),
            tuple(to_domain(c.ComponentCriterion, x) for x in self.component_criteria),
        )


class ApnIn(ApiModel):
    """A cellular access point; `apnPassword` and `simPin` are never stored."""

    apn: Url
    apn_authentication: e.ApnAuthentication
    apn_user_name: Short | None = None
    apn_password: Short | None = None
    sim_pin: int | None = Field(default=None, ge=0, le=99_999_999)
    preferred_network: Annotated[str, text(6)] | None = None
    use_only_preferred_network: bool | None = None

    def value(self) -> c.Apn:
        return c.Apn(
            self.apn,
            to_domain(c.ApnAuthentication, self.apn_authentication),
            self.apn_user_name,
            self.apn_password,
            self.sim_pin,
            self.preferred_network,
            self.use_only_preferred_network,
        )


class VpnIn(ApiModel):
    """A VPN; `password` and `key` are never stored."""

    server: Url
    user: Short
    password: Short
    key: Annotated[str, text(255)]
    type: e.VpnType
    group: Short | None = None

    def value(self) -> c.Vpn:
        vpn_type = to_domain(c.VpnType, self.type)
        return c.Vpn(self.server, self.user, self.password, self.key, vpn_type, self.group)


class NetworkProfileIn(ApiModel):
    """How the station connects to a CSMS (NetworkConnectionProfileType)."""

    ocpp_version: e.OcppVersion
    ocpp_transport: e.OcppTransport
    ocpp_csms_url: Url
    message_timeout: Seconds
    security_profile: int = Field(ge=0, le=3)
    ocpp_interface: e.OcppInterface
    apn: ApnIn | None = None
    vpn: VpnIn | None = None

    def value(self) -> c.NetworkProfile:
        return c.NetworkProfile(
            to_domain(c.OcppVersion, self.ocpp_version),
            to_domain(c.OcppTransport, self.ocpp_transport),
            self.ocpp_csms_url,
            self.message_timeout,
            self.security_profile,
            to_domain(c.OcppInterface, self.ocpp_interface),
            None if self.apn is None else self.apn.value(),
            None if self.vpn is None else self.vpn.value(),
        )


class SetNetworkProfileIn(ApiModel):
    """Store a network profile in a configuration slot."""

    configuration_slot: Number
    connection_data: NetworkProfileIn

    def command(self) -> c.Command:
        return c.SetNetworkProfile(self.configuration_slot, self.connection_data.value())


class GetTransactionStatusIn(ApiModel):
    """A transaction by the id Voltgate gave it, or none: any transaction."""

    transaction_id: Number | None = None

    def command(self) -> c.Command:
        return c.GetTransactionStatus(self.transaction_id)


class CostUpdatedIn(ApiModel):
    """The running total cost of an ongoing transaction (by the id Voltgate gave it)."""

    transaction_id: Number
    total_cost: Annotated[Decimal, Field(ge=0, le=10**9, max_digits=15, decimal_places=4)]

    def command(self) -> c.Command:
        return c.CostUpdated(self.transaction_id, self.total_cost)


class MonitorIn(ApiModel):
    """A monitor on one variable: fires by `type` at `value`, reported with `severity`;
    `id` replaces an existing monitor; `transaction`: only during transactions."""

    address: AddressIn
    type: e.MonitorKind
    value: Annotated[Decimal, Field(ge=-(10**12), le=10**12, max_digits=18, decimal_places=6)]
    severity: Severity
    id: Count | None = None
    transaction: bool = False

    def monitor(self) -> c.Monitor:
        kind = to_domain(c.MonitorKind, self.type)
        return c.Monitor(
            self.address.value(), kind, self.value, self.severity, self.id, self.transaction
        )


class SetVariableMonitoringIn(ApiModel):
    """Set monitors; ACCEPTED only when every one is."""

    set_monitoring_data: list[MonitorIn] = Field(min_length=1, max_length=100)

    def command(self) -> c.Command:
        return c.SetVariableMonitoring(tuple(m.monitor() for m in self.set_monitoring_data))


class ClearVariableMonitoringIn(ApiModel):
    """Remove monitors by id; ACCEPTED only when every one was removed."""

    id: list[Count] = Field(min_length=1, max_length=100)

    def command(self) -> c.Command:
        return c.ClearVariableMonitoring(tuple(self.id))


class SetMonitoringBaseIn(ApiModel):
    """Which monitors are active."""

    monitoring_base: e.MonitoringBase

    def command(self) -> c.Command:
        return c.SetMonitoringBase(to_domain(c.MonitoringBase, self.monitoring_base))


class SetMonitoringLevelIn(ApiModel):
    """Report only events of this severity or more severe (lower)."""

    severity: Severity

    def command(self) -> c.Command:
        return c.SetMonitoringLevel(self.severity)


class GetMonitoringReportIn(ApiModel):
    """Report the monitors of these components and variables and/or of these kinds."""

    component_variable: list[AddressIn] = Field(default_factory=list, max_length=100)
    monitoring_criteria: list[e.MonitoringCriterion] = Field(default_factory=list, max_length=3)

    def command(self) -> c.Command:
        return c.GetMonitoringReport(
            tuple(address.value() for address in self.component_variable),
            tuple(to_domain(c.MonitoringCriterion, x) for x in self.monitoring_criteria),
        )


class DisplayMessageIn(ApiModel):
    """A message for the station's display (the same `id` replaces it)."""

    id: Count
    priority: e.MessagePriority
    content: Annotated[str, text(512)]
    format: e.MessageFormat = e.MessageFormat.UTF8
    language: Annotated[str, text(8)] | None = None
    state: e.MessageState | None = None
    start_date_time: UtcDateTime | None = None
    end_date_time: UtcDateTime | None = None
    transaction_id: Number | None = None
    display: AddressIn | None = None

    def value(self) -> c.DisplayMessage:
        return c.DisplayMessage(
            id=self.id,
            priority=to_domain(c.MessagePriority, self.priority),
            content=self.content,
            format=to_domain(c.MessageFormat, self.format),
            language=self.language,
            state=None if self.state is None else to_domain(c.MessageState, self.state),
            starts_at=self.start_date_time,
            ends_at=self.end_date_time,
            transaction_id=self.transaction_id,
            display=None if self.display is None else self.display.value(),
        )


class SetDisplayMessageIn(ApiModel):
    """Show a message."""

    message: DisplayMessageIn

    def command(self) -> c.Command:
        return c.SetDisplayMessage(self.message.value())


class GetDisplayMessagesIn(ApiModel):
    """Report the messages with these ids, priority and state (none: all)."""

    id: list[Count] = Field(default_factory=list, max_length=100)
    priority: e.MessagePriority | None = None
    state: e.MessageState | None = None

    def command(self) -> c.Command:
        return c.GetDisplayMessages(
            tuple(self.id),
            None if self.priority is None else to_domain(c.MessagePriority, self.priority),
            None if self.state is None else to_domain(c.MessageState, self.state),
        )


class ClearDisplayMessageIn(ApiModel):
    """Remove a message."""

    id: Count

    def command(self) -> c.Command:
        return c.ClearDisplayMessage(self.id)
