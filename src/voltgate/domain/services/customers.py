"""Customer use cases: customers, their contracts, gateways and devices (`domain.customers`).

Records are found along their path as clients address them (customer id, contract number,
gateway id, device id); `NotFound` names the first step that is missing, e.g. "contract 3
of customer 7 not found". A record that others refer to is not removed (`InUse`): remove
its dependants first. Each method is one unit of work; creates carry a random key so that
one that runs again after an ambiguous commit inserts nothing twice.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from voltgate.domain.customers import (
    Contract,
    Customer,
    Device,
    DevicePath,
    DeviceRef,
    Gateway,
    GatewayRef,
    device_conflict,
)
from voltgate.domain.errors import AlreadyExists, Conflict, InUse, InvalidValue, NotFound
from voltgate.domain.ports import Clock, Repositories, UnitOfWork
from voltgate.domain.queries import Page, PageRequest, page_of

KeyFactory = Callable[[], bytes]
"""A fresh random key per create (`secrets` in production)."""


def new_key() -> bytes:
    """16 random bytes: the dedupe key of one create request."""
    return secrets.token_bytes(16)


def find_customer(repos: Repositories, customer_id: int) -> Customer:
    """The customer, or NotFound."""
    customer = repos.customers.get_customer(customer_id)
    if customer is None:
        raise NotFound(f"customer {customer_id} not found")
    return customer


def find_contract(repos: Repositories, customer_id: int, contract_no: int) -> Contract:
    """The customer's contract with this number, or NotFound (for either)."""
    find_customer(repos, customer_id)
    contract = repos.customers.get_contract(customer_id, contract_no)
    if contract is None:
        raise NotFound(f"contract {contract_no} of customer {customer_id} not found")
    return contract


def find_gateway(repos: Repositories, ref: GatewayRef) -> tuple[Contract, Gateway]:
    """The gateway under its contract, or NotFound for the first missing step."""
    contract = find_contract(repos, ref.customer_id, ref.contract_no)
    gateway = repos.customers.get_gateway(contract.id, ref.gateway_id)
    if gateway is None:
        raise NotFound(f"gateway {ref.gateway_id} of contract {ref.contract_no} not found")
    return contract, gateway


def find_device(repos: Repositories, ref: DeviceRef) -> DevicePath:
    """The device with every record above it, or NotFound for the first missing step."""
    contract, gateway = find_gateway(repos, ref.gateway)
    device = repos.customers.get_device(gateway.id, ref.device_id)
    if device is None:
        raise NotFound(f"device {ref.device_id} of gateway {gateway.id} not found")
    customer = repos.customers.get_customer(ref.gateway.customer_id)
    assert customer is not None  # found along the path just now
    return DevicePath(customer, contract, gateway, device)


def _check_point(repos: Repositories, station_id: str, evse_id: int | None) -> None:
    """A device is a station of ours, or an EVSE it reported."""
    if repos.stations.get(station_id) is None:
        raise InvalidValue("station_id", f"station {station_id!r} does not exist")
    if evse_id is not None and repos.connectors.get_evse(station_id, evse_id) is None:
        raise InvalidValue("evse_id", f"station {station_id!r} has no EVSE {evse_id}")


def _check_conflict(
    repos: Repositories, station_id: str, evse_id: int | None, own_id: int | None
) -> None:
    problem = device_conflict(
        repos.customers.devices_of_station(station_id), station_id, evse_id, own_id
    )
    if problem is not None:
        raise Conflict(problem)


class CustomerService:
    """Customers, contracts, gateways and devices: the records smart charging plans for.

    Args:
        uow: runs units of work durably.
        clock: the server clock, aware UTC.
        new_key: the dedupe key of each create (random in production).
    """

    def __init__(self, uow: UnitOfWork, clock: Clock, *, new_key: KeyFactory = new_key) -> None:
        self._uow = uow
        self._clock = clock
        self._new_key = new_key

    # -- customers -------------------------------------------------------------------------

    async def create_customer(self, name: str) -> Customer:
        """A new customer."""
        customer, key = Customer(0, name, self._clock()), self._new_key()

        def work(repos: Repositories) -> Customer:
            return replace(customer, id=repos.customers.add_customer(customer, key))

        return await self._uow.submit(work)

    async def get_customer(self, customer_id: int) -> Customer:
        """The customer. Raises NotFound."""
        return await self._uow.submit(lambda repos: find_customer(repos, customer_id))

    async def list_customers(self, page: PageRequest[int]) -> Page[Customer]:
        """Customers by id."""

        def work(repos: Repositories) -> list[Customer]:
            return repos.customers.list_customers(after=page.after, limit=page.fetch)

        return page_of(await self._uow.submit(work), page)

    async def rename_customer(self, customer_id: int, name: str) -> Customer:
        """Correct a customer's name. Raises NotFound."""

        def work(repos: Repositories) -> Customer:
            customer = replace(find_customer(repos, customer_id), name=name)
            repos.customers.save_customer(customer)
            return customer

        return await self._uow.submit(work)

    async def delete_customer(self, customer_id: int) -> None:
        """Remove a customer without contracts. Raises NotFound, InUse."""

        def work(repos: Repositories) -> None:
            find_customer(repos, customer_id)
            if not repos.customers.delete_customer(customer_id):
                raise InUse("customer", str(customer_id), "it has contracts")

        await self._uow.submit(work)

    # -- contracts -------------------------------------------------------------------------

    async def create_contract(self, customer_id: int, contract_no: int) -> Contract:
        """A new contract of the customer. Raises NotFound, AlreadyExists (the number)."""
        key, now = self._new_key(), self._clock()

        def work(repos: Repositories) -> Contract:
            find_customer(repos, customer_id)
            contract = Contract(0, customer_id, contract_no, now)
            contract_id = repos.customers.add_contract(contract, key)
            if contract_id is None:
                raise AlreadyExists(f"contract of customer {customer_id}", str(contract_no))
            return replace(contract, id=contract_id)

        return await self._uow.submit(work)

    async def get_contract(self, customer_id: int, contract_no: int) -> Contract:
        """The customer's contract with this number. Raises NotFound."""
        return await self._uow.submit(lambda repos: find_contract(repos, customer_id, contract_no))

    async def list_contracts(self, customer_id: int, page: PageRequest[int]) -> Page[Contract]:
        """A customer's contracts by number (`page.after`: a contract number)."""

        def work(repos: Repositories) -> list[Contract]:
            find_customer(repos, customer_id)
            return repos.customers.list_contracts(customer_id, after=page.after, limit=page.fetch)

        return page_of(await self._uow.submit(work), page)

    async def renumber_contract(self, customer_id: int, contract_no: int, new_no: int) -> Contract:
        """Correct a contract's number. Raises NotFound, AlreadyExists (the new number)."""

        def work(repos: Repositories) -> Contract:
            contract = replace(find_contract(repos, customer_id, contract_no), contract_no=new_no)
            if not repos.customers.save_contract(contract):
                raise AlreadyExists(f"contract of customer {customer_id}", str(new_no))
            return contract

        return await self._uow.submit(work)

    async def delete_contract(self, customer_id: int, contract_no: int) -> None:
        """Remove a contract without gateways. Raises NotFound, InUse."""

        def work(repos: Repositories) -> None:
            contract = find_contract(repos, customer_id, contract_no)
            if not repos.customers.delete_contract(contract.id):
                raise InUse("contract", str(contract_no), "it has gateways")

        await self._uow.submit(work)

    # -- gateways --------------------------------------------------------------------------

    async def create_gateway(
        self, customer_id: int, contract_no: int, name: str, max_power_kw: Decimal
    ) -> Gateway:
        """A new gateway of the contract. Raises NotFound."""
        key, now = self._new_key(), self._clock()

        def work(repos: Repositories) -> Gateway:
            contract = find_contract(repos, customer_id, contract_no)
            gateway = Gateway(0, contract.id, name, max_power_kw, now)
            return replace(gateway, id=repos.customers.add_gateway(gateway, key))

        return await self._uow.submit(work)

    async def get_gateway(self, ref: GatewayRef) -> Gateway:
        """The gateway. Raises NotFound."""
        return await self._uow.submit(lambda repos: find_gateway(repos, ref)[1])

    async def list_gateways(
        self, customer_id: int, contract_no: int, page: PageRequest[int]
    ) -> Page[Gateway]:
        """A contract's gateways by id."""

        def work(repos: Repositories) -> list[Gateway]:
            contract = find_contract(repos, customer_id, contract_no)
            return repos.customers.list_gateways(contract.id, after=page.after, limit=page.fetch)

        return page_of(await self._uow.submit(work), page)

    async def update_gateway(
        self, ref: GatewayRef, *, name: str | None = None, max_power_kw: Decimal | None = None
    ) -> Gateway:
        """Correct a gateway's name or power limit (None: unchanged). Raises NotFound."""

        def work(repos: Repositories) -> Gateway:
            gateway = find_gateway(repos, ref)[1]
            gateway = replace(
                gateway,
                name=gateway.name if name is None else name,
                max_power_kw=gateway.max_power_kw if max_power_kw is None else max_power_kw,
            )
            repos.customers.save_gateway(gateway)
            return gateway

        return await self._uow.submit(work)

    async def delete_gateway(self, ref: GatewayRef) -> None:
        """Remove a gateway without devices. Raises NotFound, InUse."""

        def work(repos: Repositories) -> None:
            if not repos.customers.delete_gateway(find_gateway(repos, ref)[1].id):
                raise InUse("gateway", str(ref.gateway_id), "it has devices")

        await self._uow.submit(work)

    # -- devices ---------------------------------------------------------------------------

    async def create_device(self, ref: GatewayRef, station_id: str, evse_id: int | None) -> Device:
        """A new device: a station of ours (`evse_id` None) or one of its EVSEs.

        Raises:
            NotFound: the gateway (or a record above it).
            InvalidValue: the station, or its EVSE, does not exist.
            Conflict: the station or EVSE is a device already, or overlaps one.
        """
        key, now = self._new_key(), self._clock()

        def work(repos: Repositories) -> Device:
            gateway = find_gateway(repos, ref)[1]
            _check_point(repos, station_id, evse_id)
            device = Device(0, gateway.id, station_id, evse_id, now)
            # Insert first: a unit run again after an ambiguous commit finds its own device.
            device_id = repos.customers.add_device(device, key)
            _check_conflict(repos, station_id, evse_id, device_id)
            assert device_id is not None  # else _check_conflict raised
            return replace(device, id=device_id)

        return await self._uow.submit(work)

    async def get_device(self, ref: DeviceRef) -> Device:
        """The device. Raises NotFound."""
        return await self._uow.submit(lambda repos: find_device(repos, ref).device)

    async def list_devices(self, ref: GatewayRef, page: PageRequest[int]) -> Page[Device]:
        """A gateway's devices by id."""

        def work(repos: Repositories) -> list[Device]:
            gateway = find_gateway(repos, ref)[1]
            return repos.customers.list_devices(gateway.id, after=page.after, limit=page.fetch)

        return page_of(await self._uow.submit(work), page)

    async def move_device(self, ref: DeviceRef, change: Callable[[Device], Device]) -> Device:
        """Correct which station or EVSE a device is (its EV charging information stays):
        `change` gets the stored device and returns it moved, in the same unit of work.
        Raises as `create_device`."""

        def work(repos: Repositories) -> Device:
            device = find_device(repos, ref).device
            moved = replace(change(device), id=device.id, gateway_id=device.gateway_id)
            _check_point(repos, moved.station_id, moved.evse_id)
            _check_conflict(repos, moved.station_id, moved.evse_id, device.id)
            if not repos.customers.save_device(moved):  # taken meanwhile, by another node
                _check_conflict(repos, moved.station_id, moved.evse_id, None)
            return moved

        return await self._uow.submit(work)

    async def delete_device(self, ref: DeviceRef) -> None:
        """Remove a device without EV charging information. Raises NotFound, InUse."""

        def work(repos: Repositories) -> None:
            if not repos.customers.delete_device(find_device(repos, ref).device.id):
                raise InUse("device", str(ref.device_id), "it has EV charging information")

        await self._uow.submit(work)
