"""OCPP-J frames: CALL, CALLRESULT and CALLERROR as values, parsed from and written to text.

OCPP-J 1.6 §4 and OCPP 2.0.1 part 4 §4 define the same three frames::

    [2, "<MessageId>", "<Action>", {payload}]                      CALL
    [3, "<MessageId>", {payload}]                                  CALLRESULT
    [4, "<MessageId>", "<errorCode>", "<description>", {details}]  CALLERROR

`parse_message` never raises anything but `FrameError`, and it salvages the message id from
broken text wherever it can, so that the caller can always answer a frame whose id is readable.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import msgspec

from voltgate.ocpp.errors import ErrorKind, FrameError, OcppError, OcppVersion, wire_code

MAX_ID_LENGTH = 36  # OCPP-J 1.6 §4.1.4 and 2.0.1 part 4 §4.2.1: messageId is string[36]
MAX_DESCRIPTION_LENGTH = 255  # OCPP 2.0.1 part 4 §4.2.3: ErrorDescription is string[255]

_decode = msgspec.json.Decoder().decode
_encode = msgspec.json.Encoder().encode
# Best effort to read the id of a frame whose JSON is broken: `[2, "abc", ...`.
_ID_PREFIX = re.compile(r'^\s*\[\s*(\d+)\s*,\s*"([^"\\]{1,36})"')


class MessageType(enum.IntEnum):
    """The MessageTypeId, the first element of every frame."""

    CALL = 2
    CALL_RESULT = 3
    CALL_ERROR = 4


@dataclass(frozen=True, slots=True)
class Call:
    """A request: `action` with its `payload`, identified by `unique_id`."""

    unique_id: str
    action: str
    payload: dict[str, Any]

    def to_text(self) -> str:
        return _encode([MessageType.CALL, self.unique_id, self.action, self.payload]).decode()


@dataclass(frozen=True, slots=True)
class CallResult:
    """The successful answer to the CALL with the same `unique_id`."""

    unique_id: str
    payload: dict[str, Any]

    def to_text(self) -> str:
        return _encode([MessageType.CALL_RESULT, self.unique_id, self.payload]).decode()


@dataclass(frozen=True, slots=True)
class CallError:
    """The failure answer to the CALL with the same `unique_id`; `code` is the wire spelling."""

    unique_id: str
    code: str
    description: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    def to_text(self) -> str:
        description = self.description[:MAX_DESCRIPTION_LENGTH]
        frame = [MessageType.CALL_ERROR, self.unique_id, self.code, description, self.details]
        return _encode(frame).decode()

    @classmethod
    def from_error(cls, unique_id: str, error: OcppError, version: OcppVersion) -> CallError:
        """The CALLERROR that reports `error` to a peer speaking `version`."""
        return cls(unique_id, wire_code(error.kind, version), error.description, error.details)


Message = Call | CallResult | CallError


class Frame(NamedTuple):
    """One frame as it crossed the wire, with what the session knows about it.

    The session describes every frame it takes in (`OcppSession.receive_text`) and every
    frame it hands out (`OcppSession.frames_to_send`), so that the driver can keep a record
    of the conversation without parsing anything again.
    """

    text: str
    type: MessageType | None  # None: the text is not a readable OCPP-J frame
    unique_id: str | None  # the MessageId, when it could be read
    action: str | None  # a CALL's action; for a reply, the action of the CALL it answers


def parse_message(text: str | bytes) -> Message:
    """Parse one WebSocket text frame into a Call, CallResult or CallError.

    Raises:
        FrameError: the frame is not valid OCPP-J; its `unique_id` is the readable id or "-1",
            and `answer` says whether a CALLERROR may be sent back.
    """
    try:
        frame = _decode(text)
    except (msgspec.DecodeError, UnicodeDecodeError):
        # msgspec raises UnicodeDecodeError, not DecodeError, for bytes that are not UTF-8.
        raise _broken(text, "frame is not valid UTF-8 JSON") from None
    if not isinstance(frame, list) or not frame:
        raise FrameError("frame is not a JSON array", kind=ErrorKind.RPC_FRAMEWORK_ERROR)
    type_id = frame[0]
    if isinstance(type_id, bool) or not isinstance(type_id, int):
        raise FrameError("MessageTypeId is not an integer", kind=ErrorKind.RPC_FRAMEWORK_ERROR)
    unique_id = frame[1] if len(frame) > 1 else None
    if not isinstance(unique_id, str) or not 0 < len(unique_id) <= MAX_ID_LENGTH:
        raise FrameError(
            f"MessageId must be a string of 1 to {MAX_ID_LENGTH} characters",
            kind=ErrorKind.RPC_FRAMEWORK_ERROR,
            answer=type_id == MessageType.CALL,
        )
    if type_id == MessageType.CALL:
        return _call(frame, unique_id)
    if type_id == MessageType.CALL_RESULT:
        return _call_result(frame, unique_id)
    if type_id == MessageType.CALL_ERROR:
        return _call_error(frame, unique_id)
    raise FrameError(
        f"MessageTypeId {type_id} is not supported",
        kind=ErrorKind.MESSAGE_TYPE_NOT_SUPPORTED,
        unique_id=unique_id,
    )


def _call(frame: list[Any], unique_id: str) -> Call:
    if len(frame) != 4 or not isinstance(frame[2], str) or not frame[2]:
        raise FrameError(
            "a CALL is [2, MessageId, Action, Payload]",
            kind=ErrorKind.RPC_FRAMEWORK_ERROR,
            unique_id=unique_id,
        )
    payload = frame[3]
    if payload is None:
        payload = {}  # OCPP-J 1.6 §4.2.1: "null or an empty object {}" both mean no payload
    if not isinstance(payload, dict):
        raise FrameError(
            "the CALL payload is not a JSON object",
            kind=ErrorKind.FORMAT_VIOLATION,
            unique_id=unique_id,
        )
    return Call(unique_id, frame[2], payload)


def _call_result(frame: list[Any], unique_id: str) -> CallResult:
    payload = frame[2] if len(frame) == 3 else None
    if payload is None and len(frame) == 3:
        payload = {}
    if not isinstance(payload, dict):
        raise FrameError(
            "a CALLRESULT is [3, MessageId, Payload]",
            kind=ErrorKind.RPC_FRAMEWORK_ERROR,
            unique_id=unique_id,
            answer=False,
        )
    return CallResult(unique_id, payload)


def _call_error(frame: list[Any], unique_id: str) -> CallError:
    details = frame[4] if len(frame) == 5 else {}
    if (
        len(frame) not in (4, 5)
        or not isinstance(frame[2], str)
        or not isinstance(frame[3], str)
        or not isinstance(details, dict)
    ):
        raise FrameError(
            "a CALLERROR is [4, MessageId, ErrorCode, ErrorDescription, ErrorDetails]",
            kind=ErrorKind.RPC_FRAMEWORK_ERROR,
            unique_id=unique_id,
            answer=False,
        )
    return CallError(unique_id, frame[2], frame[3], details)


def frame_too_large(text: str | bytes, limit: int) -> FrameError:
    """The FrameError for a frame longer than `limit`, judged from its first bytes only.

    The driver calls this instead of `parse_message` so an oversized frame is never parsed.
    It is a FormatViolation, as OCPP 2.0.1 B06.FR.17 answers a request over BytesPerMessage.
    """
    description = f"frame of {len(text)} characters exceeds the limit of {limit}"
    return _broken(text, description, kind=ErrorKind.FORMAT_VIOLATION)


def _broken(
    text: str | bytes, description: str, *, kind: ErrorKind = ErrorKind.RPC_FRAMEWORK_ERROR
) -> FrameError:
    """A FrameError for unparseable text, keeping the id when a CALL's prefix is readable."""
    head = text[:80].decode(errors="replace") if isinstance(text, bytes) else text[:80]
    match = _ID_PREFIX.match(head)
    if match is None:
        return FrameError(description, kind=kind)
    answer = int(match.group(1)) == MessageType.CALL
    return FrameError(description, kind=kind, unique_id=match.group(2), answer=answer)
