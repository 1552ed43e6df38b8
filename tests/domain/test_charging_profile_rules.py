"""The charging profile rules both OCPP versions share (`smart_charging.profiles.check`), as
plain functions: each rule refuses what breaks it, citing its requirement, and lets the rest
through."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from voltgate.domain.errors import InvalidCommand
from voltgate.domain.smart_charging.profiles import (
    ChargingProfile,
    ChargingSchedule,
    LimitSource,
    ProfileKind,
    ProfilePurpose,
    RateUnit,
    Recurrency,
    SchedulePeriod,
    check,
)

T0 = datetime(2030, 1, 1, 10, 0, tzinfo=UTC)
P, K = ProfilePurpose, ProfileKind


def schedule(*periods: SchedulePeriod, start: datetime | None = T0) -> ChargingSchedule:
    """A schedule in A; 16 A from 0 when no periods are given."""
    chosen = periods or (SchedulePeriod(0, Decimal(16)),)
    return ChargingSchedule(RateUnit.A, chosen, duration_s=3600, start=start)


def profile(**changes: object) -> ChargingProfile:
    """A valid TxDefaultProfile, Absolute, with one period; `changes` break one rule."""
    made = ChargingProfile(
        id=1, stack_level=0, purpose=P.TX_DEFAULT, kind=K.ABSOLUTE, schedule=schedule()
    )
    return replace(made, **changes)  # type: ignore[arg-type]


# (the profile, the EVSE it is set on, what the refusal cites)
BROKEN = [
    (profile(purpose=P.CHARGING_STATION_EXTERNAL_CONSTRAINTS), 0, "K01.FR.22"),
    (profile(purpose=P.CHARGING_STATION_MAX), 1, "K04.FR.03"),
    (
        profile(purpose=P.CHARGING_STATION_MAX, kind=K.RELATIVE, schedule=schedule(start=None)),
        0,
        "K01.FR.38",
    ),
    (profile(purpose=P.TX, transaction_id=5), 0, "K01.FR.16"),
    (profile(purpose=P.TX), 1, "K01.FR.03"),
    (profile(transaction_id=5), 1, "only a TxProfile names a transaction"),
    (profile(kind=K.RECURRING), 1, "a Recurring profile, and only one, has a recurrencyKind"),
    (profile(recurrency=Recurrency.DAILY), 1, "a Recurring profile, and only one"),
    (profile(kind=K.RELATIVE), 1, "K01.FR.41"),
    (profile(valid_from=T0, valid_to=T0), 1, "validFrom must lie before validTo"),
    (profile(valid_from=T0 + timedelta(days=1), valid_to=T0), 1, "validFrom must lie before"),
    (profile(schedule=ChargingSchedule(RateUnit.W, ())), 1, "at least one period"),
    (profile(schedule=schedule(SchedulePeriod(60, Decimal(16)))), 1, "K01.FR.31"),
    (
        profile(schedule=schedule(SchedulePeriod(0, Decimal(16)), SchedulePeriod(0, Decimal(8)))),
        1,
        "K01.FR.35",
    ),
    (
        profile(
            schedule=schedule(
                SchedulePeriod(0, Decimal(16)),
                SchedulePeriod(900, Decimal(8)),
                SchedulePeriod(600, Decimal(6)),
            )
        ),
        1,
        "K01.FR.35",
    ),
    (
        profile(schedule=schedule(SchedulePeriod(0, Decimal(16), phases=3, phase_to_use=2))),
        1,
        "K01.FR.19",
    ),
    (profile(schedule=schedule(SchedulePeriod(0, Decimal(16), phase_to_use=1))), 1, "K01.FR.19"),
]

VALID = [
    (profile(), 1, "a TxDefaultProfile on one EVSE"),
    (profile(), 0, "a TxDefaultProfile for every EVSE (evseId 0)"),
    (profile(purpose=P.CHARGING_STATION_MAX), 0, "K04.FR.03: the station maximum on 0"),
    (
        profile(purpose=P.CHARGING_STATION_MAX, kind=K.RECURRING, recurrency=Recurrency.WEEKLY),
        0,
        "a weekly station maximum",
    ),
    (profile(purpose=P.TX, transaction_id=5), 2, "K01.FR.03/16: a TxProfile names its tx"),
    (profile(kind=K.RELATIVE, schedule=schedule(start=None)), 1, "K01.FR.41: Relative"),
    (profile(kind=K.RECURRING, recurrency=Recurrency.DAILY), 1, "a daily profile"),
    (profile(valid_from=T0), 1, "only validFrom"),
    (profile(valid_to=T0), 1, "only validTo"),
    (profile(valid_from=T0, valid_to=T0 + timedelta(days=1)), 1, "a validity window"),
    (
        profile(schedule=schedule(SchedulePeriod(0, Decimal(16)), SchedulePeriod(900, Decimal(8)))),
        1,
        "K01.FR.31/35: from 0, increasing",
    ),
    (
        profile(schedule=schedule(SchedulePeriod(0, Decimal(16), phases=1, phase_to_use=3))),
        1,
        "K01.FR.19: phaseToUse with one phase",
    ),
]


@pytest.mark.parametrize(("broken", "evse_id", "cited"), BROKEN)
def test_each_rule_refuses_what_breaks_it(
    broken: ChargingProfile, evse_id: int, cited: str
) -> None:
    """A profile that breaks a shared rule is refused before it is sent; the reason cites
    the rule (the requirement id where OCPP has one)."""
    with pytest.raises(InvalidCommand) as refused:
        check(broken, evse_id)
    assert cited in refused.value.reason


@pytest.mark.parametrize(("valid", "evse_id", "why"), VALID)
def test_profiles_that_keep_every_rule_pass(valid: ChargingProfile, evse_id: int, why: str) -> None:
    """A profile that breaks no rule passes `check` on its EVSE (`why` names the rule)."""
    check(valid, evse_id)


def test_the_rules_are_checked_in_order_of_the_profile_then_its_periods() -> None:
    """With several rules broken, the refusal names the profile's first (K01.FR.22 before
    K01.FR.31): the operator fixes the purpose before the periods."""
    broken = profile(
        purpose=P.CHARGING_STATION_EXTERNAL_CONSTRAINTS,
        schedule=schedule(SchedulePeriod(60, Decimal(16))),
    )
    with pytest.raises(InvalidCommand, match=r"K01\.FR\.22"):
        check(broken, 0)


def test_the_values_spell_both_versions_words() -> None:
    """The enums name each value once, in the API's spelling (UPPER_SNAKE_CASE)."""
    assert [unit.value for unit in RateUnit] == ["A", "W"]
    assert {source.value for source in LimitSource} == {"EMS", "OTHER", "SO", "CSO"}
    assert {p.value for p in P} >= {"CHARGING_STATION_MAX", "TX_DEFAULT", "TX"}
    assert [kind.value for kind in K] == ["ABSOLUTE", "RECURRING", "RELATIVE"]
