"""The memory of a simulated OCPP 2.0.1 station: the shared state plus its device model."""

from __future__ import annotations

from voltgate.simulator.state import ConnectorState, StationState
from voltgate.simulator.v201.device_model import (
    AUTHORIZE_REMOTE_START,
    AVAILABILITY_STATE,
    BASIC_AUTH_PASSWORD,
    HEARTBEAT_INTERVAL,
    TX_UPDATED_INTERVAL,
    DeviceModel,
    VariableKey,
)


class V201State(StationState):
    """A 2.0.1 station's memory: `StationState`, its device model and installed certificates.

    Settings the simulator acts on live in `StationState` (heartbeat and meter intervals,
    password) and are mirrored into the device model: `apply` and `set_heartbeat` keep the
    two in step, and availability states are read from the connectors when reported.

    Args:
        connectors: the connectors (one EVSE each), ids 1..n.
        heartbeat_s: the heartbeat interval until the CSMS says otherwise.
        meter_s: the TransactionEvent Updated interval until the CSMS says otherwise.
        device_model: the station's variables (device_model.standard_model).
        password: the HTTP Basic auth password, None for none.
    """

    def __init__(
        self,
        connectors: list[ConnectorState],
        heartbeat_s: float,
        meter_s: float,
        *,
        device_model: DeviceModel,
        password: str | None = None,
    ) -> None:
        super().__init__(connectors, heartbeat_s, meter_s, password=password)
        self.device_model = device_model
        # Certificates the CSMS installed with CertificateSigned, PEM by certificateType.
        self.certificates: dict[str, str] = {}

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
        """The Actual value of a variable as GetVariables and reports give it."""
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
