"""Reservation commands (1.6 Reservation profile §5.13/§5.1; 2.0.1 block H): reserve an
EVSE for an id token, cancel a reservation. The reservation they create and follow is a
record of its own (`voltgate.domain.reservations`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class Reserve:
    """Reserve `evse_id` (None: any EVSE; 1.6 connectorId 0, 2.0.1 no evseId, H01.FR.04)
    for `id_tag` until `expires_at`; `group_id_tag` (1.6 parentIdTag, 2.0.1 groupIdToken)
    lets the token's group use it too (H03.FR.04). `connector_type` (2.0.1 only, as OCPP
    spells it: ``cType2`` ...) reserves any EVSE with such a connector (H01.FR.06).

    Voltgate assigns the reservation id: the command's own id (unique, an OCPP integer).
    """

    NAME: ClassVar[str] = "reserve"
    id_tag: str
    expires_at: datetime
    evse_id: int | None = None
    connector_type: str | None = None
    group_id_tag: str | None = None


@dataclass(frozen=True, slots=True)
class CancelReservation:
    """Cancel a reservation Voltgate made (CancelReservation, H02)."""

    NAME: ClassVar[str] = "cancel-reservation"
    reservation_id: int
