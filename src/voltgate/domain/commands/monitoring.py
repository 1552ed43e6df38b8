"""2.0.1 monitoring and display message commands (blocks N and O): monitors on device model
variables, the monitoring base and level, monitoring reports; messages on the station's
display. These exist only in OCPP 2.0.1; their enumerations keep its spelling as values.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import ClassVar

from voltgate.domain.commands.provisioning import Address


class MonitorKind(enum.StrEnum):
    """When a monitor fires (MonitorEnumType)."""

    UPPER_THRESHOLD = "UpperThreshold"
    LOWER_THRESHOLD = "LowerThreshold"
    DELTA = "Delta"
    PERIODIC = "Periodic"
    PERIODIC_CLOCK_ALIGNED = "PeriodicClockAligned"


@dataclass(frozen=True, slots=True)
class Monitor:
    """A monitor on the variable at `address` (N04): fires by `kind` at `value`, reported
    with `severity` (0 danger ... 9 debug); `id` replaces an existing monitor; `transaction`
    only during transactions."""

    address: Address
    kind: MonitorKind
    value: Decimal
    severity: int
    id: int | None = None
    transaction: bool = False


@dataclass(frozen=True, slots=True)
class SetVariableMonitoring:
    """Set monitors (N04); ACCEPTED only when the station accepts every one."""

    NAME: ClassVar[str] = "set-variable-monitoring"
    monitors: tuple[Monitor, ...]


@dataclass(frozen=True, slots=True)
class ClearVariableMonitoring:
    """Remove monitors by id (N06); ACCEPTED only when every one was removed."""

    NAME: ClassVar[str] = "clear-variable-monitoring"
    ids: tuple[int, ...]


class MonitoringBase(enum.StrEnum):
    """Which monitors are active (N03): all, the factory defaults, or the hard-wired ones."""

    ALL = "All"
    FACTORY_DEFAULT = "FactoryDefault"
    HARD_WIRED_ONLY = "HardWiredOnly"


@dataclass(frozen=True, slots=True)
class SetMonitoringBase:
    """Choose the active monitors (N03)."""

    NAME: ClassVar[str] = "set-monitoring-base"
    base: MonitoringBase


@dataclass(frozen=True, slots=True)
class SetMonitoringLevel:
    """Report only events of `severity` or more severe (a lower number; N05)."""

    NAME: ClassVar[str] = "set-monitoring-level"
    severity: int


class MonitoringCriterion(enum.StrEnum):
    """GetMonitoringReport's filter on monitor types (N02)."""

    THRESHOLD = "ThresholdMonitoring"
    DELTA = "DeltaMonitoring"
    PERIODIC = "PeriodicMonitoring"


@dataclass(frozen=True, slots=True)
class GetMonitoringReport:
    """Report the monitors of `addresses` and/or of `criteria` (N02) in
    NotifyMonitoringReport messages whose requestId is the command's id."""

    NAME: ClassVar[str] = "get-monitoring-report"
    addresses: tuple[Address, ...] = ()
    criteria: tuple[MonitoringCriterion, ...] = ()


class MessageFormat(enum.StrEnum):
    """How a message's content is written."""

    ASCII = "ASCII"
    HTML = "HTML"
    URI = "URI"
    UTF8 = "UTF8"


class MessagePriority(enum.StrEnum):
    """Where a message goes in the display's rotation (O01)."""

    ALWAYS_FRONT = "AlwaysFront"
    IN_FRONT = "InFront"
    NORMAL_CYCLE = "NormalCycle"


class MessageState(enum.StrEnum):
    """Show the message only while the station is in this state."""

    CHARGING = "Charging"
    FAULTED = "Faulted"
    IDLE = "Idle"
    UNAVAILABLE = "Unavailable"


@dataclass(frozen=True, slots=True)
class DisplayMessage:
    """A message for the station's display (MessageInfoType, O01/O02): `transaction_id` is
    the CSMS's id of the transaction it belongs to; `display` a display component when the
    station has several."""

    id: int
    priority: MessagePriority
    content: str
    format: MessageFormat = MessageFormat.UTF8
    language: str | None = None
    state: MessageState | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    transaction_id: int | None = None
    display: Address | None = None


@dataclass(frozen=True, slots=True)
class SetDisplayMessage:
    """Show `message` (O01, O02; the same id replaces a message, O06)."""

    NAME: ClassVar[str] = "set-display-message"
    message: DisplayMessage


@dataclass(frozen=True, slots=True)
class GetDisplayMessages:
    """Report the messages matching the filters (O03) in NotifyDisplayMessages messages
    whose requestId is the command's id."""

    NAME: ClassVar[str] = "get-display-messages"
    ids: tuple[int, ...] = ()
    priority: MessagePriority | None = None
    state: MessageState | None = None


@dataclass(frozen=True, slots=True)
class ClearDisplayMessage:
    """Remove the message with `id` (O05)."""

    NAME: ClassVar[str] = "clear-display-message"
    id: int
