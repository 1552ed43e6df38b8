"""Commands to stations: the stored record of each, its states, and the version-neutral
commands an operator sends.

Theory of operation
-------------------
A command is stored PENDING *before* anything is sent, so that nothing in flight can vanish:
it then ends in exactly one terminal state (`TRANSITIONS`):

* ACCEPTED / REJECTED: the station answered; `status` is its answer's status as it spelled
  it (``Accepted``, ``Rejected``, ``Scheduled``, ``UnknownKey`` ...), `reason` its reason
  text (2.0.1 statusInfo), when it gave one;
* TIMED_OUT: no answer within the call timeout;
* OFFLINE: the station had no connection to this node;
* FAILED: a CALLERROR, an answer the CSMS could not use, or the server stopped while the
  command was pending (`fail_pending` at the next start: "server restarted").

What a command means is version-neutral (`StartCharging`, `Reset`, ...); how it is spelled
is the business of one `CommandDialect` per OCPP version (``voltgate.handlers.commands_v16``
and ``commands_v201``), which also reads the station's answer into an `Outcome`.
`RawCall` sends any CSMS-initiated action of the station's version as given.

A remote start is tied to the transaction it causes (`CommandRecord.transaction_id`): in
2.0.1 by the TransactionEvent's remoteStartId, which is the command's id (F01.FR.25,
F02.FR.01); in 1.6 by the next StartTransaction with the command's id tag on its EVSE while
`link_until` lies in the future (the call timeout after the command was sent, then after it
was accepted).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, ClassVar, Protocol

from voltgate.domain.authorization import token_key
from voltgate.domain.errors import InvalidCommand, InvalidTransition


class CommandState(enum.StrEnum):
    """Where a command is: PENDING until one terminal state."""

    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"
    TIMED_OUT = "TIMED_OUT"
    OFFLINE = "OFFLINE"
    FAILED = "FAILED"


TRANSITIONS: frozenset[tuple[CommandState, CommandState]] = frozenset(
    (CommandState.PENDING, end) for end in CommandState if end is not CommandState.PENDING
)
"""Every allowed move: PENDING to any terminal state; a terminal state never changes."""

RESTARTED = "server restarted"


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a command ended, before it is stored."""

    state: CommandState
    status: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class CommandRecord:
    """One command as stored (`id` is 0 until storage assigns it).

    `name` is the neutral command's name (``start``, ``reset``, ...) or ``raw``; `action`
    and `request` are the OCPP action and CALL payload sent; `response` is the CALLRESULT
    payload. `requested_by` is the API key or user id of the caller. The `link_*` fields
    find the transaction a 1.6 remote start causes (`link_id_tag` is case-folded).
    """

    id: int
    station_id: str
    protocol: str
    name: str
    action: str
    request: dict[str, Any]
    state: CommandState
    status: str | None
    reason: str | None
    response: dict[str, Any] | None
    created_at: datetime
    finished_at: datetime | None
    requested_by: str | None
    transaction_id: int | None = None
    link_id_tag: str | None = None
    link_evse_id: int | None = None
    link_until: datetime | None = None

    @property
    def finished(self) -> bool:
        """True once the command reached its terminal state."""
        return self.state is not CommandState.PENDING


def finish(
    record: CommandRecord,
    outcome: Outcome,
    response: dict[str, Any] | None,
    *,
    at: datetime,
    link_window: timedelta,
) -> CommandRecord:
    """The record in its terminal state.

    An accepted remote start stays linkable for `link_window` more; any other ending stops
    linking (a transaction cannot follow a refused start).

    Raises:
        InvalidTransition: the record is not PENDING (a terminal state never changes).
    """
    if (record.state, outcome.state) not in TRANSITIONS:
        raise InvalidTransition(record.state, outcome.state)
    link_until = None
    if record.link_id_tag is not None and outcome.state is CommandState.ACCEPTED:
        link_until = at + link_window
    return replace(
        record,
        state=outcome.state,
        status=outcome.status,
        reason=outcome.reason,
        response=response,
        finished_at=at,
        link_until=link_until,
    )


# -- version-neutral commands ------------------------------------------------------------


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


Command = (
    StartCharging
    | StopCharging
    | Reset
    | Unlock
    | ChangeAvailability
    | TriggerMessage
    | ClearCache
    | GetConfiguration
    | SetConfiguration
    | DataTransfer
    | RawCall
)


@dataclass(frozen=True, slots=True)
class BuildContext:
    """What a dialect needs beyond the command: the record's id (2.0.1 remoteStartId), the
    station's own id of the transaction to stop, the stored type of the id token to start."""

    command_id: int
    station_transaction_id: str | None = None
    token_type: str | None = None


class CommandDialect(Protocol):
    """How one OCPP version spells the commands and how to read its answers."""

    def build(self, command: Command, context: BuildContext) -> tuple[str, dict[str, Any]]:
        """The action and CALL payload, valid against the version's official schema.

        Raises:
            InvalidCommand: the command cannot be expressed in this version, or the raw
                action or payload is not valid for it.
        """
        ...

    def read(self, action: str, answer: dict[str, Any]) -> Outcome:
        """ACCEPTED or REJECTED, with the station's status and reason."""
        ...

    def read_values(self, action: str, answer: dict[str, Any]) -> dict[str, str | None]:
        """The settings a `GetConfiguration` answer reports, by key in the form
        `SetConfiguration` takes, casefolded (keys and component/variable names are
        case-insensitive in both versions); a known key without a value maps to None. Keys
        the station does not know or would not read are left out."""
        ...

    def same_value(self, expected: str, actual: str) -> bool:
        """Whether a setting read back equals the value set (by the version's rules for
        configuration values)."""
        ...


def pending(
    station_id: str,
    protocol: str,
    command: Command,
    *,
    requested_by: str | None,
    at: datetime,
    link_window: timedelta,
) -> CommandRecord:
    """A new PENDING record of `command` (its action and request are filled in once built)."""
    start = command if isinstance(command, StartCharging) else None
    return CommandRecord(
        id=0,
        station_id=station_id,
        protocol=protocol,
        name=command.NAME,
        action="",
        request={},
        state=CommandState.PENDING,
        status=None,
        reason=None,
        response=None,
        created_at=at,
        finished_at=None,
        requested_by=requested_by,
        link_id_tag=None if start is None else token_key(start.id_tag),
        link_evse_id=None if start is None else start.evse_id,
        link_until=None if start is None else at + link_window,
    )


def split_key(key: str) -> tuple[str, str]:
    """``Component.Variable`` as (component, variable), for 2.0.1 Get/SetVariables.

    Raises:
        InvalidCommand: not two non-empty names joined by one dot.
    """
    component, dot, variable = key.partition(".")
    if not dot or not component or not variable or "." in variable:
        raise InvalidCommand(f"{key!r}: OCPP 2.0.1 names a setting Component.Variable")
    return component, variable
