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
    UniqueConstraint,
    text,
)
from sqlalchemy.types import JSON

from voltgate.storage.types import DecimalText, PackedJson, UTCDateTime

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

KEY = LargeBinary(16)

stations: Table = Table(
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
    # Charging points (migration r0008): the reference clients' number, network settings.
    Column("number", Integer()),
    Column("static_ip", Boolean()),
    Column("ipv4", Boolean()),
    Column("ipv6", Boolean()),
    Column("ip_address", String()),
    Column("prefix_length", Integer()),
    Column("gateway", String()),
    Column("dns_servers", String()),  # comma-separated addresses
    Column("ntp_server", String()),
    Column("ocpp_server_fqdn", String()),
    Column("ocpp_server_ip", String()),
    # Migration r0010_station_models: the station's model in the catalog (`station_models.id`;
    # no foreign key, so that SQLite can add the column in place, see the migration).
    Column("model_id", Integer()),
)

evses: Table = Table(
    "evses",
    metadata,
    Column("station_id", String(), ForeignKey("stations.id"), primary_key=True),
    Column("evse_id", Integer(), primary_key=True, autoincrement=False),
    Column("last_register_wh", Float()),
    Column("last_register_at", UTCDateTime()),
    # Charging points (migration r0008): what operators state (`domain.stations.Evse`).
    Column("number", Integer()),
    Column("version", Integer(), nullable=False, server_default=text("1")),
    Column("power_type", String()),
    Column("limit_voltage_v", Float()),
    Column("limit_current_a", Float()),
    Column("limit_power_w", Float()),
    Column("code", String()),
    Column("external_id", String()),
    Column("emi3_id", String()),
    Column("placement", String()),
    Column("public", Boolean()),
    Column("renewable_energy", Boolean()),
    Column("value_added_services", Boolean()),
    Column("payment_terminal", Boolean()),
    Column("payment_terminal_id", String()),
    Column("direct_payment_allowed", Boolean(), nullable=False, server_default=text("false")),
    Column("tariff_text", String()),
    Column("max_capacity_kwh", Float()),
    Column("calibration_law", String()),
    Column("publish_to_hubject", Boolean(), nullable=False, server_default=text("false")),
    Column("hubject_compatible", Boolean()),
    Column("hubject_status", String()),
    Column("hubject_status_pushed_at", UTCDateTime()),
    Column("hubject_data_pushed_at", UTCDateTime()),
    Column("operator_status", String()),
    Column("first_activated_at", UTCDateTime()),
    Column("modified_at", UTCDateTime()),
    Column("deleted", Boolean(), nullable=False, server_default=text("false")),
)

connectors: Table = Table(
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
    # Charging points (migration r0008): status change time; the operator's description.
    Column("status_changed_at", UTCDateTime()),
    Column("connection_type", String()),
    Column("format", String()),
    Column("max_amperage", Float()),
    Column("max_voltage", Float()),
    Column("max_power_watts", Float()),
    ForeignKeyConstraint(
        ["station_id", "evse_id"],
        ["evses.station_id", "evses.evse_id"],
        name="fk_connectors_evse_evses",
    ),
)

tokens: Table = Table(
    "tokens",
    metadata,
    Column("key", String(), primary_key=True),  # casefolded id tag (OCPP 1.6 §7.28)
    Column("id_tag", String(), nullable=False),
    Column("status", String(), nullable=False),
    Column("expiry", UTCDateTime()),
    Column("parent_id_tag", String()),
    # OCPP 2.0.1 (migration r0003): IdTokenEnumType (NULL: any type) and personalMessage.
    Column("type", String()),
    Column("personal_message", String()),
)

transactions: Table = Table(
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
# packed in `samples` (`storage.samples`): json on PostgreSQL, JSON text on SQLite.
meter_values: Table = Table(
    "meter_values",
    metadata,
    Column("key", KEY, primary_key=True),
    # Both foreign keys are enforced on SQLite only (`SQLITE_ONLY`, migration 0018).
    Column("station_id", String(), ForeignKey("stations.id"), nullable=False),
    Column("evse_id", Integer(), nullable=False),
    Column("connector_id", Integer(), nullable=False),
    Column("transaction_id", Integer(), ForeignKey("transactions.id")),
    Column("reported_transaction_id", BigInteger()),
    Column("at", UTCDateTime(), nullable=False),
    Column("samples", PackedJson(), nullable=False),
    # A transaction's readings, found by transaction. PostgreSQL only: on SQLite the
    # `meter_value_index` below serves the same query (see there).
    Index("ix_meter_values_transaction_id_at", "transaction_id", "at").ddl_if(dialect="postgresql"),
    # Only rows naming an unknown transaction (kept for reconciliation) are indexed here.
    Index(
        "ix_meter_values_unmatched",
        "station_id",
        "reported_transaction_id",
        sqlite_where=text("transaction_id IS NULL"),
        postgresql_where=text("transaction_id IS NULL"),
    ),
)

# SQLite only (migration r0014): which rows of `meter_values` belong to which transaction,
# written behind the readings rather than with each one. An index on (transaction_id, at)
# puts each open transaction's newest entries on a leaf page of its own, so on SQLite every
# commit wrote about one whole 4 KiB page to the WAL per MeterValues for that index alone,
# two thirds of the commit (docs/adr/0003-hot-path.md §25). Instead, a trigger appends each
# new row's (transaction_id, key) to `meter_values_recent`, where consecutive rows share a
# page, and the writer moves those into `meter_value_index` every so many row changes
# (`storage.database.FOLD_EVERY_CHANGES`), sorted, so that each transaction's entries
# arrive together. A transaction's readings are the rows named in either table
# (`Statements.mv_list`). PostgreSQL keeps the plain index (ADR 0003 §25 says why).
SQLITE_ONLY = frozenset(
    {
        "meter_values_recent",
        "meter_value_index",
        "fk_meter_values_station_id_stations",
        "fk_meter_values_transaction_id_transactions",
    }
)
"""Tables and constraints that exist on SQLite only (the migrations-match-tables test skips
them elsewhere). The foreign keys of `meter_values` stay declared here, so that deleting a
station still looks for its readings (`storage.operator_repos`); migration 0018 says why
PostgreSQL does not enforce them."""
POSTGRESQL_ONLY = frozenset({"ix_meter_values_transaction_id_at"})
"""Indexes that exist on PostgreSQL only."""

# A heap in insertion order (SQLite's rowid): it is only ever scanned and emptied whole.
meter_values_recent: Table = Table(
    "meter_values_recent",
    metadata,
    Column("transaction_id", Integer(), nullable=False),
    Column("key", KEY, nullable=False),
)

meter_value_index: Table = Table(
    "meter_value_index",
    metadata,
    Column("transaction_id", Integer(), primary_key=True, autoincrement=False),
    Column("key", KEY, primary_key=True),
    sqlite_with_rowid=False,
)

station_events: Table = Table(
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
# Brute-force throttling state is kept in memory per node (docs/adr/0004-security-profiles.md).

# One row per station that ever connected (or whose minimum an operator set): the security
# profile (0-3) of its latest connection and the lowest one it may still connect with.
station_security: Table = Table(
    "station_security",
    metadata,
    Column("station_id", String(), ForeignKey("stations.id"), primary_key=True),
    Column("min_profile", Integer(), nullable=False, server_default=text("0")),
    Column("last_profile", Integer()),
    Column("last_connected_at", UTCDateTime()),
    Column("min_changed_at", UTCDateTime()),
)

# Station certificates signed by the CSMS CA (SignCertificate). `request_key` identifies the
# CSR (`domain.certificates.signing_key`), so a resent CSR gets the certificate issued before.
issued_certificates: Table = Table(
    "issued_certificates",
    metadata,
    Column("serial_number", String(), primary_key=True),
    Column("request_key", KEY, nullable=False, unique=True),
    Column("station_id", String(), ForeignKey("stations.id"), nullable=False),
    Column("common_name", String(), nullable=False),
    Column("key_description", String(), nullable=False),
    Column("not_before", UTCDateTime(), nullable=False),
    Column("not_after", UTCDateTime(), nullable=False),
    Column("pem", String(), nullable=False),
    Column("issued_at", UTCDateTime(), nullable=False),
    Column("delivery", String()),
    Column("delivered_at", UTCDateTime()),
    Index("ix_issued_certificates_station_id_issued_at", "station_id", "issued_at"),
)

# --- Device model of OCPP 2.0.1 stations: NotifyReport (migration r0003_device_model).
# (Also in r0003: tokens.type and tokens.personal_message, above.)

# One row per variable of a station's device model (`domain.device_model`): its address as
# last reported (names compared case-insensitively through `key`) and its characteristics.
device_variables: Table = Table(
    "device_variables",
    metadata,
    Column("key", KEY, primary_key=True),  # keys.device_variable_key
    Column("station_id", String(), ForeignKey("stations.id"), nullable=False),
    Column("component", String(), nullable=False),
    Column("component_instance", String()),
    Column("evse_id", Integer()),
    Column("connector_id", Integer()),
    Column("variable", String(), nullable=False),
    Column("variable_instance", String()),
    Column("data_type", String()),  # NULL: no characteristics reported yet
    Column("supports_monitoring", Boolean()),
    Column("unit", String()),
    Column("min_limit", Float()),
    Column("max_limit", Float()),
    Column("values_list", String()),
    Column("reported_at", UTCDateTime(), nullable=False),  # generatedAt of the report
    Index("ix_device_variables_station_id", "station_id"),
)

# One row per attribute (Actual, Target, MinSet, MaxSet) of a device-model variable.
device_attributes: Table = Table(
    "device_attributes",
    metadata,
    Column("key", KEY, primary_key=True),  # keys.device_attribute_key
    Column("variable_key", KEY, ForeignKey("device_variables.key"), nullable=False),
    Column("station_id", String(), ForeignKey("stations.id"), nullable=False),
    Column("type", String(), nullable=False),
    Column("value", String()),
    Column("mutability", String(), nullable=False),
    Column("persistent", Boolean(), nullable=False),
    Column("constant", Boolean(), nullable=False),
    Column("reported_at", UTCDateTime(), nullable=False),
    Column("request_id", BigInteger(), nullable=False),
    Index("ix_device_attributes_station_id", "station_id"),
)

# One row per NotifyReport part received: which parts of which report (requestId) arrived.
device_report_parts: Table = Table(
    "device_report_parts",
    metadata,
    Column("key", KEY, primary_key=True),  # keys.report_part_key
    Column("station_id", String(), ForeignKey("stations.id"), nullable=False),
    Column("request_id", BigInteger(), nullable=False),
    Column("seq_no", BigInteger(), nullable=False),
    Column("tbc", Boolean(), nullable=False),
    Column("generated_at", UTCDateTime(), nullable=False),
    Column("received_at", UTCDateTime(), nullable=False),
    Column("variable_count", Integer(), nullable=False),
    Index("ix_device_report_parts_station_id_request_id", "station_id", "request_id"),
)

# --- OCPP 2.0.1 transaction events (migration r0004_transaction_events).

# One row per TransactionEvent (`domain.transaction_events`); its meter values are rows of
# `meter_values` like any others. `dedupe_key` makes a retried event a no-op.
transaction_events: Table = Table(
    "transaction_events",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("dedupe_key", KEY, nullable=False, unique=True),
    Column("transaction_id", Integer(), ForeignKey("transactions.id"), nullable=False),
    Column("station_id", String(), ForeignKey("stations.id"), nullable=False),
    Column("station_transaction_id", String(), nullable=False),
    Column("event_type", String(), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("trigger_reason", String(), nullable=False),
    Column("seq_no", BigInteger(), nullable=False),
    Column("offline", Boolean(), nullable=False),
    Column("charging_state", String()),
    Column("stopped_reason", String()),
    Column("id_token", String()),
    Column("evse_id", Integer()),
    Column("connector_id", Integer()),
    Column("sample_count", Integer(), nullable=False),
    Column("received_at", UTCDateTime(), nullable=False),
    Column("remote_start_id", BigInteger()),
    Column("reservation_id", BigInteger()),
    Column("number_of_phases_used", Integer()),
    Column("cable_max_current_a", Integer()),
    Column("time_spent_charging_s", BigInteger()),
    Index("ix_transaction_events_transaction_id_seq_no", "transaction_id", "seq_no"),
)

# --- Users, API keys, login tokens (migration r0005_access).

# REST API keys (`domain.access.ApiKey`): only the SHA-256 of the secret is stored, with
# the secret's first characters (`prefix`) so that people can tell keys apart.
api_keys: Table = Table(
    "api_keys",
    metadata,
    Column("id", String(), primary_key=True),
    Column("name", String(), nullable=False),
    Column("role", String(), nullable=False),
    Column("secret_hash", LargeBinary(32), nullable=False, unique=True),
    Column("prefix", String(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("last_used_at", UTCDateTime()),
    Column("revoked_at", UTCDateTime()),
)

# People who log in with a password (scrypt hash, `domain.credentials`). `name_key` and
# `email_key` are the casefolded name and email: unique, and what a login is matched on.
users: Table = Table(
    "users",
    metadata,
    Column("id", String(), primary_key=True),
    Column("name", String(), nullable=False),
    Column("email", String()),
    Column("role", String(), nullable=False),
    Column("password_hash", String(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("disabled_at", UTCDateTime()),
    Column("name_key", String(), nullable=False, unique=True),
    Column("email_key", String(), unique=True),
)

# Bearer tokens issued by `POST /api/v1/auth/token` (`domain.access.LoginToken`), hashed.
login_tokens: Table = Table(
    "login_tokens",
    metadata,
    Column("id", String(), primary_key=True),
    Column("user_id", String(), ForeignKey("users.id"), nullable=False),
    Column("secret_hash", LargeBinary(32), nullable=False, unique=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("revoked_at", UTCDateTime()),
    Index("ix_login_tokens_user_id", "user_id"),
)

# --- Commands to stations (migration r0006_commands).

# One row per command sent (or about to be sent) to a station (`domain.commands`): stored
# PENDING before it is sent, then its terminal state. `dedupe_key` (random per command)
# makes a re-run unit insert it once. A remote start's `transaction_id` is the transaction
# it caused; `link_*` find it for 1.6, and `link_until` is NULL once nothing may link.
commands: Table = Table(
    "commands",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("station_id", String(), ForeignKey("stations.id"), nullable=False),
    Column("protocol", String(), nullable=False),
    Column("name", String(), nullable=False),
    Column("action", String(), nullable=False),
    Column("request", JSON(), nullable=False),
    Column("state", String(), nullable=False),
    Column("status", String()),
    Column("reason", String()),
    Column("response", JSON()),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("finished_at", UTCDateTime()),
    Column("requested_by", String()),
    Column("transaction_id", Integer(), ForeignKey("transactions.id")),
    Column("link_id_tag", String()),
    Column("link_evse_id", Integer()),
    Column("link_until", UTCDateTime()),
    Column("dedupe_key", KEY, nullable=False, unique=True),
    Index("ix_commands_station_id_id", "station_id", "id"),
    Index("ix_commands_station_id_link_until", "station_id", "link_until"),
    Index("ix_commands_state", "state"),
)

# --- Reservations (migration r0007_reservations).

# One row per reservation Voltgate asked a station for (`domain.reservations`). Its id is the
# id of the `reserve` command that asked (the reservationId the station got), so a re-run
# unit inserts it once. `transaction_id` is the transaction that used it.
reservations: Table = Table(
    "reservations",
    metadata,
    Column("id", Integer(), ForeignKey("commands.id"), primary_key=True, autoincrement=False),
    Column("station_id", String(), ForeignKey("stations.id"), nullable=False),
    Column("evse_id", Integer()),
    Column("connector_type", String()),
    Column("id_tag", String(), nullable=False),
    Column("group_id_tag", String()),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("state", String(), nullable=False),
    Column("status", String()),
    Column("reason", String()),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("transaction_id", Integer(), ForeignKey("transactions.id")),
    Index("ix_reservations_station_id_id", "station_id", "id"),
    Index("ix_reservations_state_expires_at", "state", "expires_at"),
)
# --- Charging points (migration r0008_charging_points).

# Counters that hand out integer numbers (`stations.number`, `evses.number`): one row per
# counter, incremented under its row lock, so nodes sharing a database never hand out a
# number twice.
counters: Table = Table(
    "counters",
    metadata,
    Column("name", String(), primary_key=True),
    Column("value", BigInteger(), nullable=False),
)

# Numbers and EvseIds identify one record each (NULLs, not given yet, do not collide).
Index("ix_stations_number", stations.c.number, unique=True)
Index("ix_evses_number", evses.c.number, unique=True)
Index("ix_evses_emi3_id", evses.c.emi3_id, unique=True)
# --- Customers, contracts, gateways, devices, EV charging information (migration
# --- r0009_customers; `domain.customers`). Ids are assigned here; `dedupe_key` (random per
# --- create request) makes a create that runs again after an ambiguous commit a no-op.

customers: Table = Table(
    "customers",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("name", String(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("dedupe_key", KEY, nullable=False, unique=True),
)

# A contract number is unique per customer: clients address contracts by it.
contracts: Table = Table(
    "contracts",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("customer_id", Integer(), ForeignKey("customers.id"), nullable=False),
    Column("contract_no", Integer(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("dedupe_key", KEY, nullable=False, unique=True),
    UniqueConstraint("customer_id", "contract_no"),
)

gateways: Table = Table(
    "gateways",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("contract_id", Integer(), ForeignKey("contracts.id"), nullable=False),
    Column("name", String(), nullable=False),
    Column("max_power_kw", DecimalText(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("dedupe_key", KEY, nullable=False, unique=True),
    Index("ix_gateways_contract_id_id", "contract_id", "id"),
)

# A device is a whole station (`evse_id` 0, as EVSE 0 stands for the station elsewhere) or
# one EVSE of it; each at most once across the system.
devices: Table = Table(
    "devices",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("gateway_id", Integer(), ForeignKey("gateways.id"), nullable=False),
    Column("station_id", String(), ForeignKey("stations.id"), nullable=False),
    Column("evse_id", Integer(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("dedupe_key", KEY, nullable=False, unique=True),
    UniqueConstraint("station_id", "evse_id"),
    Index("ix_devices_gateway_id_id", "gateway_id", "id"),
)

# The EV charging information of a device (reference 03), one row per device at most.
ev_charging_infos: Table = Table(
    "ev_charging_infos",
    metadata,
    Column("device_id", Integer(), ForeignKey("devices.id"), primary_key=True),
    Column("charging_mode", Integer(), nullable=False),
    Column("smart_mode_is_active", Boolean()),
    Column("car_info_id", String()),
    Column("car_manufacturer", String()),
    Column("car_model", String()),
    Column("car_generation", String()),
    Column("gross_battery_kwh", DecimalText()),
    Column("net_battery_kwh", DecimalText()),
    Column("battery_level_percent", DecimalText()),
    Column("fully_charged_by", UTCDateTime()),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("dedupe_key", KEY, nullable=False, unique=True),
)

# --- Station model catalog, reference 04 (migration r0010_station_models).

# One row per model (`domain.station_models`); never deleted, only archived. The public id is
# `id` formatted (``mdl_`` and ten digits), so ids sort in creation order. `vendor_key` and
# `model_key` are the casefolded vendor and model a booting station is matched on.
station_models: Table = Table(
    "station_models",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("dedupe_key", KEY, nullable=False, unique=True),
    Column("vendor", String(), nullable=False),
    Column("model", String(), nullable=False),
    Column("vendor_key", String(), nullable=False),
    Column("model_key", String(), nullable=False),
    Column("friendly_name", String()),
    Column("power_type", String(), nullable=False),
    Column("connectors", JSON(), nullable=False),
    Column("configuration_keys", JSON(), nullable=False),
    Column("key_mappings", JSON(), nullable=False),
    Column("image_url", String()),
    Column("is_archived", Boolean(), nullable=False, server_default=text("false")),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Index("ix_station_models_vendor_key_model_key_id", "vendor_key", "model_key", "id"),
    Index("ix_station_models_is_archived_id", "is_archived", "id"),
)

# What the CSMS last read and set of each model configuration key on each station
# (`domain.station_configuration.KeyState`, fields in this column order).
station_configuration: Table = Table(
    "station_configuration",
    metadata,
    Column("station_id", String(), ForeignKey("stations.id"), primary_key=True),
    Column("key", String(), primary_key=True),
    Column("station_key", String(), nullable=False),
    Column("actual", String()),
    Column("found", Boolean(), nullable=False),
    Column("read_at", UTCDateTime()),
    Column("read_command_id", Integer(), ForeignKey("commands.id")),
    Column("apply_command_id", Integer(), ForeignKey("commands.id")),
    Column("apply_value", String()),
    Column("apply_state", String()),
    Column("apply_status", String()),
    Column("apply_reason", String()),
    Column("applied_at", UTCDateTime()),
)

# --- The per-station message log (migrations r0011_message_log, r0013_message_log_blocks).

# Every OCPP-J frame in both directions (`domain.message_log`), written in batches shortly
# after the frame (docs/adr/0006-message-log.md), stored in blocks: one row holds a station's
# frames of one flush, in wire order, encoded by `storage.message_log_repos` (at most
# `FRAMES_PER_BLOCK`). A row per frame cost more than the frame's own station data (a row
# and an index entry each, most of them for a 20-character answer); a block costs one of
# each per station and flush. `first_at` / `last_at` bound the time of its frames: the
# time filters and the retention prune read them. No foreign key to `stations`: a log batch
# must never fail, nor cost a lookup per row, for a station removed meanwhile (a station
# that ever connected cannot be removed anyway: its security record refers to it). Ids grow
# in the order blocks were written. The id is 64-bit; on SQLite an INTEGER primary key is
# already 64-bit and must stay INTEGER to be the rowid.
LOG_ID = BigInteger().with_variant(Integer(), "sqlite")

message_log_blocks: Table = Table(
    "message_log_blocks",
    metadata,
    Column("id", LOG_ID, primary_key=True, autoincrement=True),
    Column("station_id", String(), nullable=False),
    Column("first_at", UTCDateTime(), nullable=False),
    Column("last_at", UTCDateTime(), nullable=False),
    Column("frame_count", Integer(), nullable=False),
    Column("frames", LargeBinary(), nullable=False),
    Index("ix_message_log_blocks_station_id_id", "station_id", "id"),
    Index("ix_message_log_blocks_last_at", "last_at"),
)
