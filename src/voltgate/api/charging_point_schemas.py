"""The public shapes of EVSEs (charging points), their connectors and stations' network
settings in the native API, and how each is made from or turned into domain values.

Input field names are the domain's (`domain.stations.Evse`), camelCase on the wire, so a
rule the domain checks (`domain.errors.InvalidValue`) names the same field the client sent.
Values are checked here where the value alone decides (addresses, EvseId, ranges), and in
the domain where other fields or the stored record do (limits against the connectors,
gateway inside the subnet, optimistic locking).
"""

from __future__ import annotations

import ipaddress
from typing import Annotated, Any

from pydantic import AfterValidator, Field, model_validator

from voltgate.api.conventions import PRINTABLE, ApiModel, UtcDateTime, to_api, to_domain
from voltgate.api.enums import (
    DOMAIN_ENUMS,
    CalibrationLaw,
    ConnectionType,
    ConnectorFormat,
    ConnectorStatus,
    HubjectStatus,
    OperatorStatus,
    Placement,
    PowerType,
    connector_status,
)
from voltgate.domain import equipment, stations
from voltgate.domain.charging_points import (
    ConnectorSpec,
    EvseChange,
    EvseView,
    checked_emi3_id,
)
from voltgate.domain.errors import InvalidValue
from voltgate.domain.network import NetworkSettings, is_host_name, prefix_of_netmask


def _printable(value: str) -> str:
    if not value.isprintable():
        raise ValueError("must contain printable characters only")
    return value


def _text(max_length: int) -> Any:
    return Field(min_length=1, max_length=max_length, pattern=PRINTABLE)


def _emi3(value: str) -> str:
    try:
        return checked_emi3_id(value)
    except InvalidValue as problem:
        raise ValueError(problem.reason) from None


def _ip(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        raise ValueError("not an IPv4 or IPv6 address") from None


def _host(value: str) -> str:
    if not is_host_name(value):
        raise ValueError("not a host name (RFC 1123)")
    return value


def _host_or_ip(value: str) -> str:
    try:
        return _ip(value)
    except ValueError:
        return _host(value)


Text = Annotated[str, _text(200), AfterValidator(_printable)]
LongText = Annotated[str, _text(2000), AfterValidator(_printable)]
Emi3Id = Annotated[str, Field(min_length=1, max_length=37), AfterValidator(_emi3)]
IpText = Annotated[str, Field(min_length=2, max_length=45), AfterValidator(_ip)]
HostText = Annotated[str, Field(min_length=1, max_length=254), AfterValidator(_host)]
HostOrIp = Annotated[str, Field(min_length=1, max_length=254), AfterValidator(_host_or_ip)]
Volts = Annotated[float, Field(ge=0, le=2_000)]
Amperes = Annotated[float, Field(ge=0, le=10_000)]
Watts = Annotated[float, Field(ge=0, le=5_000_000)]


# --- Connectors and EVSEs, out


class RatingsOut(ApiModel):
    """Output voltage (V), current (A), power (W)."""

    voltage_v: float | None
    current_a: float | None
    power_w: float | None

    @classmethod
    def of(cls, ratings: equipment.Ratings) -> RatingsOut:
        return cls(
            voltage_v=ratings.voltage_v, current_a=ratings.current_a, power_w=ratings.power_w
        )


class ConnectorOut(ApiModel):
    """A connector: its last reported status (`errorCode` as the station spelled it) and
    what it is (`connectionType`, `format`, maxima: the station model catalog's terms)."""

    id: int
    status: ConnectorStatus | None
    error_code: str | None
    info: str | None
    vendor_id: str | None
    vendor_error_code: str | None
    status_at: UtcDateTime | None
    status_changed_at: UtcDateTime | None
    connection_type: ConnectionType | None
    format: ConnectorFormat | None
    max_amperage: float | None
    max_voltage: float | None
    max_power_watts: float | None

    @classmethod
    def of(cls, connector: stations.Connector) -> ConnectorOut:
        return cls(
            id=connector.connector_id,
            status=connector_status(connector.status),
            error_code=connector.error_code,
            info=connector.info,
            vendor_id=connector.vendor_id,
            vendor_error_code=connector.vendor_error_code,
            status_at=connector.status_at,
            status_changed_at=connector.status_changed_at,
            connection_type=_api(ConnectionType, connector.connection_type),
            format=_api(ConnectorFormat, connector.format),
            max_amperage=connector.max_amperage,
            max_voltage=connector.max_voltage,
            max_power_watts=connector.max_power_watts,
        )


class EvseOut(ApiModel):
    """An EVSE (EVSE 0: the station's main meter) with its connectors.

    `status` is the technical status its connectors report, `operatorStatus` the one the
    operator set. `nominal` is derived from the connectors' maxima; `available` is the
    operator's `limit*` where set, else nominal. `version` moves on with every change (send
    it back in a PATCH to be refused 409 if someone changed the EVSE meanwhile). `number`
    is the id reference clients know the EVSE by (given on its first lookup).
    """

    id: int
    number: int | None
    version: int
    status: ConnectorStatus | None
    status_changed_at: UtcDateTime | None
    operator_status: OperatorStatus | None
    power_type: PowerType | None
    nominal: RatingsOut
    available: RatingsOut
    limit_voltage_v: float | None
    limit_current_a: float | None
    limit_power_w: float | None
    code: str | None
    external_id: str | None
    emi3_id: str | None
    placement: Placement | None
    public: bool | None
    renewable_energy: bool | None
    value_added_services: bool | None
    payment_terminal: bool | None
    payment_terminal_id: str | None
    direct_payment_allowed: bool
    tariff_text: str | None
    max_capacity_kwh: float | None
    calibration_law: CalibrationLaw | None
    publish_to_hubject: bool
    hubject_compatible: bool | None
    hubject_status: HubjectStatus | None
    hubject_status_pushed_at: UtcDateTime | None
    hubject_data_pushed_at: UtcDateTime | None
    first_activated_at: UtcDateTime | None
    modified_at: UtcDateTime | None
    deleted: bool
    last_register_wh: float | None
    last_register_at: UtcDateTime | None
    connectors: list[ConnectorOut]

    @classmethod
    def of(cls, view: EvseView) -> EvseOut:
        evse = view.evse
        return cls(
            id=evse.evse_id,
            number=evse.number,
            version=evse.version,
            status=connector_status(view.status),
            status_changed_at=view.status_changed_at,
            operator_status=_api(OperatorStatus, evse.operator_status),
            power_type=_api(PowerType, evse.power_type),
            nominal=RatingsOut.of(view.nominal),
            available=RatingsOut.of(view.available),
            limit_voltage_v=evse.limit_voltage_v,
            limit_current_a=evse.limit_current_a,
            limit_power_w=evse.limit_power_w,
            code=evse.code,
            external_id=evse.external_id,
            emi3_id=evse.emi3_id,
            placement=_api(Placement, evse.placement),
            public=evse.public,
            renewable_energy=evse.renewable_energy,
            value_added_services=evse.value_added_services,
            payment_terminal=evse.payment_terminal,
            payment_terminal_id=evse.payment_terminal_id,
            direct_payment_allowed=evse.direct_payment_allowed,
            tariff_text=evse.tariff_text,
            max_capacity_kwh=evse.max_capacity_kwh,
            calibration_law=_api(CalibrationLaw, evse.calibration_law),
            publish_to_hubject=evse.publish_to_hubject,
            hubject_compatible=evse.hubject_compatible,
            hubject_status=_api(HubjectStatus, evse.hubject_status),
            hubject_status_pushed_at=evse.hubject_status_pushed_at,
            hubject_data_pushed_at=evse.hubject_data_pushed_at,
            first_activated_at=evse.first_activated_at,
            modified_at=evse.modified_at,
            deleted=evse.deleted,
            last_register_wh=evse.last_register_wh,
            last_register_at=evse.last_register_at,
            connectors=[ConnectorOut.of(c) for c in view.connectors],
        )


# --- Connectors and EVSEs, in


class ConnectorIn(ApiModel):
    """A connector as the operator describes it (the station model catalog's terms)."""

    id: Annotated[int, Field(ge=1, le=1_000)]
    connection_type: ConnectionType | None = None
    format: ConnectorFormat | None = None
    max_amperage: Amperes | None = None
    max_voltage: Volts | None = None
    max_power_watts: Watts | None = None


class EvseIn(ApiModel):
    """What an operator states about an EVSE. PUT: the whole description (what is left
    out is cleared); PATCH: only the fields sent (null clears one). `connectors`, when
    sent, describe the EVSE's hardware as a whole. `version`, when sent, must be the
    EVSE's current version (else 409)."""

    version: Annotated[int, Field(ge=0, le=2**31 - 1)] | None = None
    power_type: PowerType | None = None
    connectors: Annotated[list[ConnectorIn], Field(max_length=32)] | None = None
    limit_voltage_v: Volts | None = None
    limit_current_a: Amperes | None = None
    limit_power_w: Watts | None = None
    code: Text | None = None
    external_id: Text | None = None
    emi3_id: Emi3Id | None = Field(
        default=None, description="EVSE ID (ISO 15118 / eMI3), e.g. CZ*ABC*E12345*1."
    )
    placement: Placement | None = None
    public: bool | None = None
    renewable_energy: bool | None = None
    value_added_services: bool | None = None
    payment_terminal: bool | None = None
    payment_terminal_id: Text | None = None
    direct_payment_allowed: bool = False
    tariff_text: LongText | None = None
    max_capacity_kwh: Annotated[float, Field(ge=0, le=100_000)] | None = None
    calibration_law: CalibrationLaw | None = None
    publish_to_hubject: bool = False
    hubject_compatible: bool | None = None
    hubject_status: HubjectStatus | None = None
    hubject_status_pushed_at: UtcDateTime | None = None
    hubject_data_pushed_at: UtcDateTime | None = None
    operator_status: OperatorStatus | None = None
    first_activated_at: UtcDateTime | None = None
    deleted: bool = False

    def change(self, *, replace: bool) -> EvseChange:
        """The domain change: every field (PUT, `replace`) or the fields sent (PATCH)."""
        sent = set(self.model_fields_set) - {"version", "connectors"}
        names = set(type(self).model_fields) - {"version", "connectors"} if replace else sent
        values = {name: _domain(getattr(self, name)) for name in names}
        connectors = None
        if self.connectors is not None:
            connectors = tuple(_spec(c) for c in self.connectors)
        elif replace:
            connectors = ()
        return EvseChange(values, connectors, self.version, replace)


def _spec(connector: ConnectorIn) -> ConnectorSpec:
    return ConnectorSpec(
        connector.id,
        equipment.ConnectorEquipment(
            connection_type=_domain(connector.connection_type),
            format=_domain(connector.format),
            max_amperage=connector.max_amperage,
            max_voltage=connector.max_voltage,
            max_power_watts=connector.max_power_watts,
        ),
    )


def _domain(value: Any) -> Any:
    kind = DOMAIN_ENUMS.get(type(value))
    return value if kind is None else to_domain(kind, value)


def _api(kind: type[Any], member: Any) -> Any:
    return None if member is None else to_api(kind, member)


# --- Station network settings


class NetworkOut(ApiModel):
    """A station's network settings (`netmask` is derived from `prefixLength`, IPv4)."""

    static_ip: bool | None
    ipv4: bool | None
    ipv6: bool | None
    ip_address: str | None
    prefix_length: int | None
    netmask: str | None
    gateway: str | None
    dns_servers: list[str]
    ntp_server: str | None
    ocpp_server_fqdn: str | None
    ocpp_server_ip: str | None

    @classmethod
    def of(cls, settings: NetworkSettings) -> NetworkOut:
        return cls(
            static_ip=settings.static_ip,
            ipv4=settings.ipv4,
            ipv6=settings.ipv6,
            ip_address=settings.ip_address,
            prefix_length=settings.prefix_length,
            netmask=settings.netmask,
            gateway=settings.gateway,
            dns_servers=list(settings.dns_servers),
            ntp_server=settings.ntp_server,
            ocpp_server_fqdn=settings.ocpp_server_fqdn,
            ocpp_server_ip=settings.ocpp_server_ip,
        )


class NetworkIn(ApiModel):
    """A station's network settings, as a whole. Give the subnet as `prefixLength` or, for
    IPv4, as `netmask`; `ntpServer` is an address or a host name."""

    static_ip: bool | None = None
    ipv4: bool | None = None
    ipv6: bool | None = None
    ip_address: IpText | None = None
    prefix_length: Annotated[int, Field(ge=0, le=128)] | None = None
    netmask: IpText | None = None
    gateway: IpText | None = None
    dns_servers: Annotated[list[IpText], Field(max_length=4)] = []
    ntp_server: HostOrIp | None = None
    ocpp_server_fqdn: HostText | None = None
    ocpp_server_ip: IpText | None = None

    @model_validator(mode="after")
    def _one_subnet(self) -> NetworkIn:
        if self.netmask is not None:
            try:
                prefix = prefix_of_netmask(self.netmask)
            except InvalidValue as problem:
                raise ValueError(f"netmask: {problem.reason}") from None
            if self.prefix_length is not None and self.prefix_length != prefix:
                raise ValueError(f"netmask is /{prefix}, prefixLength {self.prefix_length}")
        return self

    def settings(self) -> NetworkSettings:
        """The domain value (the netmask folded into the prefix length)."""
        prefix = self.prefix_length
        if prefix is None and self.netmask is not None:
            prefix = prefix_of_netmask(self.netmask)
        return NetworkSettings(
            static_ip=self.static_ip,
            ipv4=self.ipv4,
            ipv6=self.ipv6,
            ip_address=self.ip_address,
            prefix_length=prefix,
            gateway=self.gateway,
            dns_servers=tuple(self.dns_servers),
            ntp_server=self.ntp_server,
            ocpp_server_fqdn=self.ocpp_server_fqdn,
            ocpp_server_ip=self.ocpp_server_ip,
        )
