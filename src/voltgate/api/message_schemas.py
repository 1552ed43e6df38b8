"""The message log's public shape: one logged OCPP frame (`domain.message_log`)."""

from __future__ import annotations

import json
from typing import Any

from pydantic import Field

from voltgate.api.conventions import ApiModel, UtcDateTime, to_api
from voltgate.api.enums import Direction, MessageType
from voltgate.domain.message_log import FrameType, LogEntry


class MessageOut(ApiModel):
    """One OCPP-J frame a station sent or was sent, as it crossed the wire."""

    id: int = Field(description="Grows in the order frames crossed the wire.")
    station_id: str
    at: UtcDateTime = Field(description="When the frame was received or sent.")
    direction: Direction
    message_type: MessageType
    unique_id: str | None = Field(
        description="The frame's MessageId (null for a MALFORMED frame whose id was not readable)."
    )
    action: str | None = Field(
        description="A CALL's action; for a CALL_RESULT or CALL_ERROR, the action of the CALL "
        "it answers (null when it answers no CALL known on the connection)."
    )
    payload: dict[str, Any] | None = Field(
        description="The payload of a CALL or CALL_RESULT, the errorDetails of a CALL_ERROR; "
        "null for a MALFORMED or truncated frame (see `frame`)."
    )
    error_code: str | None = Field(description="A CALL_ERROR's errorCode.")
    error_description: str | None = Field(description="A CALL_ERROR's errorDescription.")
    frame: str = Field(
        description="The frame text as it crossed the wire, with secret values replaced by "
        '"<redacted>" and cut to the message_log_max_payload setting.'
    )
    size: int = Field(description="Length of the frame on the wire, in characters.")
    truncated: bool = Field(description="True when `frame` was cut to the stored maximum.")

    @classmethod
    def of(cls, entry: LogEntry) -> MessageOut:
        logged = entry.logged
        parts = _parts(logged.message_type, logged.frame_text, logged.truncated)
        return cls(
            id=entry.id,
            station_id=logged.station_id,
            at=logged.at,
            direction=to_api(Direction, logged.direction),
            message_type=to_api(MessageType, logged.message_type),
            unique_id=logged.unique_id,
            action=logged.action,
            payload=parts[0],
            error_code=parts[1],
            error_description=parts[2],
            frame=logged.frame_text,
            size=logged.size,
            truncated=logged.truncated,
        )


def _parts(
    kind: FrameType, text: str, truncated: bool
) -> tuple[dict[str, Any] | None, str | None, str | None]:
    """(payload or errorDetails, errorCode, errorDescription) read from a stored frame."""
    if truncated or kind is FrameType.MALFORMED:
        return None, None, None
    try:
        frame = json.loads(text)
    except ValueError:  # a frame withheld by redaction
        return None, None, None
    if not isinstance(frame, list):
        return None, None, None
    cells = [*frame, None, None, None, None, None]
    if kind is FrameType.CALL_ERROR:
        code, description, details = cells[2:5]
        return (
            details if isinstance(details, dict) else None,
            code if isinstance(code, str) else None,
            description if isinstance(description, str) else None,
        )
    payload = cells[3 if kind is FrameType.CALL else 2]
    return (payload if isinstance(payload, dict) else None), None, None
