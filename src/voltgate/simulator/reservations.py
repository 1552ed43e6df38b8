"""Reservations a simulated station holds, whatever its OCPP version (1.6 §5.13, 2.0.1 H01-H04).

A reservation holds one connector (1.6 connectorId, 2.0.1 evseId) or any connector (1.6
connectorId 0, 2.0.1 without evseId) for an idTag, or for any tag of its group (1.6
parentIdTag, 2.0.1 groupIdToken), until its expiry. The rules, shared by both versions:

* ReserveNow is Accepted when a targeted connector is free (operative, no transaction, not
  held for another reservation); otherwise the answer says why: Unavailable, Faulted, or
  Occupied (H01.FR.11/12/14). A reservation with a known id replaces it (H01.FR.02).
* A reservation for any connector keeps one connector free for its tag for as long as it
  lasts (H01.FR.07): it is only accepted while more connectors are free than such
  reservations exist, and when they are as many, every free connector shows Reserved
  (H01.FR.20). A connector held for one tag shows Reserved (1.6 §5.13, H01.FR.23).
* A transaction for the tag (or its group) on a held connector uses the reservation; the
  station names it in StartTransaction / TransactionEvent (H01.FR.15). Nobody else may start
  there meanwhile.
* It ends when cancelled (H02), when it expires (H04.FR.01), or when its connector becomes
  Unavailable or Faulted (H01.FR.16/17).

`Reservations` keeps them and decides; the station turns what changes into
StatusNotifications and, in 2.0.1, ReservationStatusUpdates. No I/O here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # state.py holds a Reservations; the import would be circular at run time
    from voltgate.simulator.state import ConnectorState


@dataclass(frozen=True, slots=True)
class Reservation:
    """One reservation; `connector_id` None holds any connector."""

    id: int
    connector_id: int | None
    id_tag: str
    expires_at: datetime
    group_tag: str | None = None

    def for_tag(self, id_tag: str, group: str | None) -> bool:
        """Whether a driver with `id_tag` (in `group`) may use it; tags compare without case
        (1.6 IdToken is a CiString)."""
        if self.id_tag.casefold() == id_tag.casefold():
            return True
        return (
            self.group_tag is not None
            and group is not None
            and (self.group_tag.casefold() == group.casefold())
        )


class Reservations:
    """The reservations of one station over its `connectors`; see the module docstring.

    `changed` is set whenever a reservation is added or removed, so that the station's
    expiry timer can look at the next expiry again.
    """

    def __init__(self, connectors: Sequence[ConnectorState]) -> None:
        self._connectors = connectors
        self._held: dict[int, Reservation] = {}
        self.changed = asyncio.Event()

    def all(self) -> list[Reservation]:
        """Every reservation held, oldest first."""
        return list(self._held.values())

    def reserve(self, reservation: Reservation) -> str:
        """Take a reservation, or say why not: the ReserveNow status, spelt alike in 1.6
        (ReservationStatus) and 2.0.1 (ReserveNowStatusEnumType)."""
        replaced = self._held.pop(reservation.id, None)  # H01.FR.02
        if reservation.connector_id is None:
            targets = list(self._connectors)
        else:
            targets = [c for c in self._connectors if c.connector_id == reservation.connector_id]
            if not targets:
                return self._refuse(replaced, "Rejected")
        free = [c for c in targets if self._is_free(c)]
        if not free:
            return self._refuse(replaced, _why_not(targets))
        if reservation.connector_id is None and len(self._free()) <= len(self._for_any()):
            return self._refuse(replaced, "Occupied")  # H01.FR.07: one must stay free
        self._held[reservation.id] = reservation
        self.changed.set()
        return "Accepted"

    def cancel(self, reservation_id: int) -> Reservation | None:
        """Drop a reservation (H02.FR.02); None when the station holds none with that id."""
        reservation = self._held.pop(reservation_id, None)
        if reservation is not None:
            self.changed.set()
        return reservation

    def claim(self, connector_id: int, id_tag: str, group: str | None) -> Reservation | None:
        """The reservation a transaction for `id_tag` on `connector_id` uses (H01.FR.15), now
        used up; None when it uses none. A reservation of that connector comes first."""
        usable = [
            r
            for r in self._held.values()
            if r.connector_id in (connector_id, None) and r.for_tag(id_tag, group)
        ]
        if not usable:
            return None
        usable.sort(key=lambda r: r.connector_id is None)
        return self.cancel(usable[0].id)

    def allows(self, connector_id: int, id_tag: str | None, group: str | None) -> bool:
        """Whether a transaction for `id_tag` (None: anyone) may start on the connector: it
        is not held for someone else, and starting there leaves a free connector for each
        reservation of any connector that the tag does not hold."""

        def mine(r: Reservation) -> bool:
            return id_tag is not None and r.for_tag(id_tag, group)

        for r in self._held.values():
            if r.connector_id == connector_id:
                return mine(r)
        others = [r for r in self._for_any() if not mine(r)]
        left = [c for c in self._free() if c.connector_id != connector_id]
        return len(left) >= len(others)

    def held_connectors(self) -> set[int]:
        """The free connectors that show Reserved: those held for a tag, and every free one
        once reservations of any connector take them all (H01.FR.20, H01.FR.23)."""
        held = {
            r.connector_id
            for r in self._held.values()
            if r.connector_id is not None and self._free_of_transactions(r.connector_id)
        }
        unheld = [c for c in self._free() if c.connector_id not in held]
        if self._for_any() and len(unheld) <= len(self._for_any()):
            held |= {c.connector_id for c in unheld}
        return held

    def due(self, now: datetime) -> list[Reservation]:
        """Remove and return the reservations whose expiry has come (H04.FR.01)."""
        lapsed = [r for r in self._held.values() if r.expires_at <= now]
        for reservation in lapsed:
            self.cancel(reservation.id)
        return lapsed

    def on_connector(self, connector_id: int) -> list[Reservation]:
        """Remove and return the reservations of a connector that became Unavailable or
        Faulted (H01.FR.16/17)."""
        gone = [r for r in self._held.values() if r.connector_id == connector_id]
        for reservation in gone:
            self.cancel(reservation.id)
        return gone

    def next_expiry(self) -> datetime | None:
        """When the next reservation expires; None without reservations."""
        return min((r.expires_at for r in self._held.values()), default=None)

    def _refuse(self, replaced: Reservation | None, status: str) -> str:
        if replaced is not None:  # a refused replacement leaves the old one as it was
            self._held[replaced.id] = replaced
        return status

    def _for_any(self) -> list[Reservation]:
        return [r for r in self._held.values() if r.connector_id is None]

    def _free(self) -> list[ConnectorState]:
        """Connectors nobody uses or holds for a tag."""
        return [c for c in self._connectors if self._is_free(c)]

    def _is_free(self, connector: ConnectorState) -> bool:
        return self._free_of_transactions(connector.connector_id) and not any(
            r.connector_id == connector.connector_id for r in self._held.values()
        )

    def _free_of_transactions(self, connector_id: int) -> bool:
        connector = next(c for c in self._connectors if c.connector_id == connector_id)
        return connector.operative and not connector.busy and connector.status != "Faulted"


def _why_not(targets: Sequence[ConnectorState]) -> str:
    """The status of a refused ReserveNow: Unavailable or Faulted when every target is,
    Occupied otherwise (charging, or reserved; H01.FR.11/12/14)."""
    if all(not c.operative for c in targets):
        return "Unavailable"
    if all(c.status == "Faulted" for c in targets):
        return "Faulted"
    return "Occupied"
