"""Station events: notifications the CSMS stores as they came (audit trail, reconciliation).

DataTransfer, FirmwareStatusNotification, SecurityEventNotification and similar messages
carry no state the domain acts on yet; they are stored once per identical report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

STOP_CONFLICT = "StopTransactionConflict"
"""Kind recorded when a second, different stop arrives for a stopped transaction."""


@dataclass(frozen=True, slots=True)
class StationEvent:
    """One stored report: `kind` is the action name, `at` the station's timestamp if any."""

    station_id: str
    kind: str
    payload: dict[str, Any] = field(default_factory=dict)
    at: datetime | None = None
    received_at: datetime | None = None
