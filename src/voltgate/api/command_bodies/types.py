"""Field types the command bodies share: ids, counts, seconds, limits, URLs and OCPP's
identifier strings, each with the bounds the OCPP schemas set (the station's own schema
still has the last word, and a value it refuses is a 422 naming the action)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field

from voltgate.api.command_schemas import MAX_ID
from voltgate.api.conventions import PRINTABLE

EvseOrStation = Annotated[int, Field(ge=0, le=MAX_ID)]
"""An EVSE id, or 0 for the station as a whole (1.6 connectorId 0)."""

Count = Annotated[int, Field(ge=0, le=MAX_ID)]
"""A non-negative OCPP integer (retries, stack level, seconds ...)."""

Seconds = Annotated[int, Field(ge=1, le=MAX_ID)]
"""A positive duration in seconds."""

Severity = Annotated[int, Field(ge=0, le=9)]
"""2.0.1 monitoring severity: 0 danger ... 9 debug."""

Rate = Annotated[Decimal, Field(ge=0, le=10**7, max_digits=12, decimal_places=3)]
"""A current (A) or power (W) limit; 1.6 stations take one decimal."""

Url = Annotated[str, Field(min_length=1, max_length=512, pattern=PRINTABLE)]
"""A location to download from or upload to (OCPP: at most 512 characters)."""

Identifier = Annotated[str, Field(pattern=r"^[A-Za-z0-9*\-_=:+|@.]{1,50}$")]
"""An OCPP 2.0.1 identifierString (part 2 §2.1.4): a component or variable name."""


def text(max_length: int) -> object:
    """Printable text of 1 to `max_length` characters (for `Annotated`)."""
    return Field(min_length=1, max_length=max_length, pattern=PRINTABLE)
