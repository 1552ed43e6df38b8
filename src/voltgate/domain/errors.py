"""Errors raised by the domain, translated to a wire/HTTP code once per edge.

Error tree::

    DomainError                 a request the domain refuses (the caller's input or state)
      UnknownStation            no station with this id is provisioned
      UnknownToken              no id token with this id tag is provisioned
      InvalidTransition         a state machine was asked for a move its table does not have
      StationOffline            the station has no open connection to this node
      CommandFailed             a command sent to a station failed (CALLERROR, or refused)
        CommandTimedOut         the station did not answer the command in time
      AlreadyExists             a record with this identity exists (create refused)
      InUse                     a record cannot be removed while other records refer to it
      LoginThrottled            too many failed logins from one address; retry later
      InvalidCommand            a command cannot be sent to this station as asked
      UnknownEvse               the station has no EVSE with this id
      InvalidValue              a value breaks a rule that needs more than the value itself:
                                other fields, the stored records (names the field)
      StaleVersion              a change was based on an older version of the record
      NotFound                  a record named by a request does not exist (customers, ...)
      Conflict                  the records' state forbids the change (a device overlaps)
        SecretSetting           the command would carry a station password (rotation only)
      UnknownStationModel       no model with this id in the catalog
      ModelArchived             the model is archived: not again, and not for a station
      InvalidStationModel       a model or a catalog breaks the catalog's rules (per field)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


class DomainError(Exception):
    """Base class for every refusal the domain reports to an edge."""


class UnknownStation(DomainError):
    """The station id is not provisioned (and was not registered on connect)."""

    def __init__(self, station_id: str) -> None:
        super().__init__(f"unknown station {station_id!r}")
        self.station_id = station_id


class UnknownToken(DomainError):
    """The id tag is not provisioned."""

    def __init__(self, id_tag: str) -> None:
        super().__init__(f"unknown id tag {id_tag!r}")
        self.id_tag = id_tag


class InvalidTransition(DomainError):
    """A state machine has no entry for (state, event); see the module's TRANSITIONS table."""

    def __init__(self, state: Any, event: Any) -> None:
        super().__init__(f"no transition from {state!r} on {event!r}")
        self.state = state
        self.event = event


class StationOffline(DomainError):
    """The station has no open connection to this node, so a command cannot reach it."""

    def __init__(self, station_id: str) -> None:
        super().__init__(f"station {station_id!r} is not connected")
        self.station_id = station_id


class CommandFailed(DomainError):
    """A command sent to a station failed: it answered with a CALLERROR or an answer the
    CSMS could not use, or it refused what the command asked for."""

    def __init__(self, station_id: str, action: str, reason: str) -> None:
        super().__init__(f"{action} to {station_id!r} failed: {reason}")
        self.station_id = station_id
        self.action = action
        self.reason = reason


class CommandTimedOut(CommandFailed):
    """The station did not answer the command within the call timeout."""

    def __init__(self, station_id: str, action: str) -> None:
        super().__init__(station_id, action, "no answer within the call timeout")


class AlreadyExists(DomainError):
    """A create was refused because a record with this identity exists."""

    def __init__(self, kind: str, identity: str) -> None:
        super().__init__(f"{kind} {identity!r} already exists")
        self.kind = kind
        self.identity = identity


class InUse(DomainError):
    """A record cannot be removed while other records refer to it."""

    def __init__(self, kind: str, identity: str, reason: str) -> None:
        super().__init__(f"{kind} {identity!r} cannot be removed: {reason}")
        self.kind = kind
        self.identity = identity
        self.reason = reason


class LoginThrottled(DomainError):
    """Too many failed logins from one address; it may try again in `retry_after_s`."""

    def __init__(self, retry_after_s: float) -> None:
        super().__init__("too many failed logins from this address")
        self.retry_after_s = retry_after_s


class InvalidCommand(DomainError):
    """A command cannot be sent as asked: not expressible in the station's OCPP version,
    an action the CSMS does not send, or a payload that breaks the official schema."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UnknownEvse(DomainError):
    """The station exists but has no EVSE with this id."""

    def __init__(self, station_id: str, evse_id: int) -> None:
        which = f"EVSE {evse_id}" if evse_id else "EVSE yet (none was reported or described)"
        super().__init__(f"station {station_id!r} has no {which}")
        self.station_id = station_id
        self.evse_id = evse_id


class NotFound(DomainError):
    """A record that a request names does not exist; the message says which, e.g.
    "contract 3 of customer 7 not found"."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


class InvalidValue(DomainError):
    """A value breaks a rule the domain checks that needs more than the value alone: other
    fields, the stored records (it names a record that does not exist, contradicts another
    value). `field` is the domain's dotted field name (snake_case)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class StaleVersion(DomainError):
    """Optimistic locking: the change names a version the record no longer has."""

    def __init__(self, kind: str, identity: str, given: int, current: int) -> None:
        super().__init__(
            f"{kind} {identity} is at version {current}, not {given}: read it again and retry"
        )
        self.given = given
        self.current = current


class Conflict(DomainError):
    """The change would leave the records inconsistent (e.g. a charging point in two
    devices)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


class SecretSetting(InvalidCommand):
    """The command would set a station's password, which only the password rotation may
    do: a command record keeps its payload, and a password is never stored in clear
    (Security Whitepaper / 2.0.1 A01.FR.08, A01.FR.09)."""


class UnknownStationModel(DomainError):
    """No model with this id is in the catalog."""

    def __init__(self, model_id: str) -> None:
        super().__init__(f"unknown station model {model_id!r}")
        self.model_id = model_id


class ModelArchived(DomainError):
    """The model is archived: it cannot be archived again, nor chosen for a station."""

    def __init__(self, model_id: str, action: str) -> None:
        super().__init__(f"station model {model_id!r} is archived: {action}")
        self.model_id = model_id


@dataclass(frozen=True, slots=True)
class Problem:
    """One broken rule: where (field names and list indexes, as reference 04 and the
    catalog document spell them) and why."""

    location: tuple[str | int, ...]
    message: str


class InvalidStationModel(DomainError):
    """A model (or a catalog to import) breaks the catalog's rules; `details` lists each
    problem with its location, as the API's validation errors do."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{_where(first)}: {first.message}{more}")
        self.problems = tuple(problems)

    @property
    def details(self) -> list[dict[str, str]]:
        """The problems in the shape of the API's 422 details."""
        return [
            {"location": _where(problem), "message": problem.message, "type": "station_model"}
            for problem in self.problems
        ]


def _where(problem: Problem) -> str:
    return ".".join(str(part) for part in problem.location)
