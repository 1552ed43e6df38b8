"""SQL implementations of the domain ports, over one shared connection.

A `SqlRepositories` is created per batch: every unit of the batch sees the same connection
and database transaction. Repositories never commit (that is the committer's job) and never
build SQL at run time (`statements.Statements`); rows map positionally onto the domain
dataclasses, whose fields are declared in table column order (checked by a test).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from voltgate.domain.authorization import IdToken, TokenStatus, TokenType, token_key
from voltgate.domain.events import StationEvent
from voltgate.domain.stations import Connector, Evse, Station
from voltgate.storage.access_repos import SqlAccess
from voltgate.storage.charging_point_repos import (
    NumberedRecords,
    connector_params,
    connector_row,
    evse_params,
    evse_row,
    station_params,
    station_row,
)
from voltgate.storage.command_repos import SqlCommands
from voltgate.storage.customer_repos import SqlCustomers
from voltgate.storage.device_model_repos import SqlDeviceModel
from voltgate.storage.message_log_repos import SqlMessageLog
from voltgate.storage.open_transactions import OpenTransactions
from voltgate.storage.operator_repos import SqlOperator
from voltgate.storage.reservation_repos import SqlReservations
from voltgate.storage.security_repos import SqlSecurity
from voltgate.storage.sql import Executor
from voltgate.storage.statements import Statements
from voltgate.storage.station_model_repos import (
    SqlStationConfiguration,
    SqlStationModels,
)
from voltgate.storage.transaction_repos import (
    SqlMeterValues,
    SqlTransactionEvents,
    SqlTransactions,
)
from voltgate.storage.transaction_repos import _transaction as transaction_row
from voltgate.storage.versioned_transactions import VersionedTransactions


class SqlStations:
    """`domain.ports.StationRepository` in SQL."""

    def __init__(self, db: Executor, sql: Statements) -> None:
        self._db = db
        self._sql = sql
        self._numbered = NumberedRecords(db, sql.charging_points)

    def get(self, station_id: str) -> Station | None:
        row = self._db.first(self._sql.station_get, {"id": station_id})
        return None if row is None else station_row(row)

    def add(self, station: Station) -> bool:
        return self._db.first(self._sql.station_add, station_params(station)) is not None

    def save(self, station: Station) -> None:
        params = station_params(station)
        params["_id"] = params.pop("id")
        self._db.run(self._sql.station_save, params)

    def assign_number(self, station_id: str) -> int:
        return self._numbered.station_number(station_id)


class SqlConnectors:
    """`domain.ports.ConnectorRepository` in SQL."""

    def __init__(self, db: Executor, sql: Statements) -> None:
        self._db = db
        self._sql = sql
        self._numbered = NumberedRecords(db, sql.charging_points)

    def get_evse(self, station_id: str, evse_id: int) -> Evse | None:
        row = self._db.first(self._sql.evse_get, {"_s": station_id, "_e": evse_id})
        return None if row is None else evse_row(row)

    def add_evse(self, evse: Evse) -> bool:
        return self._db.first(self._sql.evse_add, evse_params(evse)) is not None

    def record_register(
        self, station_id: str, evse_id: int, register_wh: float, at: datetime
    ) -> bool:
        params = {"_s": station_id, "_e": evse_id, "wh": register_wh, "at": at}
        return self._db.run(self._sql.evse_register, params) > 0

    def get_connector(self, station_id: str, evse_id: int, connector_id: int) -> Connector | None:
        params = {"_s": station_id, "_e": evse_id, "_c": connector_id}
        row = self._db.first(self._sql.connector_get, params)
        return None if row is None else connector_row(row)

    def save_connector(self, connector: Connector) -> None:
        self._db.run(self._sql.connector_save, connector_params(connector))

    def list_evses(self, station_id: str) -> list[Evse]:
        rows = self._db.rows(self._sql.evse_list, {"_s": station_id})
        return [evse_row(row) for row in rows]

    def list_connectors(self, station_id: str) -> list[Connector]:
        rows = self._db.rows(self._sql.connector_list, {"_s": station_id})
        return [connector_row(row) for row in rows]

    def save_evse(self, evse: Evse) -> None:
        self._numbered.save_evse(evse)

    def assign_evse_number(self, station_id: str, evse_id: int) -> int:
        return self._numbered.evse_number(station_id, evse_id)

    def activate_evse(self, station_id: str, evse_id: int, at: datetime) -> None:
        self._numbered.activate_evse(station_id, evse_id, at)

    def evse_by_emi3_id(self, emi3_id: str) -> Evse | None:
        return self._numbered.evse_by_emi3_id(emi3_id)

    def delete_unreported(self, station_id: str) -> None:
        self._db.run(self._sql.connector_delete_unreported, {"_s": station_id})
        self._db.run(self._sql.evse_delete_unreported, {"_s": station_id})


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
        "customers",
        "device_model",
        "events",
        "executor",
        "message_log",
        "meter_values",
        "operator",
        "reservations",
        "security",
        "station_configuration",
        "station_models",
        "stations",
        "tokens",
        "transaction_events",
        "transactions",
    )

    def __init__(
        self,
        connection: Connection,
        statements: Statements,
        open_transactions: OpenTransactions | None = None,
        versioned_transactions: VersionedTransactions | None = None,
    ) -> None:
        self.connection = connection
        self.executor = db = Executor(connection)
        self.stations = SqlStations(db, statements)
        self.connectors = SqlConnectors(db, statements)
        self.tokens = SqlTokens(db, statements)
        self.transactions = SqlTransactions(
            db, statements, open_transactions, versioned_transactions
        )
        self.meter_values = SqlMeterValues(db, statements, self.transactions)
        self.events = SqlStationEvents(db, statements)
        self.device_model = SqlDeviceModel(db, statements.device_model)
        self.security = SqlSecurity(db, statements.security)
        self.transaction_events = SqlTransactionEvents(db, statements)
        self.access = SqlAccess(db, statements.access)
        self.operator = SqlOperator(
            db, statements.operator, station_row=station_row, transaction_row=transaction_row
        )
        self.commands = SqlCommands(db, statements.commands)
        self.reservations = SqlReservations(db, statements.reservations)
        self.customers = SqlCustomers(db, statements.customers)
        self.station_models = SqlStationModels(db, statements.station_models)
        self.station_configuration = SqlStationConfiguration(db, statements.station_models)
        self.message_log = SqlMessageLog(db, statements.message_log)

    def reset(self) -> None:
        """Forget what the previous database transaction left behind (prefetched rows)."""
        self.transactions.reset()
