"""Meter sample normalisation (pure)."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voltgate.domain.meter import normalise, normalise_number, parse_decimal

AT = datetime(2025, 1, 1, tzinfo=UTC)

# OCPP 1.6 §7.31 Measurand, as listed in the 1.6 JSON schema.
MEASURANDS = [
    "Energy.Active.Export.Register",
    "Energy.Active.Import.Register",
    "Energy.Reactive.Export.Register",
    "Energy.Reactive.Import.Register",
    "Energy.Active.Export.Interval",
    "Energy.Active.Import.Interval",
    "Energy.Reactive.Export.Interval",
    "Energy.Reactive.Import.Interval",
    "Power.Active.Export",
    "Power.Active.Import",
    "Power.Offered",
    "Power.Reactive.Export",
    "Power.Reactive.Import",
    "Power.Factor",
    "Current.Import",
    "Current.Export",
    "Current.Offered",
    "Voltage",
    "Frequency",
    "Temperature",
    "SoC",
    "RPM",
]
PHASES = ["L1", "L2", "L3", "N", "L1-N", "L2-N", "L3-N", "L1-L2", "L2-L3", "L3-L1"]
CONTEXTS = [
    "Interruption.Begin",
    "Interruption.End",
    "Sample.Clock",
    "Sample.Periodic",
    "Transaction.Begin",
    "Transaction.End",
    "Trigger",
    "Other",
]
LOCATIONS = ["Cable", "EV", "Inlet", "Outlet", "Body"]
UNITS = [
    "Wh", "kWh", "varh", "kvarh", "W", "kW", "VA", "kVA", "var", "kvar",
    "A", "V", "K", "Celsius", "Fahrenheit", "Percent",
]  # fmt: skip


def test_defaults_are_an_energy_register_in_wh() -> None:
    """A bare value is read as Energy.Active.Import.Register in Wh at the outlet (1.6 §4.7)."""
    sample = normalise(AT, "1234")
    assert (sample.measurand, sample.unit, sample.location, sample.context, sample.format) == (
        "Energy.Active.Import.Register",
        "Wh",
        "Outlet",
        "Sample.Periodic",
        "Raw",
    )
    assert sample.value == 1234.0
    assert sample.is_energy_register


@pytest.mark.parametrize(
    ("value", "unit", "expected", "base"),
    [
        ("12.345", "kWh", 12345.0, "Wh"),
        ("2", "kvarh", 2000.0, "varh"),
        ("7.4", "kW", 7400.0, "W"),
        ("1.5", "kvar", 1500.0, "var"),
        ("11", "kVA", 11000.0, "VA"),
        ("212", "Fahrenheit", 100.0, "Celsius"),
        ("273.15", "K", 0.0, "Celsius"),
        ("16", "A", 16.0, "A"),
        ("230.5", "V", 230.5, "V"),
        ("80", "Percent", 80.0, "Percent"),
    ],
)
def test_values_are_normalised_to_base_units(
    value: str, unit: str, expected: float, base: str
) -> None:
    """kilo-units become base units and temperatures become Celsius; the original is kept."""
    sample = normalise(AT, value, unit=unit, measurand="Voltage")
    assert sample.value == pytest.approx(expected)
    assert sample.unit == base
    assert (sample.value_raw, sample.unit_raw) == (value, unit)


def test_frequency_defaults_to_hertz() -> None:
    """1.6 has no unit for frequency; the spec says it is Hertz (§7.31)."""
    sample = normalise(AT, "50.01", measurand="Frequency")
    assert (sample.value, sample.unit) == (50.01, "Hz")


@pytest.mark.parametrize("measurand", MEASURANDS)
@pytest.mark.parametrize("unit", UNITS)
def test_every_measurand_and_unit_is_accepted(measurand: str, unit: str) -> None:
    """No combination of spec measurand and unit is refused."""
    sample = normalise(AT, "1", measurand=measurand, unit=unit)
    assert sample.value is not None
    assert sample.measurand == measurand


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("context", CONTEXTS)
@pytest.mark.parametrize("location", LOCATIONS)
def test_every_phase_context_and_location_is_kept(phase: str, context: str, location: str) -> None:
    """Phase, context and location are stored exactly as reported."""
    sample = normalise(AT, "1", phase=phase, context=context, location=location)
    assert (sample.phase, sample.context, sample.location) == (phase, context, location)


def test_per_phase_register_is_not_the_overall_register() -> None:
    """A per-phase energy reading never counts as the transaction's register."""
    assert not normalise(AT, "1000", phase="L1").is_energy_register


def test_signed_data_is_kept_raw() -> None:
    """SignedData values are stored as they came, without a number (1.6 §7.49)."""
    sample = normalise(AT, "a1b2c3", format="SignedData")
    assert sample.value is None
    assert sample.signed_data == "a1b2c3"
    assert not sample.unparseable


@pytest.mark.parametrize(
    "value",
    ["", "abc", "1,5", "NaN", "inf", "-Infinity", "1e", "1e400", "-2e308", "1_000", "0x10"],
)
def test_unparseable_numbers_are_flagged_not_refused(value: str) -> None:
    """A value that is no decimal number (or too large for a double) is kept raw with no
    number and flagged."""
    sample = normalise(AT, value)
    assert sample.value is None
    assert sample.unparseable
    assert sample.value_raw == value


@settings(max_examples=2000, deadline=None)
@given(
    value=st.text(alphabet="0123456789+-.eE_ \u0663nafiNAFI", max_size=12),
    unit=st.sampled_from(["Wh", "kWh", "W", "kW", "K", "A", None]),
)
def test_a_value_is_a_number_exactly_when_it_is_a_finite_decimal(
    value: str, unit: str | None
) -> None:
    """Scaled or not, a value has a number exactly when `parse_decimal` reads it (a decimal
    number as OCPP 1.6 §7.43 writes it) and it fits a double; the fast path of the unscaled
    units reads it with `float()`, which also reads "1_000", "inf" and "nan"."""
    decimal = parse_decimal(value)
    finite = decimal is not None and math.isfinite(float(decimal))
    sample = normalise(AT, value, measurand="Energy.Active.Import.Register", unit=unit)
    assert (sample.value is not None) == finite
    assert sample.unparseable == (not finite)


def test_unknown_unit_is_kept() -> None:
    """A unit outside the 1.6 list (2.0.1 adds many) is kept with its number."""
    sample = normalise(AT, "3", measurand="Custom", unit="dB")
    assert (sample.value, sample.unit) == (3.0, "dB")


@pytest.mark.parametrize(
    ("value", "unit"),
    [("0.1", "Wh"), ("1e3", "W"), (" 7.25 ", "A"), ("-3", None), ("123456789.123456789", "V")],
)
def test_unscaled_values_read_as_their_decimal(value: str, unit: str | None) -> None:
    """Without scaling, the number is exactly what the decimal text rounds to."""
    from decimal import Decimal

    sample = normalise(AT, value, measurand="Voltage", unit=unit)
    assert sample.value == float(Decimal(value.strip()))


@pytest.mark.parametrize(
    ("value", "multiplier", "unit", "expected", "raw", "unit_raw"),
    [
        (1234.0, 0, "Wh", 1234.0, "1234", "Wh"),  # an integer keeps no ".0"
        (12.345, 0, "kWh", 12345.0, "12.345", "kWh"),
        (123.456, 3, "kWh", 123_456_000.0, "123.456", "kWh*10^3"),
        (7200.0, -3, "kW", 7200.0, "7200", "kW*10^-3"),  # 7.2 kW
        (0.5, 1, "A", 5.0, "0.5", "A*10^1"),
    ],
)
def test_numeric_values_apply_their_multiplier_exactly(
    value: float, multiplier: int, unit: str, expected: float, raw: str, unit_raw: str
) -> None:
    """OCPP 2.0.1 UnitOfMeasureType: value x 10^multiplier in unit, normalised; as reported kept."""
    s = normalise_number(AT, value, multiplier=multiplier, unit=unit)
    assert (s.value, s.value_raw, s.unit_raw) == (expected, raw, unit_raw)


def test_a_numeric_value_with_a_signed_meter_value_keeps_both() -> None:
    """2.0.1 sends the number and its signed block side by side (signedMeterValue)."""
    s = normalise_number(AT, 100.0, signed_data='{"signedMeterData":"x"}')
    assert (s.value, s.signed_data, s.format) == (100.0, '{"signedMeterData":"x"}', "Raw")
