"""The natural keys of stored readings never change from one release to the next.

A station retries a MeterValues after a reconnect, perhaps to a server upgraded meanwhile;
the retry is recognised only if its key is the one stored (`domain.keys.record_keys`).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from voltgate.domain.keys import record_keys
from voltgate.domain.meter import normalise

# Computed by the code of 2026-12-07 (35cb8cd).
EXPECTED = "8006620708fb64502d23a3ddb289ece1"


def test_a_reading_key_is_the_one_stored_before() -> None:
    at = datetime(2026, 12, 7, 9, 30, 15, 250000, tzinfo=timezone(timedelta(hours=1)))
    samples = [normalise(at, "1500", measurand="Energy.Active.Import.Register", unit="Wh")]
    [key] = record_keys("CP-1", 1, 1, "t7", [(at, samples)])
    assert key.hex() == EXPECTED
