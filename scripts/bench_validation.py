"""Measure the cost of schema validation and model decoding on the hot path.

    .venv/bin/python scripts/bench_validation.py

Prints microseconds per call for a realistic OCPP 1.6 MeterValues payload (one meter value,
three sampled values), the message a busy CSMS receives most.
"""

from __future__ import annotations

import timeit
from collections.abc import Callable

import msgspec

from voltgate.ocpp import wire
from voltgate.ocpp.errors import OcppVersion
from voltgate.ocpp.messages import parse_message
from voltgate.ocpp.v16 import messages as m16
from voltgate.ocpp.validation import VersionValidators

METER_VALUES = {
    "connectorId": 1,
    "transactionId": 4711,
    "meterValue": [
        {
            "timestamp": "2024-05-01T10:00:00.123Z",
            "sampledValue": [
                {
                    "value": "12345.6",
                    "context": "Sample.Periodic",
                    "measurand": "Energy.Active.Import.Register",
                    "unit": "Wh",
                    "location": "Outlet",
                },
                {
                    "value": "7200",
                    "context": "Sample.Periodic",
                    "measurand": "Power.Active.Import",
                    "unit": "W",
                },
                {
                    "value": "31.8",
                    "context": "Sample.Periodic",
                    "measurand": "Current.Import",
                    "unit": "A",
                    "phase": "L1",
                },
            ],
        }
    ],
}


def per_call_us(function: Callable[[], object], number: int = 50_000) -> float:
    """Best of five runs, in microseconds per call."""
    timer = timeit.Timer(function)
    return min(timer.repeat(repeat=5, number=number)) / number * 1e6


def main() -> None:
    validators = VersionValidators(OcppVersion.V16)
    validators.check_request("MeterValues", METER_VALUES)  # compile outside the measurement
    text = f'[2,"1","MeterValues",{msgspec.json.encode(METER_VALUES).decode()}]'
    results = {
        "check_request(MeterValues)": per_call_us(
            lambda: validators.check_request("MeterValues", METER_VALUES)
        ),
        "parse_message(text)": per_call_us(lambda: parse_message(text)),
        "wire.decode(MeterValuesRequest)": per_call_us(
            lambda: wire.decode(m16.MeterValuesRequest, METER_VALUES)
        ),
    }
    for name, micros in results.items():
        print(f"{name:34} {micros:6.2f} µs")


if __name__ == "__main__":
    main()
