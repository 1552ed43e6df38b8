"""Device model of OCPP 2.0.1 stations (NotifyReport): variables, attributes, characteristics.

Also the 2.0.1 facts of id tokens: their IdTokenEnumType (NULL: any) and personal message.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
KEY = sa.LargeBinary(16)


def upgrade() -> None:
    # batch_alter_table: SQLite cannot alter tables in place (it copies when needed).
    with op.batch_alter_table("tokens") as batch:
        batch.add_column(sa.Column("type", sa.String()))
        batch.add_column(sa.Column("personal_message", sa.String()))

    op.create_table(
        "device_variables",
        sa.Column("key", KEY, nullable=False),
        sa.Column("station_id", sa.String(), nullable=False),
        sa.Column("component", sa.String(), nullable=False),
        sa.Column("component_instance", sa.String()),
        sa.Column("evse_id", sa.Integer()),
        sa.Column("connector_id", sa.Integer()),
        sa.Column("variable", sa.String(), nullable=False),
        sa.Column("variable_instance", sa.String()),
        sa.Column("data_type", sa.String()),
        sa.Column("supports_monitoring", sa.Boolean()),
        sa.Column("unit", sa.String()),
        sa.Column("min_limit", sa.Float()),
        sa.Column("max_limit", sa.Float()),
        sa.Column("values_list", sa.String()),
        sa.Column("reported_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_device_variables"),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name="fk_device_variables_station_id_stations"
        ),
    )
    op.create_index("ix_device_variables_station_id", "device_variables", ["station_id"])

    op.create_table(
        "device_attributes",
        sa.Column("key", KEY, nullable=False),
        sa.Column("variable_key", KEY, nullable=False),
        sa.Column("station_id", sa.String(), nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("value", sa.String()),
        sa.Column("mutability", sa.String(), nullable=False),
        sa.Column("persistent", sa.Boolean(), nullable=False),
        sa.Column("constant", sa.Boolean(), nullable=False),
        sa.Column("reported_at", TS, nullable=False),
        sa.Column("request_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_device_attributes"),
        sa.ForeignKeyConstraint(
            ["variable_key"],
            ["device_variables.key"],
            name="fk_device_attributes_variable_key_device_variables",
        ),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name="fk_device_attributes_station_id_stations"
        ),
    )
    op.create_index("ix_device_attributes_station_id", "device_attributes", ["station_id"])

    op.create_table(
        "device_report_parts",
        sa.Column("key", KEY, nullable=False),
        sa.Column("station_id", sa.String(), nullable=False),
        sa.Column("request_id", sa.BigInteger(), nullable=False),
        sa.Column("seq_no", sa.BigInteger(), nullable=False),
        sa.Column("tbc", sa.Boolean(), nullable=False),
        sa.Column("generated_at", TS, nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("variable_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_device_report_parts"),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name="fk_device_report_parts_station_id_stations"
        ),
    )
    op.create_index(
        "ix_device_report_parts_station_id_request_id",
        "device_report_parts",
        ["station_id", "request_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_device_report_parts_station_id_request_id", "device_report_parts")
    op.drop_table("device_report_parts")
    op.drop_index("ix_device_attributes_station_id", "device_attributes")
    op.drop_table("device_attributes")
    op.drop_index("ix_device_variables_station_id", "device_variables")
    op.drop_table("device_variables")
    with op.batch_alter_table("tokens") as batch:
        batch.drop_column("personal_message")
        batch.drop_column("type")
