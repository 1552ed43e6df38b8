"""The message log loses its `at` index: the retention prune walks the oldest ids instead.

Ids grow in the order frames crossed the wire and so does their time, so the oldest frames
are the lowest ids, which the primary key already finds. The index cost every logged frame
an entry (docs/adr/0003-hot-path.md, "Later changes").

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_message_log_at", "message_log")


def downgrade() -> None:
    op.create_index("ix_message_log_at", "message_log", ["at"])
