"""RPC error codes: one kind, spelled per protocol version, and the error classes."""

from __future__ import annotations

import pytest

from voltgate.ocpp.errors import (
    ActionNotImplemented,
    ActionNotSupported,
    ErrorKind,
    OcppError,
    OcppVersion,
    PayloadError,
    kind_of,
    wire_code,
)


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        # OCPP-J 1.6 errata §5.2 and §5.1: the misspellings stay on the 1.6 wire.
        (ErrorKind.FORMAT_VIOLATION, "FormationViolation"),
        (ErrorKind.OCCURRENCE_CONSTRAINT_VIOLATION, "OccurenceConstraintViolation"),
        (ErrorKind.RPC_FRAMEWORK_ERROR, "FormationViolation"),
        (ErrorKind.MESSAGE_TYPE_NOT_SUPPORTED, "GenericError"),
        (ErrorKind.NOT_IMPLEMENTED, "NotImplemented"),
        (ErrorKind.TYPE_CONSTRAINT_VIOLATION, "TypeConstraintViolation"),
        (ErrorKind.PROPERTY_CONSTRAINT_VIOLATION, "PropertyConstraintViolation"),
    ],
)
def test_ocpp16_spellings(kind: ErrorKind, code: str) -> None:
    """OCPP 1.6 stations get the 1.6 table's codes, typos included."""
    assert wire_code(kind, OcppVersion.V16) == code


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        (ErrorKind.FORMAT_VIOLATION, "FormatViolation"),
        (ErrorKind.OCCURRENCE_CONSTRAINT_VIOLATION, "OccurrenceConstraintViolation"),
        (ErrorKind.RPC_FRAMEWORK_ERROR, "RpcFrameworkError"),
        (ErrorKind.MESSAGE_TYPE_NOT_SUPPORTED, "MessageTypeNotSupported"),
        (ErrorKind.NOT_SUPPORTED, "NotSupported"),
    ],
)
def test_ocpp201_spellings(kind: ErrorKind, code: str) -> None:
    """OCPP 2.0.1 stations get the codes of 2.0.1 part 4 §4.3."""
    assert wire_code(kind, OcppVersion.V201) == code


@pytest.mark.parametrize("version", list(OcppVersion))
def test_every_kind_has_a_code_in_every_version(version: OcppVersion) -> None:
    """No error can fail to be reported because its version lacks a spelling."""
    assert all(wire_code(kind, version) for kind in ErrorKind)


def test_received_codes_map_back_to_kinds() -> None:
    """A received errorCode is understood in its version's spelling; foreign codes are None."""
    assert kind_of("FormationViolation", OcppVersion.V16) is ErrorKind.FORMAT_VIOLATION
    assert kind_of("FormatViolation", OcppVersion.V201) is ErrorKind.FORMAT_VIOLATION
    assert kind_of("FormatViolation", OcppVersion.V16) is None
    assert kind_of("Nonsense", OcppVersion.V201) is None


def test_error_classes_carry_their_kind() -> None:
    """Each error class has the kind its CALLERROR reports, overridable per instance."""
    assert ActionNotImplemented("x").kind is ErrorKind.NOT_IMPLEMENTED
    assert ActionNotSupported("x").kind is ErrorKind.NOT_SUPPORTED
    assert PayloadError("x").kind is ErrorKind.FORMAT_VIOLATION
    assert PayloadError("x", kind=ErrorKind.TYPE_CONSTRAINT_VIOLATION, field="a.b").field == "a.b"
    assert OcppError().kind is ErrorKind.GENERIC_ERROR


def test_error_without_description_still_reads_well() -> None:
    """An error raised without a description shows its kind, and details are copied."""
    details = {"a": 1}
    error = OcppError(details=details)
    details["a"] = 2
    assert (str(error), error.description, error.details) == ("GENERIC_ERROR", "", {"a": 1})
