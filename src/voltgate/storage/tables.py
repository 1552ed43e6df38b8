"""The persistence shape: SQLAlchemy Core tables (no ORM).

Alembic migrations in `migrations/versions/` create exactly these tables (a test compares
them). Every station-provided string is unbounded text: storage must never refuse what a
station reported. Natural keys (`voltgate.domain.keys`) are 16-byte digests with a unique
index, so replays and retried batches insert nothing twice.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    text,
)
from sqlalchemy.types import JSON

from voltgate.storage.types import PackedJson, UTCDateTime

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

KEY = LargeBinary(16)

stations = Table(
    "stations",
    metadata,
    Column("id", String(), primary_key=True),
    Column("password_hash", String()),
    Column("registration", String(), nullable=False),
    Column("protocol", String()),
    Column("vendor", String()),
    Column("model", String()),
    Column("serial_number", String()),
    Column("firmware_version", String()),
    Column("iccid", String()),
    Column("imsi", String()),
    Column("meter_type", String()),
    Column("meter_serial_number", String()),
    Column("last_boot_at", UTCDateTime()),
    Column("last_boot_status", String()),
    Column("last_boot_reason", String()),
    Column("last_heartbeat_at", UTCDateTime()),
    Column("connected", Boolean(), nullable=False, server_default=text("false")),
    Column("connected_at", UTCDateTime()),
    Column("disconnected_at", UTCDateTime()),
    Column("remote_address", String()),
    Column("created_at", UTCDateTime()),
    Column("status", String()),
    Column("error_code", String()),
    Column("status_info", String()),
    Column("status_vendor_id", String()),
    Column("status_vendor_error_code", String()),
    Column("status_at", UTCDateTime()),
)

evses = Table(
    "evses",
    metadata,
    Column("station_id", String(), ForeignKey("stations.id"), primary_key=True),
    Column("evse_id", Integer(), primary_key=True, autoincrement=False),
    Column("last_register_wh", Float()),
    Column("last_register_at", UTCDateTime()),
)

connectors = Table(
    "connectors",
    metadata,
    Column("station_id", String(), primary_key=True),
    Column("evse_id", Integer(), primary_key=True, autoincrement=False),
    Column("connector_id", Integer(), primary_key=True, autoincrement=False),
    Column("status", String()),
    Column("error_code", String()),
    Column("info", String()),
    Column("vendor_id", String()),
    Column("vendor_error_code", String()),
    Column("status_at", UTCDateTime()),
    ForeignKeyConstraint(
        ["station_id", "evse_id"],
        ["evses.station_id", "evses.evse_id"],
        name="fk_connectors_evse_evses",
    ),
)

tokens = Table(
    "tokens",
    metadata,
    Column("key", String(), primary_key=True),  # casefolded id tag (OCPP 1.6 §7.28)
    Column("id_tag", String(), nullable=False),
    Column("status", String(), nullable=False),
    Column("expiry", UTCDateTime()),
    Column("parent_id_tag", String()),
)

transactions = Table(
    "transactions",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("dedupe_key", KEY, nullable=False, unique=True),
    Column("station_id", String(), ForeignKey("stations.id"), nullable=False),
    Column("evse_id", Integer(), nullable=False),
    Column("connector_id", Integer(), nullable=False),
    Column("remote_id", String()),
    Column("id_tag", String()),
    Column("id_tag_key", String(), index=True),
    Column("reservation_id", BigInteger()),
    Column("auth_status", String()),
    Column("started_at", UTCDateTime()),
    Column("meter_start_wh", BigInteger()),
    Column("stopped_at", UTCDateTime()),
    Column("meter_stop_wh", BigInteger()),
    Column("stop_reason", String()),
    Column("stop_id_tag", String()),
    Column("baseline_wh", Float()),
    Column("energy_wh", Float()),
    Column("first_register_wh", Float()),
    Column("first_register_at", UTCDateTime()),
    Column("last_register_wh", Float()),
    Column("last_register_at", UTCDateTime()),
    Column("reading_count", Integer(), nullable=False, server_default=text("0")),
    Column("suspect", String(), nullable=False, server_default=""),
    Column("unmatched", Boolean(), nullable=False, server_default=text("false")),
    Column("reported_id", BigInteger()),
    Index("ix_transactions_station_id_id", "station_id", "id"),
)

# One row per meterValue element (one timestamp of one message); its sampled values are
# packed in `samples` (`storage.samples`): JSONB on PostgreSQL, JSON text on SQLite.
meter_values = Table(
    "meter_values",
    metadata,
    Column("key", KEY, primary_key=True),
    Column("station_id", String(), ForeignKey("stations.id"), nullable=False),
    Column("evse_id", Integer(), nullable=False),
    Column("connector_id", Integer(), nullable=False),
    Column("transaction_id", Integer(), ForeignKey("transactions.id")),
    Column("reported_transaction_id", BigInteger()),
    Column("at", UTCDateTime(), nullable=False),
    Column("samples", PackedJson(), nullable=False),
    Index("ix_meter_values_transaction_id_at", "transaction_id", "at"),
    # Only rows naming an unknown transaction (kept for reconciliation) are indexed here.
    Index(
        "ix_meter_values_unmatched",
        "station_id",
        "reported_transaction_id",
        sqlite_where=text("transaction_id IS NULL"),
        postgresql_where=text("transaction_id IS NULL"),
    ),
)

station_events = Table(
    "station_events",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("dedupe_key", KEY, nullable=False, unique=True),
    Column("station_id", String(), ForeignKey("stations.id"), nullable=False),
    Column("kind", String(), nullable=False),
    Column("payload", JSON(), nullable=False),
    Column("at", UTCDateTime()),
    Column("received_at", UTCDateTime(), nullable=False),
    Index("ix_station_events_station_id_id", "station_id", "id"),
)

# --- Security: station security profiles, certificate authority, issued certificates,
# --- authentication throttling (migration r0002_security).

# --- Device model of OCPP 2.0.1 stations: NotifyReport (migration r0003_device_model).

# --- OCPP 2.0.1 transaction events (migration r0004_transaction_events).
