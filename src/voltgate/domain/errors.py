"""Errors raised by the domain, translated to a wire/HTTP code once per edge.

Error tree::

    DomainError                 a request the domain refuses (the caller's input or state)
      UnknownStation            no station with this id is provisioned
      UnknownToken              no id token with this id tag is provisioned
      InvalidTransition         a state machine was asked for a move its table does not have
"""

from __future__ import annotations

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
