"""What an `OcppSession` reports to the code that drives it.

Events are plain frozen values. The session has already done everything the protocol
requires by itself (answering broken frames, enforcing one CALL in flight); an event says
what happened and, for `CallReceived`, what the driver still owes the peer: an answer.

    CallReceived    a valid CALL arrived; answer it with send_result() or send_error()
    CallRejected    a CALL arrived and the session already answered it with a CALLERROR
    FrameRejected   a frame was not valid OCPP-J; answered with a CALLERROR or dropped
    ReplyReceived   our in-flight CALL got its CALLRESULT or CALLERROR
    ReplyInvalid    our in-flight CALL got a CALLRESULT that breaks the response schema
    UnmatchedReply  a CALLRESULT or CALLERROR that answers no CALL of ours in flight
    CallTimedOut    our in-flight CALL got no answer before its deadline
"""

from __future__ import annotations

from dataclasses import dataclass

from voltgate.ocpp.errors import FrameError, OcppError, PayloadError
from voltgate.ocpp.messages import Call, CallError, CallResult


@dataclass(frozen=True, slots=True)
class CallReceived:
    """The peer sent a valid `call`; the driver must answer it exactly once."""

    call: Call


@dataclass(frozen=True, slots=True)
class CallRejected:
    """The peer sent `call`, which the session answered itself with `error` as a CALLERROR.

    `error` is `ActionNotImplemented` for an unknown action, a `PayloadError` for a payload
    that breaks the schema, or a GENERIC_ERROR for a CALL reusing the id of one still
    unanswered (OCPP-J 1.6 §4.2.3 lists that as a CALLERROR case).
    """

    call: Call
    error: OcppError


@dataclass(frozen=True, slots=True)
class FrameRejected:
    """A frame was not valid OCPP-J. It was answered if `error.answer`, dropped otherwise."""

    error: FrameError


@dataclass(frozen=True, slots=True)
class ReplyReceived:
    """Our in-flight `call` was answered with `reply` (a valid CALLRESULT, or a CALLERROR)."""

    call: Call
    reply: CallResult | CallError


@dataclass(frozen=True, slots=True)
class ReplyInvalid:
    """Our in-flight `call` was answered with a CALLRESULT whose payload breaks the schema.

    The call is over all the same (the peer did answer); `error` says what is wrong.
    """

    call: Call
    reply: CallResult
    error: PayloadError


@dataclass(frozen=True, slots=True)
class UnmatchedReply:
    """A CALLRESULT or CALLERROR that answers no CALL of ours in flight (e.g. a late one)."""

    message: CallResult | CallError


@dataclass(frozen=True, slots=True)
class CallTimedOut:
    """Our in-flight `call` got no answer before its deadline; the next queued CALL went out."""

    call: Call


Event = (
    CallReceived
    | CallRejected
    | FrameRejected
    | ReplyReceived
    | ReplyInvalid
    | UnmatchedReply
    | CallTimedOut
)
