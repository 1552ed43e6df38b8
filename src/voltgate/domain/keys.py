"""Natural keys: how a retried or replayed message is recognised as already stored.

Stations retry transaction-related messages (OCPP 1.6 §3.7.1) and the CSMS retries a batch
after an ambiguous commit, so every insert is idempotent: it carries a key derived from the
facts that identify it, and storage inserts it with "on conflict do nothing". The rules for
which facts identify what live here, in one place.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from voltgate.domain.meter import MeterSample

_SEP = "\x1f"


def natural_key(*parts: object) -> bytes:
    """A 16-byte digest of `parts` (datetimes compared as UTC instants, None kept distinct)."""
    text = _SEP.join(_text(part) for part in parts)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def start_key(
    station_id: str,
    evse_id: int,
    connector_id: int,
    id_tag: str,
    timestamp: datetime,
    meter_start_wh: int,
) -> bytes:
    """A StartTransaction is the same one when all of these are equal."""
    return natural_key(
        "start", station_id, evse_id, connector_id, id_tag, timestamp, meter_start_wh
    )


def unmatched_stop_key(
    station_id: str, reported_id: int, timestamp: datetime, meter_stop_wh: int
) -> bytes:
    """A Stop for an unknown transaction id is the same one when all of these are equal."""
    return natural_key("unmatched-stop", station_id, reported_id, timestamp, meter_stop_wh)


def remote_start_key(station_id: str, remote_id: str) -> bytes:
    """A transaction with a station-assigned id (OCPP 2.0.1) is identified by that id."""
    return natural_key("remote", station_id, remote_id)


def sample_key(
    station_id: str,
    evse_id: int,
    connector_id: int,
    transaction_ref: str,
    sample: MeterSample,
) -> bytes:
    """One sampled value: where, which transaction, when, and what was measured."""
    return sample_keys(station_id, evse_id, connector_id, transaction_ref, [sample])[0]


def sample_keys(
    station_id: str,
    evse_id: int,
    connector_id: int,
    transaction_ref: str,
    samples: Sequence[MeterSample],
) -> list[bytes]:
    """`sample_key` of each sample; the shared prefix is hashed once (MeterValues hot path)."""
    prefix = hashlib.blake2b(
        _SEP.join((station_id, str(evse_id), str(connector_id), transaction_ref, "")).encode(),
        digest_size=16,
    )
    keys = []
    for sample in samples:
        at = sample.at if sample.at.tzinfo is UTC else sample.at.astimezone(UTC)
        digest = prefix.copy()
        digest.update(
            _SEP.join(
                (
                    at.isoformat(),
                    sample.measurand,
                    "\x00" if sample.phase is None else sample.phase,
                    sample.location,
                    sample.context,
                )
            ).encode()
        )
        keys.append(digest.digest())
    return keys


def event_key(
    station_id: str,
    kind: str,
    at: datetime | None,
    payload: Mapping[str, Any],
    message_id: str | None = None,
) -> bytes:
    """A station event is the same one when station, kind, time and payload are equal.

    An event without a timestamp of its own (FirmwareStatusNotification, DataTransfer, …) is
    told apart by the OCPP message id instead: the same id with the same content after a
    reconnect is a retry, while a second "Downloading" under a new id is a new event.
    """
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return natural_key("event", station_id, kind, at, message_id if at is None else None, canonical)


def _text(part: object) -> str:
    if part is None:
        return "\x00"
    if isinstance(part, datetime):
        return part.astimezone(UTC).isoformat()
    return str(part)
