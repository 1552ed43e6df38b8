"""Reservations in both versions: 1.6 ReserveNow / CancelReservation (§5.13, §5.1) and 2.0.1
H01 / H02. The reservation id is the `reserve` command's id (`BuildContext.command_id`)."""

from __future__ import annotations

from voltgate.domain import commands as c
from voltgate.handlers.commands.common import Builder, Payload, id_token, put, refuse
from voltgate.ocpp.errors import OcppVersion


def reserve_16(command: c.Reserve, context: c.BuildContext) -> tuple[str, Payload]:
    """§5.13: connectorId 0 reserves any connector (if the station allows it:
    ReserveConnectorZeroSupported); the group is the parentIdTag."""
    if command.connector_type is not None:
        refuse(OcppVersion.V16, command.NAME, "1.6 reserves a connector by id, not by type")
    payload: Payload = {
        "connectorId": command.evse_id or 0,
        "idTag": command.id_tag,
        "reservationId": context.command_id,
    }
    put(payload, "expiryDate", command.expires_at)
    return "ReserveNow", put(payload, "parentIdTag", command.group_id_tag)


def reserve_201(command: c.Reserve, context: c.BuildContext) -> tuple[str, Payload]:
    """H01: no evseId reserves any EVSE (H01.FR.04), a connectorType any EVSE with such a
    connector (H01.FR.06); the group token may use it too (H03.FR.04)."""
    payload: Payload = {
        "id": context.command_id,
        "idToken": id_token(command.id_tag, context.token_type),
    }
    put(payload, "expiryDateTime", command.expires_at)
    put(payload, "evseId", command.evse_id)
    put(payload, "connectorType", command.connector_type)
    if command.group_id_tag is not None:
        payload["groupIdToken"] = id_token(command.group_id_tag, context.group_token_type)
    return "ReserveNow", payload


def cancel(command: c.CancelReservation, context: c.BuildContext) -> tuple[str, Payload]:
    """1.6 §5.1, 2.0.1 H02: the same message in both versions."""
    return "CancelReservation", {"reservationId": command.reservation_id}


V16: dict[type, Builder] = {c.Reserve: reserve_16, c.CancelReservation: cancel}
V201: dict[type, Builder] = {c.Reserve: reserve_201, c.CancelReservation: cancel}
