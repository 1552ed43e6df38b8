"""SQLite: a transaction's readings are indexed behind the writes, not with each one.

The index on `meter_values (transaction_id, at)` gives way to a queue filled by triggers and
an index table the writer folds it into (`storage.tables`, docs/adr/0003-hot-path.md §25);
the readings already stored are indexed here. PostgreSQL keeps its index: nothing changes
there.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

KEY = sa.LargeBinary(16)

# Rows inserted with a transaction, and rows adopted by one later (an unmatched reading
# reconciled with the transaction it named), are queued for the index. `OR IGNORE` is not
# needed here: a row is inserted once (its key is unique) and adopted once (only rows
# without a transaction are adopted).
TRIGGERS = (
    """
    CREATE TRIGGER meter_values_recent_insert AFTER INSERT ON meter_values
    WHEN NEW.transaction_id IS NOT NULL
    BEGIN
        INSERT INTO meter_values_recent (transaction_id, key)
        VALUES (NEW.transaction_id, NEW.key);
    END
    """,
    """
    CREATE TRIGGER meter_values_recent_adopt AFTER UPDATE OF transaction_id ON meter_values
    WHEN NEW.transaction_id IS NOT NULL AND NEW.transaction_id IS NOT OLD.transaction_id
    BEGIN
        INSERT INTO meter_values_recent (transaction_id, key)
        VALUES (NEW.transaction_id, NEW.key);
    END
    """,
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.create_table(
        "meter_values_recent",
        sa.Column("transaction_id", sa.Integer(), nullable=False),
        sa.Column("key", KEY, nullable=False),
    )
    op.create_table(
        "meter_value_index",
        sa.Column("transaction_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("key", KEY, nullable=False),
        sa.PrimaryKeyConstraint("transaction_id", "key", name="pk_meter_value_index"),
        sqlite_with_rowid=False,
    )
    op.execute(
        "INSERT INTO meter_value_index (transaction_id, key)"
        " SELECT transaction_id, key FROM meter_values WHERE transaction_id IS NOT NULL"
        " ORDER BY transaction_id, key"
    )
    for trigger in TRIGGERS:
        op.execute(trigger)
    op.drop_index("ix_meter_values_transaction_id_at", "meter_values")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.create_index("ix_meter_values_transaction_id_at", "meter_values", ["transaction_id", "at"])
    op.execute("DROP TRIGGER meter_values_recent_adopt")
    op.execute("DROP TRIGGER meter_values_recent_insert")
    op.drop_table("meter_value_index")
    op.drop_table("meter_values_recent")
