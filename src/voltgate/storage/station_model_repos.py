"""`domain.ports.StationModelRepository` and `StationConfigurationRepository` in SQL.

Same habits as the other repositories: statements compiled once per dialect, executed on
the batch's connection, never committing. A model's connectors, configuration keys and key
mappings are JSON columns: they are read and written with the model, never queried.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from typing import Any

from sqlalchemy import Boolean, Integer, bindparam, delete, false, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from voltgate.domain.commands import CommandState
from voltgate.domain.equipment import ConnectionType, ConnectorFormat, PowerType
from voltgate.domain.station_configuration import KeyState
from voltgate.domain.station_models import (
    ModelConnector,
    ModelQuery,
    StationModel,
    catalog_key,
    copy_mappings,
    format_model_id,
    parse_model_id,
)
from voltgate.storage import tables as t
from voltgate.storage.operator_repos import Variants
from voltgate.storage.sql import Compiled, Executor, Row

COLUMNS = (
    "id",
    "vendor",
    "model",
    "friendly_name",
    "power_type",
    "connectors",
    "configuration_keys",
    "key_mappings",
    "image_url",
    "is_archived",
    "created_at",
    "updated_at",
)
"""The columns a `StationModel` is read from, in its field order."""
WRITTEN = (*COLUMNS[1:], "vendor_key", "model_key")
STATE_FIELDS = tuple(f.name for f in fields(KeyState))
MAX_NUMBER = 2**31 - 1  # station_models.id is an INTEGER: a larger number names no model
_APPLY_STATE = STATE_FIELDS.index("apply_state")


class StationModelStatements:
    """The compiled statements of both repositories for one dialect."""

    def __init__(self, dialect: Dialect) -> None:
        insert: Any = sqlite.insert if dialect.name == "sqlite" else postgresql.insert

        def c(statement: Any, column_keys: Sequence[str] | None = None) -> Compiled:
            return Compiled(statement, dialect, column_keys)

        sm = t.station_models
        columns = [sm.c[name] for name in COLUMNS]
        limit = bindparam("limit", type_=Integer())
        self.add = c(
            insert(sm).on_conflict_do_nothing(index_elements=[sm.c.dedupe_key]).returning(sm.c.id),
            [*WRITTEN, "dedupe_key"],
        )
        self.by_key = c(select(sm.c.id).where(sm.c.dedupe_key == bindparam("_key")))
        self.get = c(select(*columns).where(sm.c.id == bindparam("_id", type_=Integer())))
        self.save = c(update(sm).where(sm.c.id == bindparam("_id", type_=Integer())), WRITTEN)
        # Served by ix_station_models_vendor_key_model_key_id: an index range, newest first.
        self.match = c(
            select(sm.c.id)
            .where(
                sm.c.vendor_key == bindparam("vendor"),
                sm.c.model_key == bindparam("model"),
                sm.c.is_archived == false(),
            )
            .order_by(sm.c.id.desc())
            .limit(1)
        )
        self.page = Variants(
            dialect,
            select(*columns)
            .where(sm.c.is_archived == bindparam("archived", type_=Boolean()))
            .order_by(sm.c.id)
            .limit(limit),
            {
                "vendor": sm.c.vendor_key == bindparam("vendor"),
                "model": sm.c.model_key == bindparam("model"),
                "after": sm.c.id > bindparam("after", type_=Integer()),
            },
        )
        self.all = c(select(*columns).order_by(sm.c.id))

        sc = t.station_configuration
        self.states = c(
            select(*(sc.c[name] for name in STATE_FIELDS))
            .where(sc.c.station_id == bindparam("_s"))
            .order_by(sc.c.key)
        )
        self.states_clear = c(delete(sc).where(sc.c.station_id == bindparam("_s")))
        self.state_add = c(insert(sc), list(STATE_FIELDS))


class SqlStationModels:
    """`domain.ports.StationModelRepository` in SQL."""

    def __init__(self, db: Executor, sql: StationModelStatements) -> None:
        self._db = db
        self._sql = sql

    def add(self, model: StationModel, key: bytes) -> str:
        params = _params(model)
        params["dedupe_key"] = key
        row = self._db.first(self._sql.add, params)
        if row is None:  # the unit ran again after an ambiguous commit
            row = self._db.first(self._sql.by_key, {"_key": key})
            assert row is not None
        return format_model_id(int(row[0]))

    def get(self, model_id: str) -> StationModel | None:
        number = parse_model_id(model_id)
        if number is None or number > MAX_NUMBER:
            return None
        row = self._db.first(self._sql.get, {"_id": number})
        return None if row is None else _model(row)

    def save(self, model: StationModel) -> None:
        number = parse_model_id(model.id)
        assert number is not None, model.id
        params = _params(model)
        params["_id"] = number
        self._db.run(self._sql.save, params)

    def match(self, vendor: str, model: str) -> str | None:
        params = {"vendor": catalog_key(vendor), "model": catalog_key(model)}
        row = self._db.first(self._sql.match, params)
        return None if row is None else format_model_id(int(row[0]))

    def page(self, query: ModelQuery) -> list[StationModel]:
        after = None if query.page.after is None else parse_model_id(query.page.after)
        if after is not None and after >= MAX_NUMBER:
            return []  # no model comes after it
        rows = self._sql.page.rows(
            self._db,
            query.page.fetch,
            archived=query.archived,
            vendor=None if query.vendor is None else catalog_key(query.vendor),
            model=None if query.model is None else catalog_key(query.model),
            after=after,
        )
        return [_model(row) for row in rows]

    def all(self) -> list[StationModel]:
        return [_model(row) for row in self._db.rows(self._sql.all, {})]


class SqlStationConfiguration:
    """`domain.ports.StationConfigurationRepository` in SQL."""

    def __init__(self, db: Executor, sql: StationModelStatements) -> None:
        self._db = db
        self._sql = sql

    def list(self, station_id: str) -> list[KeyState]:
        return [_state(row) for row in self._db.rows(self._sql.states, {"_s": station_id})]

    def replace(self, station_id: str, states: Sequence[KeyState]) -> None:
        self._db.run(self._sql.states_clear, {"_s": station_id})
        for state in states:
            params = {name: getattr(state, name) for name in STATE_FIELDS}
            if state.apply_state is not None:
                params["apply_state"] = state.apply_state.value
            self._db.run(self._sql.state_add, params)


def station_model_number(model_id: str | None) -> int | None:
    """The `stations.model_id` value of a model id (a station row stores the number)."""
    if model_id is None:
        return None
    number = parse_model_id(model_id)
    assert number is not None, model_id
    return number


def _params(model: StationModel) -> dict[str, Any]:
    return {
        "vendor": model.vendor,
        "model": model.model,
        "vendor_key": catalog_key(model.vendor),
        "model_key": catalog_key(model.model),
        "friendly_name": model.friendly_name,
        "power_type": model.power_type.value,
        "connectors": [
            {
                "id": connector.id,
                "connectionType": connector.connection_type.value,
                "format": connector.format.value,
                "maxAmperage": connector.max_amperage,
                "maxVoltage": connector.max_voltage,
                "maxPowerWatts": connector.max_power_watts,
            }
            for connector in model.connectors
        ],
        "configuration_keys": dict(model.configuration_keys),
        "key_mappings": copy_mappings(model.key_mappings),
        "image_url": model.image_url,
        "is_archived": model.is_archived,
        "created_at": model.created_at,
        "updated_at": model.updated_at,
    }


def _model(row: Row) -> StationModel:
    (
        number,
        vendor,
        model,
        friendly_name,
        power_type,
        connectors,
        configuration_keys,
        key_mappings,
        image_url,
        is_archived,
        created_at,
        updated_at,
    ) = row
    return StationModel(
        id=format_model_id(number),
        vendor=vendor,
        model=model,
        friendly_name=friendly_name,
        power_type=PowerType(power_type),
        connectors=tuple(
            ModelConnector(
                id=int(c["id"]),
                connection_type=ConnectionType(c["connectionType"]),
                format=ConnectorFormat(c["format"]),
                max_amperage=float(c["maxAmperage"]),
                max_voltage=float(c["maxVoltage"]),
                max_power_watts=float(c["maxPowerWatts"]),
            )
            for c in connectors
        ),
        configuration_keys=dict(configuration_keys),
        key_mappings=copy_mappings(key_mappings),
        image_url=image_url,
        is_archived=bool(is_archived),
        created_at=created_at,
        updated_at=updated_at,
    )


def _state(row: Row) -> KeyState:
    values = list(row)
    if values[_APPLY_STATE] is not None:
        values[_APPLY_STATE] = CommandState(values[_APPLY_STATE])
    return KeyState(*values)
