"""Payload validation against the official OCA JSON schemas, with compiled validators.

Every CALL and CALLRESULT payload crosses this module, so it is on the hot path. The schemas
are compiled by `jsonschema_rs` (a JSON Schema validator written in Rust, with Python
bindings): a 1.6 MeterValues with six sampled values validates in ~3 µs and a 2.0.1
TransactionEvent in ~5 µs, against ~17 µs and ~41 µs with the Python code that fastjsonschema
generates, and ~190 µs with the `jsonschema` package (docs/adr/0003-hot-path.md). Validators
compile lazily, per action and direction, on first use; `VersionValidators.warm()` compiles
them all up front.

A schema violation becomes a `PayloadError` whose kind follows the OCPP-J error table (OCPP-J
1.6 §4.2.3, OCPP 2.0.1 part 4 §4.3), by the JSON Schema keyword that failed:

    required                                  OCCURRENCE_CONSTRAINT_VIOLATION
    minItems, maxItems (cardinality 1..*)     OCCURRENCE_CONSTRAINT_VIOLATION
    type                                      TYPE_CONSTRAINT_VIOLATION
    enum, maxLength, minLength, minimum,      PROPERTY_CONSTRAINT_VIOLATION
      maximum, multipleOf, pattern, format
    additionalProperties and anything else    FORMAT_VIOLATION

Timestamps: the schemas say `"format": "date-time"` (RFC 3339, which requires an offset), but
many stations in the field send "2024-05-01T10:00:00" without one. We accept exactly what
`voltgate.ocpp.wire.decode` can turn into a datetime (msgspec's RFC 3339 parser: offset
optional and then read as UTC, any number of fraction digits, "+0200" as well as "+02:00");
using the same parser for both means a payload that validates always decodes. Leap seconds
(":60") are rejected because Python's datetime cannot hold them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

import jsonschema_rs
import msgspec

from voltgate.ocpp.errors import ActionNotImplemented, ErrorKind, OcppVersion, PayloadError
from voltgate.ocpp.schemas import Direction, action_names, load_schema

Validate = Callable[[Any], None]

MAX_DESCRIPTION = 254  # OCPP 2.0.1 part 4 §4.2.3: ErrorDescription is string[255]
_MAX_VALUE_REPR = 40

_KIND_BY_RULE: Mapping[str, ErrorKind] = {
    "required": ErrorKind.OCCURRENCE_CONSTRAINT_VIOLATION,
    "minItems": ErrorKind.OCCURRENCE_CONSTRAINT_VIOLATION,
    "maxItems": ErrorKind.OCCURRENCE_CONSTRAINT_VIOLATION,
    "type": ErrorKind.TYPE_CONSTRAINT_VIOLATION,
    "enum": ErrorKind.PROPERTY_CONSTRAINT_VIOLATION,
    "maxLength": ErrorKind.PROPERTY_CONSTRAINT_VIOLATION,
    "minLength": ErrorKind.PROPERTY_CONSTRAINT_VIOLATION,
    "minimum": ErrorKind.PROPERTY_CONSTRAINT_VIOLATION,
    "maximum": ErrorKind.PROPERTY_CONSTRAINT_VIOLATION,
    "exclusiveMinimum": ErrorKind.PROPERTY_CONSTRAINT_VIOLATION,
    "exclusiveMaximum": ErrorKind.PROPERTY_CONSTRAINT_VIOLATION,
    "multipleOf": ErrorKind.PROPERTY_CONSTRAINT_VIOLATION,
    "pattern": ErrorKind.PROPERTY_CONSTRAINT_VIOLATION,
    "format": ErrorKind.PROPERTY_CONSTRAINT_VIOLATION,
}

_JSON_TYPES: Mapping[type, str] = {
    dict: "object",
    list: "array",
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    type(None): "null",
}

_to_datetime = msgspec.convert
_Kind = jsonschema_rs.ValidationErrorKind


def is_date_time(value: str) -> bool:
    """True if `value` is a timestamp we accept: RFC 3339, the UTC offset optional."""
    try:
        _to_datetime(value, datetime)
    except msgspec.ValidationError:
        return False
    return True


class VersionValidators:
    """The request and response validators of every action of one protocol version."""

    def __init__(self, version: OcppVersion) -> None:
        self.version = version
        self.actions: frozenset[str] = action_names(version)
        self._compiled: dict[Direction, dict[str, Validate]] = {d: {} for d in Direction}
        self._requests = self._compiled[Direction.REQUEST]
        self._responses = self._compiled[Direction.RESPONSE]

    def check_request(self, action: str, payload: Mapping[str, Any]) -> None:
        """Check a CALL payload for `action`.

        Raises:
            ActionNotImplemented: `action` is not an action of this version.
            PayloadError: the payload breaks the schema; `kind` tells how.
        """
        validate = self._requests.get(action) or self._compile(action, Direction.REQUEST)
        try:
            validate(payload)
        except jsonschema_rs.ValidationError as exc:
            raise payload_error(exc) from None

    def check_response(self, action: str, payload: Mapping[str, Any]) -> None:
        """Check a CALLRESULT payload answering a CALL of `action`.

        Raises:
            ActionNotImplemented: `action` is not an action of this version.
            PayloadError: the payload breaks the schema; `kind` tells how.
        """
        validate = self._responses.get(action) or self._compile(action, Direction.RESPONSE)
        try:
            validate(payload)
        except jsonschema_rs.ValidationError as exc:
            raise payload_error(exc) from None

    def warm(self) -> None:
        """Compile every validator now, so that no message pays for a first compilation."""
        for action in self.actions:
            for direction in Direction:
                if action not in self._compiled[direction]:
                    self._compile(action, direction)

    def _compile(self, action: str, direction: Direction) -> Validate:
        if action not in self.actions:
            raise ActionNotImplemented(f"{action!r} is not an action of {self.version.value}")
        validate: Validate = compile_schema(load_schema(self.version, action, direction))
        self._compiled[direction][action] = validate
        return validate


class Validators:
    """Process-wide access to the compiled validators, one `VersionValidators` per version.

    This is the one shared cache in the core, on purpose: compiled validators are pure functions
    of immutable package data (like `re`'s pattern cache), and compiling them again for every
    station connection would cost milliseconds per action.
    """

    _by_version: ClassVar[dict[OcppVersion, VersionValidators]] = {}

    @classmethod
    def for_version(cls, version: OcppVersion) -> VersionValidators:
        """The validators of `version`, created on first request and shared afterwards."""
        validators = cls._by_version.get(version)
        if validators is None:
            validators = cls._by_version[version] = VersionValidators(version)
        return validators


def compile_schema(schema: dict[str, Any]) -> Validate:
    """A validator for `schema` that raises `jsonschema_rs.ValidationError` (the first
    violation found), with our reading of "date-time" (`is_date_time`)."""
    validator = jsonschema_rs.validator_for(
        schema, validate_formats=True, formats={"date-time": is_date_time}
    )
    return validator.validate


def payload_error(exc: jsonschema_rs.ValidationError) -> PayloadError:
    """Translate a schema violation into a PayloadError naming the offending field."""
    failed = exc.kind
    rule: str = failed.name
    kind = _KIND_BY_RULE.get(rule, ErrorKind.FORMAT_VIOLATION)
    path = _field_path(exc.instance_path)
    value: Any = exc.instance
    expected: Any = failed.value
    if isinstance(failed, _Kind.Required):
        path = _join(path, failed.property)
        problem = "required field is missing"
    elif isinstance(failed, _Kind.AdditionalProperties):
        path = _join(path, sorted(failed.unexpected)[0])
        problem = "field is not allowed here"
    elif rule == "type":
        problem = f"expected {_expected_type(expected)}, got {_JSON_TYPES.get(type(value), '?')}"
    elif rule == "enum":
        problem = f"{_show(value)} is not one of {_show(expected, limit=120)}"
    elif rule in ("maxLength", "minLength"):
        bound = "at most" if rule == "maxLength" else "at least"
        problem = f"{len(value)} characters, must be {bound} {expected}"
    elif rule in ("minItems", "maxItems"):
        bound = "at most" if rule == "maxItems" else "at least"
        problem = f"{len(value)} items, must have {bound} {expected}"
    elif rule == "format":
        problem = f"{_show(value)} is not a valid {expected}"
    else:
        problem = f"{_show(value)} violates {rule} {_show(expected)}"
    description = f"{path or 'payload'}: {problem}"
    return PayloadError(_clip(description, MAX_DESCRIPTION), kind=kind, field=path)


def _field_path(instance_path: Sequence[str | int]) -> str:
    """["meterValue", 0, "value"] -> "meterValue[0].value"."""
    path = ""
    for part in instance_path:
        path = f"{path}[{part}]" if isinstance(part, int) else _join(path, part)
    return path


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _expected_type(expected: str | list[str]) -> str:
    return expected if isinstance(expected, str) else " or ".join(expected)


def _show(value: object, *, limit: int = _MAX_VALUE_REPR) -> str:
    return _clip(repr(value), limit)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
