"""The command record's rules (pure): one terminal state, the remote start link window, and
how each version's dialect reads answers it cannot be told apart from by status alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from voltgate.domain import commands as c
from voltgate.domain.errors import InvalidCommand, InvalidTransition
from voltgate.handlers.commands import V16Commands, V201Commands

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
WINDOW = timedelta(seconds=30)


def _pending(command: c.Command) -> c.CommandRecord:
    return c.pending("CP-1", "ocpp1.6", command, requested_by="key_1", at=T0, link_window=WINDOW)


def test_a_terminal_state_never_changes() -> None:
    """PENDING moves to any terminal state once; a finished command refuses another end."""
    done = c.finish(_pending(c.ClearCache()), c.Outcome(c.CommandState.ACCEPTED), {}, at=T0,
                    link_window=WINDOW)  # fmt: skip
    assert (done.state, done.finished_at, done.finished) == (c.CommandState.ACCEPTED, T0, True)
    with pytest.raises(InvalidTransition):
        c.finish(done, c.Outcome(c.CommandState.FAILED), None, at=T0, link_window=WINDOW)
    assert all(start is c.CommandState.PENDING for start, _ in c.TRANSITIONS)


def test_a_remote_start_stays_linkable_only_while_it_may_still_start() -> None:
    """A start may be linked from creation until the call timeout after it was accepted;
    a refused start, or any other command, is never linkable."""
    start = _pending(c.StartCharging("Tag-1", evse_id=2))
    assert (start.link_id_tag, start.link_evse_id, start.link_until) == ("tag-1", 2, T0 + WINDOW)
    later = T0 + timedelta(seconds=5)
    accepted = c.finish(start, c.Outcome(c.CommandState.ACCEPTED), {}, at=later, link_window=WINDOW)
    assert accepted.link_until == later + WINDOW
    refused = c.finish(start, c.Outcome(c.CommandState.REJECTED), {}, at=later, link_window=WINDOW)
    assert refused.link_until is None
    assert _pending(c.ClearCache()).link_until is None


def test_201_settings_are_component_dot_variable_b05_b06() -> None:
    """2.0.1 addresses a setting by component and variable."""
    assert c.split_key("OCPPCommCtrlr.HeartbeatInterval") == ("OCPPCommCtrlr", "HeartbeatInterval")
    for bad in ("HeartbeatInterval", ".X", "X.", "A.B.C"):
        with pytest.raises(InvalidCommand):
            c.split_key(bad)


def test_answers_are_read_per_action() -> None:
    """Unlocked and Scheduled are yes; a status-less answer is yes; statusInfo is the
    reason; one refused variable makes Get/SetVariables REJECTED, naming it."""
    v16, v201 = V16Commands(), V201Commands()
    assert v16.read("UnlockConnector", {"status": "Unlocked"}).state is c.CommandState.ACCEPTED
    assert v16.read("GetLocalListVersion", {"listVersion": 3}) == c.Outcome(c.CommandState.ACCEPTED)
    assert v201.read("Reset", {"status": "Scheduled"}).state is c.CommandState.ACCEPTED
    refused = v201.read(
        "RequestStartTransaction",
        {"status": "Rejected", "statusInfo": {"reasonCode": "Occupied"}},
    )
    assert refused == c.Outcome(c.CommandState.REJECTED, "Rejected", "Occupied")
    results = [
        {"attributeStatus": "Accepted", "component": {"name": "A"}, "variable": {"name": "B"}},
        {"attributeStatus": "UnknownVariable", "component": {"name": "A"},
         "variable": {"name": "C"}},
    ]  # fmt: skip
    assert v201.read("GetVariables", {"getVariableResult": results}) == c.Outcome(
        c.CommandState.REJECTED, "UnknownVariable", "A.C: UnknownVariable"
    )


def test_a_raw_call_is_checked_against_the_official_schema() -> None:
    """Raw calls: only CSMS-initiated actions of the version, with schema-valid payloads."""
    context = c.BuildContext(command_id=1)
    assert V16Commands().build(c.RawCall("ClearCache", {}), context) == ("ClearCache", {})
    with pytest.raises(InvalidCommand, match="requestId"):
        V201Commands().build(c.RawCall("GetBaseReport", {"reportBase": "FullInventory"}), context)
    with pytest.raises(InvalidCommand, match="not an action the CSMS sends"):
        V16Commands().build(c.RawCall("StartTransaction", {}), context)
