"""PostgreSQL: composite types that carry one row of a batch's deferred writes.

A batch's 1.6 MeterValues are written by one statement (`storage.bulk.tracked_columnar`),
and its 2.0.1 TransactionEvent rows by one or two (`bulk.columnar_insert`). Their rows went
out as one array parameter per column, 22 for a MeterValues; asyncpg checks every element
of an array parameter against `collections.abc` classes, a Python call each, which was
~61,000 of the ~417,000 instructions the server spent storing a MeterValues. As one array of a
composite type the checks are four a row (docs/adr/0003-hot-path.md §29).

Each type's attributes are its statement's columns, in the statement's order;
tests/storage/test_row_types.py compares them with the code's. SQLite has no such types
and needs none: nothing changes there.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

# `bulk.tracked_columnar`: the reading, its transaction's registers, its EVSE's register.
METER_VALUE_WRITE = (
    "key BYTEA",
    "station_id VARCHAR",
    "evse_id INTEGER",
    "connector_id INTEGER",
    "transaction_id INTEGER",
    "reported_transaction_id BIGINT",
    "at TIMESTAMP WITH TIME ZONE",
    "samples JSON",
    "t_baseline_wh FLOAT",
    "t_energy_wh FLOAT",
    "t_first_register_wh FLOAT",
    "t_first_register_at TIMESTAMP WITH TIME ZONE",
    "t_last_register_wh FLOAT",
    "t_last_register_at TIMESTAMP WITH TIME ZONE",
    "t_reading_count INTEGER",
    "t_suspect VARCHAR",
    "t_id INTEGER",
    "e_station_id VARCHAR",
    "e_evse_id INTEGER",
    "e_wh FLOAT",
    "e_at TIMESTAMP WITH TIME ZONE",
    "e_has_register BOOLEAN",
)

# `statements.TX_EVENT_SHORT`: the columns a periodic Updated event fills.
_EVENT_SHORT = (
    "dedupe_key BYTEA",
    "transaction_id INTEGER",
    "station_id VARCHAR",
    "station_transaction_id VARCHAR",
    "event_type VARCHAR",
    "at TIMESTAMP WITH TIME ZONE",
    "trigger_reason VARCHAR",
    "seq_no BIGINT",
    "offline BOOLEAN",
    "charging_state VARCHAR",
)
_EVENT_RECEIVED = (
    "sample_count INTEGER",
    "received_at TIMESTAMP WITH TIME ZONE",
)
# `statements.TX_EVENT_FIELDS`: every column of an event.
TRANSACTION_EVENT_WRITE = (
    *_EVENT_SHORT,
    "stopped_reason VARCHAR",
    "id_token VARCHAR",
    "evse_id INTEGER",
    "connector_id INTEGER",
    *_EVENT_RECEIVED,
    "remote_start_id BIGINT",
    "reservation_id BIGINT",
    "number_of_phases_used INTEGER",
    "cable_max_current_a INTEGER",
    "time_spent_charging_s BIGINT",
)
TRANSACTION_EVENT_WRITE_SHORT = (*_EVENT_SHORT, *_EVENT_RECEIVED)

TYPES = {
    "meter_value_write": METER_VALUE_WRITE,
    "transaction_event_write": TRANSACTION_EVENT_WRITE,
    "transaction_event_write_short": TRANSACTION_EVENT_WRITE_SHORT,
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, attributes in TYPES.items():
        op.execute(f"CREATE TYPE {name} AS ({', '.join(attributes)})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in TYPES:
        op.execute(f"DROP TYPE {name}")
