"""Building customer records over the API for tests: a station that reported its EVSEs (a
real 1.6 station), and a customer with a contract, a gateway and a device."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ocpp.v16 import call as call16

from tests.api.conftest import Api, data
from tests.e2e.conftest import PASSWORD, charge_point

CUSTOMERS = "/api/v1/customers"


async def station_with_evses(api: Api, station_id: str, evses: tuple[int, ...] = (1, 2)) -> None:
    """Provision `station_id`; it connects, boots and reports connectors `evses` (1.6
    connectorId N is EVSE N), so those EVSEs exist."""
    body = {"id": station_id, "password": PASSWORD}
    data(await api.post("/api/v1/stations", json=body), 201)
    async with charge_point(api.csms, station_id) as cp:
        await cp.call(call16.BootNotification(charge_point_vendor="ACME", charge_point_model="X1"))
        for connector_id in evses:
            await cp.call(
                call16.StatusNotification(
                    connector_id=connector_id, error_code="NoError", status="Available"
                )
            )


@dataclass(frozen=True)
class Chain:
    """A customer, contract, gateway and device made over the API."""

    customer: dict[str, Any]
    contract: dict[str, Any]
    gateway: dict[str, Any]
    device: dict[str, Any]

    @property
    def gateway_url(self) -> str:
        """The native URL of the gateway."""
        return (
            f"{CUSTOMERS}/{self.customer['id']}/contracts/{self.contract['contractNo']}"
            f"/gateways/{self.gateway['id']}"
        )

    @property
    def device_url(self) -> str:
        """The native URL of the device."""
        return f"{self.gateway_url}/devices/{self.device['id']}"

    @property
    def reference_url(self) -> str:
        """The reference 03 URL of the device's EV charging information."""
        return (
            f"/api/customers/{self.customer['id']}/contracts/{self.contract['contractNo']}"
            f"/gateways/{self.gateway['id']}/evchargingdevices/{self.device['id']}"
        )


async def chain(
    api: Api,
    station_id: str = "CP-1",
    evse_id: int | None = 1,
    *,
    contract_no: int = 4711,
    max_power_kw: float | str = 11,
) -> Chain:
    """A new customer with one contract, one gateway and one device on `station_id`
    (`evse_id` None: the whole station), which must exist."""
    customer = data(await api.post(CUSTOMERS, json={"name": "Ada Lovelace"}), 201)
    contracts = f"{CUSTOMERS}/{customer['id']}/contracts"
    contract = data(await api.post(contracts, json={"contractNo": contract_no}), 201)
    gateways = f"{contracts}/{contract_no}/gateways"
    body = {"name": "Home", "maxPowerKw": max_power_kw}
    gateway = data(await api.post(gateways, json=body), 201)
    devices = f"{gateways}/{gateway['id']}/devices"
    device = data(await api.post(devices, json={"stationId": station_id, "evseId": evse_id}), 201)
    return Chain(customer, contract, gateway, device)


def missing_steps(made: Chain) -> list[tuple[tuple[int, int, int, int], str]]:
    """Paths (customer, contract number, gateway, device) with one step missing, each with
    the 404 message that names it."""
    c, n, g, d = (
        made.customer["id"],
        made.contract["contractNo"],
        made.gateway["id"],
        made.device["id"],
    )
    return [
        ((c + 1, n, g, d), f"customer {c + 1} not found"),
        ((c, n + 1, g, d), f"contract {n + 1} of customer {c} not found"),
        ((c, n, g + 1, d), f"gateway {g + 1} of contract {n} not found"),
        ((c, n, g, d + 1), f"device {d + 1} of gateway {g} not found"),
    ]
