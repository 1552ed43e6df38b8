"""The memory of a simulated station: connectors, their transactions, registration, password.

This state outlives a WebSocket connection, like a real station's: a transaction that was
running when the socket dropped goes on after the reconnect. The I/O side (`station.py`, the
transaction flows) reads and changes it; the answers to CSMS commands (the responders of each
version) decide on it without any I/O.

`StationState` holds what every OCPP version has; each version adds its own settings store in
a subclass (`v16.state.V16State`: configuration keys, `v201.state.V201State`: device model
variables) and keeps it in step with `set_heartbeat`.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from voltgate.simulator.certificates import CertificateStore
from voltgate.simulator.clock import Now
from voltgate.simulator.composite import Charging, evse_limit
from voltgate.simulator.ev import EvSession, MeterSample
from voltgate.simulator.local_list import LocalList
from voltgate.simulator.profiles import ChargingProfiles
from voltgate.simulator.reservations import Reservations

if TYPE_CHECKING:  # activities.py builds follow-ups, which name the commands defined here
    from voltgate.simulator.activities import Activity


@dataclass(frozen=True, slots=True)
class StartCharging:
    """Start a transaction on a connector for `id_tag` (a local start or a remote one).

    2.0.1 only: `remote_start_id` is the id of a RequestStartTransaction, which the station
    echoes in its TransactionEvent (F01.FR.25), and `token_type` the IdTokenEnumType of the
    idToken it gave (F01.FR.04); local starts use the drivers' cards (ISO14443).
    `reservation_id` is the reservation the transaction uses up (1.6 §5.13, H01.FR.15).
    """

    id_tag: str
    remote: bool = True
    remote_start_id: int | None = None
    token_type: str | None = None
    reservation_id: int | None = None


@dataclass(frozen=True, slots=True)
class StopCharging:
    """Stop the connector's transaction.

    `reason` is the 1.6 stop reason (§7.36) or the 2.0.1 stoppedReason (ReasonEnumType);
    `trigger` is the 2.0.1 triggerReason of the Ended event (unused by 1.6).
    """

    reason: str
    trigger: str | None = None


ConnectorCommand = StartCharging | StopCharging


@dataclass(slots=True)
class ActiveTransaction:
    """A running transaction: its id, who started it and the EV behind it.

    1.6 ids are integers given by the CSMS; 2.0.1 ids are strings made by the station.
    """

    transaction_id: int | str
    id_tag: str
    ev: EvSession
    started_at: datetime
    started_s: float  # monotonic seconds at start, for the EV's elapsed time
    ends_s: float  # monotonic seconds when the driver will unplug
    begin: MeterSample
    pooled: bool  # the tag came from the TagPool and goes back at the end
    seq_no: int = 0  # 2.0.1: seqNo of the next TransactionEvent of this transaction
    ending: dict[str, Any] | None = None  # 2.0.1: the Ended event, resent as is until answered
    total_cost: float | None = None  # 2.0.1: the running cost the CSMS sent (CostUpdated, I02)

    def next_seq_no(self) -> int:
        """The seqNo for a new TransactionEvent, counting up from 0 (2.0.1 E01.FR.07)."""
        seq_no = self.seq_no
        self.seq_no += 1
        return seq_no


@dataclass(slots=True)
class ConnectorState:
    """One connector with its status, availability and transaction.

    In 1.6 `connector_id` is the connectorId; a 2.0.1 station has one EVSE per simulated
    connector, with evseId = `connector_id` and a single connector 1.
    """

    connector_id: int
    register_wh: int
    status: str = "Available"
    operative: bool = True
    operative_after_transaction: bool | None = None  # ChangeAvailability answered Scheduled
    transaction: ActiveTransaction | None = None
    starting: bool = False  # a start was promised (local or remote) but is not done yet
    commands: asyncio.Queue[ConnectorCommand] = field(default_factory=asyncio.Queue)
    idle: asyncio.Event = field(default_factory=asyncio.Event)  # set while no transaction runs

    def __post_init__(self) -> None:
        self.idle.set()

    @property
    def busy(self) -> bool:
        """Charging, or about to: a new start must be refused."""
        return self.transaction is not None or self.starting


class TagPool:
    """The idTags of the whole fleet; a tag is lent to one transaction at a time.

    Shared by all stations of a simulation (one event loop, so no lock is needed).
    """

    def __init__(self, tags: tuple[str, ...]) -> None:
        self._free = list(tags)

    def take(self, rng: random.Random) -> str | None:
        """A random free tag, or None when every tag is charging somewhere."""
        if not self._free:
            return None
        index = rng.randrange(len(self._free))
        self._free[index], self._free[-1] = self._free[-1], self._free[index]
        return self._free.pop()

    def give_back(self, tag: str) -> None:
        self._free.append(tag)

    @property
    def free(self) -> int:
        return len(self._free)


class StationState:
    """Everything a station remembers across reconnects, whatever its OCPP version.

    Besides connectors and intervals: its reservations, charging profiles, local
    authorization list and installed certificates (one module each), the jobs it reports on
    over time (`activities`), and its own real-time clock `now`, which answers that depend
    on the time (a composite schedule, an expired certificate) read.

    Args:
        connectors: the connectors, ids 1..n.
        heartbeat_s: the heartbeat interval until the CSMS says otherwise.
        meter_s: the meter sample interval until the CSMS says otherwise.
        now: the station's clock (aware UTC).
        progress_s: seconds between the status notifications of a job (a firmware update).
        password: the HTTP Basic auth password the station connects with (None: none).
    """

    EXCLUSIVE_TX_DEFAULTS = False  # 2.0.1 K01.FR.52/53; 1.6 lets an EVSE's profile overrule
    EVSE_MAX_W = 22_000.0  # every simulated EVSE is a 3-phase 32 A AC point

    def __init__(
        self,
        connectors: list[ConnectorState],
        heartbeat_s: float,
        meter_s: float,
        *,
        now: Now,
        progress_s: float = 1.0,
        password: str | None = None,
    ) -> None:
        self.connectors = connectors
        self.heartbeat_s = heartbeat_s
        self.meter_s = meter_s
        self.now = now
        self.progress_s = progress_s
        self.password = password
        self.heartbeat_fixed = False  # True when the user set --heartbeat-interval
        self.operative = True  # the station as a whole (1.6 connector 0)
        self.registration = ""  # status of the last BootNotification answer
        self.reset_scheduled = False  # a reset waits for the running transactions to end
        self.reservations = Reservations(connectors)
        self.profiles = ChargingProfiles(
            len(connectors), exclusive_defaults=self.EXCLUSIVE_TX_DEFAULTS
        )
        self.local_list = LocalList()
        self.certificate_store = CertificateStore()
        # The station's own certificates (CertificateSigned), PEM chains by certificate type.
        self.certificates: dict[str, str] = {}
        self.activities: dict[str, Activity] = {}  # the last job of each kind (activities.py)

    def connector(self, connector_id: int) -> ConnectorState | None:
        """Connector `connector_id` (1-based), or None if the station has no such connector."""
        if 1 <= connector_id <= len(self.connectors):
            return self.connectors[connector_id - 1]
        return None

    def with_transaction(self, transaction_id: int | str) -> ConnectorState | None:
        """The connector whose running transaction has `transaction_id`."""
        for connector in self.connectors:
            if connector.transaction and connector.transaction.transaction_id == transaction_id:
                return connector
        return None

    def set_heartbeat(self, seconds: float) -> None:
        """Adopt a heartbeat interval from the BootNotification answer or the CSMS's settings.

        Subclasses also write it into their settings store, so that reading the setting
        back over OCPP gives the interval in use.
        """
        self.heartbeat_s = seconds

    @property
    def accepts_new_transactions(self) -> bool:
        """The station as a whole may start transactions (operative, no reset waiting)."""
        return self.operative and not self.reset_scheduled

    def may_start(self, connector: ConnectorState, id_tag: str | None) -> bool:
        """Whether a transaction for `id_tag` (None: whoever comes) may start on the connector:
        free, operative, and not held by a reservation for someone else."""
        group = None if id_tag is None else self.local_list.group_of(id_tag)
        return (
            not connector.busy
            and connector.operative
            and self.accepts_new_transactions
            and self.reservations.allows(connector.connector_id, id_tag, group)
        )

    def claim_reservation(self, connector: ConnectorState, id_tag: str) -> int | None:
        """The id of the reservation a transaction for `id_tag` on the connector uses up."""
        group = self.local_list.group_of(id_tag)
        used = self.reservations.claim(connector.connector_id, id_tag, group)
        return None if used is None else used.id

    def idle_status(self, connector: ConnectorState) -> str:
        """The status of a connector without a transaction: Unavailable, Reserved or
        Available."""
        if not connector.operative:
            return "Unavailable"
        held = connector.connector_id in self.reservations.held_connectors()
        return "Reserved" if held else "Available"

    def refresh_reserved(self) -> list[int]:
        """Bring idle connectors' statuses in line with the reservations; the ids of those
        that changed (each then reports its status)."""
        changed = []
        for connector in self.connectors:
            if connector.busy or connector.status not in ("Available", "Reserved"):
                continue
            status = self.idle_status(connector)
            if status != connector.status:
                connector.status = status
                changed.append(connector.connector_id)
        return changed

    def running_transactions(self) -> dict[int, str]:
        """The id of the transaction running on each connector that has one."""
        return {
            c.connector_id: str(c.transaction.transaction_id)
            for c in self.connectors
            if c.transaction is not None
        }

    def charging(self) -> Charging:
        """What stacking the charging profiles needs (composite.py)."""
        running = {
            c.connector_id: (str(c.transaction.transaction_id), c.transaction.started_at)
            for c in self.connectors
            if c.transaction is not None
        }
        return Charging(self.profiles.all(), self.EVSE_MAX_W, len(self.connectors), running)

    def power_limit_w(self, connector: ConnectorState) -> float:
        """The power the connector's EV may draw now under the charging profiles."""
        now = self.now()
        return evse_limit(self.charging(), connector.connector_id, now, now).watts

    def activity_running(self, kind: str) -> bool:
        """Whether a job of `kind` (activities.py) still has statuses to report."""
        activity = self.activities.get(kind)
        return activity is not None and activity.running_at(self.now())
