"""Stations, EVSEs and connectors, and the rules for admitting and booting a station.

One model serves OCPP 1.6 and 2.0.1: a station has EVSEs, an EVSE has connectors. The 1.6
handler maps ``connectorId N`` to ``evse_id=N, connector_id=1`` and ``connectorId 0`` to the
station itself (``evse_id=0``), whose status is kept on the station row and whose main meter
register on EVSE 0.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from voltgate.domain import credentials
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
    # The station's model in the catalog (`domain.station_models`), chosen or matched at boot.
    model_id: str | None = None


@dataclass(frozen=True, slots=True)
class Evse:
    """An EVSE of a station; EVSE 0 stands for the station's main meter."""

    station_id: str
    evse_id: int
    last_register_wh: float | None = None
    last_register_at: datetime | None = None


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
