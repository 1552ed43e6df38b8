"""Commands to stations: the stored record of each and its states.

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

What a command means is version-neutral (`StartCharging`, `Reset`, `Reserve`, ... one module
per functional block in this package); how it is spelled is the business of one
`CommandDialect` per OCPP version (``voltgate.handlers.commands``), which also reads the
station's answer into an `Outcome` and says which parts of a request are secrets: the record
keeps `REDACTED` in their place, the station gets the real values (`sending.Submitted`).
`RawCall` sends any CSMS-initiated action of the station's version as given.

A remote start is tied to the transaction it causes (`CommandRecord.transaction_id`): in
2.0.1 by the TransactionEvent's remoteStartId, which is the command's id (F01.FR.25,
F02.FR.01); in 1.6 by the next StartTransaction with the command's id tag on its EVSE while
`link_until` lies in the future (the call timeout after the command was sent, then after it
was accepted).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

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

REDACTED = "<redacted>"
"""What a stored request shows instead of a secret (an APN or VPN password, a SIM PIN, the
password in a URL): the station gets the real value, the record never keeps it."""


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


def split_key(key: str) -> tuple[str, str]:
    """``Component.Variable`` as (component, variable), for 2.0.1 Get/SetVariables.

    Raises:
        InvalidCommand: not two non-empty names joined by one dot.
    """
    component, dot, variable = key.partition(".")
    if not dot or not component or not variable or "." in variable:
        raise InvalidCommand(f"{key!r}: OCPP 2.0.1 names a setting Component.Variable")
    return component, variable
