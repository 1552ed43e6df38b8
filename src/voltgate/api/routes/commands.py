"""Commands to stations: the first version-neutral ones, the raw call, and the stored
records. The functional blocks' commands are in their own route modules, sent by `send`.

Every command is stored before it is sent and ends in one terminal state (ACCEPTED,
REJECTED, TIMED_OUT, OFFLINE, FAILED; `domain.commands`). A POST answers 200 with the
record in that state, or with ``?async=true`` at once 202 with the PENDING record and its
``Location``, to poll.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from voltgate.api.auth import Operator, Viewer
from voltgate.api.command_schemas import (
    AvailabilityIn,
    ClearCacheIn,
    CommandOut,
    DataTransferIn,
    GetConfigurationIn,
    RawIn,
    ResetIn,
    SetConfigurationIn,
    StartIn,
    StopIn,
    TriggerIn,
    UnlockIn,
)
from voltgate.api.conventions import STATION_ID_PATTERN, Data, Page, error_responses
from voltgate.api.deps import MAX_CURSOR_ID, NumberPage, ServicesDep
from voltgate.api.errors import not_found
from voltgate.domain.access import Principal
from voltgate.domain.commands import Command
from voltgate.domain.errors import UnknownStation
from voltgate.domain.services import Services

router = APIRouter(tags=["commands"], responses=error_responses(401, 403, 422))

StationId = Annotated[str, Path(alias="stationId", pattern=STATION_ID_PATTERN)]
CommandId = Annotated[int, Path(alias="commandId", ge=1, le=MAX_CURSOR_ID)]
Async = Annotated[
    bool,
    Query(
        alias="async",
        description="Answer at once (202, the PENDING record, Location to poll) instead "
        "of waiting for the station.",
    ),
]

STATION_COMMANDS = "/api/v1/stations/{stationId}/commands"
SENT: dict[int | str, dict[str, object]] = {
    **error_responses(404),
    202: {"description": "Accepted for sending (`?async=true`): the PENDING record."},
}


def location(command_id: int) -> str:
    """Where a command is read back."""
    return f"/api/v1/commands/{command_id}"


async def send(
    services: Services,
    station_id: str,
    command: Command,
    caller: Principal,
    run_async: bool,
    response: Response,
) -> Data[CommandOut]:
    """Submit `command` and answer with its record: finished, or PENDING with ``async``."""
    submitted = await services.commands.submit(station_id, command, caller.id)
    if run_async:
        services.commands.dispatch(submitted)
        response.status_code = 202
        response.headers["Location"] = location(submitted.record.id)
        return Data(data=CommandOut.of(submitted.record))
    return Data(data=CommandOut.of(await services.commands.run(submitted)))


@router.post(f"{STATION_COMMANDS}/start", summary="Start charging", responses=SENT)
async def start(
    station_id: StationId,
    body: StartIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """1.6 RemoteStartTransaction; 2.0.1 RequestStartTransaction with remoteStartId = the
    command's id (F01). Once the station reports the transaction, the command shows its
    `transactionId`."""
    return await send(services, station_id, body.command(), caller, run_async, response)


@router.post(f"{STATION_COMMANDS}/stop", summary="Stop a transaction", responses=SENT)
async def stop(
    station_id: StationId,
    body: StopIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """1.6 RemoteStopTransaction; 2.0.1 RequestStopTransaction with the station's own
    transactionId (F03). 422 when the transaction is not this station's."""
    return await send(services, station_id, body.command(), caller, run_async, response)


@router.post(f"{STATION_COMMANDS}/reset", summary="Reset the station", responses=SENT)
async def reset(
    station_id: StationId,
    body: ResetIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """IMMEDIATE: 1.6 Hard / 2.0.1 Immediate; ON_IDLE: 1.6 Soft / 2.0.1 OnIdle (B11, B12).
    `evseId` only for 2.0.1."""
    return await send(services, station_id, body.command(), caller, run_async, response)


@router.post(f"{STATION_COMMANDS}/unlock", summary="Unlock a connector", responses=SENT)
async def unlock(
    station_id: StationId,
    body: UnlockIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """UnlockConnector (2.0.1 F05). ACCEPTED when the station answers Unlocked."""
    return await send(services, station_id, body.command(), caller, run_async, response)


@router.post(f"{STATION_COMMANDS}/availability", summary="Change availability", responses=SENT)
async def change_availability(
    station_id: StationId,
    body: AvailabilityIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """ChangeAvailability of the station, an EVSE or a connector (2.0.1 G03/G04). Scheduled
    (after the running transaction) counts as ACCEPTED."""
    return await send(services, station_id, body.command(), caller, run_async, response)


@router.post(f"{STATION_COMMANDS}/trigger", summary="Trigger a message", responses=SENT)
async def trigger(
    station_id: StationId,
    body: TriggerIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """TriggerMessage (2.0.1 F06): the station sends the named message now."""
    return await send(services, station_id, body.command(), caller, run_async, response)


@router.post(
    f"{STATION_COMMANDS}/clear-cache", summary="Clear the authorization cache", responses=SENT
)
async def clear_cache(
    station_id: StationId,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    body: ClearCacheIn | None = None,
    run_async: Async = False,
) -> Data[CommandOut]:
    """ClearCache (2.0.1 C11)."""
    command = (body or ClearCacheIn()).command()
    return await send(services, station_id, command, caller, run_async, response)


@router.post(f"{STATION_COMMANDS}/get-configuration", summary="Read configuration", responses=SENT)
async def get_configuration(
    station_id: StationId,
    body: GetConfigurationIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """1.6 GetConfiguration; 2.0.1 GetVariables (B06). The values are in `response`;
    REJECTED when a key is unknown (`reason` names it)."""
    return await send(services, station_id, body.command(), caller, run_async, response)


@router.post(f"{STATION_COMMANDS}/set-configuration", summary="Change a setting", responses=SENT)
async def set_configuration(
    station_id: StationId,
    body: SetConfigurationIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """1.6 ChangeConfiguration; 2.0.1 SetVariables (B05). RebootRequired counts as
    ACCEPTED (the `status` says so)."""
    return await send(services, station_id, body.command(), caller, run_async, response)


@router.post(f"{STATION_COMMANDS}/data-transfer", summary="Send a vendor message", responses=SENT)
async def data_transfer(
    station_id: StationId,
    body: DataTransferIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """DataTransfer (2.0.1 P01); the station's `data` is in `response`."""
    return await send(services, station_id, body.command(), caller, run_async, response)


@router.post(
    f"{STATION_COMMANDS}/raw", summary="Send any action of the station's version", responses=SENT
)
async def raw(
    station_id: StationId,
    body: RawIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """Any action the CSMS sends in the station's OCPP version, the payload as OCPP shapes
    it. 422 before anything is stored or sent when the action is not one the CSMS sends or
    the payload breaks the official schema (the message says where)."""
    return await send(services, station_id, body.command(), caller, run_async, response)


@router.get(STATION_COMMANDS, summary="List a station's commands", responses=error_responses(404))
async def list_station_commands(
    station_id: StationId, _: Viewer, services: ServicesDep, page: NumberPage
) -> Data[Page[CommandOut]]:
    """Newest first."""
    found = await services.commands.page_for_station(station_id, page)
    if found is None:
        raise UnknownStation(station_id)
    items = [CommandOut.of(record) for record in found.items]
    return Data(data=Page(items=items, has_more=found.has_more))


@router.get("/api/v1/commands/{commandId}", summary="Get a command", responses=error_responses(404))
async def get_command(command_id: CommandId, _: Viewer, services: ServicesDep) -> Data[CommandOut]:
    """A command with its state, the station's answer and, for a start, its transaction."""
    record = await services.commands.get(command_id)
    if record is None:
        raise not_found("command", command_id)
    return Data(data=CommandOut.of(record))
