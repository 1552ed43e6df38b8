"""Typed payloads at the edge: the base of the generated wire models, and dict <-> model.

The models in `voltgate.ocpp.v16` (and `v201`) are generated from the official schemas by
`scripts/gen_models.py`. Each field carries its exact wire name (`connector_id` is
`connectorId` on the wire), optional fields are `X | None = None` and are left out of the
payload when None, and timestamps are aware UTC datetimes.

The session validates every payload against its schema first; `decode` then only converts
(strings to datetimes, lists of objects to lists of models). A handler's answer travels back
through `encode` and is validated again by `OcppSession.send_result`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

import msgspec
import msgspec.inspect
from msgspec.structs import force_setattr

from voltgate.ocpp.errors import ErrorKind, PayloadError


class WireModel(msgspec.Struct, frozen=True, omit_defaults=True):
    """Base of every generated payload model: immutable, None-valued defaults omitted.

    (`kw_only=True` is not inherited by msgspec subclasses, so each generated class sets it.)
    """


M = TypeVar("M", bound=WireModel)


def decode(model_type: type[M], payload: Mapping[str, Any]) -> M:
    """Convert a payload that passed schema validation into `model_type`.

    Timestamps without a UTC offset are read as UTC; all timestamps come out aware UTC.
    Lax conversion (`strict=False`) only matters where JSON Schema and Python types disagree
    (draft-06 counts 3.0 as an integer): the schema has already ruled out the rest.

    Raises:
        PayloadError: (FORMAT_VIOLATION) the payload does not fit the model, which means it
            skipped validation or the model and the schema disagree.
    """
    try:
        return msgspec.convert(payload, model_type, strict=False)
    except msgspec.ValidationError as exc:
        raise PayloadError(str(exc), kind=ErrorKind.FORMAT_VIOLATION) from None


def encode(model: WireModel) -> dict[str, Any]:
    """The wire payload of `model`: wire names, unset optional fields left out,
    timestamps formatted by `format_timestamp`."""
    if not _has_times(type(model)):  # most answers (MeterValues, StatusNotification ...)
        payload: dict[str, Any] = msgspec.to_builtins(model)
        return payload
    payload = _format_times(msgspec.to_builtins(model, builtin_types=(datetime,)))
    return payload


@functools.cache
def _has_times(model_type: type[WireModel]) -> bool:
    """Whether a datetime can occur anywhere in `model_type` (a pure function of the type,
    cached like `re` caches patterns), so that `encode` walks only payloads that need it."""
    return _contains_datetime(msgspec.inspect.type_info(model_type))


def _contains_datetime(info: msgspec.inspect.Type, seen: set[int] | None = None) -> bool:
    seen = set() if seen is None else seen
    if id(info) in seen:
        return False
    seen.add(id(info))
    if isinstance(info, msgspec.inspect.DateTimeType):
        return True
    if isinstance(info, msgspec.inspect.StructType):
        return any(_contains_datetime(field.type, seen) for field in info.fields)
    if isinstance(info, msgspec.inspect.UnionType):
        return any(_contains_datetime(t, seen) for t in info.types)
    if isinstance(info, msgspec.inspect.ListType | msgspec.inspect.TupleType):
        item = getattr(info, "item_type", None)
        if item is not None:
            return _contains_datetime(item, seen)
        return any(_contains_datetime(t, seen) for t in getattr(info, "item_types", ()))
    if isinstance(info, msgspec.inspect.DictType):
        return _contains_datetime(info.value_type, seen)
    return isinstance(info, msgspec.inspect.AnyType)


def format_timestamp(value: datetime) -> str:
    """`value` as an RFC 3339 UTC timestamp with a "Z" and at most 3 fraction digits.

    OCPP 2.0.1 part 2 §2.1.4 (dateTime) allows no more than 3 decimal places; 1.6 sets no
    limit, and we write the same form for both. Finer precision is truncated. Naive values
    are taken to be UTC.
    """
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    timespec = "milliseconds" if value.microsecond >= 1000 else "seconds"
    return value.isoformat(timespec=timespec) + "Z"


def _format_times(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _format_times(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_format_times(item) for item in value]
    if isinstance(value, datetime):
        return format_timestamp(value)
    return value


def as_utc(model: WireModel, *names: str) -> None:
    """Normalise the datetime fields `names` of `model` to aware UTC, in place.

    Called from the `__post_init__` of generated models (for decoded and hand-built models
    alike). Naive datetimes are taken to be UTC: OCPP 1.6 §3.14 strongly recommends UTC for
    all time values, and stations that omit the offset mean UTC in practice.
    """
    for name in names:
        value: datetime | None = getattr(model, name)
        if value is not None and value.tzinfo is not UTC:
            utc = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
            force_setattr(model, name, utc)
