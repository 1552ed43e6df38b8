"""The shapes of reference endpoint 03 (`reference/03-ev-charging-device-info.txt`): EV
charging information per customer device, and its charge plan, in the reference's own
conventions.

Field names are PascalCase as the reference spells them (not our camelCase), the body is not
wrapped in ``{"data": ...}``, `ChargingMode` is the integer enum ``EvChargingModeEnumReq``,
decimals are JSON numbers, and times are written as .NET writes a DateTimeOffset
(``2025-05-19T22:44:01.1571182+00:00``; ours always in UTC, ``+00:00``). A time sent without
an offset is taken as UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictBool,
    StrictInt,
    StrictStr,
)

from voltgate.api.conventions import PRINTABLE
from voltgate.domain.customers import MAX_BATTERY_KWH, ChargingMode, DevicePath, EvChargingInfo
from voltgate.domain.smart_charging.planning import (
    BatterySize,
    ChargePlan,
    Missing,
    PlanStatus,
    Slot,
)

MODE_VALUES = {mode.value: mode.name.title() for mode in ChargingMode}
"""``EvChargingModeEnumReq``: 0 = Immediate, 1 = Smart (see `domain.customers.ChargingMode`)."""


def dotnet_time(value: datetime) -> str:
    """A time as .NET's JSON writes a DateTimeOffset: up to 7 fraction digits without
    trailing zeros, and the offset (ours: UTC, ``+00:00``)."""
    utc = value.astimezone(UTC)
    fraction = f"{utc.microsecond:06d}".rstrip("0")
    return f"{utc:%Y-%m-%dT%H:%M:%S}{'.' + fraction if fraction else ''}+00:00"


def dotnet_span(span: timedelta) -> str:
    """A duration as .NET writes a TimeSpan: ``hh:mm:ss``, or ``d.hh:mm:ss`` from a day on."""
    seconds = round(span.total_seconds())
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    text = f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"
    return f"{days}.{text}" if days else text


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _mode(value: int) -> ChargingMode:
    if value not in MODE_VALUES:
        described = ", ".join(f"{number} ({name})" for number, name in MODE_VALUES.items())
        raise ValueError(f"must be one of {described}")
    return ChargingMode(value)


Time = Annotated[
    datetime,
    AfterValidator(_as_utc),
    PlainSerializer(dotnet_time, return_type=str, when_used="json"),
]
Number = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]
Mode = Annotated[
    StrictInt,
    AfterValidator(_mode),
    Field(
        json_schema_extra={"enum": list(MODE_VALUES)},
        description="EvChargingModeEnumReq: 0 = Immediate (charge at full power when plugged "
        "in), 1 = Smart (full by FullyChargedBy, as late as is safe, while SmartModeIsActive "
        "is not false). Missing: 0.",
    ),
]
CarText = Annotated[StrictStr, Field(max_length=200, pattern=PRINTABLE)]
BatteryKwh = Annotated[Number, Field(gt=0, le=MAX_BATTERY_KWH, description="kWh")]
Percent = Annotated[Number, Field(ge=0, le=100, description="State of charge in percent.")]
Id = Annotated[StrictInt, Field(ge=1, le=2**31 - 1)]


class EvChargingInformationReq(BaseModel):
    """EvChargingInformationReq. The path is authoritative for the ids: a body id is
    optional and, when given, must name the same record as the path (`ContractId` is the
    contract number, `CustomerId` the customer id as a string)."""

    model_config = ConfigDict(extra="forbid", title="EvChargingInformationReq")

    ChargingMode: Mode = 0
    SmartModeIsActive: StrictBool | None = None
    CarInfoId: CarText | None = None
    CarManufacturer: CarText | None = None
    CarModel: CarText | None = None
    CarGeneration: CarText | None = None
    GrossBatterySize: BatteryKwh | None = None
    NetBatterySize: BatteryKwh | None = None
    BatteryLevel: Percent | None = None
    FullyChargedBy: Time | None = None
    CustomerId: Annotated[StrictStr, Field(max_length=20)] | StrictInt | None = None
    ContractId: StrictInt | None = None
    GatewayAssetId: StrictInt | None = None
    DeviceAssetId: StrictInt | None = None


class SmartChargeReq(BaseModel):
    """The two values a car reports while it waits: its battery level and when it must be
    full. Only the fields sent change; ``null`` clears one."""

    model_config = ConfigDict(extra="forbid", title="SmartChargeReq")

    BatteryLevel: Percent | None = None
    FullyChargedBy: Time | None = None


class EvChargingInformation(BaseModel):
    """The stored entity: the request's fields with the path's ids, and when it was created
    and last changed."""

    model_config = ConfigDict(title="EvChargingInformation")

    ChargingMode: Annotated[int, Field(json_schema_extra={"enum": list(MODE_VALUES)})]
    SmartModeIsActive: bool | None
    CarInfoId: str | None
    CarManufacturer: str | None
    CarModel: str | None
    CarGeneration: str | None
    GrossBatterySize: Number | None
    NetBatterySize: Number | None
    BatteryLevel: Number | None
    FullyChargedBy: Time | None
    CustomerId: str
    ContractId: int
    GatewayAssetId: int
    DeviceAssetId: int
    CreatedAt: Time
    UpdatedAt: Time

    @classmethod
    def of(cls, path: DevicePath, info: EvChargingInfo) -> EvChargingInformation:
        d = info.details
        return cls(
            ChargingMode=int(d.charging_mode),
            SmartModeIsActive=d.smart_mode_is_active,
            CarInfoId=d.car_info_id,
            CarManufacturer=d.car_manufacturer,
            CarModel=d.car_model,
            CarGeneration=d.car_generation,
            GrossBatterySize=d.gross_battery_kwh,
            NetBatterySize=d.net_battery_kwh,
            BatteryLevel=d.battery_level_percent,
            FullyChargedBy=d.fully_charged_by,
            CustomerId=str(path.customer.id),
            ContractId=path.contract.contract_no,
            GatewayAssetId=path.gateway.id,
            DeviceAssetId=path.device.id,
            CreatedAt=info.created_at,
            UpdatedAt=info.updated_at,
        )


PlanStatusName = Literal[
    "OnTime", "AlreadyFull", "DeadlinePassed", "DeadlineTooNear", "MissingData"
]
MissingName = Literal["BatterySize", "BatteryLevel", "ChargingPower"]

_STATUS: dict[PlanStatus, PlanStatusName] = {
    PlanStatus.ON_TIME: "OnTime",
    PlanStatus.ALREADY_FULL: "AlreadyFull",
    PlanStatus.DEADLINE_PASSED: "DeadlinePassed",
    PlanStatus.DEADLINE_TOO_NEAR: "DeadlineTooNear",
    PlanStatus.MISSING_DATA: "MissingData",
}
_SIZE: dict[BatterySize, Literal["Net", "Gross"]] = {
    BatterySize.NET: "Net",
    BatterySize.GROSS: "Gross",
}
_MISSING: dict[Missing, MissingName] = {
    Missing.BATTERY_SIZE: "BatterySize",
    Missing.BATTERY_LEVEL: "BatteryLevel",
    Missing.CHARGING_POWER: "ChargingPower",
}


class ChargePlanSlot(BaseModel):
    """Charging within one clock hour (UTC): from Start to End at PowerKw."""

    model_config = ConfigDict(title="ChargePlanSlot")

    Start: Time
    End: Time
    PowerKw: Number
    EnergyKwh: Number = Field(description="Drawn from the grid in this slot.")
    BatteryLevelAtEnd: Number

    @classmethod
    def of(cls, slot: Slot) -> ChargePlanSlot:
        return cls(
            Start=slot.start,
            End=slot.end,
            PowerKw=slot.power_kw,
            EnergyKwh=slot.energy_kwh,
            BatteryLevelAtEnd=slot.level_at_end_percent,
        )


class ChargePlanResp(BaseModel):
    """The device's charge plan as of `ComputedAt`: when it charges, how much, and why."""

    model_config = ConfigDict(title="ChargePlan")

    DeviceAssetId: int
    Status: PlanStatusName
    ChargingMode: int
    SmartCharging: bool = Field(description="True when the start was chosen by the deadline.")
    Start: Time | None
    End: Time | None
    TotalChargeTime: str = Field(description="hh:mm:ss (d.hh:mm:ss from a day on).")
    BatterySizeKwh: Number | None
    BatterySizeUsed: Literal["Net", "Gross"] | None
    BatteryLevel: Number | None
    TargetLevel: Number
    PowerKw: Number | None
    Efficiency: Number
    EnergyToBatteryKwh: Number
    EnergyFromGridKwh: Number
    FullyChargedBy: Time | None
    TargetReachedByDeadline: bool | None
    LevelAtDeadline: Number | None
    Missing: list[MissingName]
    Slots: list[ChargePlanSlot]
    Explanation: str
    ComputedAt: Time

    @classmethod
    def of(cls, info: EvChargingInfo, plan: ChargePlan, now: datetime) -> ChargePlanResp:
        return cls(
            DeviceAssetId=info.device_id,
            Status=_STATUS[plan.status],
            ChargingMode=int(info.details.charging_mode),
            SmartCharging=plan.smart,
            Start=plan.start,
            End=plan.end,
            TotalChargeTime=dotnet_span(plan.duration),
            BatterySizeKwh=plan.battery_kwh,
            BatterySizeUsed=None if plan.battery_size is None else _SIZE[plan.battery_size],
            BatteryLevel=plan.level_percent,
            TargetLevel=plan.target_percent,
            PowerKw=plan.power_kw,
            Efficiency=plan.efficiency,
            EnergyToBatteryKwh=plan.energy_to_battery_kwh,
            EnergyFromGridKwh=plan.energy_from_grid_kwh,
            FullyChargedBy=plan.deadline,
            TargetReachedByDeadline=plan.target_reached_by_deadline,
            LevelAtDeadline=plan.level_at_deadline_percent,
            Missing=[_MISSING[what] for what in plan.missing],
            Slots=[ChargePlanSlot.of(slot) for slot in plan.slots],
            Explanation=plan.explanation,
            ComputedAt=now,
        )
