"""PostgreSQL: `meter_values` no longer checks its station and transaction by foreign key.

A foreign key is checked by a trigger after the statement, one query per inserted row,
which locks the referenced row (a WAL record each) so that it cannot be deleted before the
commit. With the readings of a whole batch in one statement (`storage.bulk`), those two
checks were a fifth of PostgreSQL's CPU per 1.6 MeterValues and three of its nine WAL
records; without them the server answered 9 % more MeterValues per second at saturation
(docs/adr/0003-hot-path.md §33).

What they guarded is held otherwise:

* the transaction: a reading names only a transaction its unit of work found (read in
  the same database transaction, or remembered and checked there, migration 0017), and
  transactions are never deleted; the batch's write of 1.6 MeterValues even fails unless
  it updated every transaction its rows name (`voltgate_unchanged`);
* the station: readings come only from the station's own authenticated connection, and a
  station is deleted only when no row of any table names it, `meter_values` included
  (`storage.operator_repos`, which reads the references from `storage.tables`, where the
  foreign keys stay declared).

SQLite keeps both: its checks are index lookups in process, with nothing to lock or log.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

UNCHECKED = (
    ("fk_meter_values_station_id_stations", "station_id", "stations"),
    ("fk_meter_values_transaction_id_transactions", "transaction_id", "transactions"),
)
"""The foreign keys of `meter_values` that PostgreSQL does not enforce (name, column,
referenced table); `storage.tables.SQLITE_ONLY` lists the names too."""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, _, _ in UNCHECKED:
        op.drop_constraint(name, "meter_values", type_="foreignkey")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, column, table in UNCHECKED:
        op.create_foreign_key(name, "meter_values", table, [column], ["id"])
