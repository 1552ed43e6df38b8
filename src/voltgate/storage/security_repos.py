"""`domain.ports.SecurityRepository` in SQL: security profiles and issued certificates.

Same habits as the other repositories: statements compiled once per dialect, executed on the
batch's connection, never committing; inserts are idempotent by key.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from voltgate.domain.certificates import Delivery, IssuedCertificate
from voltgate.domain.security import SecurityProfile, StationSecurity
from voltgate.storage import tables as t
from voltgate.storage.sql import Compiled, Executor, Row

SECURITY_FIELDS = (
    "station_id",
    "min_profile",
    "last_profile",
    "last_connected_at",
    "min_changed_at",
)
"""Columns of `station_security` in the field order of `domain.security.StationSecurity`."""

CERTIFICATE_FIELDS = (
    "serial_number",
    "station_id",
    "common_name",
    "key_description",
    "not_before",
    "not_after",
    "pem",
    "issued_at",
    "delivery",
    "delivered_at",
)
"""Columns of `issued_certificates` in the order of `domain.certificates.IssuedCertificate`."""


class SecurityStatements:
    """The compiled statements of the security repository for one dialect."""

    def __init__(self, dialect: Dialect) -> None:
        insert: Any = sqlite.insert if dialect.name == "sqlite" else postgresql.insert

        def c(statement: Any, column_keys: list[str] | None = None) -> Compiled:
            return Compiled(statement, dialect, column_keys)

        ss, ic = t.station_security, t.issued_certificates
        self.station_get = c(
            select(*(ss.c[name] for name in SECURITY_FIELDS)).where(
                ss.c.station_id == bindparam("_s")
            )
        )
        upsert = insert(ss)
        self.station_save = c(
            upsert.on_conflict_do_update(
                index_elements=[ss.c.station_id],
                set_={name: upsert.excluded[name] for name in SECURITY_FIELDS[1:]},
            ),
            list(SECURITY_FIELDS),
        )
        certificate_columns = [ic.c[name] for name in CERTIFICATE_FIELDS]
        self.certificate_find = c(
            select(*certificate_columns).where(ic.c.request_key == bindparam("key"))
        )
        self.certificate_add = c(
            insert(ic)
            .on_conflict_do_nothing(index_elements=[ic.c.request_key])
            .returning(ic.c.serial_number),
            [*CERTIFICATE_FIELDS, "request_key"],
        )
        self.certificate_delivery = c(
            update(ic).where(ic.c.serial_number == bindparam("_serial")),
            ["delivery", "delivered_at"],
        )
        self.certificate_list = c(
            select(*certificate_columns)
            .where(ic.c.station_id == bindparam("_s"))
            .order_by(ic.c.issued_at.desc(), ic.c.serial_number)
            .limit(bindparam("limit", type_=Integer()))
        )


class SqlSecurity:
    """`domain.ports.SecurityRepository` in SQL."""

    def __init__(self, db: Executor, sql: SecurityStatements) -> None:
        self._db = db
        self._sql = sql

    def get_station(self, station_id: str) -> StationSecurity | None:
        row = self._db.first(self._sql.station_get, {"_s": station_id})
        if row is None:
            return None
        station, minimum, last, connected_at, changed_at = row
        return StationSecurity(
            station,
            SecurityProfile(minimum),
            None if last is None else SecurityProfile(last),
            connected_at,
            changed_at,
        )

    def save_station(self, record: StationSecurity) -> None:
        params = {
            "station_id": record.station_id,
            "min_profile": int(record.min_profile),
            "last_profile": None if record.last_profile is None else int(record.last_profile),
            "last_connected_at": record.last_connected_at,
            "min_changed_at": record.min_changed_at,
        }
        self._db.run(self._sql.station_save, params)

    def find_certificate(self, key: bytes) -> IssuedCertificate | None:
        row = self._db.first(self._sql.certificate_find, {"key": key})
        return None if row is None else _certificate(row)

    def add_certificate(self, certificate: IssuedCertificate, key: bytes) -> bool:
        params: dict[str, Any] = {name: getattr(certificate, name) for name in CERTIFICATE_FIELDS}
        params["delivery"] = None if certificate.delivery is None else certificate.delivery.value
        params["request_key"] = key
        return self._db.first(self._sql.certificate_add, params) is not None

    def record_delivery(self, serial_number: str, delivery: Delivery, at: datetime) -> None:
        params = {"_serial": serial_number, "delivery": delivery.value, "delivered_at": at}
        self._db.run(self._sql.certificate_delivery, params)

    def list_certificates(self, station_id: str, limit: int = 100) -> list[IssuedCertificate]:
        rows = self._db.rows(self._sql.certificate_list, {"_s": station_id, "limit": limit})
        return [_certificate(row) for row in rows]


def _certificate(row: Row) -> IssuedCertificate:
    values = list(row)
    delivery = values[CERTIFICATE_FIELDS.index("delivery")]
    if delivery is not None:
        values[CERTIFICATE_FIELDS.index("delivery")] = Delivery(delivery)
    return IssuedCertificate(*values)
