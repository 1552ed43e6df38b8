"""The memory of a simulated OCPP 1.6 station: the shared state plus its configuration keys."""

from __future__ import annotations

from dataclasses import dataclass

from voltgate.simulator.clock import Now
from voltgate.simulator.local_list import MAX_ENTRIES
from voltgate.simulator.profiles import MAX_PERIODS, MAX_PROFILES, MAX_STACK_LEVEL
from voltgate.simulator.state import ConnectorState, StationState

FEATURE_PROFILES = (
    "Core,FirmwareManagement,LocalAuthListManagement,Reservation,SmartCharging,RemoteTrigger"
)


@dataclass(slots=True)
class ConfigKey:
    """One OCPP 1.6 configuration key (§9.1) as GetConfiguration.conf reports it."""

    value: str
    readonly: bool = False
    integer: bool = False

    @property
    def boolean(self) -> bool:
        """A boolean key (§9: "true" or "false"), which keeps only those two values."""
        return self.value in ("true", "false")

    def accepts(self, value: str) -> bool:
        """Whether `value` fits the key's type (a non-negative integer, a boolean)."""
        if self.integer:
            return value.isdigit()
        return value in ("true", "false") if self.boolean else True


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
        "SupportedFeatureProfiles": ConfigKey(FEATURE_PROFILES, readonly=True),
        "TransactionMessageAttempts": ConfigKey("3", integer=True),
        "TransactionMessageRetryInterval": ConfigKey("60", integer=True),
        "UnlockConnectorOnEVSideDisconnect": ConfigKey("true"),
        "WebSocketPingInterval": ConfigKey("0", integer=True),
        # §9.2 Local Auth List Management, §9.3 Reservation, §9.4 Smart Charging
        "LocalAuthListEnabled": ConfigKey("true"),
        "LocalAuthListMaxLength": ConfigKey(str(MAX_ENTRIES), readonly=True, integer=True),
        "SendLocalListMaxLength": ConfigKey(str(MAX_ENTRIES), readonly=True, integer=True),
        "ReserveConnectorZeroSupported": ConfigKey("true", readonly=True),
        "ChargeProfileMaxStackLevel": ConfigKey(str(MAX_STACK_LEVEL), readonly=True, integer=True),
        "ChargingScheduleAllowedChargingRateUnit": ConfigKey("Current,Power", readonly=True),
        "ChargingScheduleMaxPeriods": ConfigKey(str(MAX_PERIODS), readonly=True, integer=True),
        "MaxChargingProfilesInstalled": ConfigKey(str(MAX_PROFILES), readonly=True, integer=True),
    }


class V16State(StationState):
    """A 1.6 station's memory: `StationState` plus the configuration keys of §9.1.

    Args:
        connectors: the connectors, ids 1..n.
        heartbeat_s: the heartbeat interval until the CSMS says otherwise.
        meter_s: the MeterValues sample interval until the CSMS says otherwise.
        now: the station's clock; progress_s: seconds between a job's status notifications.
        password: the HTTP Basic auth password (security profile 1), None for none.
    """

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
        super().__init__(
            connectors, heartbeat_s, meter_s, now=now, progress_s=progress_s, password=password
        )
        self.configuration = core_configuration(len(connectors), heartbeat_s, meter_s)

    @property
    def local_list_enabled(self) -> bool:
        """LocalAuthListEnabled (§9.2): the list is kept and its version reported."""
        return self.configuration["LocalAuthListEnabled"].value == "true"

    def set_heartbeat(self, seconds: float) -> None:
        """Adopt a heartbeat interval and report it as the HeartbeatInterval key."""
        super().set_heartbeat(seconds)
        self.configuration["HeartbeatInterval"].value = str(round(seconds))
