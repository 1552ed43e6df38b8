"""Charging profiles as the CSMS means them, whatever the OCPP version.

A profile limits how much power or current an EVSE (or the whole station) may draw over
time: 1.6 §3.13 "Smart Charging" and 2.0.1 block K describe the same model with different
words (1.6 ChargePointMaxProfile is 2.0.1 ChargingStationMaxProfile; connectorId 0 is
evseId 0, the station). `check` holds the rules both versions share, each with the
requirement it implements, so a profile that breaks one is refused before it is sent; the
dialects (``voltgate.handlers.commands``) only spell it.

Limits are `Decimal`, in the schedule's `RateUnit` (A per phase, or W: K01.FR.50/51);
durations and period starts are whole seconds; times are aware UTC. A TxProfile names its
transaction by the CSMS's id (`transaction_id`): the dialect sends the station's own id.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from itertools import pairwise
from typing import NoReturn

from voltgate.domain.errors import InvalidCommand


class ProfilePurpose(enum.StrEnum):
    """What a profile is for (1.6 ChargingProfilePurposeType, 2.0.1 ...PurposeEnumType)."""

    CHARGING_STATION_MAX = "CHARGING_STATION_MAX"  # 1.6 ChargePointMaxProfile
    TX_DEFAULT = "TX_DEFAULT"
    TX = "TX"
    CHARGING_STATION_EXTERNAL_CONSTRAINTS = "CHARGING_STATION_EXTERNAL_CONSTRAINTS"  # 2.0.1


class ProfileKind(enum.StrEnum):
    """Absolute (from `start`), Recurring (daily/weekly from `start`) or Relative (from the
    start of charging)."""

    ABSOLUTE = "ABSOLUTE"
    RECURRING = "RECURRING"
    RELATIVE = "RELATIVE"


class Recurrency(enum.StrEnum):
    """How a Recurring profile repeats."""

    DAILY = "DAILY"
    WEEKLY = "WEEKLY"


class RateUnit(enum.StrEnum):
    """A (amperes per phase) or W (watts)."""

    A = "A"
    W = "W"


class LimitSource(enum.StrEnum):
    """Who set a limit (2.0.1 ChargingLimitSourceEnumType): energy management, the system
    operator, the charging station operator, or another source."""

    EMS = "EMS"
    OTHER = "OTHER"
    SO = "SO"
    CSO = "CSO"


@dataclass(frozen=True, slots=True)
class SchedulePeriod:
    """From `start_s` seconds after the schedule's start, at most `limit` (in the schedule's
    unit); `phases` the number of phases to charge with (AC); `phase_to_use` (2.0.1 only)
    which one when `phases` is 1."""

    start_s: int
    limit: Decimal
    phases: int | None = None
    phase_to_use: int | None = None


@dataclass(frozen=True, slots=True)
class ChargingSchedule:
    """Periods of limits, optionally from an absolute `start`, for `duration_s` seconds
    (None: until the next schedule or the end of the transaction). `min_rate` is the lowest
    rate at which charging is efficient (K01.FR.21)."""

    rate_unit: RateUnit
    periods: tuple[SchedulePeriod, ...]
    duration_s: int | None = None
    start: datetime | None = None
    min_rate: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ChargingProfile:
    """One profile: its id (the station replaces a profile with the same id, K01.FR.05), its
    stack level (higher overrules lower, K01.FR.17), purpose, kind and schedule, an optional
    validity window, and for a TxProfile the CSMS id of its transaction."""

    id: int
    stack_level: int
    purpose: ProfilePurpose
    kind: ProfileKind
    schedule: ChargingSchedule
    recurrency: Recurrency | None = None
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    transaction_id: int | None = None


def check(profile: ChargingProfile, evse_id: int) -> None:
    """Refuse a profile that breaks a rule both OCPP versions share, for EVSE `evse_id`
    (0: the station).

    Raises:
        InvalidCommand: the first rule broken, and why.
    """
    purpose, kind, schedule = profile.purpose, profile.kind, profile.schedule
    if purpose is ProfilePurpose.CHARGING_STATION_EXTERNAL_CONSTRAINTS:
        _refuse("an external system sets ChargingStationExternalConstraints, never the CSMS "
                "(K01.FR.22)")  # fmt: skip
    if purpose is ProfilePurpose.CHARGING_STATION_MAX:
        if evse_id != 0:
            _refuse("a station maximum profile is set on evseId 0 (K04.FR.03, 1.6 §3.13.1)")
        if kind is ProfileKind.RELATIVE:
            _refuse("a station maximum profile cannot be Relative (K01.FR.38)")
    if purpose is ProfilePurpose.TX:
        if evse_id == 0:
            _refuse("a TxProfile is set on one EVSE, evseId > 0 (K01.FR.16)")
        if profile.transaction_id is None:
            _refuse("a TxProfile names its transaction: transactionId (K01.FR.03)")
    elif profile.transaction_id is not None:
        _refuse("only a TxProfile names a transaction")
    if (kind is ProfileKind.RECURRING) != (profile.recurrency is not None):
        _refuse("a Recurring profile, and only one, has a recurrencyKind")
    if kind is ProfileKind.RELATIVE and schedule.start is not None:
        _refuse("a Relative profile has no startSchedule (K01.FR.41)")
    if (
        profile.valid_from is not None
        and profile.valid_to is not None
        and profile.valid_from >= profile.valid_to
    ):
        _refuse("validFrom must lie before validTo")
    _check_periods(schedule.periods)


def _check_periods(periods: tuple[SchedulePeriod, ...]) -> None:
    if not periods:
        _refuse("a schedule has at least one period")
    if periods[0].start_s != 0:
        _refuse("the first period starts at 0 (K01.FR.31)")
    starts = [period.start_s for period in periods]
    if any(later <= earlier for earlier, later in pairwise(starts)):
        _refuse("periods are ordered by strictly increasing startPeriod (K01.FR.35)")
    for period in periods:
        if period.phase_to_use is not None and period.phases != 1:
            _refuse("phaseToUse only with numberPhases 1 (K01.FR.19)")


def _refuse(reason: str) -> NoReturn:
    raise InvalidCommand(reason)
