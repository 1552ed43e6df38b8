"""The per-station message log: every OCPP-J frame in both directions.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "message_log",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("station_id", sa.String(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("direction", sa.String(), nullable=False),
        sa.Column("message_type", sa.String(), nullable=False),
        sa.Column("unique_id", sa.String()),
        sa.Column("action", sa.String()),
        sa.Column("frame_text", sa.String(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("truncated", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_message_log"),
    )
    op.create_index("ix_message_log_station_id_id", "message_log", ["station_id", "id"])
    op.create_index("ix_message_log_at", "message_log", ["at"])


def downgrade() -> None:
    op.drop_index("ix_message_log_at", "message_log")
    op.drop_index("ix_message_log_station_id_id", "message_log")
    op.drop_table("message_log")
