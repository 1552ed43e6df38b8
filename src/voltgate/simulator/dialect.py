"""What differs between OCPP versions for a simulated station, behind one interface.

`SimulatedStation` (station.py) runs what every version shares: connecting and reconnecting,
the boot loop, heartbeats, one CALL in flight, answering the CSMS and running follow-ups.
A `Dialect` supplies the rest for one version: the BootNotification payload, the answers to
the CSMS's commands, the status reports, the transaction flow of a connector and the
version's own follow-ups. `v16.dialect.V16Dialect` and `v201.dialect.V201Dialect` are the two
implementations; `runner.DIALECTS` picks one by `SimulationConfig.version`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from voltgate.ocpp.errors import OcppError, OcppVersion
from voltgate.simulator.clock import Clock, Now
from voltgate.simulator.config import SimulationConfig
from voltgate.simulator.ev import initial_register
from voltgate.simulator.followups import Answer, Followup
from voltgate.simulator.link import Link
from voltgate.simulator.reservations import Reservation
from voltgate.simulator.state import ConnectorState, StationState, TagPool
from voltgate.simulator.stats import Stats

Payload = dict[str, Any]

DEFAULT_HEARTBEAT_S = 300.0  # until the BootNotification answer says otherwise
FIRMWARE = "voltgate-sim 1.0"

# Why a station boots, in the words of OCPP 2.0.1 (BootReasonEnumType); 1.6 has no such field.
POWER_UP = "PowerUp"
REMOTE_RESET = "RemoteReset"
TRIGGERED = "Triggered"


@dataclass(frozen=True, slots=True)
class StationContext:
    """What a dialect needs from its station and the run.

    Args:
        station_id: the station's identity.
        config: the run's settings.
        stats: where every CALL and error is counted.
        tags: the fleet's idTags, lent to one transaction at a time.
        rng: the station's own random source.
        clock: monotonic seconds; now: aware UTC time for payload timestamps.
        new_id: a fresh unique id (CALL message ids, 2.0.1 transaction ids).
    """

    station_id: str
    config: SimulationConfig
    stats: Stats
    tags: TagPool
    rng: random.Random
    clock: Clock
    now: Now
    new_id: Callable[[], str]

    def new_connectors(self) -> list[ConnectorState]:
        """The station's connectors, ids 1..n, each with its lifetime energy register."""
        return [
            ConnectorState(n, initial_register(self.rng))
            for n in range(1, self.config.connectors + 1)
        ]

    @property
    def heartbeat_s(self) -> float:
        """The heartbeat interval before the CSMS gives one: the user's, or the default."""
        return self.config.heartbeat_interval or DEFAULT_HEARTBEAT_S


class Dialect(Protocol):
    """One OCPP version's part of a simulated station; see the module docstring."""

    @property
    def version(self) -> OcppVersion:
        """The version spoken, which is also the WebSocket subprotocol offered."""
        ...

    @property
    def state(self) -> StationState:
        """The station's memory, with the version's own settings store."""
        ...

    def boot_payload(self, reason: str) -> Payload:
        """The BootNotification request; `reason` is a 2.0.1 BootReasonEnumType value."""
        ...

    def answer(self, action: str, payload: Payload) -> Answer:
        """Answer a CALL of the CSMS (no I/O).

        Raises:
            OcppError: the CALL is answered with this CALLERROR instead.
        """
        ...

    def refusal_while_rejected(self) -> OcppError | None:
        """The CALLERROR for a CSMS CALL while the boot is Rejected; None: stay silent."""
        ...

    async def report_statuses(self, link: Link) -> None:
        """Report every connector's status (after a boot or a reconnect)."""
        ...

    async def run_connector(self, link: Link, connector: ConnectorState) -> None:
        """Run the connector's transactions until cancelled."""
        ...

    async def follow_up(self, link: Link, followup: Followup) -> None:
        """Carry out a follow-up the station does not handle itself."""
        ...

    def reservation_ended(self, reservation: Reservation, status: str) -> list[Followup]:
        """What the station reports when a reservation lapses by itself (`status` Expired,
        or Removed with its connector); its connector's new status is reported apart."""
        ...


DialectFactory = Callable[[StationContext], Dialect]
