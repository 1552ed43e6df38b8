"""OcppSession: one OCPP-J conversation as a pure object. Text in; events and text out.

Theory of operation
-------------------
The driver (the gateway's pump) owns the socket and the clock. It feeds every received text
frame to `receive_text(text, now=...)`, calls `expire(now=...)` when `next_deadline()` passes,
and after each call it drains `events()` (what happened) and `texts_to_send()` (frames for the
socket, in order). Handlers answer `CallReceived` events with `send_result` / `send_error` and
start their own requests with `send_call`. The session never performs I/O and never reads a
clock: `now` is always an argument, in seconds on any monotonic scale.

Every frame in either direction is described as a `Frame` (its type, message id and action;
for a reply, the action of the CALL it answers): `receive_text` returns the description of
the frame it took in, `frames_to_send` (instead of `texts_to_send`) those of the frames it
hands out. The driver keeps its record of the conversation (the message log) from these,
without parsing a frame again.

Rules the session enforces itself, so that no handler needs a lock or a retry loop:

* Outgoing CALLs: at most one in flight (OCPP-J 1.6 §4.1.1; 2.0.1 part 4 §4.1.1 "SHALL NOT");
  further CALLs wait in a FIFO and go out when the in-flight one is answered or times out.
  Its deadline is `call_timeout` seconds after it was sent.
* Incoming CALLs are validated against the official schema and answered with a CALLERROR by
  the session when broken (unknown action -> NotImplemented, schema violation -> the
  PayloadError's kind). Valid ones are reported, even while our own CALL is pending: CALLs
  from both sides may cross (OCPP-J 1.6 §4.1.1, NOTE).
* Broken frames are answered with a CALLERROR carrying the readable id or "-1" (2.0.1 part 4
  §4.2.3), except broken replies, which are dropped: answering a reply could ping-pong.
* Replies: a CALLRESULT or CALLERROR with the id of our in-flight CALL ends it; a CALLRESULT
  payload is checked against the response schema. Any other reply is reported as unmatched.
* Our own output is checked too: an invalid outgoing payload, or an answer to a CALL that is
  not awaiting one, raises `LocalProtocolError` (our bug) and nothing is sent.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from voltgate.ocpp.errors import (
    ActionNotImplemented,
    ErrorKind,
    FrameError,
    LocalProtocolError,
    OcppError,
    OcppVersion,
    PayloadError,
)
from voltgate.ocpp.events import (
    CallReceived,
    CallRejected,
    CallTimedOut,
    Event,
    FrameRejected,
    ReplyInvalid,
    ReplyReceived,
    UnmatchedReply,
)
from voltgate.ocpp.messages import (
    MAX_ID_LENGTH,
    Call,
    CallError,
    CallResult,
    Frame,
    MessageType,
    frame_too_large,
    parse_message,
)
from voltgate.ocpp.validation import VersionValidators


@dataclass(frozen=True, slots=True)
class _InFlight:
    call: Call
    deadline: float


class OcppSession:
    """One OCPP-J conversation with one peer. Performs no I/O and reads no clock.

    Args:
        version: the protocol negotiated as WebSocket subprotocol; it picks the schemas and
            the spelling of error codes.
        validators: the compiled schemas of `version` (`Validators.for_version(version)`).
        call_timeout: seconds our CALL may wait for its answer.
        new_id: makes the message id of each CALL we send; unique on the connection and
            at most 36 characters (`lambda: uuid4().hex` in production, a counter in tests).
    """

    def __init__(
        self,
        version: OcppVersion,
        validators: VersionValidators,
        *,
        new_id: Callable[[], str],
        call_timeout: float = 30.0,
    ) -> None:
        if validators.version is not version:
            raise ValueError(f"validators are for {validators.version}, not {version}")
        self.version = version
        self.call_timeout = call_timeout
        self._validators = validators
        self._new_id = new_id
        self._in_flight: _InFlight | None = None
        self._queue: deque[Call] = deque()
        # Received CALLs awaiting our answer: message id -> action.
        self._unanswered: dict[str, str] = {}
        self._events: list[Event] = []
        self._out: list[Frame] = []

    # -- input ---------------------------------------------------------------------------

    def receive_text(self, text: str | bytes, *, now: float) -> Frame:
        """Take in one frame from the peer; returns what the frame was."""
        try:
            message = parse_message(text)
        except FrameError as error:
            return self._reject_frame(text, error)
        if isinstance(message, Call):
            self._receive_call(message)
            return Frame(_as_text(text), MessageType.CALL, message.unique_id, message.action)
        action = self._receive_reply(message, now)
        if isinstance(message, CallResult):
            return Frame(_as_text(text), MessageType.CALL_RESULT, message.unique_id, action)
        return Frame(_as_text(text), MessageType.CALL_ERROR, message.unique_id, action)

    def receive_oversize(self, text: str | bytes, *, limit: int) -> Frame:
        """Take in a frame the driver will not parse because it is longer than `limit`.

        It is rejected like a broken frame (FormatViolation), answered when its first bytes
        show a CALL id, and never parsed in full. Returns it as an unreadable frame.
        """
        return self._reject_frame(text, frame_too_large(text, limit))

    def expire(self, *, now: float) -> None:
        """Time out the in-flight CALL if its deadline has passed, then send the next one."""
        if self._in_flight is not None and now >= self._in_flight.deadline:
            self._events.append(CallTimedOut(self._in_flight.call))
            self._in_flight = None
            self._send_next(now)

    # -- output requested by the driver ----------------------------------------------------

    def send_call(self, action: str, payload: dict[str, Any], *, now: float) -> Call:
        """Queue a CALL of ours; it is sent at once if no other CALL is in flight.

        Returns:
            The Call, so the caller can match the `ReplyReceived` / `CallTimedOut` for it.

        Raises:
            LocalProtocolError: `action` is not an action of this version, or `payload`
                breaks its request schema, or `new_id` made an unusable id. Nothing is queued.
        """
        try:
            self._validators.check_request(action, payload)
        except (ActionNotImplemented, PayloadError) as exc:
            raise LocalProtocolError(f"refusing to send {action}: {exc.description}") from exc
        unique_id = self._new_id()
        if not 0 < len(unique_id) <= MAX_ID_LENGTH:
            raise LocalProtocolError(f"message id {unique_id!r} is not 1 to 36 characters")
        call = Call(unique_id, action, payload)
        self._queue.append(call)
        self._send_next(now)
        return call

    def send_result(self, call: Call, payload: dict[str, Any]) -> None:
        """Answer the received `call` with a CALLRESULT.

        Raises:
            LocalProtocolError: `call` is not awaiting an answer, or `payload` breaks the
                response schema of `call.action`. Nothing is sent.
        """
        self._check_awaiting_answer(call.unique_id)
        try:
            self._validators.check_response(call.action, payload)
        except (ActionNotImplemented, PayloadError) as exc:
            raise LocalProtocolError(
                f"refusing to answer {call.action}: {exc.description}"
            ) from exc
        del self._unanswered[call.unique_id]
        text = CallResult(call.unique_id, payload).to_text()
        self._out.append(Frame(text, MessageType.CALL_RESULT, call.unique_id, call.action))

    def send_error(self, call: Call | str, error: OcppError) -> None:
        """Answer the received `call` (or the CALL with that message id) with a CALLERROR.

        Raises:
            LocalProtocolError: that CALL is not awaiting an answer. Nothing is sent.
        """
        unique_id = call if isinstance(call, str) else call.unique_id
        self._check_awaiting_answer(unique_id)
        self._answer_error(unique_id, error)

    # -- output collected by the driver ----------------------------------------------------

    def events(self) -> list[Event]:
        """What happened since the last call, oldest first."""
        events, self._events = self._events, []
        return events

    def texts_to_send(self) -> list[str]:
        """Frames to write to the socket, in order, since the last call."""
        return [frame.text for frame in self.frames_to_send()]

    def frames_to_send(self) -> list[Frame]:
        """Like `texts_to_send`, each text with its description (type, id, action)."""
        out, self._out = self._out, []
        return out

    def next_deadline(self) -> float | None:
        """When `expire` must next be called, or None while no CALL of ours is in flight."""
        return None if self._in_flight is None else self._in_flight.deadline

    @property
    def in_flight(self) -> Call | None:
        """Our CALL awaiting its answer, if any."""
        return None if self._in_flight is None else self._in_flight.call

    @property
    def queued(self) -> int:
        """How many CALLs of ours wait behind the one in flight."""
        return len(self._queue)

    # -- internals ---------------------------------------------------------------------------

    def _receive_call(self, call: Call) -> None:
        if call.unique_id in self._unanswered:
            # OCPP-J 1.6 §4.2.3: "an existing call with the same unique identifier is being
            # handled already" is answered with a CALLERROR; neither version has a code for it.
            duplicate = OcppError(
                f"a CALL with id {call.unique_id!r} is already being handled",
                kind=ErrorKind.GENERIC_ERROR,
            )
            # Not _answer_error: the first CALL with this id still awaits its answer.
            self._write_error(call.unique_id, duplicate, call.action)
            self._events.append(CallRejected(call, duplicate))
            return
        try:
            self._validators.check_request(call.action, call.payload)
        except (ActionNotImplemented, PayloadError) as error:
            self._write_error(call.unique_id, error, call.action)
            self._events.append(CallRejected(call, error))
            return
        self._unanswered[call.unique_id] = call.action
        self._events.append(CallReceived(call))

    def _receive_reply(self, reply: CallResult | CallError, now: float) -> str | None:
        """Take in a reply; returns the action of the CALL of ours it answers, if any."""
        in_flight = self._in_flight
        if in_flight is None or reply.unique_id != in_flight.call.unique_id:
            self._events.append(UnmatchedReply(reply))
            return None
        self._in_flight = None
        self._events.append(self._reply_event(in_flight.call, reply))
        self._send_next(now)
        return in_flight.call.action

    def _reply_event(self, call: Call, reply: CallResult | CallError) -> Event:
        if isinstance(reply, CallResult):
            try:
                self._validators.check_response(call.action, reply.payload)
            except PayloadError as error:
                return ReplyInvalid(call, reply, error)
        return ReplyReceived(call, reply)

    def _send_next(self, now: float) -> None:
        if self._in_flight is None and self._queue:
            call = self._queue.popleft()
            self._in_flight = _InFlight(call, deadline=now + self.call_timeout)
            self._out.append(Frame(call.to_text(), MessageType.CALL, call.unique_id, call.action))

    def _check_awaiting_answer(self, unique_id: str) -> None:
        if unique_id not in self._unanswered:
            raise LocalProtocolError(f"no received CALL with id {unique_id!r} awaits an answer")

    def _reject_frame(self, text: str | bytes, error: FrameError) -> Frame:
        if error.answer:
            # Not _answer_error: a broken frame answers no CALL we are still handling.
            self._write_error(error.unique_id, error, None)
        self._events.append(FrameRejected(error))
        # FrameError's "-1" means the id could not be read (2.0.1 part 4 §4.2.3).
        unique_id = None if error.unique_id == "-1" else error.unique_id
        return Frame(_as_text(text), None, unique_id, None)

    def _answer_error(self, unique_id: str, error: OcppError) -> None:
        action = self._unanswered.pop(unique_id, None)
        self._write_error(unique_id, error, action)

    def _write_error(self, unique_id: str, error: OcppError, action: str | None) -> None:
        text = CallError.from_error(unique_id, error, self.version).to_text()
        self._out.append(Frame(text, MessageType.CALL_ERROR, unique_id, action))


def _as_text(text: str | bytes) -> str:
    """A received frame as text (a binary frame's bytes decoded, broken sequences replaced)."""
    return text if isinstance(text, str) else text.decode("utf-8", "replace")
