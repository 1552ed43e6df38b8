"""Explicit action -> handler tables, one Router per OCPP version.

A handler is a typed async function `(ctx, request_model) -> response_model`. `Router.on`
checks, when the handler is registered, that its annotations are the wire models of that
action, so a mismatched model fails at start-up rather than on a station's first message.
Dispatch turns a validated CALL payload into the request model, runs the handler and turns
the response model back into a payload; OCPP errors are raised, never returned.
"""

from __future__ import annotations

import typing
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from voltgate.domain.services import Services
from voltgate.ocpp import wire
from voltgate.ocpp.errors import ActionNotSupported, ErrorKind, OcppError, OcppVersion
from voltgate.ocpp.messages import Call

# The one action a station may send before the CSMS has accepted it: OCPP 1.6 §4.2 (Boot
# Notification) and 2.0.1 B01.FR.10, B02.FR.09, B03.FR.07: before Accepted, the CSMS answers
# any other CALL with CALLERROR SecurityError. (Messages a TriggerMessage asked for while
# Pending are allowed by the spec; the CSMS sends no TriggerMessage to pending stations yet.)
BOOT_ACTION = "BootNotification"


@dataclass(slots=True)
class ConnectionState:
    """What a connection knows about its station beyond the domain records."""

    protocol: OcppVersion
    accepted: bool = False  # the station's boot has been Accepted (now or before this socket)


FollowUp = Callable[[], Awaitable[object]]
"""Work a handler leaves for after its answer (`Context.then`)."""


@dataclass(slots=True)
class Context:
    """Everything a handler may use: who is talking, the domain services and a clock."""

    station_id: str
    services: Services
    connection: ConnectionState
    now: Callable[[], datetime]
    # The OCPP message id of the CALL being handled. A connection handles one CALL at a time
    # (the pump awaits each handler), so this per-connection field is never shared.
    message_id: str = ""
    # Work to start once the answer to the CALL being handled is on the wire, e.g. the
    # CertificateSigned that follows an Accepted SignCertificate (2.0.1 A02/A03). The
    # connection runs each as a task it owns and logs its failure; a handler never awaits
    # the station itself (it is waiting for our answer).
    follow_ups: list[FollowUp] = field(default_factory=list)

    def then(self, work: FollowUp) -> None:
        """Run `work` after the answer to the current CALL has been sent."""
        self.follow_ups.append(work)


Handler = Callable[[Context, Any], Awaitable[Any]]


class Router:
    """The action table of one OCPP version."""

    def __init__(
        self,
        version: OcppVersion,
        *,
        requests: Mapping[str, type],
        responses: Mapping[str, type],
    ) -> None:
        self.version = version
        self._requests = requests
        self._responses = responses
        self._handlers: dict[str, Handler] = {}

    @property
    def actions(self) -> frozenset[str]:
        """The actions this router handles."""
        return frozenset(self._handlers)

    def on(self, action: str) -> Callable[[Handler], Handler]:
        """Register the handler of `action`; refuses duplicates and mismatched models."""

        def register(handler: Handler) -> Handler:
            if action in self._handlers:
                raise ValueError(f"{self.version} {action} has a handler already")
            if action not in self._requests:
                raise ValueError(f"{action} is not an action of {self.version}")
            hints = typing.get_type_hints(handler)
            request_type = next(v for k, v in hints.items() if k not in ("ctx", "return"))
            if request_type is not self._requests[action]:
                raise TypeError(f"{handler.__name__} must take {self._requests[action].__name__}")
            if hints.get("return") is not self._responses[action]:
                raise TypeError(
                    f"{handler.__name__} must return {self._responses[action].__name__}"
                )
            self._handlers[action] = handler
            return handler

        return register

    async def dispatch(self, ctx: Context, call: Call) -> dict[str, Any]:
        """Run the handler of a schema-valid CALL; returns the response payload.

        Raises:
            OcppError: SecurityError before the station is accepted, NotSupported for a
                known action without a handler, or whatever the handler raises.
        """
        action = call.action
        if not ctx.connection.accepted and action != BOOT_ACTION:
            raise OcppError(
                f"{action} before BootNotification was accepted", kind=ErrorKind.SECURITY_ERROR
            )
        handler = self._handlers.get(action)
        if handler is None:
            raise ActionNotSupported(f"{action} is not supported by this CSMS")
        request: Any = wire.decode(self._requests[action], call.payload)
        ctx.message_id = call.unique_id
        response = await handler(ctx, request)
        return wire.encode(response)
