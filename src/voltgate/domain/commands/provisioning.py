"""2.0.1 provisioning and transaction commands (blocks B, E, I): device model reports, the
network connection profile, a transaction's message queue, the running cost.

These exist only in OCPP 2.0.1. Enumerations that only 2.0.1 knows keep its spelling as
their values (``FullInventory``, ``Wired0`` ...), the way `TokenType` keeps IdTokenEnumType's.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar


class ReportBase(enum.StrEnum):
    """Which base report (B07): every settable variable, everything, or a summary."""

    CONFIGURATION_INVENTORY = "ConfigurationInventory"
    FULL_INVENTORY = "FullInventory"
    SUMMARY_INVENTORY = "SummaryInventory"


class ComponentCriterion(enum.StrEnum):
    """GetReport's filter on components (B08)."""

    ACTIVE = "Active"
    AVAILABLE = "Available"
    ENABLED = "Enabled"
    PROBLEM = "Problem"


@dataclass(frozen=True, slots=True)
class Address:
    """A component (on an EVSE or connector, or the station) and optionally one variable of
    it: 2.0.1 ComponentVariableType."""

    component: str
    variable: str | None = None
    evse_id: int | None = None
    connector_id: int | None = None
    component_instance: str | None = None
    variable_instance: str | None = None


@dataclass(frozen=True, slots=True)
class GetBaseReport:
    """Report a base set of the device model (B07) in NotifyReport messages whose requestId
    is the command's id (stored as the station's device model)."""

    NAME: ClassVar[str] = "get-base-report"
    base: ReportBase


@dataclass(frozen=True, slots=True)
class GetReport:
    """Report the variables of `addresses` and/or the components matching `criteria` (B08);
    neither: everything."""

    NAME: ClassVar[str] = "get-report"
    addresses: tuple[Address, ...] = ()
    criteria: tuple[ComponentCriterion, ...] = ()


class ApnAuthentication(enum.StrEnum):
    """How the modem authenticates to the APN."""

    CHAP = "CHAP"
    NONE = "NONE"
    PAP = "PAP"
    AUTO = "AUTO"


@dataclass(frozen=True, slots=True)
class Apn:
    """A cellular access point. `password` and `sim_pin` are secrets: sent to the station,
    never stored in the command record."""

    apn: str
    authentication: ApnAuthentication
    user_name: str | None = None
    password: str | None = None
    sim_pin: int | None = None
    preferred_network: str | None = None
    use_only_preferred_network: bool | None = None


class VpnType(enum.StrEnum):
    """The VPN's protocol."""

    IKEV2 = "IKEv2"
    IPSEC = "IPSec"
    L2TP = "L2TP"
    PPTP = "PPTP"


@dataclass(frozen=True, slots=True)
class Vpn:
    """A VPN to reach the CSMS through. `password` and `key` (the shared secret) are
    secrets: sent to the station, never stored in the command record."""

    server: str
    user: str
    password: str
    key: str
    type: VpnType
    group: str | None = None


class OcppVersion(enum.StrEnum):
    """The OCPP version a network profile connects with (OCPPVersionEnumType)."""

    OCPP12 = "OCPP12"
    OCPP15 = "OCPP15"
    OCPP16 = "OCPP16"
    OCPP20 = "OCPP20"


class OcppTransport(enum.StrEnum):
    """JSON (OCPP-J) or SOAP."""

    JSON = "JSON"
    SOAP = "SOAP"


class OcppInterface(enum.StrEnum):
    """The station's network interface for the connection."""

    WIRED0 = "Wired0"
    WIRED1 = "Wired1"
    WIRED2 = "Wired2"
    WIRED3 = "Wired3"
    WIRELESS0 = "Wireless0"
    WIRELESS1 = "Wireless1"
    WIRELESS2 = "Wireless2"
    WIRELESS3 = "Wireless3"


@dataclass(frozen=True, slots=True)
class NetworkProfile:
    """How a station connects to a CSMS (2.0.1 NetworkConnectionProfileType, B09)."""

    ocpp_version: OcppVersion
    transport: OcppTransport
    csms_url: str
    message_timeout_s: int
    security_profile: int
    interface: OcppInterface
    apn: Apn | None = None
    vpn: Vpn | None = None


@dataclass(frozen=True, slots=True)
class SetNetworkProfile:
    """Store `profile` in the station's configuration slot `slot` (B09); the station uses it
    once NetworkConfigurationPriority names the slot."""

    NAME: ClassVar[str] = "set-network-profile"
    slot: int
    profile: NetworkProfile


@dataclass(frozen=True, slots=True)
class GetTransactionStatus:
    """Whether the station still queues messages of a transaction (by the CSMS's id), or of
    any (None), and whether it is ongoing (E14)."""

    NAME: ClassVar[str] = "get-transaction-status"
    transaction_id: int | None = None


@dataclass(frozen=True, slots=True)
class CostUpdated:
    """Show the driver the running total cost of an ongoing transaction (I02), in the
    currency the station is configured with."""

    NAME: ClassVar[str] = "cost-updated"
    transaction_id: int
    total_cost: Decimal
