"""OCPP-J framing: parse_message on every kind of malformed frame, and frame values to text."""

from __future__ import annotations

import pytest

from voltgate.ocpp.errors import ErrorKind, FrameError, OcppError, OcppVersion
from voltgate.ocpp.messages import (
    MAX_DESCRIPTION_LENGTH,
    Call,
    CallError,
    CallResult,
    parse_message,
)


def rejection(text: str | bytes) -> FrameError:
    with pytest.raises(FrameError) as info:
        parse_message(text)
    return info.value


def test_call_is_parsed() -> None:
    """A well-formed CALL becomes a Call with its id, action and payload."""
    message = parse_message('[2, "19223201", "Heartbeat", {}]')
    assert message == Call("19223201", "Heartbeat", {})


def test_null_payload_means_empty_payload() -> None:
    """OCPP-J 1.6 §4.2.1: a null payload is the same as {} for CALL and CALLRESULT."""
    assert parse_message('[2, "1", "Heartbeat", null]') == Call("1", "Heartbeat", {})
    assert parse_message('[3, "1", null]') == CallResult("1", {})


def test_call_result_and_call_error_are_parsed() -> None:
    """CALLRESULT and CALLERROR frames become values; errorDetails may be left out."""
    assert parse_message('[3, "7", {"status": "Accepted"}]') == CallResult(
        "7", {"status": "Accepted"}
    )
    assert parse_message('[4, "7", "NotSupported", "nope", {"a": 1}]') == CallError(
        "7", "NotSupported", "nope", {"a": 1}
    )
    assert parse_message('[4, "7", "GenericError", ""]') == CallError("7", "GenericError", "")


def test_bytes_are_accepted() -> None:
    """A frame delivered as UTF-8 bytes parses like text."""
    assert parse_message(b'[2, "1", "Heartbeat", {}]') == Call("1", "Heartbeat", {})


def test_invalid_json_with_readable_id_is_answered_with_that_id() -> None:
    """Broken JSON whose CALL prefix is readable keeps its id, so the CALLERROR can match."""
    error = rejection('[2, "abc-1", "Heartbeat", {')
    assert (error.unique_id, error.answer, error.kind) == (
        "abc-1",
        True,
        ErrorKind.RPC_FRAMEWORK_ERROR,
    )


def test_invalid_json_without_readable_id_uses_minus_one() -> None:
    """OCPP 2.0.1 part 4 §4.2.3: when the id cannot be read the CALLERROR carries "-1"."""
    error = rejection("{{{ not json")
    assert (error.unique_id, error.answer) == ("-1", True)


def test_invalid_utf8_is_a_frame_error() -> None:
    """Bytes that are not UTF-8 are rejected like any other broken JSON."""
    error = rejection(b'[2, "9", "Heartbeat", "\xff"]')
    assert (error.unique_id, error.kind) == ("9", ErrorKind.RPC_FRAMEWORK_ERROR)


def test_invalid_json_of_a_reply_is_not_answered() -> None:
    """A broken CALLRESULT is dropped: answering a reply would start an error ping-pong."""
    error = rejection('[3, "abc", {"status": ')
    assert (error.unique_id, error.answer) == ("abc", False)


@pytest.mark.parametrize("text", ['{"a": 1}', '"text"', "42", "[]", "null"])
def test_frame_that_is_not_an_array_is_rejected(text: str) -> None:
    """Only a non-empty JSON array can be an OCPP-J frame."""
    error = rejection(text)
    assert (error.unique_id, error.kind) == ("-1", ErrorKind.RPC_FRAMEWORK_ERROR)


@pytest.mark.parametrize("type_id", ['"2"', "true", "2.0", "null"])
def test_message_type_must_be_an_integer(type_id: str) -> None:
    """The MessageTypeId is a JSON integer; strings, booleans and floats are rejected."""
    error = rejection(f'[{type_id}, "1", "Heartbeat", {{}}]')
    assert error.kind is ErrorKind.RPC_FRAMEWORK_ERROR


@pytest.mark.parametrize("unique_id", ['"' + "x" * 37 + '"', '""', "17", "null"])
def test_message_id_must_be_a_string_of_at_most_36_characters(unique_id: str) -> None:
    """OCPP-J 1.6 §4.1.4: the message id is a string of at most 36 characters."""
    error = rejection(f'[2, {unique_id}, "Heartbeat", {{}}]')
    assert (error.unique_id, error.answer) == ("-1", True)


def test_message_id_of_36_characters_is_fine() -> None:
    """A 36-character id (a UUID with dashes) is accepted."""
    unique_id = "123e4567-e89b-12d3-a456-426614174000"
    assert parse_message(f'[2, "{unique_id}", "Heartbeat", {{}}]') == Call(
        unique_id, "Heartbeat", {}
    )


def test_reply_with_unreadable_id_is_dropped() -> None:
    """A CALLRESULT whose id is unusable cannot be answered meaningfully, so it is dropped."""
    assert rejection("[3, 17, {}]").answer is False


@pytest.mark.parametrize(
    "text",
    [
        '[2, "1", "Heartbeat"]',
        '[2, "1", "Heartbeat", {}, {}]',
        '[2, "1", 5, {}]',
        '[2, "1", "", {}]',
    ],
)
def test_call_with_wrong_arity_or_action_is_rejected_with_its_id(text: str) -> None:
    """A CALL is exactly [2, id, action, payload]; other shapes are answered with the id."""
    error = rejection(text)
    assert (error.unique_id, error.answer, error.kind) == (
        "1",
        True,
        ErrorKind.RPC_FRAMEWORK_ERROR,
    )


@pytest.mark.parametrize("payload", ["[]", '"x"', "3"])
def test_call_payload_must_be_an_object(payload: str) -> None:
    """A CALL whose payload is not a JSON object is a format violation, answered with its id."""
    error = rejection(f'[2, "5", "Heartbeat", {payload}]')
    assert (error.unique_id, error.kind) == ("5", ErrorKind.FORMAT_VIOLATION)


@pytest.mark.parametrize("text", ['[3, "1"]', '[3, "1", [], {}]', '[3, "1", "ok"]'])
def test_broken_call_result_is_dropped(text: str) -> None:
    """A CALLRESULT that is not [3, id, {payload}] is rejected without an answer."""
    error = rejection(text)
    assert (error.unique_id, error.answer) == ("1", False)


@pytest.mark.parametrize(
    "text",
    [
        '[4, "1", "GenericError"]',
        '[4, "1", 5, "x", {}]',
        '[4, "1", "GenericError", null, {}]',
        '[4, "1", "GenericError", "x", []]',
        '[4, "1", "GenericError", "x", {}, 1]',
    ],
)
def test_broken_call_error_is_dropped(text: str) -> None:
    """A CALLERROR that is not [4, id, code, description, {details}] is rejected unanswered."""
    error = rejection(text)
    assert (error.unique_id, error.answer) == ("1", False)


def test_unknown_message_type_is_answered_with_its_id() -> None:
    """A message type number other than 2, 3, 4 is reported as not supported, keeping the id."""
    error = rejection('[5, "42", "Future", {}]')
    assert (error.unique_id, error.answer, error.kind) == (
        "42",
        True,
        ErrorKind.MESSAGE_TYPE_NOT_SUPPORTED,
    )


def test_frames_are_written_as_compact_json() -> None:
    """Each frame value writes the array the spec shows, and parses back to itself."""
    frames: list[Call | CallResult | CallError] = [
        Call("1", "Authorize", {"idTag": "ABC"}),
        CallResult("1", {"idTagInfo": {"status": "Accepted"}}),
        CallError("1", "NotSupported", "no", {"why": "x"}),
    ]
    assert [f.to_text() for f in frames] == [
        '[2,"1","Authorize",{"idTag":"ABC"}]',
        '[3,"1",{"idTagInfo":{"status":"Accepted"}}]',
        '[4,"1","NotSupported","no",{"why":"x"}]',
    ]
    assert [parse_message(f.to_text()) for f in frames] == frames


def test_call_error_description_is_cut_to_255_characters() -> None:
    """OCPP 2.0.1 part 4 §4.2.3: ErrorDescription is string[255]."""
    text = CallError("1", "GenericError", "d" * 1000).to_text()
    parsed = parse_message(text)
    assert isinstance(parsed, CallError)
    assert len(parsed.description) == MAX_DESCRIPTION_LENGTH


def test_call_error_from_error_uses_the_version_spelling() -> None:
    """from_error writes the code of the error's kind as the connection's version spells it."""
    error = OcppError("bad", kind=ErrorKind.FORMAT_VIOLATION, details={"field": "x"})
    assert CallError.from_error("9", error, OcppVersion.V16) == CallError(
        "9", "FormationViolation", "bad", {"field": "x"}
    )
    assert CallError.from_error("9", error, OcppVersion.V201).code == "FormatViolation"
