"""Smart charging commands (1.6 Smart Charging profile §5.5/5.7/5.16; 2.0.1 block K): set,
clear and report charging profiles, and ask for the composite schedule. The profile itself is
a value of `voltgate.domain.smart_charging.profiles`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from voltgate.domain.smart_charging.profiles import (
    ChargingProfile,
    LimitSource,
    ProfilePurpose,
    RateUnit,
)


@dataclass(frozen=True, slots=True)
class SetChargingProfile:
    """Install `profile` on EVSE `evse_id` (0: the station; 1.6 connectorId 0)."""

    NAME: ClassVar[str] = "set-charging-profile"
    evse_id: int
    profile: ChargingProfile


@dataclass(frozen=True, slots=True)
class ClearChargingProfile:
    """Remove the profile `profile_id`, or every profile matching the other fields (none
    given: every profile the CSMS set)."""

    NAME: ClassVar[str] = "clear-charging-profile"
    profile_id: int | None = None
    evse_id: int | None = None
    purpose: ProfilePurpose | None = None
    stack_level: int | None = None


@dataclass(frozen=True, slots=True)
class GetCompositeSchedule:
    """The schedule EVSE `evse_id` (0: the station's grid connection, K08.FR.03) will
    follow for the next `duration_s` seconds, optionally in `rate_unit`."""

    NAME: ClassVar[str] = "get-composite-schedule"
    evse_id: int
    duration_s: int
    rate_unit: RateUnit | None = None


@dataclass(frozen=True, slots=True)
class GetChargingProfiles:
    """2.0.1 only (K09): the station reports its installed profiles that match, in
    ReportChargingProfiles messages carrying the command's id as requestId."""

    NAME: ClassVar[str] = "get-charging-profiles"
    evse_id: int | None = None
    purpose: ProfilePurpose | None = None
    stack_level: int | None = None
    profile_ids: tuple[int, ...] = ()
    sources: tuple[LimitSource, ...] = ()
