"""Smart charging bodies: a charging profile (`domain.smart_charging.profiles`) to set, which
profiles to clear or report, and the composite schedule to ask for."""

from __future__ import annotations

from pydantic import Field

from voltgate.api import command_enums as e
from voltgate.api.command_bodies.types import Count, EvseOrStation, Rate, Seconds
from voltgate.api.command_schemas import Number
from voltgate.api.conventions import ApiModel, UtcDateTime, to_domain
from voltgate.domain import commands as c
from voltgate.domain.smart_charging import profiles as p

MAX_PERIODS = 1024  # 2.0.1 ChargingScheduleType.chargingSchedulePeriod maxItems


class SchedulePeriodIn(ApiModel):
    """From `startPeriod` seconds after the schedule's start, at most `limit`."""

    start_period: Count
    limit: Rate
    number_phases: int | None = Field(default=None, ge=1, le=3)
    phase_to_use: int | None = Field(default=None, ge=1, le=3)

    def value(self) -> p.SchedulePeriod:
        return p.SchedulePeriod(
            self.start_period, self.limit, self.number_phases, self.phase_to_use
        )


class ChargingScheduleIn(ApiModel):
    """Periods in `chargingRateUnit`, the first starting at 0 and each later than the one
    before; `startSchedule` for ABSOLUTE and RECURRING profiles."""

    charging_rate_unit: e.RateUnit
    charging_schedule_period: list[SchedulePeriodIn] = Field(min_length=1, max_length=MAX_PERIODS)
    duration: Seconds | None = None
    start_schedule: UtcDateTime | None = None
    min_charging_rate: Rate | None = None

    def value(self) -> p.ChargingSchedule:
        return p.ChargingSchedule(
            to_domain(p.RateUnit, self.charging_rate_unit),
            tuple(period.value() for period in self.charging_schedule_period),
            self.duration,
            self.start_schedule,
            self.min_charging_rate,
        )


class ChargingProfileIn(ApiModel):
    """A profile: `id` (the same id replaces it), `stackLevel` (higher wins), purpose,
    kind, schedule; a TX profile names its transaction by the id Voltgate gave it."""

    id: Number
    stack_level: Count
    charging_profile_purpose: e.ProfilePurpose
    charging_profile_kind: e.ProfileKind
    charging_schedule: ChargingScheduleIn
    recurrency_kind: e.Recurrency | None = None
    valid_from: UtcDateTime | None = None
    valid_to: UtcDateTime | None = None
    transaction_id: Number | None = None

    def value(self) -> p.ChargingProfile:
        recurrency = self.recurrency_kind
        return p.ChargingProfile(
            id=self.id,
            stack_level=self.stack_level,
            purpose=to_domain(p.ProfilePurpose, self.charging_profile_purpose),
            kind=to_domain(p.ProfileKind, self.charging_profile_kind),
            schedule=self.charging_schedule.value(),
            recurrency=None if recurrency is None else to_domain(p.Recurrency, recurrency),
            valid_from=self.valid_from,
            valid_to=self.valid_to,
            transaction_id=self.transaction_id,
        )


class SetChargingProfileIn(ApiModel):
    """Install a profile on an EVSE (0: the station: CHARGING_STATION_MAX, or TX_DEFAULT for
    every EVSE)."""

    evse_id: EvseOrStation
    charging_profile: ChargingProfileIn

    def command(self) -> c.Command:
        return c.SetChargingProfile(self.evse_id, self.charging_profile.value())


class ClearChargingProfileIn(ApiModel):
    """Clear one profile by `id`, or those matching the other fields (none: all)."""

    id: Number | None = None
    evse_id: EvseOrStation | None = None
    charging_profile_purpose: e.ProfilePurpose | None = None
    stack_level: Count | None = None

    def command(self) -> c.Command:
        purpose = self.charging_profile_purpose
        return c.ClearChargingProfile(
            self.id,
            self.evse_id,
            None if purpose is None else to_domain(p.ProfilePurpose, purpose),
            self.stack_level,
        )


class GetCompositeScheduleIn(ApiModel):
    """The schedule an EVSE (0: the station) will follow for `duration` seconds."""

    evse_id: EvseOrStation
    duration: Seconds
    charging_rate_unit: e.RateUnit | None = None

    def command(self) -> c.Command:
        unit = self.charging_rate_unit
        rate_unit = None if unit is None else to_domain(p.RateUnit, unit)
        return c.GetCompositeSchedule(self.evse_id, self.duration, rate_unit)


class GetChargingProfilesIn(ApiModel):
    """2.0.1: report installed profiles by id, or by purpose, stack level and limit source;
    on one EVSE (0: the station) or all."""

    evse_id: EvseOrStation | None = None
    charging_profile_purpose: e.ProfilePurpose | None = None
    stack_level: Count | None = None
    charging_profile_id: list[Number] = Field(default_factory=list, max_length=100)
    charging_limit_source: list[e.LimitSource] = Field(default_factory=list, max_length=4)

    def command(self) -> c.Command:
        purpose = self.charging_profile_purpose
        return c.GetChargingProfiles(
            self.evse_id,
            None if purpose is None else to_domain(p.ProfilePurpose, purpose),
            self.stack_level,
            tuple(self.charging_profile_id),
            tuple(to_domain(p.LimitSource, source) for source in self.charging_limit_source),
        )
