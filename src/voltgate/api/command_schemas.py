"""The public shapes of commands to stations: one body per neutral command, the raw call,
and the command record. Each body says which domain command it stands for (`command`)."""

from __future__ import annotations

import enum
from typing import Annotated, Any

from pydantic import Field

from voltgate.api.conventions import (
    ApiModel,
    IdTag,
    Message,
    Name,
    SearchText,
    UtcDateTime,
    to_api,
    to_domain,
)
from voltgate.domain import commands as c

MAX_ID = 2**31 - 1  # OCPP integers are 32-bit

Number = Annotated[int, Field(ge=1, le=MAX_ID)]
"""An EVSE, connector or transaction id (1-based)."""


# 1.6 configuration keys are CiString50, 2.0.1 Component.Variable names identifierString[50]
# each; 1.6 values CiString500. The station's own schema has the last word on each.
ConfigKey = SearchText
ConfigValue = Message
NoNul = Annotated[str, Field(max_length=100_000, pattern=r"^[^\x00]*$")]
Action = Annotated[str, Field(pattern=r"^[A-Za-z0-9]{1,64}$")]


class CommandState(enum.StrEnum):
    """PENDING, then exactly one of the others (`domain.commands.CommandState`)."""

    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"
    TIMED_OUT = "TIMED_OUT"
    OFFLINE = "OFFLINE"
    FAILED = "FAILED"


class ResetKind(enum.StrEnum):
    """IMMEDIATE (1.6 Hard, 2.0.1 Immediate) or ON_IDLE (1.6 Soft, 2.0.1 OnIdle)."""

    IMMEDIATE = "IMMEDIATE"
    ON_IDLE = "ON_IDLE"


class Availability(enum.StrEnum):
    """ChangeAvailability's target state."""

    OPERATIVE = "OPERATIVE"
    INOPERATIVE = "INOPERATIVE"


class StartIn(ApiModel):
    """Start charging for an id token; without `evseId` the station picks the EVSE."""

    id_tag: IdTag
    evse_id: Number | None = None

    def command(self) -> c.Command:
        return c.StartCharging(self.id_tag, self.evse_id)


class StopIn(ApiModel):
    """Stop a transaction, by the id the CSMS gave it (as in `/transactions`)."""

    transaction_id: Number

    def command(self) -> c.Command:
        return c.StopCharging(self.transaction_id)


class ResetIn(ApiModel):
    """Reset the station (2.0.1: or one EVSE)."""

    type: ResetKind
    evse_id: Number | None = None

    def command(self) -> c.Command:
        return c.Reset(to_domain(c.ResetKind, self.type), self.evse_id)


class UnlockIn(ApiModel):
    """Unlock a connector (1.6: connector 1 of the EVSE, its connectorId)."""

    evse_id: Number
    connector_id: Number = 1

    def command(self) -> c.Command:
        return c.Unlock(self.evse_id, self.connector_id)


class AvailabilityIn(ApiModel):
    """Make the station (no `evseId`), an EVSE or a connector (in)operative."""

    availability: Availability
    evse_id: Number | None = None
    connector_id: Number | None = None

    def command(self) -> c.Command:
        operative = self.availability is Availability.OPERATIVE
        return c.ChangeAvailability(operative, self.evse_id, self.connector_id)


class TriggerIn(ApiModel):
    """Ask for a message now, named as the station's OCPP version names it
    (``StatusNotification``, ``BootNotification``, ``MeterValues``, ...)."""

    message: Action
    evse_id: Number | None = None
    connector_id: Number | None = None

    def command(self) -> c.Command:
        return c.TriggerMessage(self.message, self.evse_id, self.connector_id)


class ClearCacheIn(ApiModel):
    """No fields."""

    def command(self) -> c.Command:
        return c.ClearCache()


class GetConfigurationIn(ApiModel):
    """Keys to read: 1.6 configuration keys (none: all); 2.0.1 ``Component.Variable``."""

    keys: list[ConfigKey] = Field(default_factory=list, max_length=100)

    def command(self) -> c.Command:
        return c.GetConfiguration(tuple(self.keys))


class SetConfigurationIn(ApiModel):
    """One setting: a 1.6 key, or a 2.0.1 ``Component.Variable``. Passwords are set by
    the password rotation (``/password-rotation``), never here."""

    key: ConfigKey
    value: ConfigValue

    def command(self) -> c.Command:
        return c.SetConfiguration(self.key, self.value)


class DataTransferIn(ApiModel):
    """A vendor-specific message."""

    vendor_id: Name
    message_id: Name | None = None
    data: NoNul | None = None

    def command(self) -> c.Command:
        return c.DataTransfer(self.vendor_id, self.message_id, self.data)


class RawIn(ApiModel):
    """Any action the CSMS sends in the station's OCPP version, with its payload in OCPP's
    own shape (camelCase, as the official schema has it)."""

    action: Action = Field(examples=["GetBaseReport"])
    payload: dict[str, Any] = Field(
        default_factory=dict, examples=[{"requestId": 1, "reportBase": "FullInventory"}]
    )

    def command(self) -> c.Command:
        return c.RawCall(self.action, self.payload)


class CommandOut(ApiModel):
    """A command and how it ended. `status` and `reason` are the station's answer as it
    spelled it; `request` and `response` are the OCPP payloads (secrets in the request
    shown as ``<redacted>``); `transactionId` is the transaction a start caused, once the
    station reported it; `reservationId` the reservation a `reserve` made."""

    id: int
    station_id: str
    protocol: str
    name: str
    action: str
    state: CommandState
    status: str | None
    reason: str | None
    request: dict[str, Any]
    response: dict[str, Any] | None
    created_at: UtcDateTime
    finished_at: UtcDateTime | None
    requested_by: str | None
    transaction_id: int | None
    reservation_id: int | None

    @classmethod
    def of(cls, record: c.CommandRecord) -> CommandOut:
        return cls(
            id=record.id,
            station_id=record.station_id,
            protocol=record.protocol,
            name=record.name,
            action=record.action,
            state=to_api(CommandState, record.state),
            status=record.status,
            reason=record.reason,
            request=record.request,
            response=record.response,
            created_at=record.created_at,
            finished_at=record.finished_at,
            requested_by=record.requested_by,
            transaction_id=record.transaction_id,
            reservation_id=record.id if record.name == c.Reserve.NAME else None,
        )
