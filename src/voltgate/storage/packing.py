"""Packing a meterValue element's samples as the `samples` column's JSON (`storage.samples`
defines the format).

Apart from `storage.samples` so that it is compiled with the rest of the per-message path
(pyproject.toml's mypyc list): it runs once per stored MeterValues, and interpreted its
loop cost more than the encoding. The msgspec Struct it builds must stay interpreted
(`storage.samples`).
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from voltgate.domain.meter import MeterSample
from voltgate.domain.transactions import SuspectFlag
from voltgate.storage.samples import PackedSample
from voltgate.storage.types import encode_flags

_encode = msgspec.json.Encoder().encode


def pack(samples: Sequence[MeterSample], flags: Sequence[frozenset[SuspectFlag]]) -> str:
    """The JSON text of `samples`, each with its flags."""
    return _encode(
        [
            PackedSample(
                s.measurand,
                s.location,
                s.context,
                s.format,
                s.value_raw,
                s.unit_raw,
                s.value,
                s.unit,
                s.phase,
                s.signed_data,
                encode_flags(f) if f else "",
            )
            for s, f in zip(samples, flags, strict=True)
        ]
    ).decode()
