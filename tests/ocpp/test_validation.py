"""Schema validation of real payloads: error kinds per OCPP-J, field paths, timestamps."""

from __future__ import annotations

import copy
from typing import Any

import jsonschema_rs
import pytest

from voltgate.ocpp.errors import ActionNotImplemented, ErrorKind, OcppVersion, PayloadError
from voltgate.ocpp.validation import (
    MAX_DESCRIPTION,
    Validators,
    VersionValidators,
    compile_schema,
    is_date_time,
    payload_error,
)

V16 = Validators.for_version(OcppVersion.V16)
V201 = Validators.for_version(OcppVersion.V201)


def meter_values(
    *sampled: dict[str, Any], timestamp: str = "2024-05-01T10:00:00Z"
) -> dict[str, Any]:
    return {
        "connectorId": 1,
        "transactionId": 42,
        "meterValue": [{"timestamp": timestamp, "sampledValue": list(sampled)}],
    }


ENERGY = {"value": "1234.5", "measurand": "Energy.Active.Import.Register", "unit": "Wh"}


def request_error(action: str, payload: dict[str, Any]) -> PayloadError:
    with pytest.raises(PayloadError) as info:
        V16.check_request(action, payload)
    assert len(info.value.description) < 255
    return info.value


def test_actions_come_from_the_schema_files() -> None:
    """Each version knows its own actions, 1.6 including the security whitepaper ones."""
    assert {"BootNotification", "MeterValues", "SignCertificate"} <= V16.actions
    assert "TransactionEvent" not in V16.actions
    assert {"TransactionEvent", "NotifyReport", "BootNotification"} <= V201.actions
    assert "StartTransaction" not in V201.actions
    assert (len(V16.actions), len(V201.actions)) == (39, 64)


def test_validators_are_shared_per_version() -> None:
    """for_version hands out one compiled set per version, so connections share the work."""
    assert Validators.for_version(OcppVersion.V16) is V16
    assert V16.version is OcppVersion.V16


def test_unknown_action_is_not_implemented() -> None:
    """An action the version does not define raises ActionNotImplemented, either direction."""
    with pytest.raises(ActionNotImplemented):
        V16.check_request("TransactionEvent", {})
    with pytest.raises(ActionNotImplemented):
        V201.check_response("StartTransaction", {})


def test_real_payloads_pass() -> None:
    """Typical station requests and CSMS responses are accepted as they are."""
    V16.check_request(
        "BootNotification",
        {"chargePointVendor": "ACME", "chargePointModel": "X1", "firmwareVersion": "1.2.3"},
    )
    V16.check_response(
        "BootNotification",
        {"status": "Accepted", "currentTime": "2024-05-01T10:00:00Z", "interval": 300},
    )
    V16.check_request(
        "MeterValues",
        meter_values(ENERGY, {"value": "7200", "measurand": "Power.Active.Import", "unit": "W"}),
    )
    V201.check_request(
        "BootNotification",
        {"reason": "PowerUp", "chargingStation": {"model": "X1", "vendorName": "ACME"}},
    )


@pytest.mark.parametrize(
    "timestamp",
    [
        "2024-05-01T10:00:00",  # no offset: read as UTC
        "2024-05-01T10:00:00.123456789",  # more fraction digits than Python keeps
        "2024-05-01T10:00:00.5+02:00",
        "2024-05-01T10:00:00-0130",
        "2024-05-01t10:00:00z",
    ],
)
def test_field_timestamps_are_accepted(timestamp: str) -> None:
    """Offset-less and over-precise timestamps, common in the field, pass validation."""
    V16.check_request("MeterValues", meter_values(ENERGY, timestamp=timestamp))


@pytest.mark.parametrize(
    "timestamp",
    ["yesterday", "2024-05-01", "2024-13-01T10:00:00Z", "2024-02-30T10:00:00Z", "10:00:00", ""],
)
def test_things_that_are_not_timestamps_are_rejected(timestamp: str) -> None:
    """Dates without a time, impossible dates and free text are property violations."""
    error = request_error("MeterValues", meter_values(ENERGY, timestamp=timestamp))
    assert error.kind is ErrorKind.PROPERTY_CONSTRAINT_VIOLATION
    assert error.field == "meterValue[0].timestamp"
    assert "date-time" in error.description


def test_is_date_time() -> None:
    """The date-time check answers yes for RFC 3339 (offset optional) and no otherwise."""
    assert is_date_time("2024-05-01T10:00:00.123Z")
    assert not is_date_time("2024-05-01T10:00:60Z")  # a leap second Python cannot represent


def test_missing_required_field_is_an_occurrence_violation() -> None:
    """A missing required field is named in full and reported as OccurrenceConstraint."""
    payload = meter_values(ENERGY)
    del payload["meterValue"][0]["timestamp"]
    error = request_error("MeterValues", payload)
    assert error.kind is ErrorKind.OCCURRENCE_CONSTRAINT_VIOLATION
    assert error.description == "meterValue[0].timestamp: required field is missing"


def test_missing_top_level_field_is_named() -> None:
    """A missing top-level field is named without any prefix."""
    error = request_error("BootNotification", {"chargePointVendor": "ACME"})
    assert (error.kind, error.field) == (
        ErrorKind.OCCURRENCE_CONSTRAINT_VIOLATION,
        "chargePointModel",
    )


def test_wrong_json_type_is_a_type_violation() -> None:
    """A number where the schema wants a string is a TypeConstraint violation at its path."""
    error = request_error("MeterValues", meter_values(ENERGY, {"value": 7200}))
    assert error.kind is ErrorKind.TYPE_CONSTRAINT_VIOLATION
    assert error.description == (
        "meterValue[0].sampledValue[1].value: expected string, got integer"
    )


def test_boolean_is_not_an_integer() -> None:
    """JSON true is not accepted for an integer field, although Python treats it as 1."""
    status = {"connectorId": True, "errorCode": "NoError", "status": "Available"}
    error = request_error("StatusNotification", status)
    assert (error.kind, error.field) == (ErrorKind.TYPE_CONSTRAINT_VIOLATION, "connectorId")


def test_value_outside_enum_is_a_property_violation() -> None:
    """An unknown enum value is a PropertyConstraint violation that quotes the value."""
    error = request_error("MeterValues", meter_values({**ENERGY, "unit": "parsec"}))
    assert error.kind is ErrorKind.PROPERTY_CONSTRAINT_VIOLATION
    assert error.description.startswith("meterValue[0].sampledValue[0].unit: 'parsec' is not one")


def test_too_long_string_is_a_property_violation() -> None:
    """OCPP 1.6 idTag is CiString20Type: 21 characters violate the property constraint."""
    error = request_error("Authorize", {"idTag": "A" * 21})
    assert error.kind is ErrorKind.PROPERTY_CONSTRAINT_VIOLATION
    assert error.description == "idTag: 21 characters, must be at most 20"


def test_decimal_with_too_many_digits_is_a_property_violation() -> None:
    """1.6 charging limits are multiples of 0.1; 32.3 passes (no float artefact), 7.25 fails."""
    response = {
        "status": "Accepted",
        "chargingSchedule": {
            "chargingRateUnit": "A",
            "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 32.3}],
        },
    }
    V16.check_response("GetCompositeSchedule", response)
    response["chargingSchedule"]["chargingSchedulePeriod"][0]["limit"] = 7.25  # type: ignore[index]
    with pytest.raises(PayloadError) as info:
        V16.check_response("GetCompositeSchedule", response)
    assert info.value.kind is ErrorKind.PROPERTY_CONSTRAINT_VIOLATION
    assert info.value.field == "chargingSchedule.chargingSchedulePeriod[0].limit"


def test_unknown_field_is_a_format_violation() -> None:
    """additionalProperties: false makes an unexpected field a FormatViolation, named."""
    error = request_error("MeterValues", meter_values({**ENERGY, "colour": "blue"}))
    assert error.kind is ErrorKind.FORMAT_VIOLATION
    assert error.description == "meterValue[0].sampledValue[0].colour: field is not allowed here"


def test_empty_list_where_one_is_required_is_an_occurrence_violation() -> None:
    """A 1..* list sent empty breaks the cardinality, an occurrence constraint."""
    error = request_error("MeterValues", meter_values())
    assert error.kind is ErrorKind.OCCURRENCE_CONSTRAINT_VIOLATION
    assert error.description == "meterValue[0].sampledValue: 0 items, must have at least 1"


def test_description_stays_short_for_huge_values() -> None:
    """Enormous offending values and names are clipped so the description fits string[255]."""
    error = request_error("MeterValues", meter_values({**ENERGY, "x" * 1000: 1}))
    assert len(error.description) <= MAX_DESCRIPTION
    error = request_error("MeterValues", meter_values({**ENERGY, "unit": "u" * 1000}))
    assert "..." in error.description


def test_schema_defaults_are_not_written_into_the_payload() -> None:
    """Validation never mutates the payload, though 2.0.1 schemas declare defaults."""
    payload = {
        "getVariableData": [{"component": {"name": "OCPPCommCtrlr"}, "variable": {"name": "X"}}]
    }
    before = copy.deepcopy(payload)
    V201.check_request("GetVariables", payload)
    assert payload == before


def test_responses_are_checked_too() -> None:
    """A CALLRESULT payload is held to the response schema of its action."""
    with pytest.raises(PayloadError) as info:
        V16.check_response(
            "BootNotification",
            {"status": "Maybe", "currentTime": "2024-05-01T10:00:00Z", "interval": 300},
        )
    assert info.value.kind is ErrorKind.PROPERTY_CONSTRAINT_VIOLATION


def test_warm_compiles_every_validator() -> None:
    """After warm(), every action validates both ways without compiling on the hot path."""
    validators = VersionValidators(OcppVersion.V16)
    validators.check_request("Heartbeat", {})
    validators.warm()
    for action in validators.actions:
        with pytest.raises(PayloadError):
            validators.check_request(action, {"unexpected": 1})


def test_union_types_are_described() -> None:
    """A schema allowing several JSON types names them all when none matches."""
    validate = compile_schema({"type": "object", "properties": {"a": {"type": ["string", "null"]}}})
    with pytest.raises(jsonschema_rs.ValidationError) as info:
        validate({"a": 1})
    error = payload_error(info.value)
    assert error.description == "a: expected null or string, got integer"


def test_whole_payload_of_the_wrong_type_is_described() -> None:
    """A payload that is not an object at all is reported against the payload itself."""
    with pytest.raises(PayloadError) as info:
        V16.check_request("Heartbeat", [])  # type: ignore[arg-type]
    assert info.value.description == "payload: expected object, got array"
