"""The first version-neutral commands: remote start and stop, reset, unlock, availability,
trigger, cache, configuration, vendor data, and the raw call (Core and Remote Trigger in
1.6; blocks B, C, F, G, P of 2.0.1)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, ClassVar


class ResetKind(enum.StrEnum):
    """1.6 Reset Hard / Soft; 2.0.1 Immediate / OnIdle (B11, B12)."""

    IMMEDIATE = "IMMEDIATE"  # 1.6 Hard
    ON_IDLE = "ON_IDLE"  # 1.6 Soft


@dataclass(frozen=True, slots=True)
class StartCharging:
    """Start a transaction for `id_tag` (1.6 RemoteStartTransaction; 2.0.1
    RequestStartTransaction, F01). `evse_id` None: the station picks one."""

    NAME: ClassVar[str] = "start"
    id_tag: str
    evse_id: int | None = None


@dataclass(frozen=True, slots=True)
class StopCharging:
    """Stop a transaction, by its CSMS id (1.6 RemoteStopTransaction; 2.0.1
    RequestStopTransaction with the station's transactionId, F03)."""

    NAME: ClassVar[str] = "stop"
    transaction_id: int


@dataclass(frozen=True, slots=True)
class Reset:
    """Reset the station (or one 2.0.1 EVSE)."""

    NAME: ClassVar[str] = "reset"
    kind: ResetKind
    evse_id: int | None = None


@dataclass(frozen=True, slots=True)
class Unlock:
    """Unlock a connector (UnlockConnector; 2.0.1 F05)."""

    NAME: ClassVar[str] = "unlock"
    evse_id: int
    connector_id: int = 1


@dataclass(frozen=True, slots=True)
class ChangeAvailability:
    """Make the station, an EVSE or a connector (in)operative (ChangeAvailability; G03)."""

    NAME: ClassVar[str] = "availability"
    operative: bool
    evse_id: int | None = None
    connector_id: int | None = None


@dataclass(frozen=True, slots=True)
class TriggerMessage:
    """Ask the station to send a message now (TriggerMessage; F06), named as OCPP names it."""

    NAME: ClassVar[str] = "trigger"
    message: str
    evse_id: int | None = None
    connector_id: int | None = None


@dataclass(frozen=True, slots=True)
class ClearCache:
    """Clear the station's authorization cache (ClearCache; C11)."""

    NAME: ClassVar[str] = "clear-cache"


@dataclass(frozen=True, slots=True)
class GetConfiguration:
    """Read configuration: 1.6 GetConfiguration keys (none: all); 2.0.1 GetVariables, each
    key ``Component.Variable`` (B06)."""

    NAME: ClassVar[str] = "get-configuration"
    keys: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SetConfiguration:
    """Change one setting: 1.6 ChangeConfiguration; 2.0.1 SetVariables with the key
    ``Component.Variable`` (B05)."""

    NAME: ClassVar[str] = "set-configuration"
    key: str
    value: str


@dataclass(frozen=True, slots=True)
class DataTransfer:
    """A vendor-specific message (DataTransfer; P01)."""

    NAME: ClassVar[str] = "data-transfer"
    vendor_id: str
    message_id: str | None = None
    data: str | None = None


@dataclass(frozen=True, slots=True)
class RawCall:
    """Any CSMS-initiated action of the station's version, with its payload as given
    (checked against the official schema before it is stored or sent)."""

    NAME: ClassVar[str] = "raw"
    action: str
    payload: dict[str, Any] = field(default_factory=dict)
