"""Reservations: one row per reservation asked of a station, its state and what used it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "reservations",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("station_id", sa.String(), nullable=False),
        sa.Column("evse_id", sa.Integer()),
        sa.Column("connector_type", sa.String()),
        sa.Column("id_tag", sa.String(), nullable=False),
        sa.Column("group_id_tag", sa.String()),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("status", sa.String()),
        sa.Column("reason", sa.String()),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("transaction_id", sa.Integer()),
        sa.PrimaryKeyConstraint("id", name="pk_reservations"),
        sa.ForeignKeyConstraint(["id"], ["commands.id"], name="fk_reservations_id_commands"),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name="fk_reservations_station_id_stations"
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["transactions.id"],
            name="fk_reservations_transaction_id_transactions",
        ),
    )
    op.create_index("ix_reservations_station_id_id", "reservations", ["station_id", "id"])
    op.create_index("ix_reservations_state_expires_at", "reservations", ["state", "expires_at"])


def downgrade() -> None:
    op.drop_index("ix_reservations_state_expires_at", "reservations")
    op.drop_index("ix_reservations_station_id_id", "reservations")
    op.drop_table("reservations")
