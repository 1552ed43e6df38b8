"""Initial schema: stations, EVSEs, connectors, tokens, transactions, meter values, events.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
KEY = sa.LargeBinary(16)
FALSE = sa.text("false")
PACKED = sa.Text().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "stations",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("password_hash", sa.String()),
        sa.Column("registration", sa.String(), nullable=False),
        sa.Column("protocol", sa.String()),
        sa.Column("vendor", sa.String()),
        sa.Column("model", sa.String()),
        sa.Column("serial_number", sa.String()),
        sa.Column("firmware_version", sa.String()),
        sa.Column("iccid", sa.String()),
        sa.Column("imsi", sa.String()),
        sa.Column("meter_type", sa.String()),
        sa.Column("meter_serial_number", sa.String()),
        sa.Column("last_boot_at", TS),
        sa.Column("last_boot_status", sa.String()),
        sa.Column("last_boot_reason", sa.String()),
        sa.Column("last_heartbeat_at", TS),
        sa.Column("connected", sa.Boolean(), nullable=False, server_default=FALSE),
        sa.Column("connected_at", TS),
        sa.Column("disconnected_at", TS),
        sa.Column("remote_address", sa.String()),
        sa.Column("created_at", TS),
        sa.Column("status", sa.String()),
        sa.Column("error_code", sa.String()),
        sa.Column("status_info", sa.String()),
        sa.Column("status_vendor_id", sa.String()),
        sa.Column("status_vendor_error_code", sa.String()),
        sa.Column("status_at", TS),
        sa.PrimaryKeyConstraint("id", name="pk_stations"),
    )
    op.create_table(
        "evses",
        sa.Column("station_id", sa.String(), nullable=False),
        sa.Column("evse_id", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("last_register_wh", sa.Float()),
        sa.Column("last_register_at", TS),
        sa.PrimaryKeyConstraint("station_id", "evse_id", name="pk_evses"),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name="fk_evses_station_id_stations"
        ),
    )
    op.create_table(
        "connectors",
        sa.Column("station_id", sa.String(), nullable=False),
        sa.Column("evse_id", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("connector_id", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("status", sa.String()),
        sa.Column("error_code", sa.String()),
        sa.Column("info", sa.String()),
        sa.Column("vendor_id", sa.String()),
        sa.Column("vendor_error_code", sa.String()),
        sa.Column("status_at", TS),
        sa.PrimaryKeyConstraint("station_id", "evse_id", "connector_id", name="pk_connectors"),
        sa.ForeignKeyConstraint(
            ["station_id", "evse_id"],
            ["evses.station_id", "evses.evse_id"],
            name="fk_connectors_evse_evses",
        ),
    )
    op.create_table(
        "tokens",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("id_tag", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("expiry", TS),
        sa.Column("parent_id_tag", sa.String()),
        sa.PrimaryKeyConstraint("key", name="pk_tokens"),
    )
    op.create_table(
        "transactions",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("dedupe_key", KEY, nullable=False),
        sa.Column("station_id", sa.String(), nullable=False),
        sa.Column("evse_id", sa.Integer(), nullable=False),
        sa.Column("connector_id", sa.Integer(), nullable=False),
        sa.Column("remote_id", sa.String()),
        sa.Column("id_tag", sa.String()),
        sa.Column("id_tag_key", sa.String()),
        sa.Column("reservation_id", sa.BigInteger()),
        sa.Column("auth_status", sa.String()),
        sa.Column("started_at", TS),
        sa.Column("meter_start_wh", sa.BigInteger()),
        sa.Column("stopped_at", TS),
        sa.Column("meter_stop_wh", sa.BigInteger()),
        sa.Column("stop_reason", sa.String()),
        sa.Column("stop_id_tag", sa.String()),
        sa.Column("baseline_wh", sa.Float()),
        sa.Column("energy_wh", sa.Float()),
        sa.Column("first_register_wh", sa.Float()),
        sa.Column("first_register_at", TS),
        sa.Column("last_register_wh", sa.Float()),
        sa.Column("last_register_at", TS),
        sa.Column("reading_count", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("suspect", sa.String(), nullable=False, server_default=""),
        sa.Column("unmatched", sa.Boolean(), nullable=False, server_default=FALSE),
        sa.Column("reported_id", sa.BigInteger()),
        sa.PrimaryKeyConstraint("id", name="pk_transactions"),
        sa.UniqueConstraint("dedupe_key", name="uq_transactions_dedupe_key"),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name="fk_transactions_station_id_stations"
        ),
    )
    op.create_index("ix_transactions_id_tag_key", "transactions", ["id_tag_key"])
    op.create_index("ix_transactions_station_id_id", "transactions", ["station_id", "id"])
    op.create_table(
        "meter_values",
        sa.Column("key", KEY, nullable=False),
        sa.Column("station_id", sa.String(), nullable=False),
        sa.Column("evse_id", sa.Integer(), nullable=False),
        sa.Column("connector_id", sa.Integer(), nullable=False),
        sa.Column("transaction_id", sa.Integer()),
        sa.Column("reported_transaction_id", sa.BigInteger()),
        sa.Column("at", TS, nullable=False),
        # One row per meterValue element, its sampled values packed as JSON.
        sa.Column("samples", PACKED, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_meter_values"),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name="fk_meter_values_station_id_stations"
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["transactions.id"],
            name="fk_meter_values_transaction_id_transactions",
        ),
    )
    op.create_index("ix_meter_values_transaction_id_at", "meter_values", ["transaction_id", "at"])
    op.create_index(
        "ix_meter_values_unmatched",
        "meter_values",
        ["station_id", "reported_transaction_id"],
        sqlite_where=sa.text("transaction_id IS NULL"),
        postgresql_where=sa.text("transaction_id IS NULL"),
    )
    op.create_table(
        "station_events",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("dedupe_key", KEY, nullable=False),
        sa.Column("station_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("at", TS),
        sa.Column("received_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_station_events"),
        sa.UniqueConstraint("dedupe_key", name="uq_station_events_dedupe_key"),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name="fk_station_events_station_id_stations"
        ),
    )
    op.create_index("ix_station_events_station_id_id", "station_events", ["station_id", "id"])


def downgrade() -> None:
    for table in (
        "station_events",
        "meter_values",
        "transactions",
        "tokens",
        "connectors",
        "evses",
        "stations",
    ):
        op.drop_table(table)
