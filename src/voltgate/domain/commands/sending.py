"""What is sent: every version-neutral command (`Command`), what a dialect needs besides the
command to spell it (`BuildContext`), the dialect itself (`CommandDialect`), the new PENDING
record of a command, and a command ready to send (`Submitted`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from voltgate.domain.authorization import token_key
from voltgate.domain.commands.certificates import (
    DeleteCertificate,
    GetInstalledCertificates,
    InstallCertificate,
)
from voltgate.domain.commands.charging import (
    ClearChargingProfile,
    GetChargingProfiles,
    GetCompositeSchedule,
    SetChargingProfile,
)
from voltgate.domain.commands.core import (
    ChangeAvailability,
    ClearCache,
    DataTransfer,
    GetConfiguration,
    RawCall,
    Reset,
    SetConfiguration,
    StartCharging,
    StopCharging,
    TriggerMessage,
    Unlock,
)
from voltgate.domain.commands.firmware import (
    CustomerInformation,
    GetLog,
    PublishFirmware,
    UnpublishFirmware,
    UpdateFirmware,
)
from voltgate.domain.commands.local_list import GetLocalListVersion, ListEntry, SendLocalList
from voltgate.domain.commands.monitoring import (
    ClearDisplayMessage,
    ClearVariableMonitoring,
    GetDisplayMessages,
    GetMonitoringReport,
    SetDisplayMessage,
    SetMonitoringBase,
    SetMonitoringLevel,
    SetVariableMonitoring,
)
from voltgate.domain.commands.provisioning import (
    CostUpdated,
    GetBaseReport,
    GetReport,
    GetTransactionStatus,
    SetNetworkProfile,
)
from voltgate.domain.commands.records import CommandRecord, CommandState, Outcome
from voltgate.domain.commands.reservations import CancelReservation, Reserve

Command = (
    StartCharging
    | StopCharging
    | Reset
    | Unlock
    | ChangeAvailability
    | TriggerMessage
    | ClearCache
    | GetConfiguration
    | SetConfiguration
    | DataTransfer
    | RawCall
    | Reserve
    | CancelReservation
    | SetChargingProfile
    | ClearChargingProfile
    | GetCompositeSchedule
    | GetChargingProfiles
    | SendLocalList
    | GetLocalListVersion
    | UpdateFirmware
    | PublishFirmware
    | UnpublishFirmware
    | GetLog
    | CustomerInformation
    | InstallCertificate
    | DeleteCertificate
    | GetInstalledCertificates
    | GetBaseReport
    | GetReport
    | SetNetworkProfile
    | GetTransactionStatus
    | CostUpdated
    | SetVariableMonitoring
    | ClearVariableMonitoring
    | SetMonitoringBase
    | SetMonitoringLevel
    | GetMonitoringReport
    | SetDisplayMessage
    | GetDisplayMessages
    | ClearDisplayMessage
)


@dataclass(frozen=True, slots=True)
class BuildContext:
    """What a dialect needs beyond the command, read from storage when it is submitted.

    Attributes:
        command_id: the record's id: 2.0.1 remoteStartId and every requestId, and the
            reservation id of a `Reserve`.
        station_transaction_id: the station's own id of the transaction the command names
            (stop, TxProfile, display message, transaction status, cost).
        token_type: the stored 2.0.1 type of the command's id token, if provisioned with one.
        group_token_type: the same for its group id token.
        local_list: the entries of a `SendLocalList`, resolved against Voltgate's tokens.
    """

    command_id: int
    station_transaction_id: str | None = None
    token_type: str | None = None
    group_token_type: str | None = None
    local_list: tuple[ListEntry, ...] = ()


class CommandDialect(Protocol):
    """How one OCPP version spells the commands, which parts are secret, and how to read
    its answers."""

    def build(self, command: Command, context: BuildContext) -> tuple[str, dict[str, Any]]:
        """The action and CALL payload, valid against the version's official schema.

        Raises:
            InvalidCommand: the command cannot be expressed in this version, or the raw
                action or payload is not valid for it.
        """
        ...

    def redacted(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        """`payload` as it may be stored: each secret replaced by `REDACTED` (a copy when
        anything was replaced)."""
        ...

    def read(self, action: str, answer: dict[str, Any]) -> Outcome:
        """ACCEPTED or REJECTED, with the station's status and reason."""
        ...

    def read_values(self, action: str, answer: dict[str, Any]) -> dict[str, str | None]:
        """The settings a `GetConfiguration` answer reports, by key in the form
        `SetConfiguration` takes, casefolded (keys and component/variable names are
        case-insensitive in both versions); a known key without a value maps to None. Keys
        the station does not know or would not read are left out."""
        ...

    def same_value(self, expected: str, actual: str) -> bool:
        """Whether a setting read back equals the value set (by the version's rules for
        configuration values)."""
        ...


@dataclass(frozen=True, slots=True)
class Submitted:
    """A stored PENDING command and what is sent: `payload` holds the secrets that
    `record.request` shows redacted, so it lives in memory only, until the command is run."""

    record: CommandRecord
    command: Command
    payload: dict[str, Any]


def pending(
    station_id: str,
    protocol: str,
    command: Command,
    *,
    requested_by: str | None,
    at: datetime,
    link_window: timedelta,
) -> CommandRecord:
    """A new PENDING record of `command` (its action and request are filled in once built)."""
    start = command if isinstance(command, StartCharging) else None
    return CommandRecord(
        id=0,
        station_id=station_id,
        protocol=protocol,
        name=command.NAME,
        action="",
        request={},
        state=CommandState.PENDING,
        status=None,
        reason=None,
        response=None,
        created_at=at,
        finished_at=None,
        requested_by=requested_by,
        link_id_tag=None if start is None else token_key(start.id_tag),
        link_evse_id=None if start is None else start.evse_id,
        link_until=None if start is None else at + link_window,
    )
