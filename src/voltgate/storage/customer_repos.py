"""`domain.ports.CustomerRepository` in SQL: customers, contracts, gateways, devices and
their EV charging information.

Same habits as the other repositories: statements compiled once per dialect, executed on the
batch's connection, never committing. Rows map positionally onto the domain dataclasses,
whose fields are the tables' leading columns in order (checked by a test). A create inserts
with ``ON CONFLICT DO NOTHING`` and, when nothing was inserted, looks for its own
`dedupe_key`: found, the unit ran again after an ambiguous commit and gets the first id;
not found, a natural key (a contract number, a station's EVSE) is taken.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from sqlalchemy import Integer, String, Table, bindparam, delete, exists, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from voltgate.domain.customers import (
    ChargingMode,
    Contract,
    Customer,
    Device,
    EvChargingInfo,
    EvDetails,
    Gateway,
)
from voltgate.storage import tables as t
from voltgate.storage.sql import Compiled, Executor, Row

WHOLE_STATION = 0
"""`devices.evse_id` of a device that is a whole station (EVSE 0 stands for the station)."""

DETAIL_FIELDS = tuple(f.name for f in fields(EvDetails))
"""Columns of `ev_charging_infos` after `device_id`, in the field order of `EvDetails`."""


class _Listing:
    """The first page and the following pages of one list (of one `parent`), compiled."""

    def __init__(self, c: Any, table: Table, order: str, parent: str | None = None) -> None:
        columns = [column for column in table.columns if column.name != "dedupe_key"]
        base = select(*columns)
        if parent is not None:
            base = base.where(table.c[parent] == bindparam("_parent"))
        ordered = table.c[order]
        limit = bindparam("limit", type_=Integer())
        self.first: Compiled = c(base.order_by(ordered).limit(limit))
        self.after: Compiled = c(
            base.where(ordered > bindparam("after")).order_by(ordered).limit(limit)
        )

    def rows(self, db: Executor, after: int | None, limit: int, parent: Any = None) -> list[Row]:
        params = {"_parent": parent, "limit": limit}
        if after is None:
            return db.rows(self.first, params)
        return db.rows(self.after, {**params, "after": after})


class CustomerStatements:
    """The compiled statements of the customer repository for one dialect."""

    def __init__(self, dialect: Dialect) -> None:
        insert: Any = sqlite.insert if dialect.name == "sqlite" else postgresql.insert

        def c(statement: Any, column_keys: list[str] | None = None) -> Compiled:
            return Compiled(statement, dialect, column_keys)

        def creates(table: Table) -> tuple[Compiled, Compiled]:
            writable = [col.name for col in table.columns if not col.primary_key]
            if table is t.ev_charging_infos:
                writable.insert(0, "device_id")
            key = table.primary_key.columns.values()[0]
            added = c(insert(table).on_conflict_do_nothing().returning(key), writable)
            return added, c(select(key).where(table.c.dedupe_key == bindparam("_key")))

        def columns(table: Table) -> list[Any]:
            return [column for column in table.columns if column.name != "dedupe_key"]

        cu, co, gw, dv, ev = t.customers, t.contracts, t.gateways, t.devices, t.ev_charging_infos
        row_id = bindparam("_id", type_=Integer())

        self.customer_add, self.customer_by_key = creates(cu)
        self.customer_get = c(select(*columns(cu)).where(cu.c.id == row_id))
        self.customers = _Listing(c, cu, "id")
        self.customer_save = c(update(cu).where(cu.c.id == row_id), ["name"])
        self.customer_delete = c(
            delete(cu).where(cu.c.id == row_id, ~exists().where(co.c.customer_id == row_id))
        )

        self.contract_add, self.contract_by_key = creates(co)
        self.contract_get = c(
            select(*columns(co)).where(
                co.c.customer_id == bindparam("_customer"),
                co.c.contract_no == bindparam("_no"),
            )
        )
        self.contracts = _Listing(c, co, "contract_no", parent="customer_id")
        number = bindparam("contract_no", type_=Integer())
        self.contract_save = c(
            update(co)
            .where(
                co.c.id == row_id,
                ~exists().where(
                    co.c.customer_id == bindparam("_customer"),
                    co.c.contract_no == number,
                    co.c.id != row_id,
                ),
            )
            .values(contract_no=number)
        )
        self.contract_delete = c(
            delete(co).where(co.c.id == row_id, ~exists().where(gw.c.contract_id == row_id))
        )

        self.gateway_add, self.gateway_by_key = creates(gw)
        self.gateway_get = c(
            select(*columns(gw)).where(gw.c.id == row_id, gw.c.contract_id == bindparam("_parent"))
        )
        self.gateways = _Listing(c, gw, "id", parent="contract_id")
        self.gateway_save = c(update(gw).where(gw.c.id == row_id), ["name", "max_power_kw"])
        self.gateway_delete = c(
            delete(gw).where(gw.c.id == row_id, ~exists().where(dv.c.gateway_id == row_id))
        )

        self.device_add, self.device_by_key = creates(dv)
        self.device_get = c(
            select(*columns(dv)).where(dv.c.id == row_id, dv.c.gateway_id == bindparam("_parent"))
        )
        self.devices = _Listing(c, dv, "id", parent="gateway_id")
        self.devices_of_station = c(
            select(*columns(dv)).where(dv.c.station_id == bindparam("_s")).order_by(dv.c.id)
        )
        station = bindparam("station_id", type_=String())
        evse = bindparam("evse_id", type_=Integer())
        self.device_save = c(
            update(dv)
            .where(
                dv.c.id == row_id,
                ~exists().where(
                    dv.c.station_id == station, dv.c.evse_id == evse, dv.c.id != row_id
                ),
            )
            .values(station_id=station, evse_id=evse)
        )
        self.device_delete = c(
            delete(dv).where(dv.c.id == row_id, ~exists().where(ev.c.device_id == row_id))
        )

        self.ev_add, self.ev_by_key = creates(ev)
        self.ev_get = c(select(*columns(ev)).where(ev.c.device_id == row_id))
        self.ev_save = c(update(ev).where(ev.c.device_id == row_id), [*DETAIL_FIELDS, "updated_at"])
        self.ev_delete = c(delete(ev).where(ev.c.device_id == row_id))


class SqlCustomers:
    """`domain.ports.CustomerRepository` in SQL."""

    def __init__(self, db: Executor, sql: CustomerStatements) -> None:
        self._db = db
        self._sql = sql

    def _add(self, add: Compiled, by_key: Compiled, params: dict[str, Any]) -> int | None:
        row = self._db.first(add, params)
        if row is None:  # a unique key is taken: ours from a first run, or a natural key
            row = self._db.first(by_key, {"_key": params["dedupe_key"]})
        return None if row is None else int(row[0])

    def add_customer(self, customer: Customer, key: bytes) -> int:
        params = {"name": customer.name, "created_at": customer.created_at, "dedupe_key": key}
        added = self._add(self._sql.customer_add, self._sql.customer_by_key, params)
        assert added is not None  # customers have no natural key to conflict on
        return added

    def get_customer(self, customer_id: int) -> Customer | None:
        row = self._db.first(self._sql.customer_get, {"_id": customer_id})
        return None if row is None else Customer(*row)

    def list_customers(self, *, after: int | None, limit: int) -> list[Customer]:
        return [Customer(*row) for row in self._sql.customers.rows(self._db, after, limit)]

    def save_customer(self, customer: Customer) -> None:
        self._db.run(self._sql.customer_save, {"_id": customer.id, "name": customer.name})

    def delete_customer(self, customer_id: int) -> bool:
        return self._db.run(self._sql.customer_delete, {"_id": customer_id}) > 0

    def add_contract(self, contract: Contract, key: bytes) -> int | None:
        params = {
            "customer_id": contract.customer_id,
            "contract_no": contract.contract_no,
            "created_at": contract.created_at,
            "dedupe_key": key,
        }
        return self._add(self._sql.contract_add, self._sql.contract_by_key, params)

    def get_contract(self, customer_id: int, contract_no: int) -> Contract | None:
        params = {"_customer": customer_id, "_no": contract_no}
        row = self._db.first(self._sql.contract_get, params)
        return None if row is None else Contract(*row)

    def list_contracts(self, customer_id: int, *, after: int | None, limit: int) -> list[Contract]:
        rows = self._sql.contracts.rows(self._db, after, limit, customer_id)
        return [Contract(*row) for row in rows]

    def save_contract(self, contract: Contract) -> bool:
        params = {
            "_id": contract.id,
            "_customer": contract.customer_id,
            "contract_no": contract.contract_no,
        }
        return self._db.run(self._sql.contract_save, params) > 0

    def delete_contract(self, contract_id: int) -> bool:
        return self._db.run(self._sql.contract_delete, {"_id": contract_id}) > 0

    def add_gateway(self, gateway: Gateway, key: bytes) -> int:
        params = {
            "contract_id": gateway.contract_id,
            "name": gateway.name,
            "max_power_kw": gateway.max_power_kw,
            "created_at": gateway.created_at,
            "dedupe_key": key,
        }
        added = self._add(self._sql.gateway_add, self._sql.gateway_by_key, params)
        assert added is not None  # gateways have no natural key to conflict on
        return added

    def get_gateway(self, contract_id: int, gateway_id: int) -> Gateway | None:
        row = self._db.first(self._sql.gateway_get, {"_id": gateway_id, "_parent": contract_id})
        return None if row is None else Gateway(*row)

    def list_gateways(self, contract_id: int, *, after: int | None, limit: int) -> list[Gateway]:
        return [
            Gateway(*row) for row in self._sql.gateways.rows(self._db, after, limit, contract_id)
        ]

    def save_gateway(self, gateway: Gateway) -> None:
        params = {"_id": gateway.id, "name": gateway.name, "max_power_kw": gateway.max_power_kw}
        self._db.run(self._sql.gateway_save, params)

    def delete_gateway(self, gateway_id: int) -> bool:
        return self._db.run(self._sql.gateway_delete, {"_id": gateway_id}) > 0

    def add_device(self, device: Device, key: bytes) -> int | None:
        params = {
            "gateway_id": device.gateway_id,
            "station_id": device.station_id,
            "evse_id": _stored_evse(device.evse_id),
            "created_at": device.created_at,
            "dedupe_key": key,
        }
        return self._add(self._sql.device_add, self._sql.device_by_key, params)

    def get_device(self, gateway_id: int, device_id: int) -> Device | None:
        row = self._db.first(self._sql.device_get, {"_id": device_id, "_parent": gateway_id})
        return None if row is None else _device(row)

    def devices_of_station(self, station_id: str) -> list[Device]:
        return [
            _device(row) for row in self._db.rows(self._sql.devices_of_station, {"_s": station_id})
        ]

    def list_devices(self, gateway_id: int, *, after: int | None, limit: int) -> list[Device]:
        return [_device(row) for row in self._sql.devices.rows(self._db, after, limit, gateway_id)]

    def save_device(self, device: Device) -> bool:
        params = {
            "_id": device.id,
            "station_id": device.station_id,
            "evse_id": _stored_evse(device.evse_id),
        }
        return self._db.run(self._sql.device_save, params) > 0

    def delete_device(self, device_id: int) -> bool:
        return self._db.run(self._sql.device_delete, {"_id": device_id}) > 0

    def add_ev_info(self, info: EvChargingInfo, key: bytes) -> bool:
        params = _ev_params(info)
        params.update(device_id=info.device_id, created_at=info.created_at, dedupe_key=key)
        return self._add(self._sql.ev_add, self._sql.ev_by_key, params) is not None

    def get_ev_info(self, device_id: int) -> EvChargingInfo | None:
        row = self._db.first(self._sql.ev_get, {"_id": device_id})
        if row is None:
            return None
        details = list(row[1 : 1 + len(DETAIL_FIELDS)])
        details[0] = ChargingMode(details[0])
        created_at, updated_at = row[1 + len(DETAIL_FIELDS) :]
        return EvChargingInfo(row[0], EvDetails(*details), created_at, updated_at)

    def save_ev_info(self, info: EvChargingInfo) -> None:
        self._db.run(self._sql.ev_save, {**_ev_params(info), "_id": info.device_id})

    def delete_ev_info(self, device_id: int) -> bool:
        return self._db.run(self._sql.ev_delete, {"_id": device_id}) > 0


def _stored_evse(evse_id: int | None) -> int:
    return WHOLE_STATION if evse_id is None else evse_id


def _device(row: Row) -> Device:
    device_id, gateway_id, station_id, evse_id, created_at = row
    evse = None if evse_id == WHOLE_STATION else evse_id
    return Device(device_id, gateway_id, station_id, evse, created_at)


def _ev_params(info: EvChargingInfo) -> dict[str, Any]:
    params = {name: getattr(info.details, name) for name in DETAIL_FIELDS}
    params["charging_mode"] = int(info.details.charging_mode)
    params["updated_at"] = info.updated_at
    return params
