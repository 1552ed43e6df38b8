"""Local authorization list commands (1.6 Local Auth List Management §5.10/5.15; 2.0.1 D01,
D02): send the list a station uses to authorize offline, read its version.

An entry is an id tag with what the station should answer for it (a `TokenDecision`: status,
expiry, group, personal message), or with no decision, which in a differential update
removes the tag from the station's list (D01.FR.17). Entries are given explicitly, taken from
Voltgate's id tokens by tag, or all of them; `combine` merges the three into the list sent.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from voltgate.domain.authorization import TokenDecision, TokenType, token_key
from voltgate.domain.errors import InvalidCommand

MAX_ENTRIES = 10_000
"""Most entries one SendLocalList may carry here; a station's own limit (1.6
SendLocalListMaxLength, 2.0.1 ItemsPerMessageSendLocalList) is usually lower, and it refuses
a longer list."""


class UpdateType(enum.StrEnum):
    """FULL replaces the station's list; DIFFERENTIAL adds, changes and removes entries."""

    FULL = "FULL"
    DIFFERENTIAL = "DIFFERENTIAL"


@dataclass(frozen=True, slots=True)
class ListEntry:
    """One id tag of the list: `decision` None removes it (differential only); `type` is
    the 2.0.1 IdTokenEnumType (None: the provisioned token's, else Central)."""

    id_tag: str
    decision: TokenDecision | None = None
    type: TokenType | None = None


@dataclass(frozen=True, slots=True)
class SendLocalList:
    """Send a list of `version` (> 0, D01.FR.18): `entries` as given, plus Voltgate's id
    tokens named in `id_tags`, or every id token (`all_tokens`), each with its status,
    expiry, group and personal message as Voltgate would answer for it now."""

    NAME: ClassVar[str] = "send-local-list"
    version: int
    update: UpdateType
    entries: tuple[ListEntry, ...] = ()
    id_tags: tuple[str, ...] = ()
    all_tokens: bool = False


@dataclass(frozen=True, slots=True)
class GetLocalListVersion:
    """Read the version of the station's list (1.6 §5.10, D02): in the response."""

    NAME: ClassVar[str] = "get-local-list-version"


def combine(update: UpdateType, *parts: Iterable[ListEntry]) -> tuple[ListEntry, ...]:
    """The entries to send, in order.

    Raises:
        InvalidCommand: an id tag appears twice (any letter case; D01.FR.06), a full list
            has an entry without a status, or the list is longer than `MAX_ENTRIES`.
    """
    entries: list[ListEntry] = []
    seen: set[str] = set()
    for entry in (entry for part in parts for entry in part):
        key = token_key(entry.id_tag)
        if key in seen:
            raise InvalidCommand(f"{entry.id_tag!r} is in the list twice (D01.FR.06)")
        if entry.decision is None and update is UpdateType.FULL:
            raise InvalidCommand(
                f"{entry.id_tag!r} has no status: only a differential update removes entries"
            )
        seen.add(key)
        entries.append(entry)
    if len(entries) > MAX_ENTRIES:
        raise InvalidCommand(f"a local list has at most {MAX_ENTRIES} entries")
    return tuple(entries)
