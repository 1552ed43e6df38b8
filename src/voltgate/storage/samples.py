"""The packed `samples` column of `meter_values`: a meterValue element's sampled values as JSON.

One row per meterValue element instead of one per sampled value: a typical MeterValues
message carries one timestamp with several sampled values, and every row costs its unique
key, two index entries and two foreign-key checks, which made the per-sample rows most of
the storage CPU per message (docs/adr/0003-hot-path.md).

Each sample is one JSON object with the fields of `domain.meter.MeterSample` (what the
station reported, with the OCPP defaults applied, and the normalised value and unit) plus
its suspect flags; absent (None) fields and empty flags are left out::

    [{"measurand":"Energy.Active.Import.Register","location":"Outlet",
      "context":"Sample.Periodic","format":"Raw","value_raw":"1500","unit_raw":"Wh",
      "value":1500.0,"unit":"Wh"}, ...]

PostgreSQL stores it as ``json`` (not ``jsonb``, whose parse on insert cost more: migration
0015), so it can be queried with PostgreSQL's JSON functions, or cast
(``samples::jsonb @> '[{"measurand": ...}]'``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from voltgate.domain.meter import MeterSample
from voltgate.domain.transactions import NO_FLAGS, SuspectFlag
from voltgate.storage.types import decode_flags


# Not compiled with mypyc (pyproject.toml): mypyc makes this class something msgspec no
# longer treats as a Struct, and the packed text then fails to decode (ADR 0003 §29). What
# builds it once per stored MeterValues is compiled, apart: `storage.packing`.
class PackedSample(msgspec.Struct, omit_defaults=True):
    measurand: str
    location: str
    context: str
    format: str
    value_raw: str
    unit_raw: str | None = None
    value: float | None = None
    unit: str | None = None
    phase: str | None = None
    signed_data: str | None = None
    flags: str = ""


_decode = msgspec.json.Decoder(list[PackedSample]).decode


def unpack(
    stored: str | bytes | list[Any], at: datetime
) -> tuple[tuple[MeterSample, ...], tuple[frozenset[SuspectFlag], ...]]:
    """The samples (taken at `at`) and their flags, from the JSON `packing.pack` made.

    SQLite returns the text; asyncpg returns it already parsed (SQLAlchemy's JSON codec).
    """
    if isinstance(stored, str | bytes):
        packed = _decode(stored)
    else:
        packed = msgspec.convert(stored, list[PackedSample])
    samples = tuple(
        MeterSample(
            at=at,
            value_raw=p.value_raw,
            value=p.value,
            unit=p.unit,
            unit_raw=p.unit_raw,
            measurand=p.measurand,
            phase=p.phase,
            location=p.location,
            context=p.context,
            format=p.format,
            signed_data=p.signed_data,
        )
        for p in packed
    )
    flags = tuple(decode_flags(p.flags) if p.flags else NO_FLAGS for p in packed)
    return samples, flags
