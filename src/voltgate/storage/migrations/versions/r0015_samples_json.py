"""PostgreSQL: a reading's samples are stored as `json`, not `jsonb`.

`jsonb` parses every value into a tree with sorted keys on the way in; `json` only checks
the text. PostgreSQL's CPU per MeterValues row (six samples, written as a batch's arrays)
was 38-40 µs with `jsonb` and 32.5-33 µs with `json` (`bench/postgres_write_forms.py`,
docs/adr/0003-hot-path.md §26). Voltgate encodes and decodes the
column itself and never queries inside it; a query that wants `jsonb`'s operators casts
(``samples::jsonb @> ...``). The change rewrites the table. SQLite stores text either way:
nothing changes there.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE meter_values ALTER COLUMN samples TYPE json USING samples::json")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE meter_values ALTER COLUMN samples TYPE jsonb USING samples::jsonb")
