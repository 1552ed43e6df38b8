"""Reservation bodies: `reserve`, `cancel-reservation`, and the reservation record."""

from __future__ import annotations

from typing import Literal

from voltgate.api.command_enums import ReservationState
from voltgate.api.command_schemas import Number
from voltgate.api.conventions import ApiModel, IdTag, UtcDateTime, to_api
from voltgate.domain import commands as c
from voltgate.domain.reservations import Reservation

ConnectorType = Literal[
    "cCCS1", "cCCS2", "cG105", "cTesla", "cType1", "cType2", "s309-1P-16A", "s309-1P-32A",
    "s309-3P-16A", "s309-3P-32A", "sBS1361", "sCEE-7-7", "sType2", "sType3", "Other1PhMax16A",
    "Other1PhOver16A", "Other3Ph", "Pan", "wInductive", "wResonant", "Undetermined", "Unknown",
]  # fmt: skip
"""2.0.1 ConnectorEnumType, as OCPP spells it."""


class ReserveIn(ApiModel):
    """Reserve an EVSE (none: any EVSE) for an id token until `expiresAt` (in the future);
    `groupIdTag` lets its group use the reservation too. `connectorType` (2.0.1 only)
    reserves any EVSE with such a connector."""

    id_tag: IdTag
    expires_at: UtcDateTime
    evse_id: Number | None = None
    connector_type: ConnectorType | None = None
    group_id_tag: IdTag | None = None

    def command(self) -> c.Command:
        return c.Reserve(
            self.id_tag, self.expires_at, self.evse_id, self.connector_type, self.group_id_tag
        )


class CancelReservationIn(ApiModel):
    """Cancel a reservation of this station (ACTIVE, or FAILED when the station may hold
    it anyway)."""

    reservation_id: Number

    def command(self) -> c.Command:
        return c.CancelReservation(self.reservation_id)


class ReservationOut(ApiModel):
    """A reservation: its id is the `reserve` command's; `status` and `reason` are the
    station's last word on it; `transactionId` the transaction that used it."""

    id: int
    station_id: str
    evse_id: int | None
    connector_type: str | None
    id_tag: str
    group_id_tag: str | None
    expires_at: UtcDateTime
    state: ReservationState
    status: str | None
    reason: str | None
    created_at: UtcDateTime
    updated_at: UtcDateTime
    transaction_id: int | None

    @classmethod
    def of(cls, reservation: Reservation) -> ReservationOut:
        return cls(
            id=reservation.id,
            station_id=reservation.station_id,
            evse_id=reservation.evse_id,
            connector_type=reservation.connector_type,
            id_tag=reservation.id_tag,
            group_id_tag=reservation.group_id_tag,
            expires_at=reservation.expires_at,
            state=to_api(ReservationState, reservation.state),
            status=reservation.status,
            reason=reservation.reason,
            created_at=reservation.created_at,
            updated_at=reservation.updated_at,
            transaction_id=reservation.transaction_id,
        )
