"""The charge plan of one device: when it charges, how much, and why (pure; `now` is an input).

Theory of operation
-------------------
From what a client told about the car (`EvDetails`) and the power the device may draw
(`PowerLimit`), `plan_charge` works out:

* the battery size: the net (usable) size, or the gross size when the net one is unknown
  (the plan says so; a gross size overstates what fits in, so the plan errs long);
* the energy into the battery, ``size x (target - level) / 100``, and from the grid, that
  divided by the charging efficiency (`CHARGING_EFFICIENCY`: losses in the car's charger
  and battery);
* the charge time at the available power, rounded up to the second, the power taken as
  constant (a battery that slows down near full needs a margin the later smart-charging
  work adds with the car's charging curve);
* when to charge. IMMEDIATE starts now. SMART (while its switch is on) finishes by the
  deadline (`fully_charged_by`), starting as late as is safe: the latest start, rounded down
  to the minute. That is where price-aware planning will later choose the cheapest hours
  instead; it needs the same energy and deadline, worked out here. When the deadline has
  passed or is too near to reach the target, charging starts now at full power and the plan
  says how far the battery gets by the deadline.

The plan lists the charging hour by hour (clock hours in UTC: each slot's power and energy
and the battery level at its end) and explains itself in one line of text. What cannot be
known (no battery size, no level, no power) is named instead of guessed; a battery at or
above the target needs nothing.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from voltgate.domain.customers import ChargingMode, EvDetails

CHARGING_EFFICIENCY = Decimal("0.9")
"""Energy into the battery per energy from the grid: typical of AC charging through the
car's on-board charger (DC charging loses less; the EVSE's power type will tell later)."""

DEFAULT_TARGET_PERCENT = Decimal(100)
"""The battery level a plan charges to."""

ENERGY_STEP = Decimal("0.001")  # kWh: plans are exact to the watt-hour
LEVEL_STEP = Decimal("0.1")  # percent
_HOUR = timedelta(hours=1)
_MICROSECONDS_PER_HOUR = Decimal(3_600_000_000)


class PlanStatus(enum.StrEnum):
    """What the plan achieves."""

    ON_TIME = "ON_TIME"  # the target is reached (by the deadline, when there is one)
    ALREADY_FULL = "ALREADY_FULL"  # the battery is at or above the target: nothing to do
    DEADLINE_PASSED = "DEADLINE_PASSED"  # the deadline lies in the past: charging now
    DEADLINE_TOO_NEAR = "DEADLINE_TOO_NEAR"  # even charging now misses the target by then
    MISSING_DATA = "MISSING_DATA"  # something the plan needs is unknown (`missing`)


class Missing(enum.StrEnum):
    """What a plan needs and was not told."""

    BATTERY_SIZE = "the battery size (net or gross)"
    BATTERY_LEVEL = "the battery level"
    CHARGING_POWER = "the charging power of the device"


class BatterySize(enum.StrEnum):
    """Which battery size a plan used."""

    NET = "NET"
    GROSS = "GROSS"


@dataclass(frozen=True, slots=True)
class PowerLimit:
    """The most a device may draw from the grid (kW; None: unknown), and where that limit
    comes from, in words ("the limit of gateway 'Home'")."""

    kw: Decimal | None
    source: str


def lowest(limits: list[PowerLimit]) -> PowerLimit:
    """The tightest of the known limits (unknown ones do not count), or an unknown limit
    naming every source when none is known."""
    known = [limit for limit in limits if limit.kw is not None]
    if not known:
        return PowerLimit(None, " and ".join(limit.source for limit in limits) or "no source")
    return min(known, key=lambda limit: limit.kw or Decimal(0))


@dataclass(frozen=True, slots=True)
class Slot:
    """Charging within one clock hour: from `start` to `end` at `power_kw`, drawing
    `energy_kwh` from the grid; the battery level when the slot ends."""

    start: datetime
    end: datetime
    power_kw: Decimal
    energy_kwh: Decimal
    level_at_end_percent: Decimal


@dataclass(frozen=True, slots=True)
class ChargePlan:
    """When and how a device charges, and why (`explanation`).

    `start`/`end` are None when nothing is charged. `smart` is True when the start was
    chosen by the deadline (SMART mode), False when charging starts now.
    `target_reached_by_deadline` and `level_at_deadline_percent` are None without a
    deadline (or without the data to tell).
    """

    status: PlanStatus
    smart: bool
    missing: tuple[Missing, ...]
    battery_kwh: Decimal | None
    battery_size: BatterySize | None
    level_percent: Decimal | None
    target_percent: Decimal
    power_kw: Decimal | None
    efficiency: Decimal
    energy_to_battery_kwh: Decimal
    energy_from_grid_kwh: Decimal
    start: datetime | None
    end: datetime | None
    duration: timedelta
    deadline: datetime | None
    target_reached_by_deadline: bool | None
    level_at_deadline_percent: Decimal | None
    slots: tuple[Slot, ...]
    explanation: str


def plan_charge(
    details: EvDetails,
    power: PowerLimit,
    now: datetime,
    *,
    target_percent: Decimal = DEFAULT_TARGET_PERCENT,
    efficiency: Decimal = CHARGING_EFFICIENCY,
) -> ChargePlan:
    """The charge plan for the car `details` describes, at `power`, as of `now` (aware).

    Args:
        details: mode, battery and deadline as the client gave them.
        power: what the device may draw; None or zero means unknown.
        now: the current time (aware UTC).
        target_percent: the level to charge to.
        efficiency: energy into the battery per energy from the grid (0 < e <= 1).

    Raises:
        ValueError: the target or the efficiency is out of range (a caller's bug).
    """
    if not (0 < target_percent <= 100 and 0 < efficiency <= 1):
        raise ValueError("target_percent must be in (0, 100] and efficiency in (0, 1]")
    capacity, size = _battery(details)
    level = details.battery_level_percent
    power_kw = power.kw if power.kw is not None and power.kw > 0 else None
    deadline = details.fully_charged_by
    notes = [] if size is not BatterySize.GROSS else ["net battery size unknown: gross size used"]
    plan = _Draft(details, capacity, size, target_percent, power_kw, efficiency, deadline)

    if level is not None and level >= target_percent:
        full = (
            "already full" if level >= 100 else f"at or above the target of {_pct(target_percent)}"
        )
        return plan.idle(PlanStatus.ALREADY_FULL, f"battery at {_pct(level)}: {full}")
    missing = tuple(
        what
        for what, known in (
            (Missing.BATTERY_SIZE, capacity is not None),
            (Missing.BATTERY_LEVEL, level is not None),
            (Missing.CHARGING_POWER, power_kw is not None),
        )
        if not known
    )
    if missing or capacity is None or level is None or power_kw is None:
        names = [what.value for what in missing]
        unknown = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
        verb = "are" if len(names) > 1 else "is"
        explanation = f"cannot plan: {unknown} {verb} unknown"
        return plan.idle(PlanStatus.MISSING_DATA, explanation, missing)

    to_battery = capacity * (target_percent - level) / 100
    from_grid = to_battery / efficiency
    duration = timedelta(seconds=math.ceil(from_grid / power_kw * 3600))
    needs = (
        f"needs {_kwh(from_grid)} from the grid ({_kwh(to_battery)} into the battery, "
        f"{_pct(level)} to {_pct(target_percent)} of {_kwh(capacity)}"
        f"{' gross' if size is BatterySize.GROSS else ''}, at {_pct(efficiency * 100)} efficiency)"
        f" at {_kw(power_kw)} ({power.source}) = {_duration(duration)}"
    )
    smart_asked = (
        details.charging_mode is ChargingMode.SMART and details.smart_mode_is_active is not False
    )
    if details.charging_mode is ChargingMode.SMART and not smart_asked:
        notes.append("smart mode switched off: charging now")

    start, status, smart = now, PlanStatus.ON_TIME, False
    full_now = _at(now + duration, now, up=True)  # when charging from now would finish
    if deadline is None:
        when = f"no deadline: charging now, full at {full_now}"
        if smart_asked:
            notes.append("smart charging needs a deadline (FullyChargedBy)")
    elif deadline <= now:
        status = PlanStatus.DEADLINE_PASSED
        when = f"deadline {_at(deadline, now)} is in the past: charging now, full at {full_now}"
    elif deadline - duration < now:
        status = PlanStatus.DEADLINE_TOO_NEAR
        reached = _level_after(level, capacity, power_kw * efficiency, deadline - now)
        when = (
            f"deadline too near: at {_kw(power_kw)} only {_pct(min(reached, target_percent))} "
            f"by {_at(deadline, now)}; charging now, full at {full_now}"
        )
    elif smart_asked:
        smart = True
        start = max(now, _floor_minute(deadline - duration))
        when = f"starting {_at(start, now)} to finish by {_at(deadline, now)}"
    else:
        when = f"charging now, full at {full_now}, before {_at(deadline, now)}"

    end = start + duration
    slots = _slots(start, end, power_kw, _q(from_grid), level, capacity, efficiency, target_percent)
    return plan.charging(
        status=status,
        smart=smart,
        level=level,
        to_battery=to_battery,
        from_grid=from_grid,
        start=start,
        end=end,
        slots=slots,
        explanation="; ".join([needs, when, *notes]),
    )


@dataclass(frozen=True, slots=True)
class _Draft:
    """What every plan of one request shares; builds the finished plan."""

    details: EvDetails
    capacity: Decimal | None
    size: BatterySize | None
    target: Decimal
    power_kw: Decimal | None
    efficiency: Decimal
    deadline: datetime | None

    def idle(
        self, status: PlanStatus, explanation: str, missing: tuple[Missing, ...] = ()
    ) -> ChargePlan:
        """A plan that charges nothing (already full, or unknown data)."""
        level = self.details.battery_level_percent
        known = status is PlanStatus.ALREADY_FULL and self.deadline is not None
        return self._plan(
            status,
            False,
            missing,
            level,
            (Decimal(0), Decimal(0)),
            None,
            None,
            (),
            explanation,
            reached=True if known else None,
            at_deadline=level if known else None,
        )

    def charging(
        self,
        *,
        status: PlanStatus,
        smart: bool,
        level: Decimal,
        to_battery: Decimal,
        from_grid: Decimal,
        start: datetime,
        end: datetime,
        slots: tuple[Slot, ...],
        explanation: str,
    ) -> ChargePlan:
        """A plan that charges from `start` to `end`."""
        assert self.capacity is not None and self.power_kw is not None
        at_deadline: Decimal | None = None
        if self.deadline is not None:
            if end <= self.deadline:
                at_deadline = self.target
            elif self.deadline <= start:
                at_deadline = level
            else:
                rate = self.power_kw * self.efficiency
                reached = _level_after(level, self.capacity, rate, self.deadline - start)
                at_deadline = min(reached, self.target)
        energy = (_q(to_battery), _q(from_grid))
        return self._plan(
            status,
            smart,
            (),
            level,
            energy,
            start,
            end,
            slots,
            explanation,
            reached=None if self.deadline is None else end <= self.deadline,
            at_deadline=at_deadline,
        )

    def _plan(
        self,
        status: PlanStatus,
        smart: bool,
        missing: tuple[Missing, ...],
        level: Decimal | None,
        energy: tuple[Decimal, Decimal],
        start: datetime | None,
        end: datetime | None,
        slots: tuple[Slot, ...],
        explanation: str,
        *,
        reached: bool | None,
        at_deadline: Decimal | None,
    ) -> ChargePlan:
        return ChargePlan(
            status=status,
            smart=smart,
            missing=missing,
            battery_kwh=self.capacity,
            battery_size=self.size,
            level_percent=level,
            target_percent=self.target,
            power_kw=self.power_kw,
            efficiency=self.efficiency,
            energy_to_battery_kwh=energy[0],
            energy_from_grid_kwh=energy[1],
            start=start,
            end=end,
            duration=end - start if start is not None and end is not None else timedelta(0),
            deadline=self.deadline,
            target_reached_by_deadline=reached,
            level_at_deadline_percent=at_deadline,
            slots=slots,
            explanation=explanation,
        )


def _battery(details: EvDetails) -> tuple[Decimal | None, BatterySize | None]:
    if details.net_battery_kwh is not None and details.net_battery_kwh > 0:
        return details.net_battery_kwh, BatterySize.NET
    if details.gross_battery_kwh is not None and details.gross_battery_kwh > 0:
        return details.gross_battery_kwh, BatterySize.GROSS
    return None, None


def _slots(
    start: datetime,
    end: datetime,
    power_kw: Decimal,
    from_grid: Decimal,
    level: Decimal,
    capacity: Decimal,
    efficiency: Decimal,
    target: Decimal,
) -> tuple[Slot, ...]:
    """The charging from `start` to `end` cut at clock hours; the last slot takes what is
    left of `from_grid`, so that the slots add up to the plan's energy exactly."""
    slots: list[Slot] = []
    drawn = Decimal(0)
    at = start
    while at < end:
        slot_end = min(at.replace(minute=0, second=0, microsecond=0) + _HOUR, end)
        if slot_end == end:
            energy, level_at_end = from_grid - drawn, target
        else:
            energy = _q(power_kw * _hours(slot_end - at))
            level_at_end = _level_with(level, capacity, (drawn + energy) * efficiency)
        drawn += energy
        slots.append(Slot(at, slot_end, power_kw, energy, min(level_at_end, target)))
        at = slot_end
    return tuple(slots)


def _level_after(level: Decimal, capacity: Decimal, kw: Decimal, span: timedelta) -> Decimal:
    """The battery level after `span` at `kw` into the battery (rounded to 0.1 %)."""
    return _level_with(level, capacity, kw * _hours(span))


def _level_with(level: Decimal, capacity: Decimal, kwh: Decimal) -> Decimal:
    """The battery level after `kwh` went into it (rounded to 0.1 %)."""
    return (level + kwh / capacity * 100).quantize(LEVEL_STEP, ROUND_HALF_UP)


def _hours(span: timedelta) -> Decimal:
    return Decimal(span // timedelta(microseconds=1)) / _MICROSECONDS_PER_HOUR


def _floor_minute(at: datetime) -> datetime:
    return at.replace(second=0, microsecond=0)


def _q(kwh: Decimal) -> Decimal:
    return kwh.quantize(ENERGY_STEP, ROUND_HALF_UP)


def _number(value: Decimal, places: str = "0.01") -> str:
    rounded = value.quantize(Decimal(places), ROUND_HALF_UP).normalize()
    return f"{rounded:f}"


def _kwh(value: Decimal) -> str:
    return f"{_number(value)} kWh"


def _kw(value: Decimal) -> str:
    return f"{_number(value)} kW"


def _pct(value: Decimal) -> str:
    return f"{_number(value, '0.1')} %"


def _duration(span: timedelta) -> str:
    """A charge time in whole minutes, rounded up: "3 h 51 min", "45 min", "2 h"."""
    hours, minutes = divmod(math.ceil(span.total_seconds() / 60), 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h" if not minutes else f"{hours} h {minutes} min"


def _at(moment: datetime, now: datetime, *, up: bool = False) -> str:
    """A time of the plan to the minute: "06:00 UTC" on today's date, else with its date.
    An end (`up`) is rounded up, so that "full at" is never earlier than the truth."""
    if up and moment != _floor_minute(moment):
        moment = _floor_minute(moment) + timedelta(minutes=1)
    if moment.date() == now.date():
        return f"{moment:%H:%M} UTC"
    return f"{moment:%Y-%m-%d %H:%M} UTC"
