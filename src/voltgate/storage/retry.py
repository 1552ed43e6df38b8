"""Which storage errors are transient: retried inside the server, never shown to a station.

"Acknowledged means durable" and "a transient fault is never turned into lost data"
(DESIGN.md): when the database is briefly unavailable, busy or aborts a transaction to
resolve a conflict, the committer waits and runs the batch again. Everything else is a
bug or bad data and goes back to the caller.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import DBAPIError, DisconnectionError

# PostgreSQL SQLSTATEs (Appendix A of its manual) that a retry can cure.
_PG_TRANSIENT = {
    "40001",  # serialization_failure
    "40P01",  # deadlock_detected
    "55P03",  # lock_not_available
    "57P01",  # admin_shutdown (server stopping, pg_terminate_backend)
    "57P02",  # crash_shutdown
    "57P03",  # cannot_connect_now (server starting up)
}
_PG_TRANSIENT_CLASSES = ("08", "53")  # connection exception; insufficient resources (disk, conns)

# SQLite primary result codes: BUSY (another writer), LOCKED, FULL (disk full: wait for space).
_SQLITE_TRANSIENT = {5, 6, 13}


class TransactionChanged(RuntimeError):
    """A transaction this server remembered was changed in the database meanwhile
    (`storage.versioned_transactions`): the batch must run again on what is stored."""


def is_transient(error: BaseException) -> bool:
    """True when running the same batch again may succeed."""
    if isinstance(error, DisconnectionError | TransactionChanged):
        return True
    if isinstance(error, DBAPIError):
        if error.connection_invalidated:
            return True
        return _driver_transient(error.orig)
    return _driver_transient(error)


def is_changed_meanwhile(error: BaseException) -> bool:
    """True for `TransactionChanged`, and for the serialization failure (40001) that the
    MeterValues write raises when a transaction's row version changed (migration 0017;
    under READ COMMITTED, the level Voltgate runs at, PostgreSQL raises none itself)."""
    if isinstance(error, TransactionChanged):
        return True
    cause: BaseException | None = error.orig if isinstance(error, DBAPIError) else error
    while cause is not None:
        if getattr(cause, "sqlstate", None) == "40001":
            return True
        cause = cause.__cause__ if cause.__cause__ is not cause else None
    return False


def _driver_transient(error: BaseException | None) -> bool:
    if error is None:
        return False
    if isinstance(error, OSError | TimeoutError):
        return True  # connection refused or reset while the server restarts
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        if isinstance(code, int):
            return code & 0xFF in _SQLITE_TRANSIENT
        return "locked" in str(error) or "busy" in str(error)
    code = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
    if isinstance(code, str) and (code in _PG_TRANSIENT or code.startswith(_PG_TRANSIENT_CLASSES)):
        return True
    # asyncpg reports a dropped socket as an InterfaceError with no SQLSTATE.
    if "connection is closed" in str(error) or "connection was closed" in str(error):
        return True
    return _driver_transient(error.__cause__) if error.__cause__ is not error else False


def describe(error: BaseException) -> dict[str, str]:
    """Loggable facts about an error: its type and code, never SQL parameters."""
    orig = error.orig if isinstance(error, DBAPIError) else None
    facts = {"error": type(error).__name__}
    if orig is not None:
        facts["driver_error"] = type(orig).__name__
        code = getattr(orig, "sqlstate", None) or getattr(orig, "sqlite_errorname", None)
        if code:
            facts["code"] = str(code)
    return facts
