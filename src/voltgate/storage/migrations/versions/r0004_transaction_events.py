"""OCPP 2.0.1 transaction events (TransactionEvent, exactly once by transaction id, seqNo and type).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
KEY = sa.LargeBinary(16)


def upgrade() -> None:
    op.create_table(
        "transaction_events",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("dedupe_key", KEY, nullable=False),
        sa.Column("transaction_id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.String(), nullable=False),
        sa.Column("station_transaction_id", sa.String(), nullable=False),
        sa.Column("event_type", sa.String(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("trigger_reason", sa.String(), nullable=False),
        sa.Column("seq_no", sa.BigInteger(), nullable=False),
        sa.Column("offline", sa.Boolean(), nullable=False),
        sa.Column("charging_state", sa.String()),
        sa.Column("stopped_reason", sa.String()),
        sa.Column("id_token", sa.String()),
        sa.Column("evse_id", sa.Integer()),
        sa.Column("connector_id", sa.Integer()),
        sa.Column("sample_count", sa.Integer(), nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("remote_start_id", sa.BigInteger()),
        sa.Column("reservation_id", sa.BigInteger()),
        sa.Column("number_of_phases_used", sa.Integer()),
        sa.Column("cable_max_current_a", sa.Integer()),
        sa.Column("time_spent_charging_s", sa.BigInteger()),
        sa.PrimaryKeyConstraint("id", name="pk_transaction_events"),
        sa.UniqueConstraint("dedupe_key", name="uq_transaction_events_dedupe_key"),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["transactions.id"],
            name="fk_transaction_events_transaction_id_transactions",
        ),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name="fk_transaction_events_station_id_stations"
        ),
    )
    op.create_index(
        "ix_transaction_events_transaction_id_seq_no",
        "transaction_events",
        ["transaction_id", "seq_no"],
    )


def downgrade() -> None:
    op.drop_index("ix_transaction_events_transaction_id_seq_no", "transaction_events")
    op.drop_table("transaction_events")
