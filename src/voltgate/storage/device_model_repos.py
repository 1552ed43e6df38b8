"""The device model of 2.0.1 stations in SQL (`domain.ports.DeviceModelRepository`).

A full inventory report carries hundreds of variables, so their upserts are deferred
(`Executor.defer`): all variable rows of a part, then all attribute rows, go out as two
pipelined `executemany` calls. The upserts only overwrite rows reported earlier than the
incoming report (`WHERE excluded.reported_at >= stored`), so a late part of an older report
cannot undo a newer one; characteristics missing from a report keep the stored ones, and
an older report fills them in while none are stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, case, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from voltgate.domain.device_model import (
    Attribute,
    AttributeType,
    Characteristics,
    DeviceVariable,
    ReportedVariable,
    StoredPart,
    VariableAddress,
)
from voltgate.domain.keys import device_attribute_key, device_variable_key
from voltgate.storage import tables as t
from voltgate.storage.sql import Compiled, Executor, Row

_VARIABLE_COLUMNS = [c.name for c in t.device_variables.columns]
_ATTRIBUTE_COLUMNS = [c.name for c in t.device_attributes.columns]
_PART_COLUMNS = [c.name for c in t.device_report_parts.columns]
_CHARACTERISTICS = ("data_type", "supports_monitoring", "unit", "min_limit", "max_limit")
_CHARACTERISTICS_ALL = (*_CHARACTERISTICS, "values_list")
_TYPE_ORDER = {member.value: index for index, member in enumerate(AttributeType)}


class DeviceModelStatements:
    """The compiled device-model statements for one SQL dialect."""

    def __init__(self, dialect: Dialect) -> None:
        insert: Any = postgresql.insert if dialect.name == "postgresql" else sqlite.insert
        v, a, p = t.device_variables, t.device_attributes, t.device_report_parts

        variable_upsert = insert(v)
        new = variable_upsert.excluded
        newer = new.reported_at >= v.c.reported_at
        # Characteristics are fixed facts: take them from a newer report, or from any report
        # while none are stored (an older report's part may be the only one that has them).
        take_characteristics = and_(new.data_type.is_not(None), or_(newer, v.c.data_type.is_(None)))
        self.variable_save = Compiled(
            variable_upsert.on_conflict_do_update(
                index_elements=[v.c.key],
                set_={
                    **{
                        name: case((newer, new[name]), else_=v.c[name])
                        for name in _VARIABLE_COLUMNS
                        if name not in ("key", "station_id", *_CHARACTERISTICS_ALL)
                    },
                    **{
                        name: case((take_characteristics, new[name]), else_=v.c[name])
                        for name in _CHARACTERISTICS_ALL
                    },
                },
                where=or_(newer, take_characteristics),
            ),
            dialect,
            _VARIABLE_COLUMNS,
        )
        attribute_upsert = insert(a)
        self.attribute_save = Compiled(
            attribute_upsert.on_conflict_do_update(
                index_elements=[a.c.key],
                set_={
                    name: attribute_upsert.excluded[name]
                    for name in _ATTRIBUTE_COLUMNS
                    if name not in ("key", "variable_key", "station_id", "type")
                },
                where=attribute_upsert.excluded.reported_at >= a.c.reported_at,
            ),
            dialect,
            _ATTRIBUTE_COLUMNS,
        )
        self.variable_list = Compiled(
            select(
                v.c.component,
                v.c.component_instance,
                v.c.evse_id,
                v.c.connector_id,
                v.c.variable,
                v.c.variable_instance,
                a.c.type,
                a.c.value,
                a.c.mutability,
                a.c.persistent,
                a.c.constant,
                *(v.c[name] for name in _CHARACTERISTICS_ALL),
                a.c.reported_at,
                a.c.request_id,
            )
            .select_from(a.join(v, a.c.variable_key == v.c.key))
            .where(a.c.station_id == bindparam("_s")),
            dialect,
        )
        self.part_add = Compiled(
            insert(p).on_conflict_do_nothing(index_elements=[p.c.key]).returning(p.c.key),
            dialect,
            _PART_COLUMNS,
        )
        self.part_list = Compiled(
            select(*(p.c[name] for name in _PART_COLUMNS if name != "key")).where(
                p.c.station_id == bindparam("_s")
            ),
            dialect,
        )


class SqlDeviceModel:
    """`domain.ports.DeviceModelRepository` in SQL."""

    def __init__(self, db: Executor, sql: DeviceModelStatements) -> None:
        self._db = db
        self._sql = sql

    def add_part(self, part: StoredPart, key: bytes) -> bool:
        params = {
            "key": key,
            "station_id": part.station_id,
            "request_id": part.request_id,
            "seq_no": part.seq_no,
            "tbc": part.tbc,
            "generated_at": part.generated_at,
            "received_at": part.received_at,
            "variable_count": part.variable_count,
        }
        return self._db.first(self._sql.part_add, params) is not None

    def save_variables(
        self,
        station_id: str,
        variables: Sequence[ReportedVariable],
        reported_at: datetime,
        request_id: int,
    ) -> None:
        attributes: list[dict[str, Any]] = []
        for reported in variables:
            address = reported.address
            key = device_variable_key(station_id, address.identity())
            ch = reported.characteristics
            params: dict[str, Any] = {
                "key": key,
                "station_id": station_id,
                "component": address.component,
                "component_instance": address.component_instance,
                "evse_id": address.evse_id,
                "connector_id": address.connector_id,
                "variable": address.variable,
                "variable_instance": address.variable_instance,
                "data_type": None if ch is None else ch.data_type,
                "supports_monitoring": None if ch is None else ch.supports_monitoring,
                "unit": None if ch is None else ch.unit,
                "min_limit": None if ch is None else ch.min_limit,
                "max_limit": None if ch is None else ch.max_limit,
                "values_list": None if ch is None else ch.values_list,
                "reported_at": reported_at,
            }
            self._db.defer(self._sql.variable_save, self._sql.variable_save.parameters(params))
            for attribute in reported.attributes:
                attributes.append(
                    {
                        "key": device_attribute_key(key, attribute.type.value),
                        "variable_key": key,
                        "station_id": station_id,
                        "type": attribute.type.value,
                        "value": attribute.value,
                        "mutability": attribute.mutability,
                        "persistent": attribute.persistent,
                        "constant": attribute.constant,
                        "reported_at": reported_at,
                        "request_id": request_id,
                    }
                )
        # After every variable row: the attributes reference them.
        for attribute_params in attributes:
            self._db.defer(
                self._sql.attribute_save, self._sql.attribute_save.parameters(attribute_params)
            )

    def list_variables(self, station_id: str) -> list[DeviceVariable]:
        rows = self._db.rows(self._sql.variable_list, {"_s": station_id})
        found = [_device_variable(station_id, row) for row in rows]
        found.sort(key=_order)
        return found

    def list_parts(self, station_id: str) -> list[StoredPart]:
        return [StoredPart(*row) for row in self._db.rows(self._sql.part_list, {"_s": station_id})]


def _device_variable(station_id: str, row: Row) -> DeviceVariable:
    (
        component,
        component_instance,
        evse_id,
        connector_id,
        variable,
        variable_instance,
        attribute_type,
        value,
        mutability,
        persistent,
        constant,
        data_type,
        supports_monitoring,
        unit,
        min_limit,
        max_limit,
        values_list,
        reported_at,
        request_id,
    ) = row
    characteristics = (
        None
        if data_type is None
        else Characteristics(
            data_type, bool(supports_monitoring), unit, min_limit, max_limit, values_list
        )
    )
    return DeviceVariable(
        station_id=station_id,
        address=VariableAddress(
            component, variable, component_instance, evse_id, connector_id, variable_instance
        ),
        attribute=Attribute(
            AttributeType(attribute_type), value, mutability, bool(persistent), bool(constant)
        ),
        characteristics=characteristics,
        reported_at=reported_at,
        request_id=request_id,
    )


def _order(row: DeviceVariable) -> tuple[object, ...]:
    """By component, station level before EVSE and connector level, then variable; names
    case-insensitively; attributes in AttributeEnumType order. (Sorted here: SQL NULL
    ordering differs between the backends.)"""
    a = row.address
    return (
        a.component.casefold(),
        (a.component_instance or "").casefold(),
        a.evse_id is not None,
        a.evse_id or 0,
        a.connector_id or 0,
        a.variable.casefold(),
        (a.variable_instance or "").casefold(),
        _TYPE_ORDER[row.attribute.type.value],
    )
