"""How a logged frame is bound: values of the exact types sqlite3 binds directly."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

from voltgate.domain.message_log import Direction, FrameType, LoggedFrame
from voltgate.storage.message_log_repos import MessageLogStatements, SqlMessageLog
from voltgate.testing.clock import FakeClock


class _Deferred:
    def __init__(self) -> None:
        self.rows: list[list[Any]] = []

    def defer(self, statement: object, row: list[Any]) -> None:
        self.rows.append(row)


def test_enums_are_bound_as_plain_str() -> None:
    """sqlite3 asks its adapter registry for any str subclass (a StrEnum member), which
    costs more than the rest of binding the row; the enums go out as exact `str`."""
    frame = LoggedFrame(
        "CP-1", FakeClock()(), Direction.TO_STATION, FrameType.CALL_RESULT, "m1", "Heartbeat",
        "[3]", 3, False,
    )  # fmt: skip
    for dialect in (sqlite.dialect(), postgresql.asyncpg.dialect()):
        executor = _Deferred()
        SqlMessageLog(executor, MessageLogStatements(dialect)).add([frame])  # type: ignore[arg-type]
        [row] = executor.rows
        fields = LoggedFrame._fields
        direction, kind = row[fields.index("direction")], row[fields.index("message_type")]
        assert (type(direction), type(kind)) == (str, str)
        assert (direction, kind) == ("TO_STATION", "CALLRESULT")
