"""OcppSession describes every frame it takes in and hands out (type, id, action), so the
driver can keep a message log without parsing anything again. Pure, no I/O."""

from __future__ import annotations

import itertools

from voltgate.ocpp.errors import ErrorKind, OcppError, OcppVersion
from voltgate.ocpp.messages import Frame, MessageType
from voltgate.ocpp.session import OcppSession
from voltgate.ocpp.validation import Validators

CALL, RESULT, ERROR = MessageType.CALL, MessageType.CALL_RESULT, MessageType.CALL_ERROR
HEARTBEAT = '[2,"h1","Heartbeat",{}]'


def session(version: OcppVersion = OcppVersion.V16) -> OcppSession:
    ids = map(str, itertools.count(1))
    return OcppSession(version, Validators.for_version(version), new_id=ids.__next__)


def test_a_received_call_is_described_with_its_action() -> None:
    """A CALL from the peer is described as CALL with its id and action, text as received."""
    assert session().receive_text(HEARTBEAT, now=0) == Frame(HEARTBEAT, CALL, "h1", "Heartbeat")


def test_a_reply_carries_the_action_of_the_call_it_answers() -> None:
    """A CALLRESULT or CALLERROR for our CALL is described with that CALL's action; one
    that answers no CALL of ours has no action."""
    s = session()
    s.send_call("ClearCache", {}, now=0)
    s.send_call("Reset", {"type": "Soft"}, now=0)
    result = '[3,"1",{"status":"Accepted"}]'
    assert s.receive_text(result, now=1) == Frame(result, RESULT, "1", "ClearCache")
    error = '[4,"2","NotSupported","no",{}]'
    assert s.receive_text(error, now=2) == Frame(error, ERROR, "2", "Reset")
    late = '[3,"1",{"status":"Accepted"}]'
    assert s.receive_text(late, now=3) == Frame(late, RESULT, "1", None)


def test_unreadable_frames_are_described_without_a_type() -> None:
    """Broken text has no type; its id is given when readable ("-1" means unreadable, so
    it is None); a binary frame is described as its decoded text."""
    s = session()
    assert s.receive_text("nope", now=0) == Frame("nope", None, None, None)
    broken = '[2, "b1", "Heartbeat", {'
    assert s.receive_text(broken, now=0) == Frame(broken, None, "b1", None)
    assert s.receive_text(b"\xffbad", now=0) == Frame("\ufffdbad", None, None, None)
    big = '[2, "big", "DataTransfer", {"data": "' + "x" * 100 + '"}]'
    assert s.receive_oversize(big, limit=50) == Frame(big, None, "big", None)


def test_frames_to_send_describe_answers_with_the_action_they_answer() -> None:
    """Our CALLRESULT and CALLERRORs (by Call or by id) carry the action of the received
    CALL; the texts are those `texts_to_send` would give."""
    s = session()
    s.receive_text(HEARTBEAT, now=0)
    s.receive_text('[2,"a1","Authorize",{"idTag":"T1"}]', now=0)
    s.receive_text('[2,"d1","DataTransfer",{"vendorId":"V"}]', now=0)
    heartbeat, authorize = (event.call for event in s.events()[:2])  # type: ignore[union-attr]
    s.send_result(heartbeat, {"currentTime": "2025-01-01T00:00:00Z"})
    s.send_error(authorize, OcppError("busy", kind=ErrorKind.INTERNAL_ERROR))
    s.send_error("d1", OcppError("no", kind=ErrorKind.NOT_SUPPORTED))
    out = s.frames_to_send()
    assert [(f.type, f.unique_id, f.action) for f in out] == [
        (RESULT, "h1", "Heartbeat"),
        (ERROR, "a1", "Authorize"),
        (ERROR, "d1", "DataTransfer"),
    ]
    assert out[0].text == '[3,"h1",{"currentTime":"2025-01-01T00:00:00Z"}]'
    assert (s.frames_to_send(), s.texts_to_send()) == ([], [])


def test_errors_the_session_sends_itself_are_described() -> None:
    """The CALLERRORs the session answers on its own keep the action when there is one:
    an unknown action, a duplicate id; a broken frame's has none."""
    s = session()
    s.receive_text('[2,"x1","FlyToTheMoon",{}]', now=0)
    s.receive_text(HEARTBEAT, now=0)
    s.receive_text(HEARTBEAT, now=0)  # same id while the first is unanswered
    s.receive_text('[2, "b1", "Heartbeat", {', now=0)
    s.receive_text("nope", now=0)
    assert [(f.type, f.unique_id, f.action) for f in s.frames_to_send()] == [
        (ERROR, "x1", "FlyToTheMoon"),
        (ERROR, "h1", "Heartbeat"),
        (ERROR, "b1", None),
        (ERROR, "-1", None),
    ]


def test_our_calls_are_described_when_they_go_out() -> None:
    """A queued CALL of ours is described when it is handed out, after the one in flight
    was answered."""
    s = session(OcppVersion.V201)
    s.send_call("ClearCache", {}, now=0)
    s.send_call("GetLocalListVersion", {}, now=0)
    assert [(f.type, f.unique_id, f.action) for f in s.frames_to_send()] == [
        (CALL, "1", "ClearCache")
    ]
    s.receive_text('[3,"1",{"status":"Accepted"}]', now=1)
    [sent] = s.frames_to_send()
    assert sent == Frame('[2,"2","GetLocalListVersion",{}]', CALL, "2", "GetLocalListVersion")
