"""The memory of a simulated station: connectors, their transactions, configuration keys.

This state outlives a WebSocket connection, like a real station's: a transaction that was
running when the socket dropped goes on after the reconnect. The I/O side (`station.py`) reads
and changes it; the answers to CSMS commands (`responders.py`) decide on it without any I/O.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from datetime import datetime

from voltgate.simulator.ev import EvSession, MeterSample


@dataclass(frozen=True, slots=True)
class StartCharging:
    """Start a transaction on a connector for `id_tag` (RemoteStartTransaction)."""

    id_tag: str
    remote: bool = True


@dataclass(frozen=True, slots=True)
class StopCharging:
    """Stop the connector's transaction with an OCPP 1.6 stop `reason` (§7.36)."""

    reason: str


ConnectorCommand = StartCharging | StopCharging


@dataclass(slots=True)
class ActiveTransaction:
    """A transaction the CSMS acknowledged with `transaction_id`."""

    transaction_id: int
    id_tag: str
    ev: EvSession
    started_at: datetime
    started_s: float  # monotonic seconds at start, for the EV's elapsed time
    ends_s: float  # monotonic seconds when the driver will unplug
    begin: MeterSample
    pooled: bool  # the tag came from the TagPool and goes back at the end


@dataclass(slots=True)
class ConnectorState:
    """One connector (1-based id) with its status, availability and transaction."""

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


@dataclass(slots=True)
class ConfigKey:
    """One OCPP 1.6 configuration key (§9.1) as GetConfiguration.conf reports it."""

    value: str
    readonly: bool = False
    integer: bool = False


def core_configuration(connectors: int, heartbeat_s: float, meter_s: float) -> dict[str, ConfigKey]:
    """The Core profile keys of OCPP 1.6 §9.1 with the values a typical AC station reports."""
    return {
        "AllowOfflineTxForUnknownId": ConfigKey("false"),
        "AuthorizationCacheEnabled": ConfigKey("true"),
        "AuthorizeRemoteTxRequests": ConfigKey("false"),
        "ClockAlignedDataInterval": ConfigKey("0", integer=True),
        "ConnectionTimeOut": ConfigKey("60", integer=True),
        "ConnectorPhaseRotation": ConfigKey(",".join(f"{n}.RST" for n in range(connectors + 1))),
        "GetConfigurationMaxKeys": ConfigKey("50", readonly=True, integer=True),
        "HeartbeatInterval": ConfigKey(str(round(heartbeat_s)), integer=True),
        "LocalAuthorizeOffline": ConfigKey("true"),
        "LocalPreAuthorize": ConfigKey("false"),
        "MeterValuesAlignedData": ConfigKey("Energy.Active.Import.Register"),
        "MeterValuesSampledData": ConfigKey(
            "Energy.Active.Import.Register,Power.Active.Import,Current.Import,SoC"
        ),
        "MeterValueSampleInterval": ConfigKey(str(round(meter_s)), integer=True),
        "NumberOfConnectors": ConfigKey(str(connectors), readonly=True, integer=True),
        "ResetRetries": ConfigKey("3", integer=True),
        "StopTransactionOnEVSideDisconnect": ConfigKey("true"),
        "StopTransactionOnInvalidId": ConfigKey("true"),
        "StopTxnAlignedData": ConfigKey(""),
        "StopTxnSampledData": ConfigKey("Energy.Active.Import.Register"),
        "SupportedFeatureProfiles": ConfigKey("Core,RemoteTrigger", readonly=True),
        "TransactionMessageAttempts": ConfigKey("3", integer=True),
        "TransactionMessageRetryInterval": ConfigKey("60", integer=True),
        "UnlockConnectorOnEVSideDisconnect": ConfigKey("true"),
        "WebSocketPingInterval": ConfigKey("0", integer=True),
    }


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
    """Everything a station remembers across reconnects.

    Args:
        connectors: the connectors, ids 1..n.
        heartbeat_s: the heartbeat interval until the CSMS says otherwise.
        meter_s: the MeterValues sample interval until the CSMS says otherwise.
    """

    def __init__(self, connectors: list[ConnectorState], heartbeat_s: float, meter_s: float):
        self.connectors = connectors
        self.configuration = core_configuration(len(connectors), heartbeat_s, meter_s)
        self.heartbeat_s = heartbeat_s
        self.meter_s = meter_s
        self.heartbeat_fixed = False  # True when the user set --heartbeat-interval
        self.operative = True  # connector 0: the station as a whole

    def connector(self, connector_id: int) -> ConnectorState | None:
        """Connector `connector_id` (1-based), or None if the station has no such connector."""
        if 1 <= connector_id <= len(self.connectors):
            return self.connectors[connector_id - 1]
        return None

    def with_transaction(self, transaction_id: int) -> ConnectorState | None:
        """The connector whose running transaction has `transaction_id`."""
        for connector in self.connectors:
            if connector.transaction and connector.transaction.transaction_id == transaction_id:
                return connector
        return None

    def set_heartbeat(self, seconds: float) -> None:
        """Adopt a heartbeat interval from BootNotification.conf or ChangeConfiguration."""
        self.heartbeat_s = seconds
        self.configuration["HeartbeatInterval"].value = str(round(seconds))
