"""How a logged frame is bound: values of the exact types sqlite3 binds directly."""

from __future__ import annotations

from sqlalchemy import create_engine

from voltgate.domain.message_log import Direction, FrameType, LoggedFrame
from voltgate.storage.message_log_repos import MessageLogStatements, SqlMessageLog
from voltgate.storage.sql import Executor
from voltgate.testing.clock import FakeClock


def test_enums_are_bound_as_plain_str() -> None:
    """sqlite3 asks its adapter registry for any str subclass (a StrEnum member), which
    costs more than the rest of binding the row; the enums go out as exact `str`."""
    frame = LoggedFrame(
        "CP-1", FakeClock()(), Direction.TO_STATION, FrameType.CALL_RESULT, "m1", "Heartbeat",
        "[3]", 3, False,
    )  # fmt: skip
    engine = create_engine("sqlite://")
    with engine.connect() as connection:
        executor = Executor(connection)
        SqlMessageLog(executor, MessageLogStatements(engine.dialect)).add([frame])
        # The row waits in the executor's queue of deferred writes until the next flush.
        [queued] = executor._deferred.values()
        [(row, _)] = queued.values()
    fields = LoggedFrame._fields
    direction, kind = row[fields.index("direction")], row[fields.index("message_type")]
    assert (type(direction), type(kind)) == (str, str)
    assert (direction, kind) == ("TO_STATION", "CALLRESULT")
