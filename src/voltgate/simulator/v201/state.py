"""The memory of a simulated OCPP 2.0.1 station: the shared state plus its device model."""

from __future__ import annotations

from voltgate.ocpp.v201 import messages as m
from voltgate.simulator.clock import Now
from voltgate.simulator.state import ConnectorState, StationState
from voltgate.simulator.v201.device_model import (
    AUTHORIZE_REMOTE_START,
    AVAILABILITY_STATE,
    BASIC_AUTH_PASSWORD,
    DISPLAY_MESSAGES,
    HEARTBEAT_INTERVAL,
    LOCAL_LIST_ENTRIES,
    PROFILE_ENTRIES,
    TX_UPDATED_INTERVAL,
    DeviceModel,
    VariableKey,
)
from voltgate.simulator.v201.monitoring import Monitors


class V201State(StationState):
    """A 2.0.1 station's memory: `StationState`, its device model, monitors, display messages
    and network profiles.

    Settings the simulator acts on live in `StationState` (heartbeat and meter intervals,
    password) and are mirrored into the device model: `apply` and `set_heartbeat` keep the
    two in step, and availability states are read from the connectors when reported.

    Args:
        connectors: the connectors (one EVSE each), ids 1..n.
        heartbeat_s: the heartbeat interval until the CSMS says otherwise.
        meter_s: the TransactionEvent Updated interval until the CSMS says otherwise.
        device_model: the station's variables (device_model.standard_model).
        now: the station's clock; progress_s: seconds between a job's status notifications.
        password: the HTTP Basic auth password, None for none.
    """

    EXCLUSIVE_TX_DEFAULTS = True  # K01.FR.52/53

    def __init__(
        self,
        connectors: list[ConnectorState],
        heartbeat_s: float,
        meter_s: float,
        *,
        device_model: DeviceModel,
        now: Now,
        progress_s: float = 1.0,
        password: str | None = None,
    ) -> None:
        super().__init__(
            connectors, heartbeat_s, meter_s, now=now, progress_s=progress_s, password=password
        )
        self.device_model = device_model
        self.monitors = Monitors()  # N04-N06 (monitoring.py)
        self.display_messages: dict[int, m.MessageInfo] = {}  # O01-O05, by message id
        self.network_profiles: dict[int, m.NetworkConnectionProfile] = {}  # B09, by slot
        self.published: dict[str, str] = {}  # L03: URI of each published firmware, by checksum

    def transaction_ended(self, transaction_id: str) -> None:
        """Forget what was only for a transaction that ended: its display messages
        (MessageInfoType.transactionId: removed after the transaction has ended)."""
        for message_id, message in list(self.display_messages.items()):
            if message.transaction_id == transaction_id:
                del self.display_messages[message_id]

    def set_heartbeat(self, seconds: float) -> None:
        """Adopt a heartbeat interval and report it as OCPPCommCtrlr.HeartbeatInterval."""
        super().set_heartbeat(seconds)
        self.device_model.settings[HEARTBEAT_INTERVAL].value = str(round(seconds))

    def apply(self, key: VariableKey, value: str) -> None:
        """Store a value the CSMS set (already checked with `device_model.accepts`) and act
        on it: a new heartbeat or Updated interval at once, a new password from the next
        connection on (A01.FR.01; the value itself is write-only)."""
        if key == BASIC_AUTH_PASSWORD:
            self.password = value
            return
        self.device_model.settings[key].value = value
        if key == HEARTBEAT_INTERVAL:
            self.heartbeat_s = float(value)
        elif key == TX_UPDATED_INTERVAL:
            self.meter_s = float(value)

    def value_of(self, key: VariableKey) -> str:
        """The Actual value of a variable as GetVariables and reports give it; counts of what
        the station holds are read from it."""
        counts = {
            LOCAL_LIST_ENTRIES: lambda: len(self.local_list),
            PROFILE_ENTRIES: lambda: len(self.profiles.all()),
            DISPLAY_MESSAGES: lambda: len(self.display_messages),
        }
        if key in counts:
            return str(counts[key]())
        if key.variable == AVAILABILITY_STATE:
            if key.evse is None:
                return "Available" if self.operative else "Unavailable"
            connector = self.connector(key.evse)
            if connector is not None:
                return connector.status
        return self.device_model.settings[key].value

    @property
    def authorize_remote_start(self) -> bool:
        """AuthCtrlr.AuthorizeRemoteStart: a remote start authorizes its idToken first."""
        return self.device_model.settings[AUTHORIZE_REMOTE_START].value == "true"
