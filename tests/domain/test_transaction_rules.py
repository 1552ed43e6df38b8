"""Energy, registers and suspect flags of transactions (pure rules)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from voltgate.domain.authorization import AuthStatus, TokenDecision
from voltgate.domain.errors import InvalidTransition
from voltgate.domain.meter import MeterSample, normalise
from voltgate.domain.transactions import (
    StartRequest,
    StopRequest,
    SuspectFlag,
    Transaction,
    TxEvent,
    TxState,
    advance,
    energy_of,
    new_transaction,
    stop,
    stop_matches,
    track,
)

T0 = datetime(2025, 1, 1, 12, tzinfo=UTC)
TOL = timedelta(minutes=5)
LATER = T0 + timedelta(hours=2)  # server time when stops arrive
OK = TokenDecision(AuthStatus.ACCEPTED)


def started(meter_start: int = 1000, evse_register: float | None = None) -> Transaction:
    req = StartRequest(1, 1, "TAG", meter_start, T0)
    tx = new_transaction("CP", req, OK, evse_register_wh=evse_register, now=T0, tolerance=TOL)
    return tx._replace(id=7)


def register(minutes: float, wh: str) -> MeterSample:
    return normalise(T0 + timedelta(minutes=minutes), wh)


def test_state_table() -> None:
    """A started transaction can stop once; a stopped one cannot stop again."""
    assert advance(TxState.STARTED, TxEvent.STOP) is TxState.STOPPED
    assert advance(TxState.STOPPED, TxEvent.METER_VALUES) is TxState.STOPPED
    with pytest.raises(InvalidTransition):
        advance(TxState.STOPPED, TxEvent.STOP)


def test_energy_is_stop_minus_start() -> None:
    """Energy is meterStop minus meterStart for a plain transaction."""
    tx = stop(
        started(1000),
        StopRequest(7, "TAG", 4500, T0 + timedelta(hours=1)),
        now=LATER,
        tolerance=TOL,
    )
    assert tx.energy_wh == 3500
    assert tx.suspect == frozenset()


def test_running_energy_follows_the_last_register() -> None:
    """While charging, energy is the last register minus the baseline."""
    tx, flags = track(
        started(1000), [register(1, "1100"), register(2, "1300")], now=T0, tolerance=TOL
    )
    assert tx is not None
    assert (tx.first_register_wh, tx.last_register_wh, tx.energy_wh) == (1100, 1300, 300)
    assert tx.reading_count == 2
    assert flags == [frozenset(), frozenset()]


def test_backwards_register_is_flagged_and_ignored() -> None:
    """A register lower than an earlier one is flagged on sample and transaction, not used."""
    tx, flags = track(
        started(1000), [register(1, "1500"), register(2, "1200")], now=T0, tolerance=TOL
    )
    assert tx is not None
    assert flags[1] == {SuspectFlag.METER_BACKWARDS}
    assert SuspectFlag.METER_BACKWARDS in tx.suspect
    assert tx.last_register_wh == 1500
    assert tx.energy_wh == 500


def test_register_below_meter_start_is_backwards() -> None:
    """A register below meterStart means the meter went back."""
    _, flags = track(started(5000), [register(1, "4000")], now=LATER, tolerance=TOL)
    assert flags == [{SuspectFlag.METER_BACKWARDS}]


def test_zero_meter_start_with_known_evse_register_uses_the_register() -> None:
    """meterStart 0 while the EVSE's meter read 50 kWh: baseline is 50 kWh, flagged."""
    tx = started(0, evse_register=50_000)
    assert tx.baseline_wh == 50_000
    assert SuspectFlag.ZERO_BASELINE in tx.suspect
    done = stop(tx, StopRequest(7, None, 57_000, T0 + timedelta(hours=1)), now=LATER, tolerance=TOL)
    assert done.energy_wh == 7000


def test_zero_meter_start_with_implausible_first_sample_rebases() -> None:
    """meterStart 0 but 50 kWh one minute later: the first register is the baseline."""
    tx, _ = track(
        started(0), [register(1, "50000"), register(30, "53000")], now=LATER, tolerance=TOL
    )
    assert tx is not None
    assert tx.baseline_wh == 50_000
    assert SuspectFlag.ZERO_BASELINE in tx.suspect
    assert tx.energy_wh == 3000


def test_genuine_zero_meter_start_is_kept() -> None:
    """A fresh meter starting at 0 and reading 11 kWh after an hour is plausible."""
    tx, _ = track(started(0), [register(60, "11000")], now=LATER, tolerance=TOL)
    assert tx is not None
    assert tx.baseline_wh == 0
    assert SuspectFlag.ZERO_BASELINE not in tx.suspect
    assert tx.energy_wh == 11_000


def test_stop_below_start_is_flagged_and_energy_not_negative() -> None:
    """meterStop below meterStart is flagged; energy falls back to registers, never < 0."""
    tx, _ = track(started(1000), [register(10, "1800")], now=LATER, tolerance=TOL)
    assert tx is not None
    done = stop(tx, StopRequest(7, None, 0, T0 + timedelta(hours=1)), now=LATER, tolerance=TOL)
    assert SuspectFlag.STOP_BELOW_START in done.suspect
    assert done.energy_wh == 800


def test_future_timestamps_and_stop_before_start_are_clock_skew() -> None:
    """A timestamp beyond the tolerance in the future, or a stop before its start, is skew."""
    req = StartRequest(1, 1, "TAG", 0, T0 + timedelta(hours=2))
    skewed = new_transaction("CP", req, OK, evse_register_wh=None, now=T0, tolerance=TOL)
    assert SuspectFlag.CLOCK_SKEW in skewed.suspect
    early = stop(
        started(), StopRequest(7, None, 2000, T0 - timedelta(hours=1)), now=LATER, tolerance=TOL
    )
    assert SuspectFlag.CLOCK_SKEW in early.suspect


def test_old_timestamps_are_not_suspect() -> None:
    """An offline replay a week old is normal (1.6 §3.7)."""
    old = T0 - timedelta(days=7)
    tx = new_transaction(
        "CP", StartRequest(1, 1, "TAG", 10, old), OK, evse_register_wh=None, now=T0, tolerance=TOL
    )
    assert tx.suspect == frozenset()


def test_repeated_stop_matches_only_identical_data() -> None:
    """A retried stop matches; a stop with different meterStop does not."""
    done = stop(
        started(), StopRequest(7, "TAG", 2000, T0 + timedelta(hours=1)), now=LATER, tolerance=TOL
    )
    assert stop_matches(done, StopRequest(7, "TAG", 2000, T0 + timedelta(hours=1)))
    assert not stop_matches(done, StopRequest(7, "TAG", 2100, T0 + timedelta(hours=1)))


def test_energy_unknown_without_any_reference() -> None:
    """An unmatched transaction without registers has no energy figure."""
    tx = Transaction(0, "CP", 0, 0, None, None, None, unmatched=True)
    assert energy_of(tx) is None


def test_track_changes_only_the_register_fields() -> None:
    """Folding samples in keeps every other field of the transaction as it was."""
    tx = started()._replace(remote_id="R", reservation_id=3, stop_id_tag="X", reported_id=9)
    tracked, _ = track(tx, [register(1, "1500")], now=LATER, tolerance=TOL)
    assert tracked is not None
    registers = {
        "baseline_wh", "energy_wh", "first_register_wh", "first_register_at",
        "last_register_wh", "last_register_at", "reading_count", "suspect",
    }  # fmt: skip
    expected = tx._replace(**{name: getattr(tracked, name) for name in registers})
    assert tracked == expected
    assert (tracked.last_register_wh, tracked.reading_count) == (1500, 1)


def test_registers_listed_out_of_time_order_are_compared_in_time_order() -> None:
    """Registers are compared by their timestamps, not by where the station listed them: the
    later reading that is lower is the one flagged, and other samples do not take part."""
    power = normalise(T0 + timedelta(minutes=3), "7400", measurand="Power.Active.Import")
    samples = [register(3, "1200"), power, register(2, "1300")]
    tx, flags = track(started(1000), samples, now=LATER, tolerance=TOL)
    assert tx is not None
    assert flags == [{SuspectFlag.METER_BACKWARDS}, frozenset(), frozenset()]
    assert (tx.first_register_wh, tx.last_register_wh, tx.energy_wh) == (1300, 1300, 300)
    assert tx.reading_count == 3
