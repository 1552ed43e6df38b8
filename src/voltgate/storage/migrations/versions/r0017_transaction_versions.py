"""PostgreSQL: a batch's MeterValues write checks that each transaction is as it was read.

The server keeps the open transactions it has written, with the row version each had
(`xmin`), so that a batch of 1.6 MeterValues reads none of them again
(`storage.versioned_transactions`, docs/adr/0003-hot-path.md §30). Every row of the batch's
write (`storage.bulk.tracked_columnar`) now carries the version its registers were folded
onto, `t_version`, and the write updates a transaction only if its row still has that
version. `voltgate_unchanged` fails the statement, with SQLSTATE 40001 (serialization
failure), when a transaction was changed meanwhile (by another gateway node, the CLI, an
API call): nothing of the statement is kept, and the batch runs again on what is stored.

SQLite needs neither: its writer holds the only write lock and reads `PRAGMA data_version`
instead (`storage.open_transactions`).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

UNCHANGED = """
CREATE FUNCTION voltgate_unchanged(expected bigint, updated bigint) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    IF expected IS DISTINCT FROM updated THEN
        RAISE EXCEPTION 'a transaction changed since this server read it'
            USING ERRCODE = '40001',
                  DETAIL = format('%s to update, %s unchanged', expected, updated);
    END IF;
    RETURN true;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TYPE meter_value_write ADD ATTRIBUTE t_version BIGINT")
    op.execute(UNCHANGED)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION voltgate_unchanged(bigint, bigint)")
    op.execute("ALTER TYPE meter_value_write DROP ATTRIBUTE t_version")
