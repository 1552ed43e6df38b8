"""OCPP 2.0.1 commands without a 1.6 counterpart: device model reports and the network profile
(block B), a transaction's queue and its running cost (E14, I02), monitoring (N) and display
messages (O). A 1.6 station gets none of them: 422, nothing stored."""

from __future__ import annotations

from fastapi import APIRouter, Response

from voltgate.api.auth import Operator
from voltgate.api.command_bodies.device_model import (
    ClearDisplayMessageIn,
    ClearVariableMonitoringIn,
    CostUpdatedIn,
    GetBaseReportIn,
    GetDisplayMessagesIn,
    GetMonitoringReportIn,
    GetReportIn,
    GetTransactionStatusIn,
    SetDisplayMessageIn,
    SetMonitoringBaseIn,
    SetMonitoringLevelIn,
    SetNetworkProfileIn,
    SetVariableMonitoringIn,
)
from voltgate.api.command_schemas import CommandOut
from voltgate.api.conventions import Data, error_responses
from voltgate.api.deps import ServicesDep
from voltgate.api.routes.commands import SENT, STATION_COMMANDS, Async, StationId, send

router = APIRouter(tags=["commands"], responses=error_responses(401, 403, 422))


@router.post(
    f"{STATION_COMMANDS}/get-base-report", summary="Get a base report (2.0.1)", responses=SENT
)
async def get_base_report(
    station_id: StationId,
    body: GetBaseReportIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """GetBaseReport (B07): the NotifyReport parts become the station's device model."""
    return await send(services, station_id, body.command(), caller, run_async, response)


@router.post(
    f"{STATION_COMMANDS}/get-report", summary="Get a device model report (2.0.1)", responses=SENT
)
async def get_report(
    station_id: StationId,
    body: GetReportIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """GetReport (B08). EmptyResultSet counts as ACCEPTED."""
    return await send(services, station_id, body.command(), caller, run_async, response)


@router.post(
    f"{STATION_COMMANDS}/set-network-profile",
    summary="Set a network profile (2.0.1)",
    responses=SENT,
)
async def set_network_profile(
    station_id: StationId,
    body: SetNetworkProfileIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """SetNetworkProfile (B09). The APN password, SIM PIN, VPN password and key, and a password
    in the CSMS URL reach the station; the stored request shows `<redacted>`."""
    return await send(services, station_id, body.command(), caller, run_async, response)


@router.post(
    f"{STATION_COMMANDS}/get-transaction-status",
    summary="Transaction status (2.0.1)",
    responses=SENT,
)
async def get_transaction_status(
    station_id: StationId,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    body: GetTransactionStatusIn | None = None,
    run_async: Async = False,
) -> Data[CommandOut]:
    """GetTransactionStatus (E14): `messagesInQueue` and `ongoingIndicator` are in `response`."""
    return await send(
        services,
        station_id,
        (body or GetTransactionStatusIn()).command(),
        caller,
        run_async,
        response,
    )


@router.post(
    f"{STATION_COMMANDS}/cost-updated", summary="Show the running cost (2.0.1)", responses=SENT
)
async def cost_updated(
    station_id: StationId,
    body: CostUpdatedIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """CostUpdated (I02) for an ongoing transaction."""
    return await send(services, station_id, body.command(), caller, run_async, response)


@router.post(
    f"{STATION_COMMANDS}/set-variable-monitoring", summary="Set monitors (2.0.1)", responses=SENT
)
async def set_variable_monitoring(
    station_id: StationId,
    body: SetVariableMonitoringIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """SetVariableMonitoring (N04): ACCEPTED only when every monitor is; else the first refusal."""
    return await send(services, station_id, body.command(), caller, run_async, response)


@router.post(
    f"{STATION_COMMANDS}/clear-variable-monitoring",
    summary="Clear monitors (2.0.1)",
    responses=SENT,
)
async def clear_variable_monitoring(
    station_id: StationId,
    body: ClearVariableMonitoringIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """ClearVariableMonitoring (N06): ACCEPTED only when every monitor was removed."""
    return await send(services, station_id, body.command(), caller, run_async, response)


@router.post(
    f"{STATION_COMMANDS}/set-monitoring-base",
    summary="Set the monitoring base (2.0.1)",
    responses=SENT,
)
async def set_monitoring_base(
    station_id: StationId,
    body: SetMonitoringBaseIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """SetMonitoringBase (N03)."""
    return await send(services, station_id, body.command(), caller, run_async, response)


@router.post(
    f"{STATION_COMMANDS}/set-monitoring-level",
    summary="Set the monitoring level (2.0.1)",
    responses=SENT,
)
async def set_monitoring_level(
    station_id: StationId,
    body: SetMonitoringLevelIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """SetMonitoringLevel (N05)."""
    return await send(services, station_id, body.command(), caller, run_async, response)


@router.post(
    f"{STATION_COMMANDS}/get-monitoring-report",
    summary="Get a monitoring report (2.0.1)",
    responses=SENT,
)
async def get_monitoring_report(
    station_id: StationId,
    body: GetMonitoringReportIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """GetMonitoringReport (N02): NotifyMonitoringReport events carry the command's id."""
    return await send(services, station_id, body.command(), caller, run_async, response)


@router.post(
    f"{STATION_COMMANDS}/set-display-message",
    summary="Show a display message (2.0.1)",
    responses=SENT,
)
async def set_display_message(
    station_id: StationId,
    body: SetDisplayMessageIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """SetDisplayMessage (O01/O02); a transaction is named by the id Voltgate gave it."""
    return await send(services, station_id, body.command(), caller, run_async, response)


@router.post(
    f"{STATION_COMMANDS}/get-display-messages",
    summary="Report display messages (2.0.1)",
    responses=SENT,
)
async def get_display_messages(
    station_id: StationId,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    body: GetDisplayMessagesIn | None = None,
    run_async: Async = False,
) -> Data[CommandOut]:
    """GetDisplayMessages (O03): NotifyDisplayMessages events carry the command's id."""
    return await send(
        services,
        station_id,
        (body or GetDisplayMessagesIn()).command(),
        caller,
        run_async,
        response,
    )


@router.post(
    f"{STATION_COMMANDS}/clear-display-message",
    summary="Clear a display message (2.0.1)",
    responses=SENT,
)
async def clear_display_message(
    station_id: StationId,
    body: ClearDisplayMessageIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """ClearDisplayMessage (O05): Unknown is REJECTED."""
    return await send(services, station_id, body.command(), caller, run_async, response)
