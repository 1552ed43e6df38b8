"""The Local Authorization List of a simulated station (1.6 §3.5.1, §5.15, §5.10; 2.0.1 D01,
D02), whatever its version.

The CSMS sends the list whole (Full) or as changes (Differential), each time with the
version the list has afterwards. The rules both versions share:

* Full replaces the list; without entries it empties it (D01.FR.04, D01.FR.15).
* Differential adds or updates the entries that carry authorization data and removes those
  that do not (D01.FR.16/17); one without entries changes nothing (D01.FR.05); one whose
  version is not newer than the list's is refused with VersionMismatch (D01.FR.19, 1.6
  §5.15).
* A version must be above 0 (D01.FR.18), a tag appears once (D01.FR.06), a Full list only
  holds entries with authorization data, and the list has a maximum length
  (LocalAuthListMaxLength, LocalAuthListCtrlr.Entries): anything else Failed, list unchanged.
* The version reported is 0 while the list is empty (1.6 §5.10, D02.FR.02).

Entries keep the authorization data as the CSMS sent it, in the version's spelling, and the
group (parent) tag that reservations of a group look at. No I/O here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

Payload = dict[str, Any]
MAX_ENTRIES = 1000


@dataclass(frozen=True, slots=True)
class Entry:
    """One tag of a SendLocalList: `info` is its authorization data as sent (1.6 idTagInfo,
    2.0.1 idTokenInfo), None to remove it (Differential only); `group` its parent/group tag."""

    id_tag: str
    info: Payload | None
    group: str | None = None


class LocalList:
    """The list and its version; see the module docstring."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._version = 0
        self._entries: dict[str, Entry] = {}

    @property
    def version(self) -> int:
        """The version GetLocalListVersion reports: 0 while the list is empty."""
        return self._version if self._entries else 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, id_tag: str) -> Entry | None:
        """The entry of a tag (compared without case), or None."""
        return self._entries.get(id_tag.casefold())

    def group_of(self, id_tag: str) -> str | None:
        """The group (parent) tag the list gives a tag, or None."""
        entry = self.get(id_tag)
        return None if entry is None else entry.group

    def update(self, *, full: bool, version: int, entries: Sequence[Entry]) -> str:
        """Apply a SendLocalList; the status, spelt alike in 1.6 and 2.0.1."""
        keys = [entry.id_tag.casefold() for entry in entries]
        if version <= 0 or len(set(keys)) != len(keys):
            return "Failed"  # D01.FR.18, D01.FR.06
        if full:
            if any(entry.info is None for entry in entries) or len(entries) > self.max_entries:
                return "Failed"
            self._entries = dict(zip(keys, entries, strict=True))
            self._version = version
            return "Accepted"
        if version <= self.version:
            return "VersionMismatch"  # D01.FR.19: not newer than the version reported
        if not entries:
            return "Accepted"  # D01.FR.05: no effect
        updated = dict(self._entries)
        for key, entry in zip(keys, entries, strict=True):
            if entry.info is None:
                updated.pop(key, None)
            else:
                updated[key] = entry
        if len(updated) > self.max_entries:
            return "Failed"
        self._entries = updated
        self._version = version
        return "Accepted"
