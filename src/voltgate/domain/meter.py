"""Meter samples: what a station reported, kept verbatim, plus a normalised number.

OCPP 1.6 §7.43 SampledValue carries a string value with optional measurand, phase,
location, context, format and unit. `normalise` applies the spec's defaults, keeps the
original string and unit (`value_raw`, `unit_raw`), and converts the value to a base
unit (kWh -> Wh, kW -> W, Fahrenheit/K -> Celsius, ...). Nothing a station sends is
refused here: an unknown measurand or unit is kept as reported, a value that is not a
decimal number (or too large for a double) is stored with ``value=None`` and reported by
`MeterSample.unparseable`
(OCPP 1.6 §4.7: sanity checks SHOULD NOT stop the CSMS from answering).
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from decimal import Decimal
from typing import Final, NamedTuple

ENERGY_IMPORT_REGISTER: Final = "Energy.Active.Import.Register"
DEFAULT_LOCATION: Final = "Outlet"
DEFAULT_CONTEXT: Final = "Sample.Periodic"
RAW: Final = "Raw"
SIGNED_DATA: Final = "SignedData"

# Unit (as reported) -> (normalised unit, factor). OCPP 1.6 §7.45 UnitOfMeasure.
_SCALED: Final[dict[str, tuple[str, Decimal]]] = {
    "kWh": ("Wh", Decimal(1000)),
    "kvarh": ("varh", Decimal(1000)),
    "kW": ("W", Decimal(1000)),
    "kvar": ("var", Decimal(1000)),
    "kVA": ("VA", Decimal(1000)),
}
CELSIUS: Final = "Celsius"
# Units whose values `convert` changes (scaled, or to Celsius).
_CONVERTED: Final = frozenset({*_SCALED, "Fahrenheit", "K"})

# OCPP 1.6 §7.43/§7.45: the unit defaults to Wh for energy; other measurands get the
# unit their definition implies (§7.31: "the UnitOfMeasure for ... Frequency is Hertz").
_DEFAULT_UNIT_BY_PREFIX: Final = (
    ("Energy.Active.", "Wh"),
    ("Energy.Reactive.", "varh"),
    ("Power.Active", "W"),
    ("Power.Offered", "W"),
    ("Power.Reactive", "var"),
    ("Current.", "A"),
    ("Voltage", "V"),
    ("Frequency", "Hz"),
    ("SoC", "Percent"),
    ("Temperature", CELSIUS),
)

_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


class MeterSample(NamedTuple):
    """One sampled value, as reported and as normalised.

    `value` is None for SignedData (kept in `signed_data`) and for values that are not a
    decimal number (`unparseable`).

    A NamedTuple rather than a frozen dataclass: just as immutable, but built about four
    times faster (a frozen dataclass sets each field through ``object.__setattr__``), and
    every sampled value of every MeterValues builds one (docs/adr/0003-hot-path.md).
    """

    at: datetime
    value_raw: str
    value: float | None
    unit: str | None
    unit_raw: str | None = "Wh"
    measurand: str = ENERGY_IMPORT_REGISTER
    phase: str | None = None
    location: str = DEFAULT_LOCATION
    context: str = DEFAULT_CONTEXT
    format: str = RAW
    signed_data: str | None = None

    @property
    def unparseable(self) -> bool:
        """A Raw value that is not a decimal number (stored, never used in energy sums)."""
        return self.value is None and self.format != SIGNED_DATA

    @property
    def is_energy_register(self) -> bool:
        """True for a usable overall Energy.Active.Import.Register reading in Wh."""
        return (
            self.measurand == ENERGY_IMPORT_REGISTER
            and self.phase is None
            and self.value is not None
            and self.unit == "Wh"
        )


def default_unit(measurand: str) -> str | None:
    """The unit a sample of `measurand` has when the station omits it."""
    for prefix, unit in _DEFAULT_UNIT_BY_PREFIX:
        if measurand.startswith(prefix):
            return unit
    return None


def parse_decimal(text: str) -> Decimal | None:
    """Parse a finite decimal number; None for anything else ("NaN", "1,5", "")."""
    text = text.strip()
    if not _DECIMAL.fullmatch(text):
        return None
    return Decimal(text)


def convert(number: Decimal, unit: str | None) -> tuple[float, str | None]:
    """Convert a number in `unit` to its base unit; unknown units are kept as they are."""
    scaled = _SCALED.get(unit or "")
    if scaled is not None:
        return float(number * scaled[1]), scaled[0]
    if unit == "Fahrenheit":
        return float((number - 32) * 5 / 9), CELSIUS
    if unit == "K":
        return float(number - Decimal("273.15")), CELSIUS
    return float(number), unit


def normalise(
    at: datetime,
    value: str,
    *,
    measurand: str | None = None,
    phase: str | None = None,
    location: str | None = None,
    context: str | None = None,
    format: str | None = None,  # the SampledValue field name; shadows the builtin here only
    unit: str | None = None,
    signed_data: str | None = None,
) -> MeterSample:
    """Build a `MeterSample` from the fields of one reported sampled value.

    Args:
        at: the MeterValue timestamp (aware UTC).
        value: the sampled value string exactly as received.
        measurand, phase, location, context, format, unit: the optional SampledValue
            fields, None when absent; the OCPP 1.6 §7.43 defaults are applied here.
        signed_data: a signed meter value block sent beside a numeric value (2.0.1).
    """
    measurand = measurand or ENERGY_IMPORT_REGISTER
    fmt = format or RAW
    unit_raw = unit if unit is not None else default_unit(measurand)
    normalised: float | None
    if fmt == SIGNED_DATA:
        # OCPP 1.6 §7.49: the value is an opaque signed block; keep it, do not guess a number.
        normalised, base_unit = None, unit_raw
        if signed_data is None:
            signed_data = value
    else:
        normalised, base_unit = _normalised_value(value, unit_raw)
    return MeterSample(
        at,
        value,
        normalised,
        base_unit,
        unit_raw,
        measurand,
        phase,
        location or DEFAULT_LOCATION,
        context or DEFAULT_CONTEXT,
        fmt,
        signed_data,
    )


def normalise_number(
    at: datetime,
    value: float,
    *,
    multiplier: int = 0,
    measurand: str | None = None,
    phase: str | None = None,
    location: str | None = None,
    context: str | None = None,
    unit: str | None = None,
    signed_data: str | None = None,
) -> MeterSample:
    """`normalise` for a numeric sampled value with a power-of-ten multiplier (OCPP 2.0.1
    SampledValueType.value, UnitOfMeasureType: the value is `value` x 10^multiplier `unit`).

    The number is kept as reported in `value_raw` (integers without ".0"); a non-zero
    multiplier is kept in `unit_raw` ("kWh", multiplier 3 -> "kWh*10^3") and applied to the
    normalised value exactly (Decimal), before the unit's own conversion.
    """
    text = str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if not multiplier:
        measurand = measurand or ENERGY_IMPORT_REGISTER
        unit_raw = unit if unit is not None else default_unit(measurand)
        if unit_raw not in _CONVERTED and math.isfinite(value):
            # The number needs no conversion (most samples): skip re-parsing its text.
            return MeterSample(
                at,
                text,
                value,
                unit_raw,
                unit_raw,
                measurand,
                phase,
                location or DEFAULT_LOCATION,
                context or DEFAULT_CONTEXT,
                RAW,
                signed_data,
            )
    scaled = text if not multiplier else format(Decimal(text).scaleb(multiplier), "f")
    result = normalise(
        at,
        scaled,
        measurand=measurand,
        phase=phase,
        location=location,
        context=context,
        unit=unit,
        signed_data=signed_data,
    )
    if not multiplier:
        return result
    return result._replace(value_raw=text, unit_raw=f"{result.unit_raw}*10^{multiplier}")


def _normalised_value(value: str, unit: str | None) -> tuple[float | None, str | None]:
    """The value in its base unit, or (None, unit) when it is not a usable number.

    Hot path (every sampled value of every MeterValues): a unit that needs no scaling is
    converted by `float()` straight from the text, which rounds exactly as `float(Decimal)`
    does (both read the decimal string correctly rounded); only scaled units go through
    Decimal. A value too large for a double (1e400) is not usable either.

    `float()` reads the same decimal numbers as `parse_decimal` (surrounding whitespace
    included) plus three more forms: "inf"/"infinity" and "nan" (not finite, so refused
    below as `parse_decimal` refuses them) and digits grouped with "_" (refused
    explicitly). So `parse_decimal` and its pattern are only needed for the scaled units,
    whose text goes to Decimal, which reads "sNaN" as well and cannot turn it into a float.
    """
    if unit in _CONVERTED:
        decimal = parse_decimal(value)
        if decimal is None:
            return None, unit
        number, base_unit = convert(decimal, unit)
    else:
        try:
            number = float(value)
        except ValueError:
            return None, unit
        if "_" in value:
            return None, unit
        base_unit = unit
    if not math.isfinite(number):
        return None, unit
    return number, base_unit
