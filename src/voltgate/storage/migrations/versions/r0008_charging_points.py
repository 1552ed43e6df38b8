"""Charging points: what operators state about stations, EVSEs and connectors.

Stations: the integer number reference clients know them by, network settings. EVSEs: the
number, an optimistic-lock version, power type, output limits, identity (code, external id,
EvseId), public attributes, payment, roaming (Hubject) flags and dates, operator status,
first activation, last change, soft delete. Connectors: when the status last changed, and
the connector's kind and maxima. A counter table hands out the numbers.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def station_columns() -> tuple[sa.Column[object], ...]:
    return (
        sa.Column("number", sa.Integer()),
        sa.Column("static_ip", sa.Boolean()),
        sa.Column("ipv4", sa.Boolean()),
        sa.Column("ipv6", sa.Boolean()),
        sa.Column("ip_address", sa.String()),
        sa.Column("prefix_length", sa.Integer()),
        sa.Column("gateway", sa.String()),
        sa.Column("dns_servers", sa.String()),
        sa.Column("ntp_server", sa.String()),
        sa.Column("ocpp_server_fqdn", sa.String()),
        sa.Column("ocpp_server_ip", sa.String()),
    )


def evse_columns() -> tuple[sa.Column[object], ...]:
    return (
        sa.Column("number", sa.Integer()),
        sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")),
        sa.Column("power_type", sa.String()),
        sa.Column("limit_voltage_v", sa.Float()),
        sa.Column("limit_current_a", sa.Float()),
        sa.Column("limit_power_w", sa.Float()),
        sa.Column("code", sa.String()),
        sa.Column("external_id", sa.String()),
        sa.Column("emi3_id", sa.String()),
        sa.Column("placement", sa.String()),
        sa.Column("public", sa.Boolean()),
        sa.Column("renewable_energy", sa.Boolean()),
        sa.Column("value_added_services", sa.Boolean()),
        sa.Column("payment_terminal", sa.Boolean()),
        sa.Column("payment_terminal_id", sa.String()),
        sa.Column(
            "direct_payment_allowed", sa.Boolean(), nullable=False, server_default=sa.text("false")
        ),
        sa.Column("tariff_text", sa.String()),
        sa.Column("max_capacity_kwh", sa.Float()),
        sa.Column("calibration_law", sa.String()),
        sa.Column(
            "publish_to_hubject", sa.Boolean(), nullable=False, server_default=sa.text("false")
        ),
        sa.Column("hubject_compatible", sa.Boolean()),
        sa.Column("hubject_status", sa.String()),
        sa.Column("hubject_status_pushed_at", TS),
        sa.Column("hubject_data_pushed_at", TS),
        sa.Column("operator_status", sa.String()),
        sa.Column("first_activated_at", TS),
        sa.Column("modified_at", TS),
        sa.Column("deleted", sa.Boolean(), nullable=False, server_default=sa.text("false")),
    )


def connector_columns() -> tuple[sa.Column[object], ...]:
    return (
        sa.Column("status_changed_at", TS),
        sa.Column("connection_type", sa.String()),
        sa.Column("format", sa.String()),
        sa.Column("max_amperage", sa.Float()),
        sa.Column("max_voltage", sa.Float()),
        sa.Column("max_power_watts", sa.Float()),
    )


def upgrade() -> None:
    # batch_alter_table: SQLite cannot alter tables in place (it copies when needed).
    for table, columns in (
        ("stations", station_columns()),
        ("evses", evse_columns()),
        ("connectors", connector_columns()),
    ):
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.add_column(column)
    # A status stored before this revision last changed, as far as we know, when reported.
    op.execute("UPDATE connectors SET status_changed_at = status_at")
    op.create_index("ix_stations_number", "stations", ["number"], unique=True)
    op.create_index("ix_evses_number", "evses", ["number"], unique=True)
    op.create_index("ix_evses_emi3_id", "evses", ["emi3_id"], unique=True)
    op.create_table(
        "counters",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_counters"),
    )


def downgrade() -> None:
    op.drop_table("counters")
    op.drop_index("ix_evses_emi3_id", "evses")
    op.drop_index("ix_evses_number", "evses")
    op.drop_index("ix_stations_number", "stations")
    for table, columns in (
        ("connectors", connector_columns()),
        ("evses", evse_columns()),
        ("stations", station_columns()),
    ):
        with op.batch_alter_table(table) as batch:
            for column in reversed(columns):
                batch.drop_column(column.name)
