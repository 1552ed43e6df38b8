"""The per-station message log: every OCPP-J frame in both directions, as values and rules.

A `LoggedFrame` is one frame as it crossed the wire (direction, type, message id, action,
the frame text), stored for operators who debug a station. For a CALLRESULT or CALLERROR
the action is the one of the CALL it answers. Frames the CSMS could not parse are kept as
their raw text with type MALFORMED. The text is stored after secrets were blanked (a
`Redactor`, supplied by the layer that knows OCPP payloads) and cut to a maximum length
(marked `truncated`).

The log is written shortly after the frame, never in the unit of work the frame caused:
docs/adr/0006-message-log.md says why.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from voltgate.domain.queries import PageRequest


class MessageLogMode(enum.StrEnum):
    """Which frames the log keeps (the `message_log` setting)."""

    ALL = "all"  # every frame in both directions
    COMMANDS = "commands"  # only the CSMS's CALLs and the station's answers to them
    OFF = "off"  # none


class Direction(enum.StrEnum):
    """Which way a frame went."""

    FROM_STATION = "FROM_STATION"
    TO_STATION = "TO_STATION"


class FrameType(enum.StrEnum):
    """What a frame was: the three OCPP-J message types, or not readable as OCPP-J."""

    CALL = "CALL"
    CALL_RESULT = "CALLRESULT"
    CALL_ERROR = "CALLERROR"
    MALFORMED = "MALFORMED"


_KEPT: Mapping[MessageLogMode, frozenset[tuple[Direction, FrameType]]] = {
    MessageLogMode.ALL: frozenset(
        (direction, kind) for direction in Direction for kind in FrameType
    ),
    MessageLogMode.COMMANDS: frozenset(
        {
            (Direction.TO_STATION, FrameType.CALL),
            (Direction.FROM_STATION, FrameType.CALL_RESULT),
            (Direction.FROM_STATION, FrameType.CALL_ERROR),
        }
    ),
    MessageLogMode.OFF: frozenset(),
}


def kept(mode: MessageLogMode) -> frozenset[tuple[Direction, FrameType]]:
    """The (direction, type) pairs `mode` keeps. In COMMANDS mode the station's own CALLs,
    the CSMS's answers to them and unreadable frames are left out: a station's traffic is
    mostly its own CALLs, so this keeps what operators send and hear back at a fraction of
    the rows."""
    return _KEPT[mode]


class CapturedFrame(NamedTuple):
    """A frame as the gateway saw it, on its way to storage (`to_stored`)."""

    station_id: str
    at: datetime
    direction: Direction
    message_type: FrameType
    unique_id: str | None
    action: str | None
    text: str


class LoggedFrame(NamedTuple):
    """A frame as stored: its text redacted and clipped; `size` is the original length.

    A NamedTuple, not a dataclass: a busy node stores thousands a second, and a frozen
    dataclass costs ~1 µs more to build.
    """

    station_id: str
    at: datetime
    direction: Direction
    message_type: FrameType
    unique_id: str | None
    action: str | None
    frame_text: str
    size: int
    truncated: bool


@dataclass(frozen=True, slots=True)
class LogEntry:
    """A stored frame with its storage id (the cursor of the log's pages; newer is higher)."""

    id: int
    logged: LoggedFrame


Redactor = Callable[[FrameType, str | None, str], str]
"""Returns the frame text with secret values blanked (the same text when it holds none),
given the frame's type and action. The handlers layer knows which payloads carry secrets."""


def storable(text: str) -> str:
    """`text` with NUL characters replaced by U+FFFD: PostgreSQL text cannot hold NUL, and
    a station may send one (raw in a broken frame, or as \\u0000 in a message id)."""
    return text.replace("\x00", "\ufffd") if "\x00" in text else text


def to_stored(frame: CapturedFrame, redact: Redactor, limit: int) -> LoggedFrame:
    """What is stored of a captured frame: secrets blanked first, then cut to `limit`.

    Redaction runs on the whole frame, before it is cut, so that a cut never hides a secret
    from it; `size` is the length of the frame as it was on the wire. Text is made storable
    (`storable`) on every backend alike. The cut is spelled out rather than a helper's:
    every frame a station exchanges comes through here.
    """
    station_id, at, direction, message_type, unique_id, action, wire_text = frame
    text = redact(message_type, action, wire_text)
    truncated = len(text) > limit
    if truncated:
        text = text[:limit]
    return LoggedFrame(
        station_id,
        at,
        direction,
        message_type,
        None if unique_id is None else storable(unique_id),
        None if action is None else storable(action),
        storable(text),
        len(wire_text),
        truncated,
    )


@dataclass(frozen=True, slots=True)
class MessageQuery:
    """A station's logged frames, newest first, with optional filters.

    `after` (inclusive) and `before` (exclusive) bound the time the frame crossed the wire.
    """

    station_id: str
    action: str | None = None
    direction: Direction | None = None
    message_type: FrameType | None = None
    unique_id: str | None = None
    after: datetime | None = None
    before: datetime | None = None
    page: PageRequest[int] = field(default_factory=PageRequest)
