"""The memory of a simulated OCPP 1.6 station: the shared state plus its configuration keys."""

from __future__ import annotations

from dataclasses import dataclass

from voltgate.simulator.state import ConnectorState, StationState


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


class V16State(StationState):
    """A 1.6 station's memory: `StationState` plus the configuration keys of §9.1.

    Args:
        connectors: the connectors, ids 1..n.
        heartbeat_s: the heartbeat interval until the CSMS says otherwise.
        meter_s: the MeterValues sample interval until the CSMS says otherwise.
        password: the HTTP Basic auth password (security profile 1), None for none.
    """

    def __init__(
        self,
        connectors: list[ConnectorState],
        heartbeat_s: float,
        meter_s: float,
        *,
        password: str | None = None,
    ) -> None:
        super().__init__(connectors, heartbeat_s, meter_s, password=password)
        self.configuration = core_configuration(len(connectors), heartbeat_s, meter_s)

    def set_heartbeat(self, seconds: float) -> None:
        """Adopt a heartbeat interval and report it as the HeartbeatInterval key."""
        super().set_heartbeat(seconds)
        self.configuration["HeartbeatInterval"].value = str(round(seconds))
