"""The sampled values of a MeterValues or TransactionEvent payload, as domain `MeterSample`s.

Every MeterValues (1.6) and TransactionEvent with meter values (2.0.1) turns each of its
sampled values into a `MeterSample`, six or more per message. This module is compiled with
the rest of the per-message path (docs/adr/0007-compiled-hot-path.md), so that loop runs as
native code and calls `domain.meter` directly; the handlers themselves stay interpreted
(the router reads their type hints).
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from voltgate.domain.meter import MeterSample, normalise, normalise_number
from voltgate.ocpp.v16 import messages as m16
from voltgate.ocpp.v201 import messages as m201


def v16_samples(meter_values: Iterable[m16.MeterValue]) -> list[MeterSample]:
    """The domain samples of 1.6 MeterValue elements (MeterValues, StopTransaction's
    transactionData; OCPP 1.6 §7.31, §7.45)."""
    return [
        normalise(
            mv.timestamp,
            sv.value,
            context=sv.context,
            format=sv.format,
            measurand=sv.measurand,
            phase=sv.phase,
            location=sv.location,
            unit=sv.unit,
        )
        for mv in meter_values
        for sv in mv.sampled_value
    ]


def v201_samples(meter_values: Iterable[m201.MeterValue]) -> list[MeterSample]:
    """The domain samples of 2.0.1 MeterValueType elements (J01, 2.0.1 part 2 §2.50)."""
    samples = []
    for mv in meter_values:
        for sv in mv.sampled_value:
            unit_of_measure = sv.unit_of_measure
            signed = sv.signed_meter_value
            samples.append(
                normalise_number(
                    mv.timestamp,
                    sv.value,
                    multiplier=0 if unit_of_measure is None else unit_of_measure.multiplier or 0,
                    measurand=sv.measurand,
                    phase=sv.phase,
                    location=sv.location,
                    context=sv.context,
                    unit=None if unit_of_measure is None else unit_of_measure.unit,
                    # A signed meter value is kept whole (data, signing and encoding method,
                    # public key).
                    signed_data=None if signed is None else msgspec.json.encode(signed).decode(),
                )
            )
    return samples
