"""What operators ask for: filtered lists, one page at a time.

Pagination is by cursor, not by offset: a page ends with an item, and the next page starts
strictly after that item's id (`PageRequest.after`). Unlike an offset, a cursor does not
skip or repeat items when rows are added while someone pages through, and it costs one
index seek whatever the page number. Repositories return up to ``limit + 1`` rows so that
`page_of` can tell whether more follow without a count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

from voltgate.domain.authorization import TokenStatus
from voltgate.domain.events import StationEvent

T = TypeVar("T")
C = TypeVar("C", str, int)

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


@dataclass(frozen=True, slots=True)
class PageRequest(Generic[C]):
    """At most `limit` items, starting after the item whose id is `after` (None: first)."""

    limit: int = DEFAULT_LIMIT
    after: C | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_LIMIT:
            raise ValueError(f"limit must be between 1 and {MAX_LIMIT}")

    @property
    def fetch(self) -> int:
        """Rows to read: one more than the page, to know whether more follow."""
        return self.limit + 1


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of items and whether more follow."""

    items: tuple[T, ...]
    has_more: bool


def page_of(rows: Sequence[T], request: PageRequest[C]) -> Page[T]:
    """The page in `rows`, read with `request.fetch` as the limit."""
    return Page(tuple(rows[: request.limit]), len(rows) > request.limit)


@dataclass(frozen=True, slots=True)
class StationQuery:
    """Stations by id; optionally only (dis)connected ones, or one protocol (``ocpp2.0.1``)."""

    connected: bool | None = None
    protocol: str | None = None
    page: PageRequest[str] = field(default_factory=PageRequest)


@dataclass(frozen=True, slots=True)
class TokenQuery:
    """Id tokens by id tag (case-insensitive order); optionally one status."""

    status: TokenStatus | None = None
    page: PageRequest[str] = field(default_factory=PageRequest)


@dataclass(frozen=True, slots=True)
class TransactionQuery:
    """Transactions, newest (highest id) first, with optional filters.

    `open` True: not stopped yet; False: stopped. `started_after`/`started_before` bound the
    start time (inclusive / exclusive); transactions without a known start (unmatched) are
    left out when either is given.
    """

    station_id: str | None = None
    id_tag: str | None = None
    open: bool | None = None
    started_after: datetime | None = None
    started_before: datetime | None = None
    page: PageRequest[int] = field(default_factory=PageRequest)


@dataclass(frozen=True, slots=True)
class EventQuery:
    """A station's stored events, newest first; optionally one kind (the OCPP action)."""

    station_id: str
    kind: str | None = None
    page: PageRequest[int] = field(default_factory=PageRequest)


@dataclass(frozen=True, slots=True)
class EventEntry:
    """A stored station event with its storage id (the cursor of event lists)."""

    id: int
    event: StationEvent
