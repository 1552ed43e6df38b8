"""The conventions of the native REST API, each defined once (DTOs are in `schemas`):

* JSON field names are camelCase (`ApiModel`'s alias generator); Python names stay snake.
* Single objects and lists are wrapped: ``{"data": ...}`` (`Data`); lists are pages,
  ``{"data": {"items": [...], "hasMore": ...}}`` (`Page`).
* Our enums are UPPER_SNAKE_CASE: an API enum has the member names of its domain enum
  (`to_api`, `to_domain`). Values that a station reported in OCPP's own vocabulary (error
  codes, stop reasons, measurands, ...) are given as the station spelled them.
* Timestamps are ISO 8601 in UTC with a ``Z`` (`UtcDateTime`); a timestamp sent without
  an offset is taken as UTC.
* Inputs refuse unknown fields, control characters and lone surrogates (`Name` and the
  other text types): storage must never be the one to refuse what the API accepted.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer
from pydantic.alias_generators import to_camel

T = TypeVar("T")
E = TypeVar("E", bound=enum.Enum)
A = TypeVar("A", bound=enum.StrEnum)

# Printable text: no C0/C1 control characters and no DEL (PostgreSQL cannot store NUL),
# written as a JSON Schema pattern so that clients see the rule. Lone surrogates, which no
# database can store as UTF-8, never reach it: pydantic refuses them as invalid strings.
PRINTABLE = r"^[^\x00-\x1f\x7f-\x9f]*$"


def _printable(value: str) -> str:
    # Beyond the pattern: other non-printable code points (format, private use, ...).
    if not value.isprintable():
        raise ValueError("must contain printable characters only")
    return value


def _text(max_length: int, min_length: int = 1) -> Any:
    return Field(min_length=min_length, max_length=max_length, pattern=PRINTABLE)


def text_field(max_length: int, min_length: int = 1) -> Any:
    """The length and pattern of a text type: ``Annotated[str, text_field(n), Printable]``."""
    return _text(max_length, min_length)


Printable = AfterValidator(_printable)
"""Refuses characters the PRINTABLE pattern lets through but that are not printable."""

Name = Annotated[str, _text(200), AfterValidator(_printable)]
"""A name for people to read (users, API keys)."""

# OCPP 2.0.1 IdTokenType.idToken is at most 36 characters (1.6 idTag: 20); no "/", which
# could not be addressed in a URL path (/api/v1/id-tokens/{idTag}).
ID_TAG_PATTERN = r"^[^/\x00-\x1f\x7f-\x9f]{1,36}$"
IdTag = Annotated[str, Field(pattern=ID_TAG_PATTERN), AfterValidator(_printable)]
"""An id token (RFID card number, eMAID, ...), compared in any letter case."""

Message = Annotated[str, _text(512, min_length=0), AfterValidator(_printable)]
"""Text shown to a driver (2.0.1 MessageContentType.content: at most 512 characters)."""

Password = Annotated[str, _text(128), AfterValidator(_printable)]
"""A password as typed (hashed with scrypt before it is stored)."""

NewPassword = Annotated[str, _text(128, min_length=8), AfterValidator(_printable)]
"""A new user password: at least 8 characters."""

SearchText = Annotated[str, _text(100), AfterValidator(_printable)]
"""A filter value (a protocol name, an event kind)."""

# OCPP 2.0.1 part 4 §3.1.1: a station identity is at most 48 characters; the gateway also
# refuses these characters in the URL (gateway/server.py), so such a station could never
# connect. tests/api/test_conventions.py keeps the two rules in step.
STATION_ID_PATTERN = r"^[^/\\?#%\"'<> \x00-\x1f\x7f-\x9f]{1,48}$"
StationId = Annotated[str, Field(pattern=STATION_ID_PATTERN), AfterValidator(_printable)]
"""A charging station's identity, as it appears in its OCPP URL."""

EMAIL_PATTERN = r"^[^@\s\x00-\x1f\x7f-\x9f]+@[^@\s\x00-\x1f\x7f-\x9f]+$"
Email = Annotated[
    str, Field(min_length=3, max_length=254, pattern=EMAIL_PATTERN), AfterValidator(_printable)
]
"""An email address (only its shape is checked: one @, no spaces)."""


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _utc_text(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


UtcDateTime = Annotated[
    datetime,
    AfterValidator(_as_utc),
    PlainSerializer(_utc_text, return_type=str, when_used="json"),
]
"""An ISO 8601 timestamp: read with any offset (none: UTC), written in UTC with a Z."""


def to_api(api_enum: type[A], member: enum.Enum) -> A:
    """The API spelling of a domain enum member (its NAME)."""
    return api_enum(member.name)


def to_domain(domain_enum: type[E], member: enum.Enum) -> E:
    """The domain member an API enum member stands for."""
    return domain_enum[member.name]


class ApiModel(BaseModel):
    """Base of every DTO: camelCase on the wire, snake_case in Python, unknown fields refused."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
    )


class Data(ApiModel, Generic[T]):
    """The envelope of every successful answer."""

    data: T


class Page(ApiModel, Generic[T]):
    """One page of a list. Ask for the next one with ``startingAfter`` = the last item's id."""

    items: list[T]
    has_more: bool


class ErrorDetail(ApiModel):
    """What went wrong: `code` for programs, `message` for people."""

    code: str = Field(examples=["NOT_FOUND"])
    message: str
    details: Any = None


class ErrorBody(ApiModel):
    """The body of every 4xx and 5xx answer."""

    error: ErrorDetail


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error statuses a route may answer."""
    return {status: {"model": ErrorBody, "description": _REASONS[status]} for status in statuses}


_REASONS = {
    401: "No valid API key or login token (`WWW-Authenticate: Bearer`).",
    403: "The caller's role is below the route's.",
    404: "No such record.",
    409: "Conflicts with the current state (exists, in use, station offline).",
    413: "The body is larger than the route accepts.",
    415: "The body's Content-Type is not one the route reads.",
    422: "The request is not valid; `details` says where.",
    429: "Too many failed attempts from this address; see `Retry-After`.",
    502: "The station answered with an error.",
    504: "The station did not answer in time.",
}
