"""Generated wire models: every action round-trips; timestamps come out aware UTC."""

from __future__ import annotations

import importlib.util
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

import msgspec
import pytest

from voltgate.ocpp import wire
from voltgate.ocpp.errors import OcppVersion, PayloadError
from voltgate.ocpp.schemas import Direction, load_schema
from voltgate.ocpp.v16 import messages as m16
from voltgate.ocpp.v201 import messages as m201
from voltgate.ocpp.validation import Validators

ROOT = Path(__file__).resolve().parents[2]
MODELS = {OcppVersion.V16: m16, OcppVersion.V201: m201}
CASES = [
    (version, direction, action)
    for version, module in MODELS.items()
    for direction, table in (
        (Direction.REQUEST, module.REQUESTS),
        (Direction.RESPONSE, module.RESPONSES),
    )
    for action in sorted(table)
]


def sample(schema: dict[str, Any], definitions: dict[str, Any], *, full: bool) -> Any:
    """A valid payload for `schema`: every field when `full`, else only the required ones."""
    if "$ref" in schema:
        return sample(definitions[schema["$ref"].rsplit("/", 1)[1]], definitions, full=full)
    if "enum" in schema:
        return schema["enum"][-1]
    kind = schema.get("type")
    if kind == "object":
        required = set(schema.get("required", []))
        return {
            name: sample(sub, definitions, full=full)
            for name, sub in schema.get("properties", {}).items()
            if full or name in required
        }
    if kind == "array":
        return [sample(schema["items"], definitions, full=full)]
    if kind == "string":
        formats = {"date-time": "2024-05-01T10:00:00.123Z", "uri": "https://csms.example/x"}
        return formats.get(schema.get("format", ""), "v" * min(schema.get("maxLength", 8), 8))
    if kind in ("integer", "number"):
        return max(schema.get("minimum", 0), 2 if kind == "integer" else 1.5)
    if kind == "boolean":
        return True
    return "anything"  # untyped, e.g. 2.0.1 DataTransfer.data


@pytest.mark.parametrize("full", [True, False], ids=["all-fields", "required-only"])
@pytest.mark.parametrize(("version", "direction", "action"), CASES)
def test_every_payload_round_trips(
    version: OcppVersion, direction: Direction, action: str, full: bool
) -> None:
    """A valid payload decodes to its model and encodes back to exactly the same payload."""
    schema = load_schema(version, action, direction)
    payload = sample(schema, schema.get("definitions", {}), full=full)
    validators = Validators.for_version(version)
    check = (
        validators.check_request if direction is Direction.REQUEST else validators.check_response
    )
    check(action, payload)
    module = MODELS[version]
    model_type = (module.REQUESTS if direction is Direction.REQUEST else module.RESPONSES)[action]
    model = wire.decode(model_type, payload)
    assert wire.encode(model) == payload
    assert wire.decode(model_type, wire.encode(model)) == model


@pytest.mark.parametrize("version", list(MODELS))
def test_models_cover_exactly_the_schema_actions(version: OcppVersion) -> None:
    """There is a request and a response model for every action the validators know."""
    actions = Validators.for_version(version).actions
    assert set(MODELS[version].REQUESTS) == set(MODELS[version].RESPONSES) == actions


def test_models_use_python_names_and_wire_names() -> None:
    """Handlers write snake_case; the payload carries the spec's camelCase names."""
    request = m16.StartTransactionRequest(
        connector_id=1,
        id_tag="ABC123",
        meter_start=1000,
        timestamp=datetime(2024, 5, 1, 10, 0, tzinfo=UTC),
    )
    assert wire.encode(request) == {
        "connectorId": 1,
        "idTag": "ABC123",
        "meterStart": 1000,
        "timestamp": "2024-05-01T10:00:00Z",
    }


def test_offset_less_timestamps_decode_as_aware_utc() -> None:
    """A station's "2024-05-01T10:00:00" (no offset) becomes 10:00 UTC, an aware datetime."""
    payload = {
        "connectorId": 1,
        "meterValue": [{"timestamp": "2024-05-01T10:00:00", "sampledValue": [{"value": "1"}]}],
    }
    model = wire.decode(m16.MeterValuesRequest, payload)
    assert model.meter_value[0].timestamp == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert model.meter_value[0].timestamp.tzinfo is UTC


def test_timestamps_with_offsets_are_converted_to_utc() -> None:
    """Offsets are honoured and normalised; extra fraction digits are rounded to microseconds."""
    payload = {
        "connectorId": 1,
        "idTag": "A",
        "meterStart": 0,
        "timestamp": "2024-05-01T12:00:00.1234567+02:00",
    }
    model = wire.decode(m16.StartTransactionRequest, payload)
    assert model.timestamp == datetime(2024, 5, 1, 10, 0, 0, 123457, tzinfo=UTC)
    assert model.timestamp.tzinfo is UTC


def test_hand_built_models_are_normalised_too() -> None:
    """A naive or non-UTC datetime given to a model constructor is stored as aware UTC."""
    naive = m16.HeartbeatResponse(current_time=datetime(2024, 5, 1, 10, 0))  # noqa: DTZ001
    cest = m16.HeartbeatResponse(
        current_time=datetime(2024, 5, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    )
    assert naive.current_time.tzinfo is UTC
    assert naive == cest


def test_timestamps_are_written_with_z_and_milliseconds() -> None:
    """Encoded timestamps are UTC with "Z" and at most 3 fraction digits (2.0.1 §2.1.4)."""
    at = datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=UTC)
    assert wire.encode(m16.HeartbeatResponse(current_time=at)) == {
        "currentTime": "2024-05-01T10:00:00.123Z"
    }
    naive = datetime(2024, 5, 1, 10, 0, 0, 999)  # noqa: DTZ001 - naive on purpose: read as UTC
    assert wire.format_timestamp(naive) == "2024-05-01T10:00:00Z"


def test_unset_optional_fields_are_left_out() -> None:
    """Optional fields left at None do not appear in the payload, nested ones included."""
    response = m16.AuthorizeResponse(id_tag_info=m16.IdTagInfo(status="Accepted"))
    assert wire.encode(response) == {"idTagInfo": {"status": "Accepted"}}


def test_models_are_frozen_and_keyword_only() -> None:
    """Models cannot be changed after construction or built from positional arguments."""
    info = m16.IdTagInfo(status="Blocked")
    with pytest.raises(AttributeError):
        info.status = "Accepted"  # type: ignore[misc]
    with pytest.raises(TypeError):
        m16.IdTagInfo("Blocked")  # type: ignore[call-arg, arg-type]


def test_payload_that_does_not_fit_the_model_is_a_payload_error() -> None:
    """decode reports a payload that skipped validation as a PayloadError, not a crash."""
    with pytest.raises(PayloadError):
        wire.decode(m16.AuthorizeRequest, {"idTag": ["not", "a", "string"]})


def test_enum_values_are_checked_by_the_type_checker_and_at_decode() -> None:
    """An enum field is a Literal: values outside it do not decode."""
    with pytest.raises(PayloadError):
        wire.decode(m16.ResetRequest, {"type": "Warm"})
    assert wire.decode(m16.ResetRequest, {"type": "Hard"}).type == "Hard"


def load_generator(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_models", ROOT / "scripts" / "gen_models.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "gen_models", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("version", "folder"), [(OcppVersion.V16, "v16"), (OcppVersion.V201, "v201")]
)
def test_committed_models_match_the_generator(
    version: OcppVersion, folder: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The committed modules are exactly what scripts/gen_models.py writes: no hand edits."""
    generator = load_generator(monkeypatch)
    builder = generator.ModelBuilder(version)
    for action in sorted(MODELS[version].REQUESTS):
        builder.add_action(action)
    committed = ROOT / "src" / "voltgate" / "ocpp" / folder / "messages.py"
    assert builder.render() == committed.read_text()


def test_models_are_msgspec_structs() -> None:
    """The models are msgspec Structs, so msgspec can also encode them straight to JSON."""
    response = m16.HeartbeatResponse(current_time=datetime(2024, 5, 1, tzinfo=UTC))
    assert isinstance(response, msgspec.Struct)
    assert msgspec.json.encode(response) == b'{"currentTime":"2024-05-01T00:00:00Z"}'


@pytest.mark.parametrize(("version", "direction", "action"), CASES)
def test_encode_formats_every_timestamp_it_may_meet(
    version: OcppVersion, direction: Direction, action: str
) -> None:
    """`encode` skips the timestamp walk only for payload types that cannot hold a datetime."""
    assert not wire._has_times(m16.MeterValuesResponse)
    module = MODELS[version]
    model = (module.REQUESTS if direction is Direction.REQUEST else module.RESPONSES)[action]
    if "date-time" in str(load_schema(version, action, direction)):
        assert wire._has_times(model)
