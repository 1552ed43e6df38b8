"""Firmware, diagnostics and certificate commands: 1.6 Firmware Management and the Security
Whitepaper, 2.0.1 blocks L, N and M. Sent and recorded as every command is
(`routes.commands.send`)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from voltgate.api.auth import Operator
from voltgate.api.command_bodies.firmware import (
    CustomerInformationIn,
    DeleteCertificateIn,
    GetInstalledCertificatesIn,
    GetLogIn,
    InstallCertificateIn,
    PublishFirmwareIn,
    UnpublishFirmwareIn,
    UpdateFirmwareIn,
)
from voltgate.api.command_schemas import CommandOut
from voltgate.api.conventions import Data, error_responses
from voltgate.api.deps import ServicesDep
from voltgate.api.routes.commands import SENT, STATION_COMMANDS, Async, StationId, send

router = APIRouter(tags=["commands"], responses=error_responses(401, 403, 422))


@router.post(f"{STATION_COMMANDS}/update-firmware", summary="Update the firmware", responses=SENT)
async def update_firmware(
    station_id: StationId,
    body: UpdateFirmwareIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """1.6 UpdateFirmware, or SignedUpdateFirmware with a signing certificate and signature;
    2.0.1 UpdateFirmware (L01) with requestId = the command's id. Credentials in `location`
    are redacted in the stored request."""
    return await send(services, station_id, body.command(), caller, run_async, response)


@router.post(
    f"{STATION_COMMANDS}/publish-firmware", summary="Publish firmware (2.0.1)", responses=SENT
)
async def publish_firmware(
    station_id: StationId,
    body: PublishFirmwareIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """PublishFirmware (L03), 2.0.1 only: a local controller serves the firmware."""
    return await send(services, station_id, body.command(), caller, run_async, response)


@router.post(
    f"{STATION_COMMANDS}/unpublish-firmware", summary="Unpublish firmware (2.0.1)", responses=SENT
)
async def unpublish_firmware(
    station_id: StationId,
    body: UnpublishFirmwareIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """UnpublishFirmware (L04), 2.0.1 only: Unpublished is ACCEPTED."""
    return await send(services, station_id, body.command(), caller, run_async, response)


@router.post(f"{STATION_COMMANDS}/get-log", summary="Upload a log", responses=SENT)
async def get_log(
    station_id: StationId,
    body: GetLogIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """1.6: GetDiagnostics (DIAGNOSTICS) or the whitepaper's GetLog (SECURITY); 2.0.1 GetLog
    (N01). The file name is in `response`."""
    return await send(services, station_id, body.command(), caller, run_async, response)


@router.post(
    f"{STATION_COMMANDS}/customer-information",
    summary="Customer information (2.0.1)",
    responses=SENT,
)
async def customer_information(
    station_id: StationId,
    body: CustomerInformationIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """CustomerInformation (N09), 2.0.1 only: the data arrive as NotifyCustomerInformation events
    whose requestId is the command's id."""
    return await send(services, station_id, body.command(), caller, run_async, response)


@router.post(
    f"{STATION_COMMANDS}/install-certificate", summary="Install a root certificate", responses=SENT
)
async def install_certificate(
    station_id: StationId,
    body: InstallCertificateIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """InstallCertificate (whitepaper; 2.0.1 M05). 1.6 knows CSMS_ROOT and MANUFACTURER_ROOT."""
    return await send(services, station_id, body.command(), caller, run_async, response)


@router.post(
    f"{STATION_COMMANDS}/delete-certificate", summary="Delete a certificate", responses=SENT
)
async def delete_certificate(
    station_id: StationId,
    body: DeleteCertificateIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """DeleteCertificate (whitepaper; 2.0.1 M04)."""
    return await send(services, station_id, body.command(), caller, run_async, response)


@router.post(
    f"{STATION_COMMANDS}/get-installed-certificates",
    summary="List installed certificates",
    responses=SENT,
)
async def get_installed_certificates(
    station_id: StationId,
    body: GetInstalledCertificatesIn,
    caller: Operator,
    services: ServicesDep,
    response: Response,
    run_async: Async = False,
) -> Data[CommandOut]:
    """GetInstalledCertificateIds (whitepaper: one kind; 2.0.1 M03: any, none is all); the hashes
    are in `response`. NotFound (none installed) counts as ACCEPTED."""
    return await send(services, station_id, body.command(), caller, run_async, response)
