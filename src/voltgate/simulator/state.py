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
from typing import Any

from voltgate.simulator.ev import EvSession, MeterSample


@dataclass(frozen=True, slots=True)
class StartCharging:
    """Start a transaction on a connector for `id_tag` (a local start or a remote one).

    2.0.1 only: `remote_start_id` is the id of a RequestStartTransaction, which the station
    echoes in its TransactionEvent (F01.FR.25), and `token_type` the IdTokenEnumType of the
    idToken it gave (F01.FR.04); local starts use the drivers' cards (ISO14443).
    """

    id_tag: str
    remote: bool = True
    remote_start_id: int | None = None
    token_type: str | None = None


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

    Args:
        connectors: the connectors, ids 1..n.
        heartbeat_s: the heartbeat interval until the CSMS says otherwise.
        meter_s: the meter sample interval until the CSMS says otherwise.
        password: the HTTP Basic auth password the station connects with (None: none).
    """

    def __init__(
        self,
        connectors: list[ConnectorState],
        heartbeat_s: float,
        meter_s: float,
        *,
        password: str | None = None,
    ) -> None:
        self.connectors = connectors
        self.heartbeat_s = heartbeat_s
        self.meter_s = meter_s
        self.password = password
        self.heartbeat_fixed = False  # True when the user set --heartbeat-interval
        self.operative = True  # the station as a whole (1.6 connector 0)
        self.registration = ""  # status of the last BootNotification answer
        self.reset_scheduled = False  # a reset waits for the running transactions to end

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
