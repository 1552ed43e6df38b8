"""The enums of the command bodies and reservations: UPPER_SNAKE_CASE, named as the members
of the domain enums they stand for (`COMMAND_ENUMS`, checked like `enums.DOMAIN_ENUMS`)."""

from __future__ import annotations

import enum

from voltgate.domain import commands, reservations
from voltgate.domain.smart_charging import profiles


class ProfilePurpose(enum.StrEnum):
    """What a charging profile is for (1.6 ChargePointMaxProfile = CHARGING_STATION_MAX)."""

    CHARGING_STATION_MAX = "CHARGING_STATION_MAX"
    TX_DEFAULT = "TX_DEFAULT"
    TX = "TX"
    CHARGING_STATION_EXTERNAL_CONSTRAINTS = "CHARGING_STATION_EXTERNAL_CONSTRAINTS"


class ProfileKind(enum.StrEnum):
    """ABSOLUTE and RECURRING count from `startSchedule`; RELATIVE from the start of charging."""

    ABSOLUTE = "ABSOLUTE"
    RECURRING = "RECURRING"
    RELATIVE = "RELATIVE"


class Recurrency(enum.StrEnum):
    """How a RECURRING profile repeats."""

    DAILY = "DAILY"
    WEEKLY = "WEEKLY"


class RateUnit(enum.StrEnum):
    """A (amperes per phase) or W (watts)."""

    A = "A"
    W = "W"


class LimitSource(enum.StrEnum):
    """Who set a limit (2.0.1 ChargingLimitSourceEnumType)."""

    EMS = "EMS"
    OTHER = "OTHER"
    SO = "SO"
    CSO = "CSO"


class UpdateType(enum.StrEnum):
    """FULL replaces the station's local list; DIFFERENTIAL changes entries."""

    FULL = "FULL"
    DIFFERENTIAL = "DIFFERENTIAL"


class LogType(enum.StrEnum):
    """DIAGNOSTICS (1.6 GetDiagnostics) or SECURITY (the security event log)."""

    DIAGNOSTICS = "DIAGNOSTICS"
    SECURITY = "SECURITY"


class CertificateKind(enum.StrEnum):
    """Which root certificate (1.6 knows CSMS_ROOT and MANUFACTURER_ROOT only)."""

    CSMS_ROOT = "CSMS_ROOT"
    MANUFACTURER_ROOT = "MANUFACTURER_ROOT"
    V2G_ROOT = "V2G_ROOT"
    MO_ROOT = "MO_ROOT"
    V2G_CERTIFICATE_CHAIN = "V2G_CERTIFICATE_CHAIN"


class HashAlgorithm(enum.StrEnum):
    """The hash of a certificate's issuer name and key."""

    SHA256 = "SHA256"
    SHA384 = "SHA384"
    SHA512 = "SHA512"


class ReportBase(enum.StrEnum):
    """Which base report of the device model (B07)."""

    CONFIGURATION_INVENTORY = "CONFIGURATION_INVENTORY"
    FULL_INVENTORY = "FULL_INVENTORY"
    SUMMARY_INVENTORY = "SUMMARY_INVENTORY"


class ComponentCriterion(enum.StrEnum):
    """GetReport's filter on components (B08)."""

    ACTIVE = "ACTIVE"
    AVAILABLE = "AVAILABLE"
    ENABLED = "ENABLED"
    PROBLEM = "PROBLEM"


class ApnAuthentication(enum.StrEnum):
    """How the modem authenticates to the APN."""

    CHAP = "CHAP"
    NONE = "NONE"
    PAP = "PAP"
    AUTO = "AUTO"


class VpnType(enum.StrEnum):
    """The VPN's protocol."""

    IKEV2 = "IKEV2"
    IPSEC = "IPSEC"
    L2TP = "L2TP"
    PPTP = "PPTP"


class OcppVersion(enum.StrEnum):
    """The OCPP version a network profile connects with."""

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

    WIRED0 = "WIRED0"
    WIRED1 = "WIRED1"
    WIRED2 = "WIRED2"
    WIRED3 = "WIRED3"
    WIRELESS0 = "WIRELESS0"
    WIRELESS1 = "WIRELESS1"
    WIRELESS2 = "WIRELESS2"
    WIRELESS3 = "WIRELESS3"


class MonitorKind(enum.StrEnum):
    """When a monitor fires."""

    UPPER_THRESHOLD = "UPPER_THRESHOLD"
    LOWER_THRESHOLD = "LOWER_THRESHOLD"
    DELTA = "DELTA"
    PERIODIC = "PERIODIC"
    PERIODIC_CLOCK_ALIGNED = "PERIODIC_CLOCK_ALIGNED"


class MonitoringBase(enum.StrEnum):
    """Which monitors are active (N03)."""

    ALL = "ALL"
    FACTORY_DEFAULT = "FACTORY_DEFAULT"
    HARD_WIRED_ONLY = "HARD_WIRED_ONLY"


class MonitoringCriterion(enum.StrEnum):
    """GetMonitoringReport's filter on monitor types (N02)."""

    THRESHOLD = "THRESHOLD"
    DELTA = "DELTA"
    PERIODIC = "PERIODIC"


class MessageFormat(enum.StrEnum):
    """How a display message's content is written."""

    ASCII = "ASCII"
    HTML = "HTML"
    URI = "URI"
    UTF8 = "UTF8"


class MessagePriority(enum.StrEnum):
    """Where a display message goes in the rotation (O01)."""

    ALWAYS_FRONT = "ALWAYS_FRONT"
    IN_FRONT = "IN_FRONT"
    NORMAL_CYCLE = "NORMAL_CYCLE"


class MessageState(enum.StrEnum):
    """Show a display message only in this station state."""

    CHARGING = "CHARGING"
    FAULTED = "FAULTED"
    IDLE = "IDLE"
    UNAVAILABLE = "UNAVAILABLE"


class ReservationState(enum.StrEnum):
    """Where a reservation is (docs/api.md, "Reservations")."""

    PENDING = "PENDING"
    ACTIVE = "ACTIVE"
    REJECTED = "REJECTED"
    FAILED = "FAILED"
    USED = "USED"
    CANCELLED = "CANCELLED"
    EXPIRED = "EXPIRED"


COMMAND_ENUMS: dict[type[enum.StrEnum], type[enum.Enum]] = {
    ProfilePurpose: profiles.ProfilePurpose,
    ProfileKind: profiles.ProfileKind,
    Recurrency: profiles.Recurrency,
    RateUnit: profiles.RateUnit,
    LimitSource: profiles.LimitSource,
    UpdateType: commands.UpdateType,
    LogType: commands.LogType,
    CertificateKind: commands.CertificateKind,
    HashAlgorithm: commands.HashAlgorithm,
    ReportBase: commands.ReportBase,
    ComponentCriterion: commands.ComponentCriterion,
    ApnAuthentication: commands.ApnAuthentication,
    VpnType: commands.VpnType,
    OcppVersion: commands.OcppVersion,
    OcppTransport: commands.OcppTransport,
    OcppInterface: commands.OcppInterface,
    MonitorKind: commands.MonitorKind,
    MonitoringBase: commands.MonitoringBase,
    MonitoringCriterion: commands.MonitoringCriterion,
    MessageFormat: commands.MessageFormat,
    MessagePriority: commands.MessagePriority,
    MessageState: commands.MessageState,
    ReservationState: reservations.ReservationState,
}
"""Each API enum and the domain enum whose member names it has."""
