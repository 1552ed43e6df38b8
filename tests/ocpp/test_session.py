"""OcppSession: OCPP-J conversation rules, driven by text and explicit time, no I/O."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from voltgate.ocpp.errors import (
    ActionNotSupported,
    ErrorKind,
    LocalProtocolError,
    OcppVersion,
    PayloadError,
)
from voltgate.ocpp.events import (
    CallReceived,
    CallRejected,
    CallTimedOut,
    FrameRejected,
    ReplyInvalid,
    ReplyReceived,
    UnmatchedReply,
)
from voltgate.ocpp.messages import Call, CallError, CallResult
from voltgate.ocpp.session import OcppSession
from voltgate.ocpp.validation import Validators

RESET = {"type": "Soft"}
HEARTBEAT_REPLY = '{"currentTime":"2024-05-01T10:00:00Z"}'


def session(version: OcppVersion = OcppVersion.V16, timeout: float = 30.0) -> OcppSession:
    ids = map(str, itertools.count(1))
    return OcppSession(
        version, Validators.for_version(version), call_timeout=timeout, new_id=ids.__next__
    )


def frames(texts: list[str]) -> list[list[Any]]:
    return [json.loads(t) for t in texts]


def test_call_is_sent_at_once_when_nothing_is_in_flight() -> None:
    """Our first CALL goes out immediately and sets the deadline."""
    s = session()
    call = s.send_call("Reset", RESET, now=100.0)
    assert call == Call("1", "Reset", RESET)
    assert s.texts_to_send() == ['[2,"1","Reset",{"type":"Soft"}]']
    assert (s.in_flight, s.next_deadline(), s.queued) == (call, 130.0, 0)


def test_only_one_call_is_in_flight_and_the_rest_wait_in_order() -> None:
    """OCPP-J §4.1.1: later CALLs wait until the earlier one is answered, first in first out."""
    s = session()
    first = s.send_call("Reset", RESET, now=0)
    second = s.send_call("ClearCache", {}, now=1)
    third = s.send_call("GetLocalListVersion", {}, now=2)
    assert frames(s.texts_to_send()) == [[2, "1", "Reset", RESET]]
    assert s.queued == 2

    s.receive_text('[3, "1", {"status": "Accepted"}]', now=5)
    assert s.events() == [ReplyReceived(first, CallResult("1", {"status": "Accepted"}))]
    assert frames(s.texts_to_send()) == [[2, "2", "ClearCache", {}]]
    assert s.next_deadline() == 35

    s.receive_text('[3, "2", {"status": "Accepted"}]', now=6)
    assert [type(e) for e in s.events()] == [ReplyReceived]
    assert frames(s.texts_to_send()) == [[2, "3", "GetLocalListVersion", {}]]
    assert s.in_flight == third
    assert second.unique_id == "2"


def test_unanswered_call_times_out_and_the_next_goes_out() -> None:
    """Past its deadline the in-flight CALL is reported timed out and the queue moves on."""
    s = session(timeout=10)
    first = s.send_call("Reset", RESET, now=0)
    s.send_call("ClearCache", {}, now=0)
    s.texts_to_send()
    s.expire(now=9.99)
    assert (s.events(), s.texts_to_send()) == ([], [])
    s.expire(now=10)
    assert s.events() == [CallTimedOut(first)]
    assert frames(s.texts_to_send()) == [[2, "2", "ClearCache", {}]]
    assert s.next_deadline() == 20


def test_no_deadline_while_idle() -> None:
    """With no CALL of ours in flight there is nothing to expire."""
    s = session()
    assert s.next_deadline() is None
    s.expire(now=1e9)
    assert (s.events(), s.in_flight) == ([], None)


def test_late_reply_after_timeout_is_unmatched() -> None:
    """An answer arriving after its CALL timed out no longer matches anything."""
    s = session(timeout=1)
    s.send_call("Reset", RESET, now=0)
    s.expire(now=2)
    s.events()
    s.receive_text('[3, "1", {"status": "Accepted"}]', now=3)
    assert s.events() == [UnmatchedReply(CallResult("1", {"status": "Accepted"}))]


def test_reply_with_another_id_leaves_our_call_in_flight() -> None:
    """A reply whose id is not our in-flight CALL's is unmatched and changes nothing."""
    s = session()
    call = s.send_call("Reset", RESET, now=0)
    s.receive_text('[4, "99", "GenericError", "", {}]', now=1)
    assert s.events() == [UnmatchedReply(CallError("99", "GenericError", "", {}))]
    assert s.in_flight == call


def test_call_error_answers_our_call() -> None:
    """A CALLERROR with our id ends our CALL and is handed over as the reply."""
    s = session()
    call = s.send_call("Reset", RESET, now=0)
    s.receive_text('[4, "1", "NotSupported", "no resets here", {}]', now=1)
    assert s.events() == [ReplyReceived(call, CallError("1", "NotSupported", "no resets here"))]
    assert s.in_flight is None


def test_invalid_call_result_is_reported_and_the_queue_moves_on() -> None:
    """A CALLRESULT that breaks the response schema ends the CALL as ReplyInvalid."""
    s = session()
    call = s.send_call("Reset", RESET, now=0)
    s.send_call("ClearCache", {}, now=0)
    s.texts_to_send()
    s.receive_text('[3, "1", {"status": "Perhaps"}]', now=1)
    [event] = s.events()
    assert isinstance(event, ReplyInvalid)
    assert (event.call, event.reply) == (call, CallResult("1", {"status": "Perhaps"}))
    assert event.error.kind is ErrorKind.PROPERTY_CONSTRAINT_VIOLATION
    assert frames(s.texts_to_send()) == [[2, "2", "ClearCache", {}]]


def test_incoming_call_is_reported_and_answered() -> None:
    """A valid CALL from the station is handed over; the handler's result goes out."""
    s = session()
    s.receive_text('[2, "a1", "Heartbeat", {}]', now=0)
    [event] = s.events()
    assert event == CallReceived(Call("a1", "Heartbeat", {}))
    s.send_result(event.call, {"currentTime": "2024-05-01T10:00:00Z"})
    assert s.texts_to_send() == [f'[3,"a1",{HEARTBEAT_REPLY}]']


def test_incoming_call_is_answered_while_our_call_is_pending() -> None:
    """OCPP-J §4.1.1 NOTE: CALLs cross; the station's CALL is served while ours waits."""
    s = session()
    ours = s.send_call("Reset", RESET, now=0)
    s.texts_to_send()
    s.receive_text('[2, "a1", "Heartbeat", {}]', now=1)
    [event] = s.events()
    assert isinstance(event, CallReceived)
    s.send_result(event.call, {"currentTime": "2024-05-01T10:00:00Z"})
    assert s.texts_to_send() == [f'[3,"a1",{HEARTBEAT_REPLY}]']
    assert s.in_flight == ours


def test_unknown_action_is_answered_not_implemented() -> None:
    """A CALL with an action the version lacks gets NotImplemented without bothering handlers."""
    s = session()
    s.receive_text('[2, "a1", "TransactionEvent", {}]', now=0)
    [event] = s.events()
    assert isinstance(event, CallRejected)
    assert event.error.kind is ErrorKind.NOT_IMPLEMENTED
    [frame] = frames(s.texts_to_send())
    assert frame[:3] == [4, "a1", "NotImplemented"]


@pytest.mark.parametrize(
    ("version", "code"),
    [
        (OcppVersion.V16, "OccurenceConstraintViolation"),
        (OcppVersion.V201, "OccurrenceConstraintViolation"),
    ],
)
def test_invalid_call_payload_is_answered_in_the_version_spelling(
    version: OcppVersion, code: str
) -> None:
    """A CALL missing a required field gets the occurrence error as its version spells it."""
    s = session(version)
    s.receive_text('[2, "a1", "Authorize", {}]', now=0)
    [event] = s.events()
    assert isinstance(event, CallRejected)
    assert isinstance(event.error, PayloadError)
    [frame] = frames(s.texts_to_send())
    assert frame[:3] == [4, "a1", code]
    assert "required field is missing" in frame[3]


@pytest.mark.parametrize(
    ("version", "text", "reply"),
    [
        (OcppVersion.V16, '[2, "x7", "Heartbeat", {', [4, "x7", "FormationViolation"]),
        (OcppVersion.V201, '[2, "x7", "Heartbeat", {', [4, "x7", "RpcFrameworkError"]),
        (OcppVersion.V201, "not json", [4, "-1", "RpcFrameworkError"]),
        (OcppVersion.V16, '[2, "x7", "Heartbeat", []]', [4, "x7", "FormationViolation"]),
        (OcppVersion.V201, '[2, "x7", "Heartbeat", []]', [4, "x7", "FormatViolation"]),
        (OcppVersion.V16, '[5, "x7", {}]', [4, "x7", "GenericError"]),
        (OcppVersion.V201, '[5, "x7", {}]', [4, "x7", "MessageTypeNotSupported"]),
    ],
)
def test_broken_frames_are_answered(version: OcppVersion, text: str, reply: list[Any]) -> None:
    """Broken frames get a CALLERROR with the readable id (or -1) in the version's spelling."""
    s = session(version)
    s.receive_text(text, now=0)
    [event] = s.events()
    assert isinstance(event, FrameRejected)
    [frame] = frames(s.texts_to_send())
    assert frame[:3] == reply
    assert frame[4] == {}


def test_broken_reply_is_dropped_silently() -> None:
    """A broken CALLRESULT is reported to the driver but nothing is sent back."""
    s = session()
    s.send_call("Reset", RESET, now=0)
    s.texts_to_send()
    s.receive_text('[3, "1", "Accepted"]', now=1)
    [event] = s.events()
    assert isinstance(event, FrameRejected)
    assert event.error.answer is False
    assert s.texts_to_send() == []


def test_duplicate_incoming_id_is_refused_while_the_first_is_unanswered() -> None:
    """OCPP-J 1.6 §4.2.3: a CALL reusing the id of one still being handled gets a CALLERROR."""
    s = session()
    s.receive_text('[2, "a1", "Heartbeat", {}]', now=0)
    [first] = s.events()
    s.receive_text('[2, "a1", "Heartbeat", {}]', now=1)
    [event] = s.events()
    assert isinstance(event, CallRejected)
    assert event.error.kind is ErrorKind.GENERIC_ERROR
    assert frames(s.texts_to_send())[0][:3] == [4, "a1", "GenericError"]
    assert isinstance(first, CallReceived)
    s.send_result(first.call, {"currentTime": "2024-05-01T10:00:00Z"})  # still owed
    s.receive_text('[2, "a1", "Heartbeat", {}]', now=2)
    assert [type(e) for e in s.events()] == [CallReceived]


def test_error_answer_by_message_id() -> None:
    """A handler may answer with a CALLERROR by message id, in the version's spelling."""
    s = session()
    s.receive_text('[2, "a1", "DataTransfer", {"vendorId": "ACME"}]', now=0)
    s.events()
    s.send_error("a1", ActionNotSupported("no vendor extensions"))
    assert frames(s.texts_to_send()) == [[4, "a1", "NotSupported", "no vendor extensions", {}]]


def test_answering_twice_is_our_bug() -> None:
    """Each received CALL is answered exactly once; a second answer raises and sends nothing."""
    s = session()
    s.receive_text('[2, "a1", "Heartbeat", {}]', now=0)
    [event] = s.events()
    assert isinstance(event, CallReceived)
    s.send_error(event.call, ActionNotSupported())
    s.texts_to_send()
    with pytest.raises(LocalProtocolError):
        s.send_result(event.call, {"currentTime": "2024-05-01T10:00:00Z"})
    with pytest.raises(LocalProtocolError):
        s.send_error("never-received", ActionNotSupported())
    assert s.texts_to_send() == []


def test_invalid_result_is_our_bug_and_is_not_sent() -> None:
    """A handler's result that breaks the response schema raises instead of going out."""
    s = session()
    s.receive_text('[2, "a1", "Heartbeat", {}]', now=0)
    [event] = s.events()
    assert isinstance(event, CallReceived)
    with pytest.raises(LocalProtocolError, match="currentTime"):
        s.send_result(event.call, {})
    assert s.texts_to_send() == []
    s.send_result(event.call, {"currentTime": "2024-05-01T10:00:00Z"})  # may still answer
    assert len(s.texts_to_send()) == 1


@pytest.mark.parametrize(
    ("action", "payload"), [("Reset", {"type": "Warm"}), ("TransactionEvent", {})]
)
def test_invalid_outgoing_call_is_our_bug(action: str, payload: dict[str, Any]) -> None:
    """A CALL with a bad payload or an action of another version is refused, not queued."""
    s = session()
    with pytest.raises(LocalProtocolError):
        s.send_call(action, payload, now=0)
    assert (s.texts_to_send(), s.in_flight, s.queued) == ([], None, 0)


def test_overlong_message_id_is_our_bug() -> None:
    """An id generator producing more than 36 characters is caught before anything is sent."""
    s = OcppSession(
        OcppVersion.V16, Validators.for_version(OcppVersion.V16), new_id=lambda: "x" * 37
    )
    with pytest.raises(LocalProtocolError):
        s.send_call("ClearCache", {}, now=0)
    assert s.texts_to_send() == []


def test_station_and_csms_sessions_talk_to_each_other() -> None:
    """Two sessions wired back to back complete a BootNotification exchange (h11 style)."""
    station, csms = session(OcppVersion.V201), session(OcppVersion.V201)
    boot = {"reason": "PowerUp", "chargingStation": {"model": "X1", "vendorName": "ACME"}}
    call = station.send_call("BootNotification", boot, now=0)
    for text in station.texts_to_send():
        csms.receive_text(text, now=0)
    [received] = csms.events()
    assert received == CallReceived(call)
    csms.send_result(
        call, {"currentTime": "2024-05-01T10:00:00Z", "interval": 300, "status": "Accepted"}
    )
    for text in csms.texts_to_send():
        station.receive_text(text, now=0.1)
    [reply] = station.events()
    assert isinstance(reply, ReplyReceived)
    assert isinstance(reply.reply, CallResult)
    assert reply.reply.payload["status"] == "Accepted"


def test_broken_frame_reusing_a_pending_id_leaves_that_call_answerable() -> None:
    """A broken frame that happens to carry the id of a CALL in handling does not cancel it."""
    s = session()
    s.receive_text('[2, "a1", "Heartbeat", {}]', now=0)
    [event] = s.events()
    assert isinstance(event, CallReceived)
    s.receive_text('[2, "a1", "Heartbeat", [1]]', now=1)
    assert [type(e) for e in s.events()] == [FrameRejected]
    s.send_result(event.call, {"currentTime": "2024-05-01T10:00:00Z"})
    assert len(s.texts_to_send()) == 2


def test_validators_must_match_the_version() -> None:
    """A session refuses the validators of another protocol version."""
    with pytest.raises(ValueError, match=r"ocpp2\.0\.1"):
        OcppSession(OcppVersion.V16, Validators.for_version(OcppVersion.V201), new_id=str)


@pytest.mark.parametrize(
    ("version", "code"),
    [(OcppVersion.V16, "FormationViolation"), (OcppVersion.V201, "FormatViolation")],
)
def test_oversized_call_is_refused_without_parsing(version: OcppVersion, code: str) -> None:
    """A frame over the size limit is answered from its id alone (2.0.1 B06.FR.17)."""
    s = session(version)
    text = '[2, "big1", "DataTransfer", {"vendorId": "ACME", "data": "' + "x" * 100 + '"}]'
    s.receive_oversize(text, limit=64)
    [event] = s.events()
    assert isinstance(event, FrameRejected)
    assert "exceeds the limit of 64" in event.error.description
    [frame] = frames(s.texts_to_send())
    assert frame[:3] == [4, "big1", code]


def test_oversized_reply_is_dropped_and_unreadable_one_answered_with_minus_one() -> None:
    """An oversized reply is not answered; an oversized frame without a readable id gets -1."""
    s = session()
    s.receive_oversize(b'[3, "r1", {"x": "' + b"y" * 100 + b'"}]', limit=10)
    assert s.texts_to_send() == []
    s.receive_oversize("z" * 100, limit=10)
    assert frames(s.texts_to_send())[0][:3] == [4, "-1", "FormationViolation"]
    assert [type(e) for e in s.events()] == [FrameRejected, FrameRejected]
