"""Customer records in storage, on SQLite and PostgreSQL: rows map onto the dataclasses, and
a create that runs again after an ambiguous commit finds its own row instead of adding a
second one or reporting a conflict with itself."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime
from decimal import Decimal

from voltgate.domain.customers import (
    Contract,
    Customer,
    Device,
    EvChargingInfo,
    EvDetails,
    Gateway,
)
from voltgate.domain.ports import Repositories
from voltgate.domain.stations import Station
from voltgate.storage import tables
from voltgate.storage.customer_repos import DETAIL_FIELDS
from voltgate.storage.database import Database

AT = datetime(2025, 1, 1, tzinfo=UTC)
KEY, OTHER = b"k" * 16, b"o" * 16


def test_dataclasses_follow_table_columns() -> None:
    """Rows map positionally onto the customer dataclasses, so the orders must agree."""
    for cls, table in (
        (Customer, tables.customers),
        (Contract, tables.contracts),
        (Gateway, tables.gateways),
        (Device, tables.devices),
    ):
        names = [f.name for f in fields(cls)]
        assert [c.name for c in table.columns][: len(names)] == names
    columns = [c.name for c in tables.ev_charging_infos.columns]
    assert columns[1 : 1 + len(DETAIL_FIELDS)] == [f.name for f in fields(EvDetails)]


async def test_creates_are_idempotent_by_their_key(db: Database) -> None:
    """The same create twice (same key) returns the first id; another create of a taken
    contract number, station EVSE or device information is refused."""

    def first(repos: Repositories) -> tuple[int, int | None, int, int | None, bool]:
        repos.stations.add(Station("CP-1"))
        customer = repos.customers.add_customer(Customer(0, "Ada", AT), KEY)
        contract = repos.customers.add_contract(Contract(0, customer, 7, AT), KEY)
        assert contract is not None
        gateway = repos.customers.add_gateway(Gateway(0, contract, "G", Decimal("11.5"), AT), KEY)
        device = repos.customers.add_device(Device(0, gateway, "CP-1", None, AT), KEY)
        assert device is not None
        info = EvChargingInfo(device, EvDetails(battery_level_percent=Decimal("12.5")), AT, AT)
        return customer, contract, gateway, device, repos.customers.add_ev_info(info, KEY)

    ids = await db.run(first)
    assert await db.run(first) == ids  # run again, as after an ambiguous commit

    customer, contract, gateway, device, _ = ids

    def others(repos: Repositories) -> tuple[int | None, int | None, bool]:
        info = EvChargingInfo(device or 0, EvDetails(), AT, AT)
        return (
            repos.customers.add_contract(Contract(0, customer, 7, AT), OTHER),
            repos.customers.add_device(Device(0, gateway, "CP-1", None, AT), OTHER),
            repos.customers.add_ev_info(info, OTHER),
        )

    assert await db.run(others) == (None, None, False)

    def read(repos: Repositories) -> tuple[list[Customer], Gateway | None, EvChargingInfo | None]:
        return (
            repos.customers.list_customers(after=None, limit=10),
            repos.customers.get_gateway(contract or 0, gateway),
            repos.customers.get_ev_info(device or 0),
        )

    customers, stored_gateway, info = await db.run(read)
    assert [c.id for c in customers] == [customer]
    assert stored_gateway is not None and stored_gateway.max_power_kw == Decimal("11.5")
    assert info is not None and info.details.battery_level_percent == Decimal("12.5")


async def test_saves_refuse_a_taken_number_or_charging_point(db: Database) -> None:
    """Renumbering onto another contract's number, or moving a device onto another
    device's EVSE, writes nothing and says so (the check another node may race)."""

    def work(repos: Repositories) -> tuple[bool, bool, bool, bool]:
        repos.stations.add(Station("CP-1"))
        customer = repos.customers.add_customer(Customer(0, "Ada", AT), KEY)
        one = repos.customers.add_contract(Contract(0, customer, 1, AT), KEY)
        two = repos.customers.add_contract(Contract(0, customer, 2, AT), OTHER)
        assert one is not None and two is not None
        gateway = repos.customers.add_gateway(Gateway(0, one, "G", Decimal(11), AT), KEY)
        first = repos.customers.add_device(Device(0, gateway, "CP-1", 1, AT), KEY)
        second = repos.customers.add_device(Device(0, gateway, "CP-1", 2, AT), OTHER)
        assert first is not None and second is not None
        return (
            repos.customers.save_contract(Contract(two, customer, 1, AT)),
            repos.customers.save_contract(Contract(two, customer, 3, AT)),
            repos.customers.save_device(Device(second, gateway, "CP-1", 1, AT)),
            repos.customers.save_device(Device(second, gateway, "CP-1", None, AT)),
        )

    assert await db.run(work) == (False, True, False, True)
