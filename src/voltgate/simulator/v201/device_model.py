"""A small, realistic OCPP 2.0.1 device model: the components and variables of the station.

The CSMS reads it with GetVariables (B06) and GetBaseReport (B07, sent back as NotifyReport),
and changes it with SetVariables (B05). Each variable has one attribute, Actual, with its
mutability and characteristics; the names follow the part 2 appendices (dm_components_vars).
Only what the simulator honours is writable: the heartbeat interval, the interval of
TransactionEvent Updated, whether remote starts authorize first, the Basic auth password
(write-only, A01) and a few settings without effect on behaviour.

Pure data and rules; `V201State` (state.py) owns the instance and applies what a change means.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from voltgate.ocpp.v201 import messages as m
from voltgate.simulator import local_list, profiles

AVAILABILITY_STATE = "AvailabilityState"
STATUS_VALUES = "Available,Occupied,Reserved,Unavailable,Faulted"  # ConnectorStatusEnumType
MEASURANDS = "Energy.Active.Import.Register,Power.Active.Import,Current.Import,SoC"
TX_POINTS = "ParkingBayOccupancy,EVConnected,Authorized,DataSigned,PowerPathClosed,EnergyTransfer"
# passwordString: 16 to 40 characters (part 2 appendices, SecurityCtrlr.BasicAuthPassword).
PASSWORD_LENGTH = (16, 40)
MAX_DISPLAY_MESSAGES = 10
DISPLAY_FORMATS = ("ASCII", "UTF8")  # O01: plain text; no HTML or URI content is shown
NETWORK_SLOTS = (1, 2)  # B09.FR.06: at least two configuration slots


@dataclass(frozen=True, slots=True)
class VariableKey:
    """Where a variable lives: component (with its EVSE, connector, instance) and variable."""

    component: str
    variable: str
    evse: int | None = None
    connector: int | None = None
    component_instance: str | None = None
    variable_instance: str | None = None

    @property
    def component_part(self) -> tuple[str, int | None, int | None, str | None]:
        return (self.component, self.evse, self.connector, self.component_instance)


HEARTBEAT_INTERVAL = VariableKey("OCPPCommCtrlr", "HeartbeatInterval")
TX_UPDATED_INTERVAL = VariableKey("SampledDataCtrlr", "TxUpdatedInterval")
AUTHORIZE_REMOTE_START = VariableKey("AuthCtrlr", "AuthorizeRemoteStart")
BASIC_AUTH_PASSWORD = VariableKey("SecurityCtrlr", "BasicAuthPassword")


@dataclass(slots=True)
class Setting:
    """A variable's Actual attribute and its characteristics (VariableCharacteristicsType)."""

    value: str
    data_type: m.DataEnum
    mutability: m.MutabilityEnum = "ReadOnly"
    unit: str | None = None
    min_limit: float | None = None
    max_limit: float | None = None  # for strings and lists: the maximum length
    values_list: str | None = None
    min_length: int = 0  # strings only; not reported (the characteristics have no such field)


def accepts(setting: Setting, value: str) -> bool:
    """Whether `value` is well formed and in range for `setting` (B05.FR.07, B05.FR.08)."""
    kind = setting.data_type
    if kind in ("integer", "decimal"):
        try:
            number = int(value) if kind == "integer" else float(value)
        except ValueError:
            return False
        low, high = setting.min_limit, setting.max_limit
        return (low is None or number >= low) and (high is None or number <= high)
    if setting.max_limit is not None and len(value) > setting.max_limit:
        return False
    if kind == "boolean":
        return value in ("true", "false")
    allowed = (setting.values_list or "").split(",")
    if kind == "OptionList":
        return value in allowed
    if kind in ("MemberList", "SequenceList"):
        return all(item in allowed for item in value.split(",")) if value else True
    return len(value) >= setting.min_length


class DeviceModel:
    """The station's variables by `VariableKey`, with lookups the way B05/B06 ask them."""

    def __init__(self, settings: dict[VariableKey, Setting]) -> None:
        self.settings = settings
        self._components = {key.component_part for key in settings}

    def find(
        self, component: m.Component, variable: m.Variable
    ) -> tuple[VariableKey, Setting] | m.GetVariableStatusEnum:
        """The variable a GetVariableData/SetVariableData names, or why there is none:
        UnknownComponent (B05.FR.04, B06.FR.06) or UnknownVariable (B05.FR.05, B06.FR.07)."""
        where = component.evse
        key = VariableKey(
            component.name,
            variable.name,
            evse=None if where is None else where.id,
            connector=None if where is None else where.connector_id,
            component_instance=component.instance,
            variable_instance=variable.instance,
        )
        if key.component_part not in self._components:
            return "UnknownComponent"
        setting = self.settings.get(key)
        return "UnknownVariable" if setting is None else (key, setting)

    def report(
        self, report_base: str, value_of: Callable[[VariableKey], str]
    ) -> list[m.ReportData]:
        """The ReportData of a base report (B07): every variable for FullInventory (B07.FR.08),
        the writable ones for ConfigurationInventory (B07.FR.07), the availability states for
        SummaryInventory (B07.FR.09). Write-only values are never reported."""
        chosen: Iterable[tuple[VariableKey, Setting]] = self.settings.items()
        if report_base == "ConfigurationInventory":
            chosen = [(k, s) for k, s in chosen if s.mutability != "ReadOnly"]
        elif report_base == "SummaryInventory":
            chosen = [(k, s) for k, s in chosen if k.variable == AVAILABILITY_STATE]
        return [_report_data(key, setting, value_of) for key, setting in chosen]

    def select(
        self,
        wanted: Sequence[m.ComponentVariable],
        criteria: Sequence[str],
        value_of: Callable[[VariableKey], str],
    ) -> list[m.ReportData]:
        """The ReportData of a GetReport (B08): the variables `wanted` names (all when
        empty, B08.FR.11/20/21) of the components meeting any of `criteria` (B08.FR.13):
        Active, Available, Enabled when that variable is true or absent (B08.FR.07/08/09),
        Problem when it is true (B08.FR.10)."""

        def meets(key: VariableKey, criterion: str) -> bool:
            flag = VariableKey(key.component, criterion, key.evse, key.connector,
                               key.component_instance)  # fmt: skip
            if flag not in self.settings:
                return criterion != "Problem"
            return value_of(flag) == "true"

        chosen = [
            (key, setting)
            for key, setting in self.settings.items()
            if (not wanted or any(names_variable(key, w) for w in wanted))
            and (not criteria or any(meets(key, c) for c in criteria))
        ]
        return [_report_data(key, setting, value_of) for key, setting in chosen]


def wire_component(key: VariableKey) -> m.Component:
    """The ComponentType of `key`."""
    where = None if key.evse is None else m.EVSE(id=key.evse, connector_id=key.connector)
    return m.Component(evse=where, name=key.component, instance=key.component_instance)


def wire_variable(key: VariableKey) -> m.Variable:
    """The VariableType of `key`."""
    return m.Variable(name=key.variable, instance=key.variable_instance)


def _report_data(
    key: VariableKey, setting: Setting, value_of: Callable[[VariableKey], str]
) -> m.ReportData:
    # B07.FR.11: a supported attribute is reported even without a value (a write-only one).
    value = None if setting.mutability == "WriteOnly" else value_of(key)
    attribute = m.VariableAttribute(type="Actual", value=value, mutability=setting.mutability)
    characteristics = m.VariableCharacteristics(
        unit=setting.unit,
        data_type=setting.data_type,
        min_limit=setting.min_limit,
        max_limit=setting.max_limit,
        values_list=setting.values_list,
        supports_monitoring=setting.mutability != "WriteOnly",  # N04 (monitoring.py)
    )
    return m.ReportData(
        component=wire_component(key),
        variable=wire_variable(key),
        variable_attribute=[attribute],
        variable_characteristics=characteristics,
    )


@dataclass(frozen=True, slots=True)
class Nameplate:
    """What the device model says about the station itself."""

    station_id: str
    vendor: str
    model: str
    evses: int
    heartbeat_s: float
    meter_s: float
    message_timeout_s: float
    security_profile: int
    max_power_w: float = 22_000.0


def standard_model(plate: Nameplate) -> DeviceModel:
    """The device model of a 3-phase AC station with `plate.evses` single-connector EVSEs."""
    rw: m.MutabilityEnum = "ReadWrite"
    s: dict[VariableKey, Setting] = {
        VariableKey("ChargingStation", AVAILABILITY_STATE): _availability(),
        VariableKey("ChargingStation", "Available"): Setting("true", "boolean"),
        VariableKey("ChargingStation", "Model"): Setting(plate.model, "string"),
        VariableKey("ChargingStation", "VendorName"): Setting(plate.vendor, "string"),
        VariableKey("ChargingStation", "SupplyPhases"): Setting("3", "integer"),
    }
    for n in range(1, plate.evses + 1):
        s[VariableKey("EVSE", AVAILABILITY_STATE, evse=n)] = _availability()
        s[VariableKey("EVSE", "Available", evse=n)] = Setting("true", "boolean")
        s[VariableKey("EVSE", "Power", evse=n)] = Setting(
            "0", "decimal", unit="W", min_limit=0, max_limit=plate.max_power_w
        )
        s[VariableKey("EVSE", "SupplyPhases", evse=n)] = Setting("3", "integer")
        s[VariableKey("Connector", AVAILABILITY_STATE, evse=n, connector=1)] = _availability()
        s[VariableKey("Connector", "Available", evse=n, connector=1)] = Setting("true", "boolean")
        s[VariableKey("Connector", "ConnectorType", evse=n, connector=1)] = Setting(
            "cType2", "string"
        )
        s[VariableKey("Connector", "SupplyPhases", evse=n, connector=1)] = Setting("3", "integer")
    s |= {
        HEARTBEAT_INTERVAL: Setting(
            str(round(plate.heartbeat_s)), "integer", rw, unit="s", min_limit=1
        ),
        VariableKey("OCPPCommCtrlr", "MessageTimeout", variable_instance="Default"): Setting(
            str(round(plate.message_timeout_s)), "integer", unit="s"
        ),
        VariableKey("OCPPCommCtrlr", "OfflineThreshold"): Setting(
            "300", "integer", rw, unit="s", min_limit=0
        ),
        TX_UPDATED_INTERVAL: Setting(
            str(round(plate.meter_s)), "integer", rw, unit="s", min_limit=1
        ),
        VariableKey("SampledDataCtrlr", "TxUpdatedMeasurands"): _list(MEASURANDS, MEASURANDS),
        VariableKey("SampledDataCtrlr", "TxStartedMeasurands"): _list(
            "Energy.Active.Import.Register", MEASURANDS
        ),
        VariableKey("SampledDataCtrlr", "TxEndedMeasurands"): _list(
            "Energy.Active.Import.Register", MEASURANDS
        ),
        AUTHORIZE_REMOTE_START: Setting("false", "boolean", rw),
        VariableKey("AuthCtrlr", "LocalPreAuthorize"): Setting("false", "boolean"),
        VariableKey("AuthCtrlr", "LocalAuthorizeOffline"): Setting("true", "boolean"),
        VariableKey("TxCtrlr", "TxStartPoint"): _list("Authorized,EVConnected", TX_POINTS),
        VariableKey("TxCtrlr", "TxStopPoint"): _list("Authorized,EVConnected", TX_POINTS),
        VariableKey("TxCtrlr", "EVConnectionTimeOut"): Setting(
            "60", "integer", rw, unit="s", min_limit=0
        ),
        VariableKey("TxCtrlr", "StopTxOnEVSideDisconnect"): Setting("true", "boolean"),
        VariableKey("TxCtrlr", "StopTxOnInvalidId"): Setting("true", "boolean"),
        BASIC_AUTH_PASSWORD: Setting(
            "", "string", "WriteOnly", max_limit=PASSWORD_LENGTH[1], min_length=PASSWORD_LENGTH[0]
        ),
        VariableKey("SecurityCtrlr", "Identity"): Setting(plate.station_id, "string"),
        VariableKey("SecurityCtrlr", "OrganizationName"): Setting(plate.vendor, "string", rw),
        VariableKey("SecurityCtrlr", "SecurityProfile"): Setting(
            str(plate.security_profile), "integer"
        ),
    }
    s |= _functional_blocks()
    for instance in ("GetReport", "GetVariables", "SetVariables"):
        s[VariableKey("DeviceDataCtrlr", "ItemsPerMessage", variable_instance=instance)] = Setting(
            "50", "integer"
        )
        s[VariableKey("DeviceDataCtrlr", "BytesPerMessage", variable_instance=instance)] = Setting(
            "65000", "integer"
        )
    return DeviceModel(s)


LOCAL_LIST_ENTRIES = VariableKey("LocalAuthListCtrlr", "Entries")
PROFILE_ENTRIES = VariableKey("SmartChargingCtrlr", "Entries", variable_instance="ChargingProfiles")
DISPLAY_MESSAGES = VariableKey("DisplayMessageCtrlr", "DisplayMessages")


def _functional_blocks() -> dict[VariableKey, Setting]:
    """The controllers of the blocks the simulator implements, with the limits it applies
    (reservations H, local list D, smart charging K, display messages O, network B09)."""
    yes = Setting("true", "boolean")
    blocks: dict[VariableKey, Setting] = {}
    for controller in ("ReservationCtrlr", "LocalAuthListCtrlr", "SmartChargingCtrlr",
                       "DisplayMessageCtrlr", "MonitoringCtrlr"):  # fmt: skip
        blocks[VariableKey(controller, "Available")] = yes
        blocks[VariableKey(controller, "Enabled")] = yes
    return blocks | {
        VariableKey("ReservationCtrlr", "NonEvseSpecific"): yes,  # H01.FR.18
        LOCAL_LIST_ENTRIES: Setting("0", "integer", max_limit=local_list.MAX_ENTRIES),
        VariableKey("SmartChargingCtrlr", "ProfileStackLevel"): Setting(
            str(profiles.MAX_STACK_LEVEL), "integer"
        ),
        VariableKey("SmartChargingCtrlr", "PeriodsPerSchedule"): Setting(
            str(profiles.MAX_PERIODS), "integer"
        ),
        PROFILE_ENTRIES: Setting("0", "integer", max_limit=profiles.MAX_PROFILES),
        VariableKey("SmartChargingCtrlr", "RateUnit"): _list("A,W", "A,W"),  # K01.FR.26
        VariableKey("SmartChargingCtrlr", "ExternalControlSignalsEnabled"): Setting(
            "false", "boolean"
        ),
        DISPLAY_MESSAGES: Setting("0", "integer", max_limit=MAX_DISPLAY_MESSAGES),
        VariableKey("DisplayMessageCtrlr", "SupportedFormats"): _list(
            ",".join(DISPLAY_FORMATS), ",".join(DISPLAY_FORMATS)
        ),
        VariableKey("DisplayMessageCtrlr", "SupportedPriorities"): _list(
            "AlwaysFront,InFront,NormalCycle", "AlwaysFront,InFront,NormalCycle"
        ),
        VariableKey("OCPPCommCtrlr", "NetworkConfigurationPriority"): Setting(
            "1",
            "SequenceList",
            values_list=",".join(map(str, NETWORK_SLOTS)),  # B09.FR.05/06
        ),
    }


def _availability() -> Setting:
    return Setting("Available", "OptionList", values_list=STATUS_VALUES)


def _list(value: str, allowed: str) -> Setting:
    return Setting(value, "MemberList", values_list=allowed)


def names_variable(key: VariableKey, wanted: m.ComponentVariable) -> bool:
    """Whether a ComponentVariable names `key`: a component without EVSE or instance names
    all of them, one without variable every variable (N02.FR.16-21, B08.FR.20/21)."""
    component, variable = wanted.component, wanted.variable
    if component.name != key.component:
        return False
    if component.instance is not None and component.instance != key.component_instance:
        return False
    if component.evse is not None:
        if component.evse.id != key.evse:
            return False
        if component.evse.connector_id not in (None, key.connector):
            return False
    if variable is None:
        return True
    if variable.name != key.variable:
        return False
    return variable.instance is None or variable.instance == key.variable_instance
