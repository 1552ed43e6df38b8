"""Commands to stations: one row per command with its terminal state.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "commands",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("station_id", sa.String(), nullable=False),
        sa.Column("protocol", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("status", sa.String()),
        sa.Column("reason", sa.String()),
        sa.Column("response", sa.JSON()),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("finished_at", TS),
        sa.Column("requested_by", sa.String()),
        sa.Column("transaction_id", sa.Integer()),
        sa.Column("link_id_tag", sa.String()),
        sa.Column("link_evse_id", sa.Integer()),
        sa.Column("link_until", TS),
        sa.Column("dedupe_key", sa.LargeBinary(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_commands"),
        sa.UniqueConstraint("dedupe_key", name="uq_commands_dedupe_key"),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name="fk_commands_station_id_stations"
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"], ["transactions.id"], name="fk_commands_transaction_id_transactions"
        ),
    )
    op.create_index("ix_commands_station_id_id", "commands", ["station_id", "id"])
    op.create_index("ix_commands_station_id_link_until", "commands", ["station_id", "link_until"])
    op.create_index("ix_commands_state", "commands", ["state"])


def downgrade() -> None:
    op.drop_index("ix_commands_state", "commands")
    op.drop_index("ix_commands_station_id_link_until", "commands")
    op.drop_index("ix_commands_station_id_id", "commands")
    op.drop_table("commands")
