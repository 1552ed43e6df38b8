"""The charging profiles a simulated station has installed (1.6 §3.13, §5.16, §5.5; 2.0.1 K01,
K09, K10), whatever its version.

Each version's responders decode SetChargingProfile into a `Profile` (purposes spelt as in
2.0.1: 1.6 ChargePointMaxProfile is ChargingStationMaxProfile) and keep the wire form for
reports. `ChargingProfiles.install` holds what a station checks before it accepts one:

* the EVSE exists (K01.FR.28); a station maximum sits on EVSE 0 (K04.FR.03, 1.6 §3.13.1)
  and is never Relative (K01.FR.38); a TxProfile sits on an EVSE with a transaction, and
  names that transaction (K01.FR.09, K01.FR.16, K01.FR.33; 1.6 §5.16);
* the stack level and the number of periods stay within what the station announces
  (ChargeProfileMaxStackLevel, ChargingScheduleMaxPeriods; SmartChargingCtrlr) and the
  number of profiles too (MaxChargingProfilesInstalled);
* a profile with a known id replaces it (K01.FR.05); so does one with the same purpose,
  stack level and EVSE (1.6 §3.13.2; K01.FR.06 forbids the CSMS to send it otherwise);
* a TxDefaultProfile on EVSE 0 and one on an EVSE with the same stack level but another id
  exclude each other (K01.FR.52/53).

A TxProfile goes when its transaction ends (1.6 §3.13.1, "the TxProfile SHALL be deleted
after the transaction ends"). `composite.py` stacks what is installed. No I/O here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

Payload = dict[str, Any]

STATION_MAX = "ChargingStationMaxProfile"
TX_DEFAULT = "TxDefaultProfile"
TX = "TxProfile"
EXTERNAL = "ChargingStationExternalConstraints"

MAX_STACK_LEVEL = 8
MAX_PERIODS = 24
MAX_PROFILES = 20


@dataclass(frozen=True, slots=True)
class Period:
    """From `start_s` seconds into the schedule, at most `limit` in its unit, on `phases`
    phases (None: 3, K01.FR.49)."""

    start_s: int
    limit: float
    phases: int | None = None


@dataclass(frozen=True, slots=True)
class Profile:
    """One installed profile on `evse_id` (0: the station); `wire` is how the station
    received it, for GetChargingProfiles. `transaction_id` is the station's own id."""

    id: int
    evse_id: int
    stack_level: int
    purpose: str
    kind: str  # Absolute, Recurring or Relative
    unit: str  # A or W
    periods: tuple[Period, ...]
    wire: Payload
    recurrency: str | None = None  # Daily or Weekly
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    start: datetime | None = None
    duration_s: int | None = None
    transaction_id: str | None = None

    def valid_at(self, at: datetime) -> bool:
        """Inside validFrom..validTo (K01.FR.10, K01.FR.36/37)."""
        return (self.valid_from is None or at >= self.valid_from) and (
            self.valid_to is None or at < self.valid_to
        )


class WirePeriod(Protocol):
    """A ChargingSchedulePeriod as both versions' wire models spell it."""

    @property
    def start_period(self) -> int: ...
    @property
    def limit(self) -> float: ...
    @property
    def number_phases(self) -> int | None: ...


class WireSchedule(Protocol):
    """A ChargingSchedule as both versions' wire models spell it."""

    @property
    def charging_rate_unit(self) -> str: ...
    @property
    def charging_schedule_period(self) -> Sequence[WirePeriod]: ...
    @property
    def start_schedule(self) -> datetime | None: ...
    @property
    def duration(self) -> int | None: ...


class WireProfile(Protocol):
    """The fields of a ChargingProfile both versions' wire models spell alike."""

    @property
    def stack_level(self) -> int: ...
    @property
    def charging_profile_kind(self) -> str: ...
    @property
    def recurrency_kind(self) -> str | None: ...
    @property
    def valid_from(self) -> datetime | None: ...
    @property
    def valid_to(self) -> datetime | None: ...


def decoded(
    profile: WireProfile,
    schedule: WireSchedule,
    *,
    profile_id: int,
    evse_id: int,
    purpose: str,
    transaction_id: str | None,
    wire: Payload,
) -> Profile:
    """A `Profile` from a decoded SetChargingProfile of either version; what the versions
    spell differently (the id's name, 1.6 ChargePointMaxProfile, one schedule or a list of
    them) is given by the caller."""
    return Profile(
        id=profile_id,
        evse_id=evse_id,
        stack_level=profile.stack_level,
        purpose=purpose,
        kind=profile.charging_profile_kind,
        unit=schedule.charging_rate_unit,
        periods=tuple(
            Period(p.start_period, p.limit, p.number_phases)
            for p in schedule.charging_schedule_period
        ),
        wire=wire,
        recurrency=profile.recurrency_kind,
        valid_from=profile.valid_from,
        valid_to=profile.valid_to,
        start=schedule.start_schedule,
        duration_s=schedule.duration,
        transaction_id=transaction_id,
    )


class ChargingProfiles:
    """The profiles installed on a station with EVSEs 1..`evses`; see the module docstring.

    `exclusive_defaults`: TxDefaultProfiles on EVSE 0 and on an EVSE with one stack level
    exclude each other (2.0.1 K01.FR.52/53); in 1.6 the EVSE's one overrules (§3.13.2).
    """

    def __init__(self, evses: int, *, exclusive_defaults: bool) -> None:
        self.evses = evses
        self.exclusive_defaults = exclusive_defaults
        self._installed: dict[int, Profile] = {}

    def all(self) -> list[Profile]:
        """Every installed profile, by EVSE then stack level."""
        return sorted(self._installed.values(), key=lambda p: (p.evse_id, p.stack_level, p.id))

    def install(self, profile: Profile, running: dict[int, str]) -> str | None:
        """Install `profile`, or say why not (the station answers Rejected).

        Args:
            profile: the decoded profile.
            running: the station's transaction id on each EVSE that has one.
        """
        why = self._refusal(profile, running)
        if why is not None:
            return why
        if profile.purpose == TX:  # 1.6 may leave it out: the EVSE's running transaction
            profile = replace(profile, transaction_id=running[profile.evse_id])
        for known in list(self._installed.values()):
            same_slot = (known.evse_id, known.purpose, known.stack_level) == (
                profile.evse_id, profile.purpose, profile.stack_level
            )  # fmt: skip
            if same_slot and (
                profile.purpose != TX or known.transaction_id == profile.transaction_id
            ):
                del self._installed[known.id]
        self._installed[profile.id] = profile
        return None

    def _refusal(self, profile: Profile, running: dict[int, str]) -> str | None:
        evse, purpose = profile.evse_id, profile.purpose
        if not 0 <= evse <= self.evses:
            return f"no EVSE {evse} (K01.FR.28)"
        if purpose == EXTERNAL:
            return "ChargingStationExternalConstraints are not set by the CSMS (K01.FR.22)"
        if purpose == STATION_MAX and (evse != 0 or profile.kind == "Relative"):
            return "a station maximum is set on EVSE 0 and is not Relative (K04.FR.03, K01.FR.38)"
        if purpose == TX:
            if evse == 0 or evse not in running:
                return f"no transaction on EVSE {evse} (K01.FR.09, K01.FR.16)"
            if profile.transaction_id not in (None, running[evse]):
                return f"transaction {profile.transaction_id} is not known (K01.FR.33)"
        if not 0 <= profile.stack_level <= MAX_STACK_LEVEL:
            return f"stack level above ChargeProfileMaxStackLevel ({MAX_STACK_LEVEL})"
        if not 0 < len(profile.periods) <= MAX_PERIODS:
            return f"1 to ChargingScheduleMaxPeriods ({MAX_PERIODS}) periods"
        if profile.periods[0].start_s != 0:
            return "the first period starts at 0 (K01.FR.31)"
        starts = [period.start_s for period in profile.periods]
        if starts != sorted(set(starts)):
            return "periods in increasing startPeriod (K01.FR.35)"
        if purpose == TX_DEFAULT and self.exclusive_defaults and self._default_clash(profile):
            return "TxDefaultProfiles of one stack level on EVSE 0 and an EVSE (K01.FR.52/53)"
        if profile.id not in self._installed and len(self._installed) >= MAX_PROFILES:
            return f"MaxChargingProfilesInstalled ({MAX_PROFILES}) reached"
        return None

    def _default_clash(self, profile: Profile) -> bool:
        """Another TxDefaultProfile with this stack level, one on EVSE 0 and one not."""
        return any(
            known.purpose == TX_DEFAULT
            and known.stack_level == profile.stack_level
            and known.id != profile.id
            and known.evse_id != profile.evse_id
            and 0 in (profile.evse_id, known.evse_id)
            for known in self._installed.values()
        )

    def clear(
        self,
        *,
        profile_id: int | None = None,
        evse_id: int | None = None,
        purpose: str | None = None,
        stack_level: int | None = None,
    ) -> bool:
        """Clear by id (K10.FR.03) or by every criterion given (K10.FR.04; none: all);
        whether any profile was cleared (Unknown otherwise, K10.FR.01)."""
        if profile_id is not None:
            chosen = [p for p in self._installed.values() if p.id == profile_id]
        else:
            chosen = [
                p
                for p in self._installed.values()
                if evse_id in (None, p.evse_id)
                and purpose in (None, p.purpose)
                and stack_level in (None, p.stack_level)
            ]
        for profile in chosen:
            del self._installed[profile.id]
        return bool(chosen)

    def transaction_ended(self, transaction_id: str) -> None:
        """Drop the TxProfiles of a transaction that ended."""
        for profile in list(self._installed.values()):
            if profile.purpose == TX and profile.transaction_id == transaction_id:
                del self._installed[profile.id]

    def matching(
        self,
        *,
        evse_id: int | None,
        ids: list[int] | None,
        purpose: str | None,
        stack_level: int | None,
    ) -> list[Profile]:
        """The profiles of a GetChargingProfiles (K09.FR.04/05/06): on `evse_id` (None: all),
        matching every criterion given."""
        return [
            p
            for p in self.all()
            if evse_id in (None, p.evse_id)
            and (not ids or p.id in ids)
            and purpose in (None, p.purpose)
            and stack_level in (None, p.stack_level)
        ]
