"""Column types that make both backends return the same Python values."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.types import DateTime, Text, TypeDecorator, TypeEngine

from voltgate.domain.transactions import NO_FLAGS, SuspectFlag


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every backend.

    PostgreSQL stores ``timestamptz``. SQLite has no time zone type: the value is stored as
    naive UTC text (which also sorts correctly) and comes back aware UTC. Naive datetimes
    are refused, so a local-time bug cannot be stored silently.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: storage needs aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)
        # Not process_bind_param + SQLite's DATETIME formatter: the same text, cheaper.
        return sqlite_text

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def sqlite_text(value: datetime | None) -> str | None:
    """An aware datetime as SQLAlchemy's SQLite storage text ("%Y-%m-%d %H:%M:%S.%f", UTC).

    Formatting costs ~1 µs (`isoformat`, the cheapest way), and the MeterValues path binds
    the same instants again and again: a reading's time for its row, then as its
    transaction's and its EVSE's last register, the transaction's first register with
    every message. So recent texts are remembered (a dict hit costs ~50 ns); equal instants
    in other time zones are equal keys and have the same UTC text.
    """
    if value is None:
        return None
    text = _recent_texts.get(value)
    if text is not None:
        return text
    utc = value
    if utc.tzinfo is not UTC:
        if utc.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: storage needs aware UTC")
        utc = utc.astimezone(UTC)
    text = utc.isoformat(" ", "microseconds")[:26]
    if len(_recent_texts) >= _RECENT_TEXTS:
        _recent_texts.clear()
    _recent_texts[value] = text
    return text


_RECENT_TEXTS = 4096
_recent_texts: dict[datetime, str] = {}


class PackedJson(TypeDecorator[str]):
    """JSON that storage encodes and decodes itself: JSON on PostgreSQL, TEXT on SQLite.

    Not JSONB, whose parse of every value on insert cost PostgreSQL more than the column is
    worth (migration 0015 says how much).

    Values are JSON text both ways (`storage.samples` encodes them with msgspec), so the
    dialect's own JSON serialisation is switched off.
    """

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.JSON())
        return dialect.type_descriptor(Text())

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        return None

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], Any] | None:
        return None


class DecimalText(TypeDecorator[Decimal]):
    """An exact Decimal on every backend, stored as its text.

    SQLite has no decimal type (SQLAlchemy's Numeric goes through float there, and warns),
    and amounts such as battery sizes and power limits must come back exactly as given.
    Nothing is compared or summed in SQL, so text loses nothing.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


def encode_flags(flags: frozenset[SuspectFlag]) -> str:
    """Flags as sorted comma-separated names: readable in SQL, stable for comparisons."""
    return ",".join(sorted(flags))


def decode_flags(text: str | None) -> frozenset[SuspectFlag]:
    """The inverse of `encode_flags`."""
    if not text:
        return NO_FLAGS
    return frozenset(SuspectFlag(name) for name in text.split(","))
