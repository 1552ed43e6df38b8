"""Storage of what operators state about stations, EVSEs and connectors (migration r0008).

The rows of `stations`, `evses` and `connectors` map positionally onto the domain
dataclasses (checked by a test); this module converts the enum and list columns both ways
(`station_row`, `evse_row`, `connector_row`, `*_params`) and holds the statements only the
charging point use cases run: numbering from a counter, saving the operator's fields of an
EVSE, first activation, the EvseId lookup.

Numbers come from `counters` with one upsert (``INSERT ... ON CONFLICT DO UPDATE SET value
= value + 1 RETURNING value``): the row lock serialises nodes that share a PostgreSQL
database, so no number is given twice; a number burnt by a rolled-back batch is a gap.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, and_, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from voltgate.domain.charging_points import EDITABLE
from voltgate.domain.equipment import ConnectionType, ConnectorFormat, PowerType
from voltgate.domain.station_models import format_model_id
from voltgate.domain.stations import (
    CalibrationLaw,
    Connector,
    Evse,
    HubjectStatus,
    OperatorStatus,
    Placement,
    Registration,
    Station,
)
from voltgate.storage import tables as t
from voltgate.storage.sql import Compiled, Executor, Row
from voltgate.storage.station_model_repos import station_model_number
from voltgate.storage.types import UTCDateTime

STATION_FIELDS = tuple(f.name for f in fields(Station))
EVSE_FIELDS = tuple(f.name for f in fields(Evse))
CONNECTOR_FIELDS = tuple(f.name for f in fields(Connector))
EVSE_SAVED = (*sorted(EDITABLE), "version", "modified_at")
"""What `save_evse` writes: never the register (the meter path owns it) or the number."""

# Columns holding a domain enum (stored as its value), per table.
_STATION_ENUMS: dict[str, type[Any]] = {
    "registration": Registration,
    "last_boot_status": Registration,
}
_EVSE_ENUMS: dict[str, type[Any]] = {
    "power_type": PowerType,
    "placement": Placement,
    "calibration_law": CalibrationLaw,
    "hubject_status": HubjectStatus,
    "operator_status": OperatorStatus,
}
_CONNECTOR_ENUMS: dict[str, type[Any]] = {
    "connection_type": ConnectionType,
    "format": ConnectorFormat,
}
_DNS = STATION_FIELDS.index("dns_servers")
_MODEL = STATION_FIELDS.index("model_id")


def _decode(names: tuple[str, ...], enums: dict[str, type[Any]], row: Row) -> list[Any]:
    values = list(row)
    for name, kind in enums.items():
        index = names.index(name)
        if values[index] is not None:
            values[index] = kind(values[index])
    return values


def _encode(names: tuple[str, ...], enums: dict[str, type[Any]], record: Any) -> dict[str, Any]:
    params = {name: getattr(record, name) for name in names}
    for name in enums:
        if params[name] is not None:
            params[name] = params[name].value
    return params


def station_row(row: Row) -> Station:
    """A `stations` row as a Station."""
    values = _decode(STATION_FIELDS, _STATION_ENUMS, row)
    values[_DNS] = tuple(values[_DNS].split(",")) if values[_DNS] else ()
    if values[_MODEL] is not None:  # stored as the catalog's number
        values[_MODEL] = format_model_id(values[_MODEL])
    return Station(*values)


def station_params(station: Station) -> dict[str, Any]:
    """A Station as `stations` column values."""
    params = _encode(STATION_FIELDS, _STATION_ENUMS, station)
    params["dns_servers"] = ",".join(station.dns_servers) or None
    params["model_id"] = station_model_number(station.model_id)
    return params


def evse_row(row: Row) -> Evse:
    """An `evses` row as an Evse."""
    return Evse(*_decode(EVSE_FIELDS, _EVSE_ENUMS, row))


def evse_params(evse: Evse) -> dict[str, Any]:
    """An Evse as `evses` column values."""
    return _encode(EVSE_FIELDS, _EVSE_ENUMS, evse)


def connector_row(row: Row) -> Connector:
    """A `connectors` row as a Connector."""
    return Connector(*_decode(CONNECTOR_FIELDS, _CONNECTOR_ENUMS, row))


def connector_params(connector: Connector) -> dict[str, Any]:
    """A Connector as `connectors` column values."""
    return _encode(CONNECTOR_FIELDS, _CONNECTOR_ENUMS, connector)


class ChargingPointStatements:
    """The statements of the charging point use cases for one dialect."""

    def __init__(self, dialect: Dialect) -> None:
        insert: Any = sqlite.insert if dialect.name == "sqlite" else postgresql.insert

        def c(statement: Any, column_keys: list[str] | None = None) -> Compiled:
            return Compiled(statement, dialect, column_keys)

        s, e, n = t.stations, t.evses, t.counters
        counter = insert(n).values(name=bindparam("name"), value=1)
        self.next_number = c(
            counter.on_conflict_do_update(
                index_elements=[n.c.name], set_={"value": n.c.value + 1}
            ).returning(n.c.value)
        )
        number = bindparam("number", type_=Integer())
        self.number_station = c(
            update(s).where(s.c.id == bindparam("_s"), s.c.number.is_(None)).values(number=number)
        )
        self.station_number = c(select(s.c.number).where(s.c.id == bindparam("_s")))
        evse_key = and_(e.c.station_id == bindparam("_s"), e.c.evse_id == bindparam("_e"))
        self.number_evse = c(update(e).where(evse_key, e.c.number.is_(None)).values(number=number))
        self.evse_number = c(select(e.c.number).where(evse_key))
        self.save_evse = c(update(e).where(evse_key), list(EVSE_SAVED))
        self.activate_evse = c(
            update(e)
            .where(evse_key, e.c.first_activated_at.is_(None))
            .values(first_activated_at=bindparam("at", type_=UTCDateTime()))
        )
        self.evse_by_emi3_id = c(select(e).where(e.c.emi3_id == bindparam("emi3_id")))


class NumberedRecords:
    """Numbering, the operator's EVSE fields and the EvseId lookup, over one executor."""

    def __init__(self, db: Executor, sql: ChargingPointStatements) -> None:
        self._db = db
        self._sql = sql

    def _next(self, counter: str) -> int:
        row = self._db.first(self._sql.next_number, {"name": counter})
        assert row is not None  # an upsert with RETURNING always returns its row
        return int(row[0])

    def station_number(self, station_id: str) -> int:
        """`StationRepository.assign_number`."""
        row = self._db.first(self._sql.station_number, {"_s": station_id})
        if row is not None and row[0] is not None:
            return int(row[0])
        number = self._next("stations")
        self._db.run(self._sql.number_station, {"_s": station_id, "number": number})
        return number

    def evse_number(self, station_id: str, evse_id: int) -> int:
        """`ConnectorRepository.assign_evse_number`."""
        key = {"_s": station_id, "_e": evse_id}
        row = self._db.first(self._sql.evse_number, key)
        if row is not None and row[0] is not None:
            return int(row[0])
        number = self._next("evses")
        self._db.run(self._sql.number_evse, {**key, "number": number})
        return number

    def save_evse(self, evse: Evse) -> None:
        """`ConnectorRepository.save_evse`."""
        params = evse_params(evse)
        values = {name: params[name] for name in EVSE_SAVED}
        self._db.run(self._sql.save_evse, {**values, "_s": evse.station_id, "_e": evse.evse_id})

    def activate_evse(self, station_id: str, evse_id: int, at: datetime) -> None:
        """`ConnectorRepository.activate_evse`."""
        self._db.run(self._sql.activate_evse, {"_s": station_id, "_e": evse_id, "at": at})

    def evse_by_emi3_id(self, emi3_id: str) -> Evse | None:
        """`ConnectorRepository.evse_by_emi3_id`."""
        row = self._db.first(self._sql.evse_by_emi3_id, {"emi3_id": emi3_id})
        return None if row is None else evse_row(row)
