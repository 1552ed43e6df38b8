"""The enums of the REST API: UPPER_SNAKE_CASE, named as the domain enums' members.

An API enum lists the member names of its domain enum (`DOMAIN_ENUMS`, checked by
tests/api/test_conventions.py); `conventions.to_api` and `conventions.to_domain` convert.
`ConnectorStatus` is the exception: it spells the statuses stations report in OCPP.
"""

from __future__ import annotations

import enum

from voltgate.domain import (
    access,
    authorization,
    equipment,
    stations,
    transaction_events,
    transactions,
)
from voltgate.domain import message_log as frame_log


class Role(enum.StrEnum):
    """`domain.access.Role`: ADMIN > OPERATOR > VIEWER."""

    ADMIN = "ADMIN"
    OPERATOR = "OPERATOR"
    VIEWER = "VIEWER"


class PrincipalKind(enum.StrEnum):
    """What a request authenticated with."""

    API_KEY = "API_KEY"
    USER = "USER"


class Registration(enum.StrEnum):
    """Whether a station may operate (its BootNotification answer)."""

    ACCEPTED = "ACCEPTED"
    PENDING = "PENDING"
    REJECTED = "REJECTED"


class TokenStatus(enum.StrEnum):
    """What is provisioned for an id token (1.6 stations hear the last five as Invalid)."""

    ACCEPTED = "ACCEPTED"
    BLOCKED = "BLOCKED"
    EXPIRED = "EXPIRED"
    INVALID = "INVALID"
    NO_CREDIT = "NO_CREDIT"
    NOT_ALLOWED_TYPE_EVSE = "NOT_ALLOWED_TYPE_EVSE"
    NOT_AT_THIS_LOCATION = "NOT_AT_THIS_LOCATION"
    NOT_AT_THIS_TIME = "NOT_AT_THIS_TIME"


class TokenType(enum.StrEnum):
    """OCPP 2.0.1 IdTokenEnumType; a token without a type matches any."""

    CENTRAL = "CENTRAL"
    EMAID = "EMAID"
    ISO14443 = "ISO14443"
    ISO15693 = "ISO15693"
    KEY_CODE = "KEY_CODE"
    LOCAL = "LOCAL"
    MAC_ADDRESS = "MAC_ADDRESS"
    NO_AUTHORIZATION = "NO_AUTHORIZATION"


class AuthStatus(enum.StrEnum):
    """The verdict the station was given for the transaction's id token."""

    ACCEPTED = "ACCEPTED"
    BLOCKED = "BLOCKED"
    EXPIRED = "EXPIRED"
    INVALID = "INVALID"
    CONCURRENT_TX = "CONCURRENT_TX"
    UNKNOWN = "UNKNOWN"
    NO_CREDIT = "NO_CREDIT"
    NOT_ALLOWED_TYPE_EVSE = "NOT_ALLOWED_TYPE_EVSE"
    NOT_AT_THIS_LOCATION = "NOT_AT_THIS_LOCATION"
    NOT_AT_THIS_TIME = "NOT_AT_THIS_TIME"


class SuspectFlag(enum.StrEnum):
    """Why a transaction or a sample deserves a second look (stored, never refused)."""

    METER_BACKWARDS = "METER_BACKWARDS"
    STOP_BELOW_START = "STOP_BELOW_START"
    CLOCK_SKEW = "CLOCK_SKEW"
    ZERO_BASELINE = "ZERO_BASELINE"
    UNKNOWN_TRANSACTION = "UNKNOWN_TRANSACTION"
    DUPLICATE_STOP_CONFLICT = "DUPLICATE_STOP_CONFLICT"
    UNPARSEABLE_VALUE = "UNPARSEABLE_VALUE"


class TransactionEventType(enum.StrEnum):
    """OCPP 2.0.1 TransactionEventEnumType."""

    STARTED = "STARTED"
    UPDATED = "UPDATED"
    ENDED = "ENDED"


class TransactionStatus(enum.StrEnum):
    """OPEN until the station reports the stop."""

    OPEN = "OPEN"
    CLOSED = "CLOSED"


class Direction(enum.StrEnum):
    """Which way a logged OCPP frame went."""

    FROM_STATION = "FROM_STATION"
    TO_STATION = "TO_STATION"


class MessageType(enum.StrEnum):
    """The OCPP-J message type of a logged frame (CALL, CALLRESULT, CALLERROR), or MALFORMED
    for a frame that was not readable OCPP-J."""

    CALL = "CALL"
    CALL_RESULT = "CALL_RESULT"
    CALL_ERROR = "CALL_ERROR"
    MALFORMED = "MALFORMED"


class ConnectorStatus(enum.StrEnum):
    """A connector's last reported status: 1.6 ChargePointStatus and 2.0.1
    ConnectorStatusEnumType (Occupied) together."""

    AVAILABLE = "AVAILABLE"
    PREPARING = "PREPARING"
    CHARGING = "CHARGING"
    SUSPENDED_EVSE = "SUSPENDED_EVSE"
    SUSPENDED_EV = "SUSPENDED_EV"
    FINISHING = "FINISHING"
    OCCUPIED = "OCCUPIED"
    RESERVED = "RESERVED"
    UNAVAILABLE = "UNAVAILABLE"
    FAULTED = "FAULTED"


# The OCPP spelling of each status, as stations report it (both versions).
_OCPP_STATUS = {
    "Available": ConnectorStatus.AVAILABLE,
    "Preparing": ConnectorStatus.PREPARING,
    "Charging": ConnectorStatus.CHARGING,
    "SuspendedEVSE": ConnectorStatus.SUSPENDED_EVSE,
    "SuspendedEV": ConnectorStatus.SUSPENDED_EV,
    "Finishing": ConnectorStatus.FINISHING,
    "Occupied": ConnectorStatus.OCCUPIED,
    "Reserved": ConnectorStatus.RESERVED,
    "Unavailable": ConnectorStatus.UNAVAILABLE,
    "Faulted": ConnectorStatus.FAULTED,
}


def connector_status(reported: str | None) -> ConnectorStatus | None:
    """The API status for a status string as a station reported it (None: not reported)."""
    return None if reported is None else _OCPP_STATUS.get(reported)


class PowerType(enum.StrEnum):
    """What an EVSE delivers (the station model catalog's ``powerType``)."""

    AC_1_PHASE = "AC_1_PHASE"
    AC_3_PHASE = "AC_3_PHASE"
    DC = "DC"


class ConnectionType(enum.StrEnum):
    """A connector's plug or socket standard (the station model catalog's vocabulary)."""

    CHADEMO = "CHADEMO"
    IEC_62196_T1 = "IEC_62196_T1"
    IEC_62196_T1_COMBO = "IEC_62196_T1_COMBO"
    IEC_62196_T2 = "IEC_62196_T2"
    IEC_62196_T2_COMBO = "IEC_62196_T2_COMBO"
    TESLA_R = "TESLA_R"
    TESLA_S = "TESLA_S"
    SAE_J3400 = "SAE_J3400"


class ConnectorFormat(enum.StrEnum):
    """A fixed cable, or a socket for the driver's cable."""

    CABLE = "CABLE"
    SOCKET = "SOCKET"


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
    """What an EVSE offers for billing under calibration law (Eichrecht)."""

    NOT_COMPLIANT = "NOT_COMPLIANT"
    METER_DISPLAY = "METER_DISPLAY"
    SIGNED_METER_VALUES = "SIGNED_METER_VALUES"


class HubjectStatus(enum.StrEnum):
    """The EVSE's status as last pushed to Hubject (OICP EvseStatus)."""

    AVAILABLE = "AVAILABLE"
    RESERVED = "RESERVED"
    OCCUPIED = "OCCUPIED"
    OUT_OF_SERVICE = "OUT_OF_SERVICE"
    EVSE_NOT_FOUND = "EVSE_NOT_FOUND"
    UNKNOWN = "UNKNOWN"


class OperatorStatus(enum.StrEnum):
    """The status an operator gives an EVSE, beside the one its station reports."""

    PLANNED = "PLANNED"
    IN_OPERATION = "IN_OPERATION"
    MAINTENANCE = "MAINTENANCE"
    OUT_OF_ORDER = "OUT_OF_ORDER"
    DECOMMISSIONED = "DECOMMISSIONED"


DOMAIN_ENUMS: dict[type[enum.StrEnum], type[enum.Enum]] = {
    Role: access.Role,
    PrincipalKind: access.PrincipalKind,
    Registration: stations.Registration,
    TokenStatus: authorization.TokenStatus,
    TokenType: authorization.TokenType,
    AuthStatus: authorization.AuthStatus,
    SuspectFlag: transactions.SuspectFlag,
    TransactionEventType: transaction_events.TxEventType,
    PowerType: equipment.PowerType,
    ConnectionType: equipment.ConnectionType,
    ConnectorFormat: equipment.ConnectorFormat,
    Placement: stations.Placement,
    CalibrationLaw: stations.CalibrationLaw,
    HubjectStatus: stations.HubjectStatus,
    OperatorStatus: stations.OperatorStatus,
    Direction: frame_log.Direction,
    MessageType: frame_log.FrameType,
}
"""Each API enum and the domain enum whose member names it has."""
