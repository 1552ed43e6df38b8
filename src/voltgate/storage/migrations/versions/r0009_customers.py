"""Customers, contracts, gateways, devices and their EV charging information.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
KEY = sa.LargeBinary(16)
DECIMAL = sa.Text()  # storage.types.DecimalText: exact decimals as text


def _created(table: str) -> list[sa.schema.SchemaItem]:
    """created_at and the create's dedupe key, which every table here has."""
    return [
        sa.Column("created_at", TS, nullable=False),
        sa.Column("dedupe_key", KEY, nullable=False),
        sa.UniqueConstraint("dedupe_key", name=f"uq_{table}_dedupe_key"),
    ]


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        *_created("customers"),
        sa.PrimaryKeyConstraint("id", name="pk_customers"),
    )
    op.create_table(
        "contracts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("contract_no", sa.Integer(), nullable=False),
        *_created("contracts"),
        sa.PrimaryKeyConstraint("id", name="pk_contracts"),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name="fk_contracts_customer_id_customers"
        ),
        sa.UniqueConstraint(
            "customer_id", "contract_no", name="uq_contracts_customer_id_contract_no"
        ),
    )
    op.create_table(
        "gateways",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("max_power_kw", DECIMAL, nullable=False),
        *_created("gateways"),
        sa.PrimaryKeyConstraint("id", name="pk_gateways"),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contracts.id"], name="fk_gateways_contract_id_contracts"
        ),
    )
    op.create_index("ix_gateways_contract_id_id", "gateways", ["contract_id", "id"])
    op.create_table(
        "devices",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("gateway_id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.String(), nullable=False),
        sa.Column("evse_id", sa.Integer(), nullable=False),
        *_created("devices"),
        sa.PrimaryKeyConstraint("id", name="pk_devices"),
        sa.ForeignKeyConstraint(
            ["gateway_id"], ["gateways.id"], name="fk_devices_gateway_id_gateways"
        ),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name="fk_devices_station_id_stations"
        ),
        sa.UniqueConstraint("station_id", "evse_id", name="uq_devices_station_id_evse_id"),
    )
    op.create_index("ix_devices_gateway_id_id", "devices", ["gateway_id", "id"])
    op.create_table(
        "ev_charging_infos",
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("charging_mode", sa.Integer(), nullable=False),
        sa.Column("smart_mode_is_active", sa.Boolean()),
        sa.Column("car_info_id", sa.String()),
        sa.Column("car_manufacturer", sa.String()),
        sa.Column("car_model", sa.String()),
        sa.Column("car_generation", sa.String()),
        sa.Column("gross_battery_kwh", DECIMAL),
        sa.Column("net_battery_kwh", DECIMAL),
        sa.Column("battery_level_percent", DECIMAL),
        sa.Column("fully_charged_by", TS),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("dedupe_key", KEY, nullable=False),
        sa.PrimaryKeyConstraint("device_id", name="pk_ev_charging_infos"),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name="fk_ev_charging_infos_device_id_devices"
        ),
        sa.UniqueConstraint("dedupe_key", name="uq_ev_charging_infos_dedupe_key"),
    )


def downgrade() -> None:
    op.drop_table("ev_charging_infos")
    op.drop_index("ix_devices_gateway_id_id", "devices")
    op.drop_table("devices")
    op.drop_index("ix_gateways_contract_id_id", "gateways")
    op.drop_table("gateways")
    op.drop_table("contracts")
    op.drop_table("customers")
