"""Every SQL statement storage runs, built with SQLAlchemy Core and compiled once per dialect.

Nothing is built or compiled per message (see `sql.py` for why that matters). Upserts use
each dialect's ``INSERT ... ON CONFLICT``, which SQLite and PostgreSQL spell alike, so
retried and replayed writes are no-ops. Parameters named with a leading underscore are the
WHERE keys of UPDATEs (plain names are the SET columns).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Float,
    Integer,
    LargeBinary,
    and_,
    any_,
    bindparam,
    case,
    delete,
    exists,
    literal_column,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from voltgate.storage import tables as t
from voltgate.storage.access_repos import AccessStatements
from voltgate.storage.bulk import (
    VERSION,
    MultiInsert,
    TrackedInsert,
    columnar_insert,
    newest_register,
    tracked_columnar,
)
from voltgate.storage.charging_point_repos import ChargingPointStatements
from voltgate.storage.command_repos import CommandStatements
from voltgate.storage.customer_repos import CustomerStatements
from voltgate.storage.device_model_repos import DeviceModelStatements
from voltgate.storage.message_log_repos import MessageLogStatements
from voltgate.storage.operator_repos import OperatorStatements
from voltgate.storage.reservation_repos import ReservationStatements
from voltgate.storage.security_repos import SecurityStatements
from voltgate.storage.sql import Columnar, Compiled
from voltgate.storage.station_model_repos import StationModelStatements
from voltgate.storage.types import UTCDateTime

TX_FIELDS = (
    "id",
    "station_id",
    "evse_id",
    "connector_id",
    "id_tag",
    "started_at",
    "meter_start_wh",
    "remote_id",
    "reservation_id",
    "auth_status",
    "stopped_at",
    "meter_stop_wh",
    "stop_reason",
    "stop_id_tag",
    "baseline_wh",
    "energy_wh",
    "first_register_wh",
    "first_register_at",
    "last_register_wh",
    "last_register_at",
    "reading_count",
    "suspect",
    "unmatched",
    "reported_id",
)
"""Columns of `transactions` in the field order of `domain.transactions.Transaction`."""

TX_REGISTERS = (
    "baseline_wh",
    "energy_wh",
    "first_register_wh",
    "first_register_at",
    "last_register_wh",
    "last_register_at",
    "reading_count",
    "suspect",
)
"""The columns a MeterValues message can change on its transaction."""

MV_FIELDS = (
    "key",
    "station_id",
    "evse_id",
    "connector_id",
    "transaction_id",
    "reported_transaction_id",
    "at",
    "samples",
)
"""Columns of `meter_values` in the field order of `domain.readings.MeterRecord`
(`samples` packs its samples and flags, `storage.samples`)."""

# Columns of `transaction_events` in the field order of
# `domain.transaction_events.StoredTransactionEvent`.
TX_EVENT_FIELDS = (
    "transaction_id",
    "station_id",
    "station_transaction_id",
    "event_type",
    "at",
    "trigger_reason",
    "seq_no",
    "offline",
    "charging_state",
    "stopped_reason",
    "id_token",
    "evse_id",
    "connector_id",
    "sample_count",
    "received_at",
    "remote_start_id",
    "reservation_id",
    "number_of_phases_used",
    "cable_max_current_a",
    "time_spent_charging_s",
)
TX_EVENT_SHORT = tuple(
    name
    for name in TX_EVENT_FIELDS
    if not t.transaction_events.c[name].nullable or name == "charging_state"
)
"""The columns of `TX_EVENT_FIELDS` a periodic Updated event fills: the required ones and
its charging state, which some stations repeat in every event; the others are empty in
most events (`transaction_repos.SqlTransactionEvents.add`)."""


class Statements:
    """The compiled statements for one SQL dialect (SQLite or PostgreSQL)."""

    def __init__(self, dialect: Dialect) -> None:
        if dialect.name == "sqlite":
            insert: Any = sqlite.insert
        elif dialect.name == "postgresql":
            insert = postgresql.insert
        else:
            raise ValueError(f"unsupported SQL dialect {dialect.name!r}")

        def c(statement: Any, column_keys: Sequence[str] | None = None) -> Compiled:
            return Compiled(statement, dialect, column_keys)

        s, e, k, tx, mv, ev = (
            t.stations,
            t.evses,
            t.tokens,
            t.transactions,
            t.meter_values,
            t.station_events,
        )
        co = t.connectors
        station_columns = [col.name for col in s.columns]
        self.station_get = c(select(s).where(s.c.id == bindparam("id")))
        self.station_add = c(
            insert(s).on_conflict_do_nothing(index_elements=[s.c.id]).returning(s.c.id),
            station_columns,
        )
        self.station_save = c(
            update(s).where(s.c.id == bindparam("_id")),
            [name for name in station_columns if name != "id"],
        )

        evse_key = and_(e.c.station_id == bindparam("_s"), e.c.evse_id == bindparam("_e"))
        self.evse_get = c(select(e).where(evse_key))
        self.evse_add = c(
            insert(e)
            .on_conflict_do_nothing(index_elements=[e.c.station_id, e.c.evse_id])
            .returning(e.c.evse_id),
            [col.name for col in e.columns],
        )
        at = bindparam("at", type_=UTCDateTime())
        newer = or_(e.c.last_register_at.is_(None), e.c.last_register_at <= at)
        # Keep the newest register: an old sample replayed late must not move it back.
        self.evse_register = c(
            update(e)
            .where(evse_key)
            .values(
                last_register_wh=case(
                    (newer, bindparam("wh", type_=Float())), else_=e.c.last_register_wh
                ),
                last_register_at=case((newer, at), else_=e.c.last_register_at),
            )
        )
        evse_upsert = insert(e).values(
            station_id=bindparam("_s"),
            evse_id=bindparam("_e"),
            last_register_wh=bindparam("wh", type_=Float()),
            last_register_at=bindparam("at", type_=UTCDateTime()),
        )
        # `evse_register` that creates a missing EVSE (as `ensure_evse` would).
        self.evse_register_upsert = c(
            evse_upsert.on_conflict_do_update(
                index_elements=[e.c.station_id, e.c.evse_id],
                set_=newest_register(e, evse_upsert.excluded),
            )
        )
        assert self.evse_register_upsert.names == ("_s", "_e", "wh", "at")  # bound positionally
        self.evse_list = c(select(e).where(e.c.station_id == bindparam("_s")).order_by(e.c.evse_id))
        self.connector_get = c(
            select(co).where(
                co.c.station_id == bindparam("_s"),
                co.c.evse_id == bindparam("_e"),
                co.c.connector_id == bindparam("_c"),
            )
        )
        connector_upsert = insert(co)
        self.connector_save = c(
            connector_upsert.on_conflict_do_update(
                index_elements=[co.c.station_id, co.c.evse_id, co.c.connector_id],
                set_={
                    col.name: connector_upsert.excluded[col.name]
                    for col in co.columns
                    if not col.primary_key
                },
            ),
            [col.name for col in co.columns],
        )
        self.connector_list = c(
            select(co)
            .where(co.c.station_id == bindparam("_s"))
            .order_by(co.c.evse_id, co.c.connector_id)
        )
        # What an operator or a station model described but the station never reported:
        # connectors without a status, then EVSEs without a register or any connector left.
        self.connector_delete_unreported = c(
            delete(co).where(co.c.station_id == bindparam("_s"), co.c.status.is_(None))
        )
        self.evse_delete_unreported = c(
            delete(e).where(
                e.c.station_id == bindparam("_s"),
                e.c.last_register_at.is_(None),
                ~exists().where(co.c.station_id == e.c.station_id, co.c.evse_id == e.c.evse_id),
            )
        )

        self.token_get = c(select(k).where(k.c.key == bindparam("key")))
        token_upsert = insert(k)
        self.token_save = c(
            token_upsert.on_conflict_do_update(
                index_elements=[k.c.key],
                set_={
                    col.name: token_upsert.excluded[col.name]
                    for col in k.columns
                    if col.name != "key"
                },
            ),
            [col.name for col in k.columns],
        )

        tx_columns = [tx.c[name] for name in TX_FIELDS]
        tx_writable = [name for name in TX_FIELDS if name != "id"] + ["id_tag_key"]
        # PostgreSQL: a transaction read by id comes with its row version last
        # (`storage.versioned_transactions`).
        versioned = (
            [*tx_columns, literal_column(VERSION, Integer)]
            if dialect.name == "postgresql"
            else tx_columns
        )
        self.tx_get = c(select(*versioned).where(tx.c.id == bindparam("id")))
        ids = bindparam("ids", type_=postgresql.ARRAY(Integer()))
        # PostgreSQL: the transactions a whole batch will read, in one round trip instead
        # of one per unit. (SQLite reads each in process; doing it in one query there
        # measured no gain.)
        self.tx_get_many = (
            c(select(*versioned).where(tx.c.id == any_(ids)))
            if dialect.name == "postgresql"
            else None
        )
        self.tx_versions = (
            c(select(tx.c.id, literal_column(VERSION, Integer)).where(tx.c.id == any_(ids)))
            if dialect.name == "postgresql"
            else None
        )
        self.tx_find = c(select(*tx_columns).where(tx.c.dedupe_key == bindparam("key")))
        self.tx_find_many = (
            c(
                select(*tx_columns, tx.c.dedupe_key).where(
                    tx.c.dedupe_key
                    == any_(bindparam("keys", type_=postgresql.ARRAY(LargeBinary())))
                )
            )
            if dialect.name == "postgresql"
            else None
        )
        self.tx_add = c(
            insert(tx).on_conflict_do_nothing(index_elements=[tx.c.dedupe_key]).returning(tx.c.id),
            [*tx_writable, "dedupe_key"],
        )
        self.tx_save = c(update(tx).where(tx.c.id == bindparam("_id")), tx_writable)
        # The MeterValues hot path touches only these: no indexed or foreign-key column.
        # Bound positionally there (`transaction_repos._register_values`): registers, id.
        self.tx_save_registers = c(update(tx).where(tx.c.id == bindparam("_id")), TX_REGISTERS)
        assert self.tx_save_registers.names == (*TX_REGISTERS, "_id")
        self.tx_open_elsewhere = c(
            select(literal_column("1"))
            .where(
                tx.c.id_tag_key == bindparam("tag"),
                tx.c.stopped_at.is_(None),
                tx.c.unmatched.is_(False),
                ~and_(
                    tx.c.station_id == bindparam("_s"),
                    tx.c.evse_id == bindparam("_e"),
                    tx.c.connector_id == bindparam("_c"),
                ),
            )
            .limit(1)
        )
        self.tx_list = c(
            select(*tx_columns)
            .where(tx.c.station_id == bindparam("_s"))
            .order_by(tx.c.id.desc())
            .limit(bindparam("limit", type_=Integer()))
        )
        self.tx_list_evse = c(
            select(*tx_columns)
            .where(tx.c.station_id == bindparam("_s"), tx.c.evse_id == bindparam("_e"))
            .order_by(tx.c.id.desc())
            .limit(bindparam("limit", type_=Integer()))
        )

        mv_columns = [mv.c[name] for name in MV_FIELDS]
        self.mv_add = MultiInsert(insert, mv, MV_FIELDS, dialect)
        # SQLite's MeterValues path: one row, bound positionally, its outcome the row count.
        self.mv_insert = c(
            insert(mv).on_conflict_do_nothing(index_elements=[mv.c.key]), list(MV_FIELDS)
        )
        assert self.mv_insert.names == MV_FIELDS
        # PostgreSQL: samples, transaction registers and EVSE register in one round trip;
        # a message with one meterValue element (nearly all) is deferred, and a batch's such
        # messages go out as one statement (`sql.Columnar`).
        postgres = dialect.name == "postgresql"
        self.mv_add_tracked = (
            TrackedInsert(mv, MV_FIELDS, tx, TX_REGISTERS, e, dialect) if postgres else None
        )
        self.mv_add_deferred = (
            tracked_columnar(mv, MV_FIELDS, tx, TX_REGISTERS, e, dialect) if postgres else None
        )
        tx_id = bindparam("tx", type_=Integer())
        if dialect.name == "sqlite":
            # A transaction's rows are named in `meter_value_index`, or, until the writer
            # folds them in, in `meter_values_recent` (`storage.tables`).
            named = union_all(
                select(t.meter_value_index.c.key).where(
                    t.meter_value_index.c.transaction_id == tx_id
                ),
                select(t.meter_values_recent.c.key).where(
                    t.meter_values_recent.c.transaction_id == tx_id
                ),
            )
            # The row's own transaction_id has the last word, should an entry ever go stale.
            mv_of_tx = and_(mv.c.key.in_(named), mv.c.transaction_id == tx_id)
            # The fold: sorted, so that each transaction's entries are added together.
            recent = t.meter_values_recent
            self.mv_fold: tuple[Compiled, Compiled] | None = (
                c(
                    insert(t.meter_value_index)
                    .prefix_with("OR IGNORE")
                    .from_select(
                        ["transaction_id", "key"],
                        select(recent.c.transaction_id, recent.c.key).order_by(
                            recent.c.transaction_id, recent.c.key
                        ),
                    )
                ),
                c(delete(recent)),
            )
        else:
            mv_of_tx = mv.c.transaction_id == tx_id
            self.mv_fold = None
        self.mv_list = c(select(*mv_columns).where(mv_of_tx).order_by(mv.c.at, mv.c.key))
        # Readings outside any transaction (1.6 MeterValues without transactionId, 2.0.1
        # MeterValues): served by the partial index ix_meter_values_unmatched as well.
        self.mv_outside = c(
            select(*mv_columns)
            .where(
                mv.c.station_id == bindparam("_s"),
                mv.c.transaction_id.is_(None),
                mv.c.reported_transaction_id.is_(None),
            )
            .order_by(mv.c.at, mv.c.key)
        )
        self.mv_unmatched = c(
            select(*mv_columns)
            .where(
                mv.c.station_id == bindparam("_s"),
                mv.c.transaction_id.is_(None),
                mv.c.reported_transaction_id.is_not(None),
            )
            .order_by(mv.c.at, mv.c.key)
        )
        self.mv_adopt = c(
            update(mv)
            .where(
                mv.c.station_id == bindparam("_s"),
                mv.c.transaction_id.is_(None),
                mv.c.reported_transaction_id
                == bindparam("reported", type_=mv.c.reported_transaction_id.type),
            )
            .values(transaction_id=bindparam("tx", type_=Integer()))
        )

        self.event_add = c(
            insert(ev).on_conflict_do_nothing(index_elements=[ev.c.dedupe_key]).returning(ev.c.id),
            ["dedupe_key", "station_id", "kind", "payload", "at", "received_at"],
        )
        event_columns = (ev.c.station_id, ev.c.kind, ev.c.payload, ev.c.at, ev.c.received_at)
        limit = bindparam("limit", type_=Integer())
        self.event_list = c(
            select(*event_columns)
            .where(ev.c.station_id == bindparam("_s"))
            .order_by(ev.c.id.desc())
            .limit(limit)
        )
        self.event_list_kind = c(
            select(*event_columns)
            .where(ev.c.station_id == bindparam("_s"), ev.c.kind == bindparam("kind"))
            .order_by(ev.c.id.desc())
            .limit(limit)
        )
        self.ping = c(select(literal_column("1")))
        self.device_model = DeviceModelStatements(dialect)
        self.security = SecurityStatements(dialect)
        self.access = AccessStatements(dialect)
        self.operator = OperatorStatements(dialect)
        self.commands = CommandStatements(dialect)
        self.reservations = ReservationStatements(dialect)
        self.charging_points = ChargingPointStatements(dialect)
        self.customers = CustomerStatements(dialect)
        self.station_models = StationModelStatements(dialect)
        self.message_log = MessageLogStatements(dialect)

        te = t.transaction_events

        def event_insert(fields: tuple[str, ...], row_type: str) -> Compiled | Columnar:
            # Bound positionally (`transaction_repos.SqlTransactionEvents.add`).
            columns = ("dedupe_key", *fields)
            if postgres:
                return columnar_insert(te, columns, "dedupe_key", row_type, dialect)
            added = c(
                insert(te).on_conflict_do_nothing(index_elements=[te.c.dedupe_key]),
                list(columns),
            )
            assert added.names == columns
            return added

        self.tx_event_add = event_insert(TX_EVENT_FIELDS, "transaction_event_write")
        self.tx_event_add_short = event_insert(TX_EVENT_SHORT, "transaction_event_write_short")
        self.tx_event_list = c(
            select(*(te.c[name] for name in TX_EVENT_FIELDS))
            .where(te.c.transaction_id == bindparam("_t"))
            .order_by(te.c.seq_no, te.c.at, te.c.id)
        )
