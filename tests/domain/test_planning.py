"""The charge plan as a pure function: energy, time, start, slots and the explanation, and
every edge case (already full, above target, deadline passed or too near, missing data,
no power, gross size only, smart mode switched off)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from voltgate.domain.customers import ChargingMode, EvDetails
from voltgate.domain.smart_charging.planning import (
    BatterySize,
    Missing,
    PlanStatus,
    PowerLimit,
    lowest,
    plan_charge,
)

NOW = datetime(2025, 1, 1, 22, 0, tzinfo=UTC)
SIX = datetime(2025, 1, 2, 6, 0, tzinfo=UTC)
GATEWAY = PowerLimit(Decimal(11), "the limit of gateway 'Home'")


def car(**changes: object) -> EvDetails:
    """A 47.6 kWh (net) car at 20 %, smart, to be full by 06:00 the next morning."""
    base: dict[str, object] = {
        "charging_mode": ChargingMode.SMART,
        "smart_mode_is_active": True,
        "net_battery_kwh": Decimal("47.6"),
        "battery_level_percent": Decimal(20),
        "fully_charged_by": SIX,
    }
    base.update(changes)
    return EvDetails(**base)  # type: ignore[arg-type]


def test_smart_plan_starts_as_late_as_is_safe() -> None:
    """38.08 kWh into the battery is 42.311 kWh from the grid at 90 %; at 11 kW that is
    3 h 50 min 48 s, so smart charging starts at 02:09 (rounded down) and ends before 06:00."""
    plan = plan_charge(car(), GATEWAY, NOW)
    assert plan.status is PlanStatus.ON_TIME and plan.smart
    assert (plan.energy_to_battery_kwh, plan.energy_from_grid_kwh) == (
        Decimal("38.080"),
        Decimal("42.311"),
    )
    assert plan.start == datetime(2025, 1, 2, 2, 9, tzinfo=UTC)
    assert plan.duration == timedelta(hours=3, minutes=50, seconds=48)
    assert plan.end is not None and plan.end <= SIX
    assert plan.target_reached_by_deadline is True
    assert plan.level_at_deadline_percent == Decimal(100)
    assert plan.battery_size is BatterySize.NET
    assert "= 3 h 51 min" in plan.explanation
    assert "starting 2025-01-02 02:09 UTC to finish by 2025-01-02 06:00 UTC" in plan.explanation


def test_slots_cut_at_clock_hours_and_add_up_exactly() -> None:
    """Each clock hour is one slot with its kW and kWh; the slots add up to the plan's
    grid energy, and the battery level climbs to the target at the last slot."""
    plan = plan_charge(car(), GATEWAY, NOW)
    assert [(s.start.hour, s.start.minute, s.end.hour, s.end.minute) for s in plan.slots] == [
        (2, 9, 3, 0),
        (3, 0, 4, 0),
        (4, 0, 5, 0),
        (5, 0, 5, 59),
    ]
    assert [s.energy_kwh for s in plan.slots] == [
        Decimal("9.350"),
        Decimal("11.000"),
        Decimal("11.000"),
        Decimal("10.961"),
    ]
    assert sum(s.energy_kwh for s in plan.slots) == plan.energy_from_grid_kwh
    assert all(s.power_kw == Decimal(11) for s in plan.slots)
    levels = [s.level_at_end_percent for s in plan.slots]
    assert levels == sorted(levels) and levels[0] == Decimal("37.7") and levels[-1] == 100


def test_immediate_mode_starts_now_and_meets_the_deadline() -> None:
    """ChargingMode 0 starts now even with a far deadline, and says it is in time."""
    plan = plan_charge(car(charging_mode=ChargingMode.IMMEDIATE), GATEWAY, NOW)
    assert plan.status is PlanStatus.ON_TIME and not plan.smart
    assert plan.start == NOW
    assert plan.target_reached_by_deadline is True
    assert "charging now, full at 2025-01-02 01:51 UTC, before 2025-01-02 06:00 UTC" in (
        plan.explanation
    )


def test_smart_mode_switched_off_charges_now() -> None:
    """SMART with SmartModeIsActive false is the driver's "charge now": the plan says so."""
    plan = plan_charge(car(smart_mode_is_active=False), GATEWAY, NOW)
    assert plan.start == NOW and not plan.smart
    assert plan.explanation.endswith("smart mode switched off: charging now")


def test_smart_without_deadline_charges_now_and_says_why() -> None:
    """Smart charging needs FullyChargedBy; without it the car charges now."""
    plan = plan_charge(car(fully_charged_by=None), GATEWAY, NOW)
    assert plan.status is PlanStatus.ON_TIME and plan.start == NOW
    assert plan.target_reached_by_deadline is None and plan.level_at_deadline_percent is None
    assert "no deadline: charging now" in plan.explanation
    assert "smart charging needs a deadline (FullyChargedBy)" in plan.explanation


@pytest.mark.parametrize("level", [Decimal(100), Decimal("100.0")])
def test_already_full(level: Decimal) -> None:
    """A full battery needs nothing: no slots, no energy, the target is met."""
    plan = plan_charge(car(battery_level_percent=level), GATEWAY, NOW)
    assert plan.status is PlanStatus.ALREADY_FULL
    assert (plan.start, plan.end, plan.slots) == (None, None, ())
    assert plan.energy_from_grid_kwh == 0 and plan.duration == timedelta(0)
    assert plan.target_reached_by_deadline is True
    assert plan.explanation == "battery at 100 %: already full"


def test_level_above_target_needs_nothing_even_without_size_or_power() -> None:
    """A battery above the target is not charged, whatever else is unknown."""
    details = car(battery_level_percent=Decimal(85), net_battery_kwh=None)
    plan = plan_charge(details, PowerLimit(None, "x"), NOW, target_percent=Decimal(80))
    assert plan.status is PlanStatus.ALREADY_FULL and plan.missing == ()
    assert plan.explanation == "battery at 85 %: at or above the target of 80 %"


def test_deadline_in_the_past_charges_now() -> None:
    """A deadline that has passed cannot be met: charge now at full power until full."""
    past = NOW - timedelta(hours=2)
    plan = plan_charge(car(fully_charged_by=past), GATEWAY, NOW)
    assert plan.status is PlanStatus.DEADLINE_PASSED
    assert plan.start == NOW and not plan.smart
    assert plan.target_reached_by_deadline is False
    assert plan.level_at_deadline_percent == Decimal(20)
    assert "deadline 20:00 UTC is in the past: charging now, full at 2025-01-02 01:51 UTC" in (
        plan.explanation
    )


def test_deadline_too_near_says_how_far_the_battery_gets() -> None:
    """An hour at 11 kW (9.9 kWh into 47.6 kWh) reaches only 40.8 %: the plan charges now
    and says so."""
    near = NOW + timedelta(hours=1)
    plan = plan_charge(car(fully_charged_by=near), GATEWAY, NOW)
    assert plan.status is PlanStatus.DEADLINE_TOO_NEAR
    assert plan.start == NOW and not plan.smart
    assert plan.target_reached_by_deadline is False
    assert plan.level_at_deadline_percent == Decimal("40.8")
    assert "deadline too near: at 11 kW only 40.8 % by 23:00 UTC" in plan.explanation


def test_missing_data_is_named_not_guessed() -> None:
    """Without battery size, level or power the plan names each and charges nothing."""
    details = car(net_battery_kwh=None, battery_level_percent=None)
    plan = plan_charge(details, PowerLimit(None, "no limit known"), NOW)
    assert plan.status is PlanStatus.MISSING_DATA
    assert plan.missing == (Missing.BATTERY_SIZE, Missing.BATTERY_LEVEL, Missing.CHARGING_POWER)
    assert plan.slots == () and plan.start is None
    assert plan.explanation == (
        "cannot plan: the battery size (net or gross), the battery level and the charging "
        "power of the device are unknown"
    )
    only_level = plan_charge(car(battery_level_percent=None), GATEWAY, NOW)
    assert only_level.missing == (Missing.BATTERY_LEVEL,)
    assert only_level.explanation == "cannot plan: the battery level is unknown"


def test_zero_power_is_no_power() -> None:
    """A limit of 0 kW cannot charge anything: the plan names the power as missing."""
    plan = plan_charge(car(), PowerLimit(Decimal(0), "an EVSE rated 0 kW"), NOW)
    assert plan.status is PlanStatus.MISSING_DATA and plan.missing == (Missing.CHARGING_POWER,)


def test_gross_size_is_used_when_net_is_unknown_and_the_plan_says_so() -> None:
    """Only a gross size: the plan uses it and says that it did."""
    plan = plan_charge(car(net_battery_kwh=None, gross_battery_kwh=Decimal(50)), GATEWAY, NOW)
    assert plan.battery_size is BatterySize.GROSS and plan.battery_kwh == Decimal(50)
    assert plan.energy_to_battery_kwh == Decimal("40.000")
    assert "of 50 kWh gross" in plan.explanation
    assert plan.explanation.endswith("net battery size unknown: gross size used")


def test_a_start_within_the_minute_is_never_before_now() -> None:
    """When the latest start is less than a minute away, the plan starts now, not earlier."""
    plan = plan_charge(car(battery_level_percent=Decimal(99)), GATEWAY, NOW)
    deadline = NOW + plan.duration + timedelta(seconds=30)
    plan = plan_charge(
        car(battery_level_percent=Decimal(99), fully_charged_by=deadline), GATEWAY, NOW
    )
    assert plan.smart and plan.start == NOW


def test_long_plans_span_days() -> None:
    """A 100 kWh battery from empty at 3.7 kW takes over a day, hour by hour."""
    details = car(net_battery_kwh=Decimal(100), battery_level_percent=Decimal(0))
    plan = plan_charge(details, PowerLimit(Decimal("3.7"), "a small gateway"), NOW)
    assert plan.status is PlanStatus.DEADLINE_TOO_NEAR
    assert plan.duration > timedelta(days=1)
    assert len(plan.slots) == 31
    assert sum(s.energy_kwh for s in plan.slots) == plan.energy_from_grid_kwh == Decimal("111.111")


def test_the_lowest_known_limit_wins() -> None:
    """Of several limits the tightest known one applies; unknown ones do not count."""
    evse = PowerLimit(Decimal("7.4"), "the EVSE's rating")
    assert lowest([GATEWAY, evse, PowerLimit(None, "?")]) == evse
    assert lowest([PowerLimit(None, "a"), PowerLimit(None, "b")]) == PowerLimit(None, "a and b")


def test_immediate_without_deadline_has_no_note() -> None:
    """IMMEDIATE without a deadline charges now; nothing is missing, so nothing is noted."""
    plan = plan_charge(
        car(charging_mode=ChargingMode.IMMEDIATE, fully_charged_by=None), GATEWAY, NOW
    )
    assert plan.status is PlanStatus.ON_TIME and plan.start == NOW
    assert plan.explanation.endswith("no deadline: charging now, full at 2025-01-02 01:51 UTC")


@pytest.mark.parametrize(
    ("target", "efficiency"), [(Decimal(0), Decimal("0.9")), (Decimal(100), Decimal(0))]
)
def test_a_target_or_efficiency_out_of_range_is_a_bug(target: Decimal, efficiency: Decimal) -> None:
    """A target of 0 % or an efficiency of 0 would divide by zero: refused up front."""
    with pytest.raises(ValueError, match="efficiency"):
        plan_charge(car(), GATEWAY, NOW, target_percent=target, efficiency=efficiency)
