"""SQL implementations of the domain ports, over one shared connection.

A `SqlRepositories` is created per batch: every unit of the batch sees the same connection
and database transaction. Repositories never commit (that is the committer's job) and never
build SQL at run time (`statements.Statements`); rows map positionally onto the domain
dataclasses, whose fields are declared in table column order (checked by a test).
"""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from voltgate.domain.authorization import IdToken, TokenStatus, TokenType, token_key
from voltgate.domain.events import StationEvent
from voltgate.domain.stations import Connector, Evse, Registration, Station
from voltgate.storage.access_repos import SqlAccess
from voltgate.storage.command_repos import SqlCommands
from voltgate.storage.device_model_repos import SqlDeviceModel
from voltgate.storage.message_log_repos import SqlMessageLog
from voltgate.storage.operator_repos import SqlOperator
from voltgate.storage.security_repos import SqlSecurity
from voltgate.storage.sql import Executor, Row
from voltgate.storage.statements import Statements
from voltgate.storage.transaction_repos import (
    SqlMeterValues,
    SqlTransactionEvents,
    SqlTransactions,
)
from voltgate.storage.transaction_repos import _transaction as transaction_row

_STATION_FIELDS = tuple(f.name for f in fields(Station))
_CONNECTOR_FIELDS = tuple(f.name for f in fields(Connector))
_REGISTRATION = _STATION_FIELDS.index("registration")
_BOOT_STATUS = _STATION_FIELDS.index("last_boot_status")


class SqlStations:
    """`domain.ports.StationRepository` in SQL."""

    def __init__(self, db: Executor, sql: Statements) -> None:
        self._db = db
        self._sql = sql

    def get(self, station_id: str) -> Station | None:
        row = self._db.first(self._sql.station_get, {"id": station_id})
        return None if row is None else _station(row)

    def add(self, station: Station) -> bool:
        return self._db.first(self._sql.station_add, _station_params(station)) is not None

    def save(self, station: Station) -> None:
        params = _station_params(station)
        params["_id"] = params.pop("id")
        self._db.run(self._sql.station_save, params)


class SqlConnectors:
    """`domain.ports.ConnectorRepository` in SQL."""

    def __init__(self, db: Executor, sql: Statements) -> None:
        self._db = db
        self._sql = sql

    def get_evse(self, station_id: str, evse_id: int) -> Evse | None:
        row = self._db.first(self._sql.evse_get, {"_s": station_id, "_e": evse_id})
        return None if row is None else Evse(*row)

    def add_evse(self, evse: Evse) -> bool:
        params = {
            "station_id": evse.station_id,
            "evse_id": evse.evse_id,
            "last_register_wh": evse.last_register_wh,
            "last_register_at": evse.last_register_at,
        }
        return self._db.first(self._sql.evse_add, params) is not None

    def record_register(
        self, station_id: str, evse_id: int, register_wh: float, at: datetime
    ) -> bool:
        params = {"_s": station_id, "_e": evse_id, "wh": register_wh, "at": at}
        return self._db.run(self._sql.evse_register, params) > 0

    def get_connector(self, station_id: str, evse_id: int, connector_id: int) -> Connector | None:
        params = {"_s": station_id, "_e": evse_id, "_c": connector_id}
        row = self._db.first(self._sql.connector_get, params)
        return None if row is None else Connector(*row)

    def save_connector(self, connector: Connector) -> None:
        params = {name: getattr(connector, name) for name in _CONNECTOR_FIELDS}
        self._db.run(self._sql.connector_save, params)

    def list_evses(self, station_id: str) -> list[Evse]:
        return [Evse(*row) for row in self._db.rows(self._sql.evse_list, {"_s": station_id})]

    def list_connectors(self, station_id: str) -> list[Connector]:
        rows = self._db.rows(self._sql.connector_list, {"_s": station_id})
        return [Connector(*row) for row in rows]


class SqlTokens:
    """`domain.ports.TokenRepository` in SQL."""

    def __init__(self, db: Executor, sql: Statements) -> None:
        self._db = db
        self._sql = sql

    def get(self, id_tag: str) -> IdToken | None:
        row = self._db.first(self._sql.token_get, {"key": token_key(id_tag)})
        if row is None:
            return None
        _key, stored_tag, status, expiry, parent_id_tag, token_type, personal_message = row
        return IdToken(
            stored_tag,
            TokenStatus(status),
            expiry,
            parent_id_tag,
            None if token_type is None else TokenType(token_type),
            personal_message,
        )

    def save(self, token: IdToken) -> None:
        params = {
            "key": token.key,
            "id_tag": token.id_tag,
            "status": token.status.value,
            "expiry": token.expiry,
            "parent_id_tag": token.parent_id_tag,
            "type": None if token.type is None else token.type.value,
            "personal_message": token.personal_message,
        }
        self._db.run(self._sql.token_save, params)


class SqlStationEvents:
    """`domain.ports.StationEventRepository` in SQL."""

    def __init__(self, db: Executor, sql: Statements) -> None:
        self._db = db
        self._sql = sql

    def add(self, event: StationEvent, key: bytes) -> bool:
        params = {
            "dedupe_key": key,
            "station_id": event.station_id,
            "kind": event.kind,
            "payload": event.payload,
            "at": event.at,
            "received_at": event.received_at,
        }
        return self._db.first(self._sql.event_add, params) is not None

    def list_for_station(
        self, station_id: str, *, kind: str | None = None, limit: int = 100
    ) -> list[StationEvent]:
        if kind is None:
            rows = self._db.rows(self._sql.event_list, {"_s": station_id, "limit": limit})
        else:
            params = {"_s": station_id, "kind": kind, "limit": limit}
            rows = self._db.rows(self._sql.event_list_kind, params)
        return [StationEvent(*row) for row in rows]


class SqlRepositories:
    """All repositories of one batch, on one connection (`domain.ports.Repositories`)."""

    __slots__ = (
        "access",
        "commands",
        "connection",
        "connectors",
        "device_model",
        "events",
        "executor",
        "message_log",
        "meter_values",
        "operator",
        "security",
        "stations",
        "tokens",
        "transaction_events",
        "transactions",
    )

    def __init__(self, connection: Connection, statements: Statements) -> None:
        self.connection = connection
        self.executor = db = Executor(connection)
        self.stations = SqlStations(db, statements)
        self.connectors = SqlConnectors(db, statements)
        self.tokens = SqlTokens(db, statements)
        self.transactions = SqlTransactions(db, statements)
        self.meter_values = SqlMeterValues(db, statements, self.transactions)
        self.events = SqlStationEvents(db, statements)
        self.device_model = SqlDeviceModel(db, statements.device_model)
        self.security = SqlSecurity(db, statements.security)
        self.transaction_events = SqlTransactionEvents(db, statements)
        self.access = SqlAccess(db, statements.access)
        self.operator = SqlOperator(
            db, statements.operator, station_row=_station, transaction_row=transaction_row
        )
        self.commands = SqlCommands(db, statements.commands)
        self.message_log = SqlMessageLog(db, statements.message_log)

    def reset(self) -> None:
        """Forget what the previous database transaction left behind (prefetched rows)."""
        self.transactions.reset()


def _station(row: Row) -> Station:
    values = list(row)
    values[_REGISTRATION] = Registration(values[_REGISTRATION])
    if values[_BOOT_STATUS] is not None:
        values[_BOOT_STATUS] = Registration(values[_BOOT_STATUS])
    return Station(*values)


def _station_params(station: Station) -> dict[str, Any]:
    params = {name: getattr(station, name) for name in _STATION_FIELDS}
    params["registration"] = station.registration.value
    if station.last_boot_status is not None:
        params["last_boot_status"] = station.last_boot_status.value
    return params
