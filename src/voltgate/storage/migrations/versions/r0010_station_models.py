"""Station model catalog (reference 04), stations linked to their model, and what was last
read and set of each model configuration key on each station.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "station_models",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dedupe_key", sa.LargeBinary(16), nullable=False),
        sa.Column("vendor", sa.String(), nullable=False),
        sa.Column("model", sa.String(), nullable=False),
        sa.Column("vendor_key", sa.String(), nullable=False),
        sa.Column("model_key", sa.String(), nullable=False),
        sa.Column("friendly_name", sa.String()),
        sa.Column("power_type", sa.String(), nullable=False),
        sa.Column("connectors", sa.JSON(), nullable=False),
        sa.Column("configuration_keys", sa.JSON(), nullable=False),
        sa.Column("key_mappings", sa.JSON(), nullable=False),
        sa.Column("image_url", sa.String()),
        sa.Column("is_archived", sa.Boolean(), nullable=False, server_default=sa.text("false")),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_station_models"),
        sa.UniqueConstraint("dedupe_key", name="uq_station_models_dedupe_key"),
    )
    op.create_index(
        "ix_station_models_vendor_key_model_key_id",
        "station_models",
        ["vendor_key", "model_key", "id"],
    )
    op.create_index("ix_station_models_is_archived_id", "station_models", ["is_archived", "id"])

    # No foreign key: SQLite adds and drops a plain nullable column in place, whereas a
    # reference would need Alembic's batch copy, which drops `stations`, and the rows of every
    # table referring to a station forbid that. Models are never deleted, and a station is
    # only ever given one that exists (`StationService`).
    op.add_column("stations", sa.Column("model_id", sa.Integer()))

    op.create_table(
        "station_configuration",
        sa.Column("station_id", sa.String(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("station_key", sa.String(), nullable=False),
        sa.Column("actual", sa.String()),
        sa.Column("found", sa.Boolean(), nullable=False),
        sa.Column("read_at", TS),
        sa.Column("read_command_id", sa.Integer()),
        sa.Column("apply_command_id", sa.Integer()),
        sa.Column("apply_value", sa.String()),
        sa.Column("apply_state", sa.String()),
        sa.Column("apply_status", sa.String()),
        sa.Column("apply_reason", sa.String()),
        sa.Column("applied_at", TS),
        sa.PrimaryKeyConstraint("station_id", "key", name="pk_station_configuration"),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name="fk_station_configuration_station_id_stations"
        ),
        sa.ForeignKeyConstraint(
            ["read_command_id"],
            ["commands.id"],
            name="fk_station_configuration_read_command_id_commands",
        ),
        sa.ForeignKeyConstraint(
            ["apply_command_id"],
            ["commands.id"],
            name="fk_station_configuration_apply_command_id_commands",
        ),
    )


def downgrade() -> None:
    op.drop_table("station_configuration")
    op.drop_column("stations", "model_id")
    op.drop_index("ix_station_models_is_archived_id", "station_models")
    op.drop_index("ix_station_models_vendor_key_model_key_id", "station_models")
    op.drop_table("station_models")
