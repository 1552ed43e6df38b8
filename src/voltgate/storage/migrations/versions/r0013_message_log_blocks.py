"""The message log is stored in blocks: a station's frames of one flush in one row.

A row per frame cost more than the frame's own station data: a row, an index entry and
nine bound values each, most of them for a short answer frame. The frames logged so far
are moved into blocks of up to `FRAMES_PER_BLOCK` consecutive frames per station, in their
order (docs/adr/0006-message-log.md, "Blocks").

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC
from typing import Any

import sqlalchemy as sa
from alembic import op

from voltgate.domain.message_log import Direction, FrameType, LoggedFrame
from voltgate.storage.message_log_repos import blocks_of, decode_frames, encode_frames

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
LOG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
COPY_CHUNK = 10_000
"""Rows (or blocks, on the way down) read per query while moving the log."""

_rows = sa.table(
    "message_log",
    sa.column("id", LOG_ID),
    sa.column("station_id", sa.String()),
    sa.column("at", TS),
    sa.column("direction", sa.String()),
    sa.column("message_type", sa.String()),
    sa.column("unique_id", sa.String()),
    sa.column("action", sa.String()),
    sa.column("frame_text", sa.String()),
    sa.column("size", sa.Integer()),
    sa.column("truncated", sa.Boolean()),
)
_blocks = sa.table(
    "message_log_blocks",
    sa.column("id", LOG_ID),
    sa.column("station_id", sa.String()),
    sa.column("first_at", TS),
    sa.column("last_at", TS),
    sa.column("frame_count", sa.Integer()),
    sa.column("frames", sa.LargeBinary()),
)
_FRAME_COLUMNS = [c for c in _rows.c if c.name != "id"]


def upgrade() -> None:
    op.create_table(
        "message_log_blocks",
        sa.Column("id", LOG_ID, autoincrement=True, nullable=False),
        sa.Column("station_id", sa.String(), nullable=False),
        sa.Column("first_at", TS, nullable=False),
        sa.Column("last_at", TS, nullable=False),
        sa.Column("frame_count", sa.Integer(), nullable=False),
        sa.Column("frames", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_message_log_blocks"),
    )
    op.create_index(
        "ix_message_log_blocks_station_id_id", "message_log_blocks", ["station_id", "id"]
    )
    op.create_index("ix_message_log_blocks_last_at", "message_log_blocks", ["last_at"])
    connection = op.get_bind()
    for chunk in _chunks(connection, sa.select(_rows.c.id, *_FRAME_COLUMNS), _rows.c.id):
        # Blocks of a chunk of consecutive rows: block ids then grow with the frames' ids
        # for every station, as the log's pages need.
        blocks = [
            {
                "station_id": block[0].station_id,
                "first_at": block[0].at,
                "last_at": block[-1].at,
                "frame_count": len(block),
                "frames": encode_frames(block),
            }
            for block in blocks_of([_frame(row[1:]) for row in chunk])
        ]
        connection.execute(sa.insert(_blocks), blocks)
    op.drop_index("ix_message_log_station_id_id", "message_log")
    op.drop_table("message_log")


def downgrade() -> None:
    op.create_table(
        "message_log",
        sa.Column("id", LOG_ID, autoincrement=True, nullable=False),
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
    connection = op.get_bind()
    query = sa.select(_blocks.c.id, _blocks.c.station_id, _blocks.c.frames)
    for chunk in _chunks(connection, query, _blocks.c.id):
        rows = [
            {
                "station_id": f.station_id, "at": f.at, "direction": f.direction.value,
                "message_type": f.message_type.value, "unique_id": f.unique_id,
                "action": f.action, "frame_text": f.frame_text, "size": f.size,
                "truncated": f.truncated,
            }
            for block in chunk
            for f in decode_frames(block.station_id, block.frames)
        ]  # fmt: skip
        if rows:
            connection.execute(sa.insert(_rows), rows)
    op.drop_index("ix_message_log_blocks_last_at", "message_log_blocks")
    op.drop_index("ix_message_log_blocks_station_id_id", "message_log_blocks")
    op.drop_table("message_log_blocks")


def _chunks(
    connection: sa.Connection, query: sa.Select[Any], key: sa.ColumnElement[Any]
) -> Iterator[Sequence[sa.Row[Any]]]:
    """The rows of `query` in order of `key`, `COPY_CHUNK` at a time (keyset paging)."""
    after: int | None = None
    while True:
        page = query.order_by(key).limit(COPY_CHUNK)
        if after is not None:
            page = page.where(key > after)
        rows = connection.execute(page).all()
        if not rows:
            return
        yield rows
        after = rows[-1][0]


def _frame(values: Sequence[Any]) -> LoggedFrame:
    station_id, at, direction, kind, unique_id, action, text, size, truncated = values
    at_utc = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return LoggedFrame(
        station_id, at_utc, Direction(direction), FrameType(kind), unique_id, action, text,
        size, bool(truncated),
    )  # fmt: skip
