"""The native API's shapes of customers, contracts, gateways and devices (`api.conventions`).

A gateway's `maxPowerKw` is a decimal in kW, read exactly (at most three decimals: watts)
and written as a JSON number.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field, PlainSerializer

from voltgate.api.conventions import ApiModel, Name, StationId, UtcDateTime
from voltgate.domain import customers

MAX_ID = 2**31 - 1
"""Ids and contract numbers are int32, as the reference's clients (.NET int) send them."""

ContractNo = Annotated[int, Field(ge=1, le=MAX_ID, description="Unique for the customer.")]
EvseId = Annotated[int, Field(ge=1, le=MAX_ID, description="An EVSE the station reported.")]
Kilowatts = Annotated[
    Decimal,
    Field(gt=0, le=customers.MAX_GATEWAY_POWER_KW, decimal_places=3, allow_inf_nan=False),
    PlainSerializer(float, return_type=float, when_used="json"),
]


class CustomerIn(ApiModel):
    """A new customer, or a corrected name."""

    name: Name


class CustomerOut(ApiModel):
    """A customer."""

    id: int
    name: str
    created_at: UtcDateTime

    @classmethod
    def of(cls, customer: customers.Customer) -> CustomerOut:
        return cls(id=customer.id, name=customer.name, created_at=customer.created_at)


class ContractIn(ApiModel):
    """A new contract, or a corrected contract number."""

    contract_no: ContractNo


class ContractOut(ApiModel):
    """A customer's contract; clients address it by `contractNo`."""

    id: int
    customer_id: int
    contract_no: int
    created_at: UtcDateTime

    @classmethod
    def of(cls, contract: customers.Contract) -> ContractOut:
        return cls(
            id=contract.id,
            customer_id=contract.customer_id,
            contract_no=contract.contract_no,
            created_at=contract.created_at,
        )


class GatewayIn(ApiModel):
    """A new gateway: the devices behind one grid connection, and what it may draw."""

    name: Name
    max_power_kw: Kilowatts


class GatewayPatch(ApiModel):
    """Corrections to a gateway (fields left out keep their value)."""

    name: Name | None = None
    max_power_kw: Kilowatts | None = None


class GatewayOut(ApiModel):
    """A gateway of a contract."""

    id: int
    contract_id: int
    name: str
    max_power_kw: Kilowatts
    created_at: UtcDateTime

    @classmethod
    def of(cls, gateway: customers.Gateway) -> GatewayOut:
        return cls(
            id=gateway.id,
            contract_id=gateway.contract_id,
            name=gateway.name,
            max_power_kw=gateway.max_power_kw,
            created_at=gateway.created_at,
        )


class DeviceIn(ApiModel):
    """A new device: a station of ours, or one EVSE of it (`evseId`)."""

    station_id: StationId
    evse_id: EvseId | None = Field(default=None, description="None: the whole station.")


class DevicePatch(ApiModel):
    """Move a device to another station or EVSE (left out: unchanged; `evseId` null: the
    whole station)."""

    station_id: StationId | None = None
    evse_id: EvseId | None = None


class DeviceOut(ApiModel):
    """A device behind a gateway: a whole station (`evseId` null) or one EVSE."""

    id: int
    gateway_id: int
    station_id: str
    evse_id: int | None
    created_at: UtcDateTime

    @classmethod
    def of(cls, device: customers.Device) -> DeviceOut:
        return cls(
            id=device.id,
            gateway_id=device.gateway_id,
            station_id=device.station_id,
            evse_id=device.evse_id,
            created_at=device.created_at,
        )
