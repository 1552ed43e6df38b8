"""Customers, their contracts, gateways and devices: list, get, create, correct, remove.

Records are addressed along their path: customer id, contract number, gateway id, device
id; a 404 names the first step that is missing. A record others depend on is not removed
(409 IN_USE): remove its dependants first. Viewers read; operators write (customers are
business data, like id tokens).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from voltgate.api.auth import Operator, Viewer
from voltgate.api.conventions import Data, Page, error_responses
from voltgate.api.customer_schemas import (
    MAX_ID,
    ContractIn,
    ContractOut,
    CustomerIn,
    CustomerOut,
    DeviceIn,
    DeviceOut,
    DevicePatch,
    GatewayIn,
    GatewayOut,
    GatewayPatch,
)
from voltgate.api.deps import NumberPage, ServicesDep
from voltgate.domain.customers import Device, DeviceRef, GatewayRef

router = APIRouter(
    prefix="/api/v1/customers", tags=["customers"], responses=error_responses(401, 403, 404, 422)
)

CustomerId = Annotated[int, Path(alias="customerId", ge=1, le=MAX_ID)]
ContractNo = Annotated[int, Path(alias="contractNo", ge=1, le=MAX_ID)]
GatewayId = Annotated[int, Path(alias="gatewayAssetId", ge=1, le=MAX_ID)]
DeviceId = Annotated[int, Path(alias="deviceAssetId", ge=1, le=MAX_ID)]


def gateway_ref(
    customer_id: CustomerId, contract_no: ContractNo, gateway_id: GatewayId
) -> GatewayRef:
    """The gateway a path names."""
    return GatewayRef(customer_id, contract_no, gateway_id)


def device_ref(
    gateway: Annotated[GatewayRef, Depends(gateway_ref)], device_id: DeviceId
) -> DeviceRef:
    """The device a path names."""
    return DeviceRef(gateway, device_id)


GatewayPath = Annotated[GatewayRef, Depends(gateway_ref)]
DevicePath = Annotated[DeviceRef, Depends(device_ref)]

CONTRACTS = "/{customerId}/contracts"
GATEWAYS = CONTRACTS + "/{contractNo}/gateways"
DEVICES = GATEWAYS + "/{gatewayAssetId}/devices"


# -- customers ---------------------------------------------------------------------------


@router.get("", summary="List customers")
async def list_customers(
    _: Viewer, services: ServicesDep, page: NumberPage
) -> Data[Page[CustomerOut]]:
    """Customers by id (``startingAfter`` = the last id)."""
    found = await services.customers.list_customers(page)
    return Data(data=Page(items=[CustomerOut.of(c) for c in found.items], has_more=found.has_more))


@router.post("", summary="Create a customer", status_code=201)
async def create_customer(
    body: CustomerIn, _: Operator, services: ServicesDep
) -> Data[CustomerOut]:
    """A new customer; its `id` addresses it from now on."""
    return Data(data=CustomerOut.of(await services.customers.create_customer(body.name)))


@router.get("/{customerId}", summary="Get a customer")
async def get_customer(
    customer_id: CustomerId, _: Viewer, services: ServicesDep
) -> Data[CustomerOut]:
    """One customer."""
    return Data(data=CustomerOut.of(await services.customers.get_customer(customer_id)))


@router.patch("/{customerId}", summary="Correct a customer's name")
async def update_customer(
    customer_id: CustomerId, body: CustomerIn, _: Operator, services: ServicesDep
) -> Data[CustomerOut]:
    """The customer with its new name."""
    customer = await services.customers.rename_customer(customer_id, body.name)
    return Data(data=CustomerOut.of(customer))


@router.delete(
    "/{customerId}", summary="Remove a customer", responses=error_responses(409), status_code=204
)
async def delete_customer(customer_id: CustomerId, _: Operator, services: ServicesDep) -> Response:
    """Only a customer without contracts (409 IN_USE otherwise)."""
    await services.customers.delete_customer(customer_id)
    return Response(status_code=204)


# -- contracts ---------------------------------------------------------------------------


@router.get(CONTRACTS, summary="List a customer's contracts")
async def list_contracts(
    customer_id: CustomerId, _: Viewer, services: ServicesDep, page: NumberPage
) -> Data[Page[ContractOut]]:
    """By contract number (``startingAfter`` = the last contract number)."""
    found = await services.customers.list_contracts(customer_id, page)
    return Data(data=Page(items=[ContractOut.of(c) for c in found.items], has_more=found.has_more))


@router.post(
    CONTRACTS, summary="Create a contract", status_code=201, responses=error_responses(409)
)
async def create_contract(
    customer_id: CustomerId, body: ContractIn, _: Operator, services: ServicesDep
) -> Data[ContractOut]:
    """409 ALREADY_EXISTS when the customer has a contract with this number."""
    contract = await services.customers.create_contract(customer_id, body.contract_no)
    return Data(data=ContractOut.of(contract))


@router.get(CONTRACTS + "/{contractNo}", summary="Get a contract")
async def get_contract(
    customer_id: CustomerId, contract_no: ContractNo, _: Viewer, services: ServicesDep
) -> Data[ContractOut]:
    """The customer's contract with this number."""
    return Data(
        data=ContractOut.of(await services.customers.get_contract(customer_id, contract_no))
    )


@router.patch(
    CONTRACTS + "/{contractNo}",
    summary="Correct a contract number",
    responses=error_responses(409),
)
async def update_contract(
    customer_id: CustomerId,
    contract_no: ContractNo,
    body: ContractIn,
    _: Operator,
    services: ServicesDep,
) -> Data[ContractOut]:
    """The contract is addressed by its new number from now on; 409 ALREADY_EXISTS when
    the customer has another contract with it."""
    contract = await services.customers.renumber_contract(
        customer_id, contract_no, body.contract_no
    )
    return Data(data=ContractOut.of(contract))


@router.delete(
    CONTRACTS + "/{contractNo}",
    summary="Remove a contract",
    responses=error_responses(409),
    status_code=204,
)
async def delete_contract(
    customer_id: CustomerId, contract_no: ContractNo, _: Operator, services: ServicesDep
) -> Response:
    """Only a contract without gateways (409 IN_USE otherwise)."""
    await services.customers.delete_contract(customer_id, contract_no)
    return Response(status_code=204)


# -- gateways ----------------------------------------------------------------------------


@router.get(GATEWAYS, summary="List a contract's gateways")
async def list_gateways(
    customer_id: CustomerId,
    contract_no: ContractNo,
    _: Viewer,
    services: ServicesDep,
    page: NumberPage,
) -> Data[Page[GatewayOut]]:
    """By id (``startingAfter`` = the last id)."""
    found = await services.customers.list_gateways(customer_id, contract_no, page)
    return Data(data=Page(items=[GatewayOut.of(g) for g in found.items], has_more=found.has_more))


@router.post(GATEWAYS, summary="Create a gateway", status_code=201)
async def create_gateway(
    customer_id: CustomerId,
    contract_no: ContractNo,
    body: GatewayIn,
    _: Operator,
    services: ServicesDep,
) -> Data[GatewayOut]:
    """`maxPowerKw` is what the grid connection may draw: charge plans of its devices
    never exceed it."""
    gateway = await services.customers.create_gateway(
        customer_id, contract_no, body.name, body.max_power_kw
    )
    return Data(data=GatewayOut.of(gateway))


@router.get(GATEWAYS + "/{gatewayAssetId}", summary="Get a gateway")
async def get_gateway(ref: GatewayPath, _: Viewer, services: ServicesDep) -> Data[GatewayOut]:
    """One gateway of the contract."""
    return Data(data=GatewayOut.of(await services.customers.get_gateway(ref)))


@router.patch(GATEWAYS + "/{gatewayAssetId}", summary="Correct a gateway")
async def update_gateway(
    ref: GatewayPath, body: GatewayPatch, _: Operator, services: ServicesDep
) -> Data[GatewayOut]:
    """Only the fields sent change. A new `maxPowerKw` applies to the next charge plan."""
    gateway = await services.customers.update_gateway(
        ref, name=body.name, max_power_kw=body.max_power_kw
    )
    return Data(data=GatewayOut.of(gateway))


@router.delete(
    GATEWAYS + "/{gatewayAssetId}",
    summary="Remove a gateway",
    responses=error_responses(409),
    status_code=204,
)
async def delete_gateway(ref: GatewayPath, _: Operator, services: ServicesDep) -> Response:
    """Only a gateway without devices (409 IN_USE otherwise)."""
    await services.customers.delete_gateway(ref)
    return Response(status_code=204)


# -- devices -----------------------------------------------------------------------------


@router.get(DEVICES, summary="List a gateway's devices")
async def list_devices(
    ref: GatewayPath, _: Viewer, services: ServicesDep, page: NumberPage
) -> Data[Page[DeviceOut]]:
    """By id (``startingAfter`` = the last id)."""
    found = await services.customers.list_devices(ref, page)
    return Data(data=Page(items=[DeviceOut.of(d) for d in found.items], has_more=found.has_more))


@router.post(DEVICES, summary="Create a device", status_code=201, responses=error_responses(409))
async def create_device(
    ref: GatewayPath, body: DeviceIn, _: Operator, services: ServicesDep
) -> Data[DeviceOut]:
    """A station of ours, or one EVSE it reported (`evseId`). 422 when the station or EVSE
    does not exist; 409 CONFLICT when it is a device already, or when the station is a
    device as a whole and an EVSE of it is asked for (or the other way round)."""
    device = await services.customers.create_device(ref, body.station_id, body.evse_id)
    return Data(data=DeviceOut.of(device))


@router.get(DEVICES + "/{deviceAssetId}", summary="Get a device")
async def get_device(ref: DevicePath, _: Viewer, services: ServicesDep) -> Data[DeviceOut]:
    """One device of the gateway."""
    return Data(data=DeviceOut.of(await services.customers.get_device(ref)))


@router.patch(
    DEVICES + "/{deviceAssetId}",
    summary="Move a device to another station or EVSE",
    responses=error_responses(409),
)
async def update_device(
    ref: DevicePath, body: DevicePatch, _: Operator, services: ServicesDep
) -> Data[DeviceOut]:
    """For a device registered on the wrong charging point; its EV charging information
    stays. The same checks as on creation apply."""
    sent = body.model_fields_set

    def change(device: Device) -> Device:
        return replace(
            device,
            station_id=body.station_id if body.station_id is not None else device.station_id,
            evse_id=body.evse_id if "evse_id" in sent else device.evse_id,
        )

    return Data(data=DeviceOut.of(await services.customers.move_device(ref, change)))


@router.delete(
    DEVICES + "/{deviceAssetId}",
    summary="Remove a device",
    responses=error_responses(409),
    status_code=204,
)
async def delete_device(ref: DevicePath, _: Operator, services: ServicesDep) -> Response:
    """Only a device without EV charging information (409 IN_USE otherwise: remove that
    first with DELETE /api/customers/.../evchargingdevices/{deviceAssetId})."""
    await services.customers.delete_device(ref)
    return Response(status_code=204)
