"""Meter values as stored: records (one meterValue element each) and readings (one sample).

A station reports meter values as meterValue elements: one timestamp with its sampled
values (OCPP 1.6 §7.10). Storage keeps each element as one `MeterRecord`; `MeterReading` is
one sample of it with where it was taken and its flags, the shape the use cases return.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from voltgate.domain.meter import MeterSample
from voltgate.domain.transactions import NO_FLAGS, SuspectFlag


@dataclass(frozen=True, slots=True)
class MeterReading:
    """A sample as stored: where it was taken, which transaction it belongs to, its flags.

    `transaction_id` is set when the sample belongs to a known transaction;
    `reported_transaction_id` keeps the id the station sent (also when it is unknown).
    `key` is the natural key of the `MeterRecord` the sample was stored in.
    """

    key: bytes
    station_id: str
    evse_id: int
    connector_id: int
    transaction_id: int | None
    reported_transaction_id: int | None
    sample: MeterSample
    flags: frozenset[SuspectFlag] = NO_FLAGS


class MeterRecord(NamedTuple):
    """One meterValue element as stored: the samples a station took at one instant.

    Storage keeps one row per record (not per sample): a MeterValues message usually has one
    meterValue element with several sampled values, and one row with the samples packed
    costs a fraction of one row each (docs/adr/0003-hot-path.md). `flags[i]` are the flags
    of `samples[i]`; `key` is the natural key (`voltgate.domain.keys.record_keys`).

    A NamedTuple, as `meter.MeterSample`: every MeterValues and TransactionEvent with meter
    values builds one in the writer, where a frozen dataclass costs ``object.__setattr__``
    per field (docs/adr/0003-hot-path.md §16).
    """

    key: bytes
    station_id: str
    evse_id: int
    connector_id: int
    transaction_id: int | None
    reported_transaction_id: int | None
    at: datetime
    samples: tuple[MeterSample, ...]
    flags: tuple[frozenset[SuspectFlag], ...]

    def readings(self) -> list[MeterReading]:
        """The record unpacked into one `MeterReading` per sample (sharing its key)."""
        return [
            MeterReading(
                self.key,
                self.station_id,
                self.evse_id,
                self.connector_id,
                self.transaction_id,
                self.reported_transaction_id,
                sample,
                flags,
            )
            for sample, flags in zip(self.samples, self.flags, strict=True)
        ]
