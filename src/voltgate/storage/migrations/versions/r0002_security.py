"""Security profiles, certificate authority and issued certificates, authentication throttling.

Stations' security profiles (`station_security`) and the certificates the CSMS CA signed
(`issued_certificates`). The CA's key and certificate are files in the CA directory, not
rows; throttling state is kept in memory (docs/adr/0004-security-profiles.md).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
KEY = sa.LargeBinary(16)


def upgrade() -> None:
    op.create_table(
        "station_security",
        sa.Column("station_id", sa.String(), nullable=False),
        sa.Column("min_profile", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("last_profile", sa.Integer()),
        sa.Column("last_connected_at", TS),
        sa.Column("min_changed_at", TS),
        sa.PrimaryKeyConstraint("station_id", name="pk_station_security"),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name="fk_station_security_station_id_stations"
        ),
    )
    op.create_table(
        "issued_certificates",
        sa.Column("serial_number", sa.String(), nullable=False),
        sa.Column("request_key", KEY, nullable=False),
        sa.Column("station_id", sa.String(), nullable=False),
        sa.Column("common_name", sa.String(), nullable=False),
        sa.Column("key_description", sa.String(), nullable=False),
        sa.Column("not_before", TS, nullable=False),
        sa.Column("not_after", TS, nullable=False),
        sa.Column("pem", sa.String(), nullable=False),
        sa.Column("issued_at", TS, nullable=False),
        sa.Column("delivery", sa.String()),
        sa.Column("delivered_at", TS),
        sa.PrimaryKeyConstraint("serial_number", name="pk_issued_certificates"),
        sa.UniqueConstraint("request_key", name="uq_issued_certificates_request_key"),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name="fk_issued_certificates_station_id_stations"
        ),
    )
    op.create_index(
        "ix_issued_certificates_station_id_issued_at",
        "issued_certificates",
        ["station_id", "issued_at"],
    )


def downgrade() -> None:
    op.drop_table("issued_certificates")
    op.drop_table("station_security")
