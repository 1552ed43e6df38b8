"""Smart charging and local authorization list commands: 1.6 Smart Charging and Local Auth
List Management profiles, 2.0.1 blocks K and D. Sent and recorded as every command is
(`routes.commands.send`)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from voltgate.api.auth import Operator
from voltgate.api.command_bodies.charging import (
    ClearChargingProfileIn,
    GetChargingProfilesIn,
    GetCompositeScheduleIn,
    SetChargingProfileIn,
)
from voltgate.api.command_bodies.local_list import GetLocalListVersionIn, SendLocalListIn
from voltgate.api.command_schemas import CommandOut
from voltgate.api.conventions import Data, error_responses
from voltgate.api.deps import ServicesDep
from voltgate.api.routes.commands import SENT, STATION_COMMANDS, Async, StationId, send

router = APIRouter(tags=["commands"], responses=error_responses(401, 403, 422))


@router.post(
    f"{STATION_COMMANDS}/set-charging-profile", summary="Set a charging profile", responses=SENT
)
async def set_charging_profile(
    station_id: StationId,
    body: SetChargingProfileIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """SetChargingProfile: 1.6 csChargingProfiles on connectorId = `evseId`, 2.0.1 chargingProfile
    (K01). A TX profile names its transaction by the id Voltgate gave it; the station gets its
    own id. 422 for a profile that breaks a rule of either version (the message cites it)."""
    return await send(services, station_id, body.command(), caller, run_async, response)


@router.post(
    f"{STATION_COMMANDS}/clear-charging-profile", summary="Clear charging profiles", responses=SENT
)
async def clear_charging_profile(
    station_id: StationId,
    body: ClearChargingProfileIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """ClearChargingProfile (1.6 §5.5, 2.0.1 K10): by id or by EVSE, purpose and stack level.
    Unknown (nothing matched) is REJECTED."""
    return await send(services, station_id, body.command(), caller, run_async, response)


@router.post(
    f"{STATION_COMMANDS}/get-composite-schedule",
    summary="Get the composite schedule",
    responses=SENT,
)
async def get_composite_schedule(
    station_id: StationId,
    body: GetCompositeScheduleIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """GetCompositeSchedule (1.6 §5.7, 2.0.1 K08): the schedule is in `response`."""
    return await send(services, station_id, body.command(), caller, run_async, response)


@router.post(
    f"{STATION_COMMANDS}/get-charging-profiles",
    summary="Report charging profiles (2.0.1)",
    responses=SENT,
)
async def get_charging_profiles(
    station_id: StationId,
    body: GetChargingProfilesIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """GetChargingProfiles (K09), 2.0.1 only: the profiles arrive as ReportChargingProfiles events
    whose requestId is the command's id. NoProfiles counts as ACCEPTED."""
    return await send(services, station_id, body.command(), caller, run_async, response)


@router.post(
    f"{STATION_COMMANDS}/send-local-list",
    summary="Send the local authorization list",
    responses=SENT,
)
async def send_local_list(
    station_id: StationId,
    body: SendLocalListIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """SendLocalList (1.6 §5.15, 2.0.1 D01): entries as given and/or Voltgate's id tokens with
    the status, expiry and group Voltgate answers for them now."""
    return await send(services, station_id, body.command(), caller, run_async, response)


@router.post(
    f"{STATION_COMMANDS}/get-local-list-version",
    summary="Read the local list version",
    responses=SENT,
)
async def get_local_list_version(
    station_id: StationId,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    body: GetLocalListVersionIn | None = None,
    run_async: Async = False,
) -> Data[CommandOut]:
    """GetLocalListVersion (1.6 §5.10, 2.0.1 D02): the version is in `response`."""
    return await send(
        services,
        station_id,
        (body or GetLocalListVersionIn()).command(),
        caller,
        run_async,
        response,
    )
