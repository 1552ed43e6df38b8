"""Stations, EVSEs and connectors, and the rules for admitting and booting a station.

One model serves OCPP 1.6 and 2.0.1: a station has EVSEs, an EVSE has connectors. The 1.6
handler maps ``connectorId N`` to ``evse_id=N, connector_id=1`` and ``connectorId 0`` to the
station itself (``evse_id=0``), whose status is kept on the station row and whose main meter
register on EVSE 0.

Beside what stations report, the records hold what operators state (`domain.charging_points`):
an EVSE's hardware (`domain.equipment`) and public attributes, a station's network settings
(`domain.network`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields, replace
from datetime import datetime

from voltgate.domain import credentials
from voltgate.domain.equipment import ConnectionType, ConnectorEquipment, ConnectorFormat, PowerType
from voltgate.domain.network import NetworkSettings
from voltgate.domain.transactions import Transaction


class Registration(enum.StrEnum):
    """Whether a station may operate (spelled as OCPP RegistrationStatus, 1.6 §7.38)."""

    ACCEPTED = "Accepted"
    PENDING = "Pending"
    REJECTED = "Rejected"


class UnknownStationPolicy(enum.StrEnum):
    """What to do with a station id that was never provisioned."""

    REJECT = "reject"
    PENDING = "pending"
    ACCEPT = "accept"


class Placement(enum.StrEnum):
    """Where an EVSE stands."""

    INDOOR = "INDOOR"
    OUTDOOR = "OUTDOOR"
    GARAGE = "GARAGE"
    UNDERGROUND_GARAGE = "UNDERGROUND_GARAGE"
    PARKING_LOT = "PARKING_LOT"
    STREET = "STREET"
    DRIVEWAY = "DRIVEWAY"
    MOTORWAY = "MOTORWAY"


class CalibrationLaw(enum.StrEnum):
    """What an EVSE offers for billing under calibration law (German Eichrecht, MID)."""

    NOT_COMPLIANT = "NOT_COMPLIANT"  # no calibrated meter for billing
    METER_DISPLAY = "METER_DISPLAY"  # calibrated meter, readable on the station only
    SIGNED_METER_VALUES = "SIGNED_METER_VALUES"  # signed values a transparency tool verifies


class HubjectStatus(enum.StrEnum):
    """The EVSE's status as last pushed to Hubject (OICP EvseStatus)."""

    AVAILABLE = "AVAILABLE"
    RESERVED = "RESERVED"
    OCCUPIED = "OCCUPIED"
    OUT_OF_SERVICE = "OUT_OF_SERVICE"
    EVSE_NOT_FOUND = "EVSE_NOT_FOUND"
    UNKNOWN = "UNKNOWN"


class OperatorStatus(enum.StrEnum):
    """The status an operator gives an EVSE, beside the technical one its station reports."""

    PLANNED = "PLANNED"
    IN_OPERATION = "IN_OPERATION"
    MAINTENANCE = "MAINTENANCE"
    OUT_OF_ORDER = "OUT_OF_ORDER"
    DECOMMISSIONED = "DECOMMISSIONED"


class ConnectOutcome(enum.StrEnum):
    """Result of checking a station's identity at the WebSocket handshake."""

    OK = "ok"
    UNKNOWN = "unknown"
    UNAUTHORIZED = "unauthorized"


@dataclass(frozen=True, slots=True)
class ConnectVerdict:
    """May the connection proceed, and may the station skip BootNotification.

    `accepted` is True when the station's registration is ACCEPTED and its last boot was
    answered Accepted, so it may send other CALLs without booting again.
    """

    outcome: ConnectOutcome
    accepted: bool = False


@dataclass(frozen=True, slots=True)
class Station:
    """A charging station as the CSMS knows it."""

    id: str
    password_hash: str | None = None
    registration: Registration = Registration.ACCEPTED
    protocol: str | None = None
    vendor: str | None = None
    model: str | None = None
    serial_number: str | None = None
    firmware_version: str | None = None
    iccid: str | None = None
    imsi: str | None = None
    meter_type: str | None = None
    meter_serial_number: str | None = None
    last_boot_at: datetime | None = None
    last_boot_status: Registration | None = None
    last_boot_reason: str | None = None
    last_heartbeat_at: datetime | None = None
    connected: bool = False
    connected_at: datetime | None = None
    disconnected_at: datetime | None = None
    remote_address: str | None = None
    created_at: datetime | None = None
    # Status of the station as a whole (1.6 StatusNotification with connectorId 0).
    status: str | None = None
    error_code: str | None = None
    status_info: str | None = None
    status_vendor_id: str | None = None
    status_vendor_error_code: str | None = None
    status_at: datetime | None = None
    # The integer id reference clients know the station by (`domain.charging_points`).
    number: int | None = None
    # Network settings stated by the operator (`domain.network.NetworkSettings`).
    static_ip: bool | None = None
    ipv4: bool | None = None
    ipv6: bool | None = None
    ip_address: str | None = None
    prefix_length: int | None = None
    gateway: str | None = None
    dns_servers: tuple[str, ...] = ()
    ntp_server: str | None = None
    ocpp_server_fqdn: str | None = None
    ocpp_server_ip: str | None = None

    # The station's model in the catalog (`domain.station_models`), chosen or matched at boot.
    model_id: str | None = None

    @property
    def network(self) -> NetworkSettings:
        """The station's network settings as one value (its fields are named alike)."""
        return NetworkSettings(**{f.name: getattr(self, f.name) for f in fields(NetworkSettings)})

    def with_network(self, settings: NetworkSettings) -> Station:
        """The station with these network settings."""
        return replace(self, **{f.name: getattr(settings, f.name) for f in fields(settings)})


@dataclass(frozen=True, slots=True)
class Evse:
    """An EVSE of a station; EVSE 0 stands for the station's main meter.

    Beyond the last register, the operator's description of the EVSE (a "charging point"
    in reference 01): `power_type` (its connectors' kind and maxima are on the connectors),
    the `limit_*` of what the site allows now (None: the nominal value), identity (`code`,
    `external_id`, `emi3_id`), public attributes, payment, roaming (Hubject) flags and push
    dates, the operator's status, and bookkeeping: `version` counts the operator's changes
    (optimistic locking), `modified_at` is the last of them, `first_activated_at` the first
    status report (or what the operator set), `deleted` a soft delete.
    """

    station_id: str
    evse_id: int
    last_register_wh: float | None = None
    last_register_at: datetime | None = None
    number: int | None = None
    version: int = 1
    power_type: PowerType | None = None
    limit_voltage_v: float | None = None
    limit_current_a: float | None = None
    limit_power_w: float | None = None
    code: str | None = None
    external_id: str | None = None
    emi3_id: str | None = None
    placement: Placement | None = None
    public: bool | None = None
    renewable_energy: bool | None = None
    value_added_services: bool | None = None
    payment_terminal: bool | None = None
    payment_terminal_id: str | None = None
    direct_payment_allowed: bool = False
    tariff_text: str | None = None
    max_capacity_kwh: float | None = None
    calibration_law: CalibrationLaw | None = None
    publish_to_hubject: bool = False
    hubject_compatible: bool | None = None
    hubject_status: HubjectStatus | None = None
    hubject_status_pushed_at: datetime | None = None
    hubject_data_pushed_at: datetime | None = None
    operator_status: OperatorStatus | None = None
    first_activated_at: datetime | None = None
    modified_at: datetime | None = None
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class Connector:
    """A connector of an EVSE with its last reported status (OCPP status string as sent)."""

    station_id: str
    evse_id: int
    connector_id: int
    status: str | None = None
    error_code: str | None = None
    info: str | None = None
    vendor_id: str | None = None
    vendor_error_code: str | None = None
    status_at: datetime | None = None
    # When `status` last became what it is (a report of the same status keeps it).
    status_changed_at: datetime | None = None
    # What the operator (or a station model) says the connector is (`domain.equipment`).
    connection_type: ConnectionType | None = None
    format: ConnectorFormat | None = None
    max_amperage: float | None = None
    max_voltage: float | None = None
    max_power_watts: float | None = None

    @property
    def equipment(self) -> ConnectorEquipment:
        """The connector's kind and maxima as one value (its fields are named alike)."""
        return ConnectorEquipment(
            **{f.name: getattr(self, f.name) for f in fields(ConnectorEquipment)}
        )


@dataclass(frozen=True, slots=True)
class BootInfo:
    """What a station says about itself when it boots."""

    vendor: str
    model: str
    serial_number: str | None = None
    firmware_version: str | None = None
    iccid: str | None = None
    imsi: str | None = None
    meter_type: str | None = None
    meter_serial_number: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class BootVerdict:
    """The answer to a boot: registration status, heartbeat interval, server time."""

    status: Registration
    interval_s: int
    current_time: datetime
    # The station's model: its configuration keys are applied after an Accepted boot.
    model_id: str | None = None


@dataclass(frozen=True, slots=True)
class StatusReport:
    """A status notification for a connector, or for the station when `evse_id` is 0."""

    evse_id: int
    connector_id: int
    status: str
    error_code: str | None = None
    info: str | None = None
    vendor_id: str | None = None
    vendor_error_code: str | None = None
    timestamp: datetime | None = None


@dataclass(frozen=True, slots=True)
class StationView:
    """A station with its EVSEs, connectors and transactions (newest first), for read APIs."""

    station: Station
    evses: tuple[Evse, ...]
    connectors: tuple[Connector, ...]
    transactions: tuple[Transaction, ...]


def check_known(station: Station, password: str | None, *, allow_unauthenticated: bool) -> bool:
    """True when a provisioned station proved its identity (or may connect without a password).

    A station with a stored hash must present the matching password; one without a hash is
    admitted only when unauthenticated connections are allowed (security profile 0).
    """
    if station.password_hash is None:
        return allow_unauthenticated
    return password is not None and credentials.verify_password(password, station.password_hash)


def may_skip_boot(station: Station) -> bool:
    """A station whose registration and last boot are Accepted may send CALLs at once."""
    return (
        station.registration is Registration.ACCEPTED
        and station.last_boot_status is Registration.ACCEPTED
    )


def is_newer(reported_at: datetime | None, stored_at: datetime | None) -> bool:
    """A status report replaces the stored one unless it is older (offline replay order)."""
    return reported_at is None or stored_at is None or reported_at >= stored_at
