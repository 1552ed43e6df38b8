"""Transaction use cases over real storage: exactly once, flagged, never refused."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from voltgate.domain.meter import normalise
from voltgate.domain.services import (
    AuthStatus,
    Services,
    StartRequest,
    StopRequest,
    SuspectFlag,
    TokenStatus,
)
from voltgate.testing.clock import FakeClock


@pytest.fixture
async def station(services: Services) -> str:
    """A provisioned station with an accepted tag "TAG"."""
    await services.stations.add("CP-1", None)
    await services.authorization.add_token("TAG")
    return "CP-1"


async def test_retried_start_returns_the_same_id_and_stores_one_row(
    services: Services, station: str, clock: FakeClock
) -> None:
    """The same StartTransaction sent twice gets the same transaction id."""
    req = StartRequest(1, 1, "TAG", 1000, clock())
    first = await services.transactions.start(station, req)
    second = await services.transactions.start(station, req)
    assert first == second
    assert first.token.status is AuthStatus.ACCEPTED
    view = await services.stations.get_view(station)
    assert view is not None and len(view.transactions) == 1


async def test_start_with_invalid_or_blocked_tag_is_stored(
    services: Services, station: str, clock: FakeClock
) -> None:
    """The station already started: the row is stored and the verdict returned."""
    await services.authorization.add_token("BAD", TokenStatus.BLOCKED)
    unknown = await services.transactions.start(station, StartRequest(1, 1, "WHO", 0, clock()))
    blocked = await services.transactions.start(station, StartRequest(2, 1, "BAD", 0, clock()))
    assert unknown.token.status is AuthStatus.INVALID
    assert blocked.token.status is AuthStatus.BLOCKED
    assert unknown.transaction_id != blocked.transaction_id
    assert await services.transactions.get(unknown.transaction_id) is not None


async def test_concurrent_tx_for_a_tag_charging_elsewhere(
    services: Services, station: str, clock: FakeClock
) -> None:
    """A tag already charging on connector 1 gets ConcurrentTx when starting on connector 2."""
    await services.transactions.start(station, StartRequest(1, 1, "TAG", 0, clock()))
    second = await services.transactions.start(station, StartRequest(2, 1, "tag", 0, clock()))
    assert second.token.status is AuthStatus.CONCURRENT_TX


async def test_offline_replay_keeps_original_timestamps(
    services: Services, station: str, clock: FakeClock
) -> None:
    """Messages queued for days are stored with their own times and not flagged."""
    old = clock() - timedelta(days=3)
    result = await services.transactions.start(station, StartRequest(1, 1, "TAG", 100, old))
    await services.transactions.stop(
        station, StopRequest(result.transaction_id, "TAG", 900, old + timedelta(hours=1))
    )
    tx = await services.transactions.get(result.transaction_id)
    assert tx is not None
    assert (tx.started_at, tx.stopped_at) == (old, old + timedelta(hours=1))
    assert tx.suspect == frozenset()
    assert tx.energy_wh == 800


async def test_start_in_the_future_is_clock_skew(
    services: Services, station: str, clock: FakeClock
) -> None:
    """A start stamped an hour ahead of the server is stored and flagged."""
    result = await services.transactions.start(
        station, StartRequest(1, 1, "TAG", 0, clock() + timedelta(hours=1))
    )
    tx = await services.transactions.get(result.transaction_id)
    assert tx is not None and SuspectFlag.CLOCK_SKEW in tx.suspect


async def test_meter_values_are_stored_once_and_update_energy(
    services: Services, station: str, clock: FakeClock
) -> None:
    """Retried MeterValues add nothing; energy follows the register."""
    tx_id = (
        await services.transactions.start(station, StartRequest(1, 1, "TAG", 1000, clock()))
    ).transaction_id
    at = clock() + timedelta(minutes=1)
    samples = [
        normalise(at, "1.5", unit="kWh"),
        normalise(at, "7.2", measurand="Power.Active.Import", unit="kW"),
        normalise(at, "231", measurand="Voltage", phase="L1-N"),
    ]
    await services.transactions.meter_values(station, 1, 1, tx_id, samples)
    await services.transactions.meter_values(station, 1, 1, tx_id, samples)
    readings = await services.transactions.readings(tx_id)
    tx = await services.transactions.get(tx_id)
    assert len(readings) == 3
    assert tx is not None
    assert (tx.reading_count, tx.energy_wh, tx.last_register_wh) == (3, 500, 1500)
    power = next(r for r in readings if r.sample.measurand == "Power.Active.Import")
    assert (power.sample.value, power.sample.unit, power.sample.value_raw) == (7200, "W", "7.2")
    assert power.sample.at == at


async def test_backwards_register_is_stored_and_flagged(
    services: Services, station: str, clock: FakeClock
) -> None:
    """A register lower than the last one is stored, flagged on sample and transaction."""
    tx_id = (
        await services.transactions.start(station, StartRequest(1, 1, "TAG", 1000, clock()))
    ).transaction_id
    await services.transactions.meter_values(
        station, 1, 1, tx_id, [normalise(clock() + timedelta(minutes=1), "2000")]
    )
    await services.transactions.meter_values(
        station, 1, 1, tx_id, [normalise(clock() + timedelta(minutes=2), "1500")]
    )
    readings = await services.transactions.readings(tx_id)
    tx = await services.transactions.get(tx_id)
    assert [r.flags for r in readings] == [frozenset(), {SuspectFlag.METER_BACKWARDS}]
    assert tx is not None and SuspectFlag.METER_BACKWARDS in tx.suspect
    assert tx.energy_wh == 1000


async def test_zero_meter_start_uses_the_evse_register(
    services: Services, station: str, clock: FakeClock
) -> None:
    """After a transaction ended at 50 kWh, a new one claiming meterStart 0 counts from 50 kWh."""
    first = await services.transactions.start(station, StartRequest(1, 1, "TAG", 40_000, clock()))
    await services.transactions.stop(
        station, StopRequest(first.transaction_id, "TAG", 50_000, clock() + timedelta(minutes=30))
    )
    clock.advance(3600)
    second = await services.transactions.start(station, StartRequest(1, 1, "TAG", 0, clock()))
    await services.transactions.stop(
        station, StopRequest(second.transaction_id, "TAG", 52_000, clock() + timedelta(minutes=30))
    )
    tx = await services.transactions.get(second.transaction_id)
    assert tx is not None
    assert SuspectFlag.ZERO_BASELINE in tx.suspect
    assert (tx.baseline_wh, tx.energy_wh) == (50_000, 2000)


async def test_retried_stop_adds_nothing(
    services: Services, station: str, clock: FakeClock
) -> None:
    """The same StopTransaction twice leaves one stopped transaction with its samples once."""
    tx_id = (
        await services.transactions.start(station, StartRequest(1, 1, "TAG", 1000, clock()))
    ).transaction_id
    clock.advance(1800)
    end = clock()
    req = StopRequest(
        tx_id, "TAG", 3000, end, "EVDisconnected",
        samples=[normalise(end, "3000", context="Transaction.End")],
    )  # fmt: skip
    first = await services.transactions.stop(station, req)
    second = await services.transactions.stop(station, req)
    assert first == second
    assert first is not None and first.status is AuthStatus.ACCEPTED
    tx = await services.transactions.get(tx_id)
    assert tx is not None
    assert (tx.stop_reason, tx.energy_wh, tx.reading_count, tx.suspect) == (
        "EVDisconnected", 2000, 1, frozenset(),
    )  # fmt: skip
    assert len(await services.transactions.readings(tx_id)) == 1


async def test_conflicting_second_stop_keeps_the_first(
    services: Services, station: str, clock: FakeClock
) -> None:
    """A second stop with other data is flagged and recorded, the first one stays."""
    tx_id = (
        await services.transactions.start(station, StartRequest(1, 1, "TAG", 1000, clock()))
    ).transaction_id
    end = clock() + timedelta(minutes=30)
    await services.transactions.stop(station, StopRequest(tx_id, "TAG", 3000, end))
    await services.transactions.stop(station, StopRequest(tx_id, "TAG", 3500, end))
    await services.transactions.stop(station, StopRequest(tx_id, "TAG", 3500, end))
    tx = await services.transactions.get(tx_id)
    assert tx is not None
    assert (tx.meter_stop_wh, tx.energy_wh) == (3000, 2000)
    assert SuspectFlag.DUPLICATE_STOP_CONFLICT in tx.suspect
    events = await services.events.list_for_station(station, kind="StopTransactionConflict")
    assert [e.payload["meterStop"] for e in events] == [3500]


@pytest.mark.parametrize("reported_id", [-1, 424242])
async def test_stop_for_unknown_transaction_is_kept_unmatched(
    services: Services, station: str, clock: FakeClock, reported_id: int
) -> None:
    """A stop naming an unknown id (or -1) is stored once, unmatched and flagged."""
    end = clock() - timedelta(hours=1)
    req = StopRequest(reported_id, "TAG", 7000, end, samples=[normalise(end, "7000")])
    decision = await services.transactions.stop(station, req)
    await services.transactions.stop(station, req)
    assert decision is not None and decision.status is AuthStatus.ACCEPTED
    view = await services.stations.get_view(station)
    assert view is not None
    [tx] = view.transactions
    assert tx.unmatched and tx.reported_id == reported_id
    assert SuspectFlag.UNKNOWN_TRANSACTION in tx.suspect
    assert (tx.stopped_at, tx.meter_stop_wh, tx.reading_count) == (end, 7000, 1)


async def test_meter_values_for_unknown_transaction_are_kept_with_the_reported_id(
    services: Services, station: str, clock: FakeClock
) -> None:
    """Samples naming an unknown id are stored once, flagged, and joined by its later stop."""
    at = clock() - timedelta(minutes=10)
    samples = [normalise(at, "5000")]
    await services.transactions.meter_values(station, 1, 1, 999, samples)
    await services.transactions.meter_values(station, 1, 1, 999, samples)
    await services.transactions.meter_values(station, 1, 1, -1, samples)
    unmatched = await services.transactions.unmatched_readings(station)
    assert sorted(r.reported_transaction_id or 0 for r in unmatched) == [-1, 999]
    assert all(SuspectFlag.UNKNOWN_TRANSACTION in r.flags for r in unmatched)
    await services.transactions.stop(station, StopRequest(999, None, 6000, clock()))
    view = await services.stations.get_view(station)
    assert view is not None
    readings = await services.transactions.readings(view.transactions[0].id)
    assert [r.reported_transaction_id for r in readings] == [999]


async def test_meter_values_without_transaction_update_the_evse_register(
    services: Services, station: str, clock: FakeClock
) -> None:
    """Samples outside a transaction are stored and move the EVSE's last register."""
    await services.transactions.meter_values(station, 2, 1, None, [normalise(clock(), "123456")])
    view = await services.stations.get_view(station)
    assert view is not None
    assert [(e.evse_id, e.last_register_wh) for e in view.evses] == [(2, 123456)]


async def test_transactions_of_a_station_newest_first(
    services: Services, station: str, clock: FakeClock
) -> None:
    """The station view lists transactions newest first with counts and flags."""
    ids = []
    for n in range(3):
        clock.advance(60)
        result = await services.transactions.start(station, StartRequest(1, 1, "TAG", n, clock()))
        ids.append(result.transaction_id)
    view = await services.stations.get_view(station)
    assert view is not None
    assert [tx.id for tx in view.transactions] == ids[::-1]


async def test_overlapping_meter_values_count_only_new_samples(
    services: Services, station: str, clock: FakeClock
) -> None:
    """A message repeating some earlier samples stores and counts only the new ones."""
    start = await services.transactions.start(station, StartRequest(1, 1, "TAG", 1000, clock()))
    tx_id = start.transaction_id
    a, b, c = (
        normalise(clock() + timedelta(minutes=m), wh)
        for m, wh in ((1, "1100"), (2, "1200"), (3, "1300"))
    )
    await services.transactions.meter_values(station, 1, 1, tx_id, [a, b])
    await services.transactions.meter_values(station, 1, 1, tx_id, [b, c])
    tx = await services.transactions.get(tx_id)
    assert tx is not None
    assert (tx.reading_count, tx.last_register_wh, tx.energy_wh) == (3, 1300, 300)
    view = await services.stations.get_view(station)
    assert view is not None and view.evses[0].last_register_wh == 1300


async def test_a_meter_value_element_is_one_record(
    services: Services, station: str, clock: FakeClock
) -> None:
    """The samples of one timestamp share one stored record; its key covers their content."""
    tx_id = (
        await services.transactions.start(station, StartRequest(1, 1, "TAG", 1000, clock()))
    ).transaction_id
    at = clock() + timedelta(minutes=1)
    first = [normalise(at, "1500"), normalise(at, "7.2", measurand="Power.Active.Import")]
    await services.transactions.meter_values(station, 1, 1, tx_id, first)
    # The same readings listed in another order are the same element: stored once.
    await services.transactions.meter_values(station, 1, 1, tx_id, first[::-1])
    # The same time with other values is another element.
    other = [normalise(at, "1600"), normalise(at, "7.3", measurand="Power.Active.Import")]
    await services.transactions.meter_values(station, 1, 1, tx_id, other)
    readings = await services.transactions.readings(tx_id)
    assert len({r.key for r in readings}) == 2
    assert [r.sample.value_raw for r in readings if r.key == readings[0].key] in (
        ["1500", "7.2"],
        ["1600", "7.3"],
    )
    tx = await services.transactions.get(tx_id)
    assert tx is not None and (tx.reading_count, tx.last_register_wh) == (4, 1600)


async def test_meter_values_batched_together_see_each_other(
    services: Services, station: str, clock: FakeClock, batches: list[int]
) -> None:
    """Messages for one transaction committed in one batch are all counted, in order."""
    tx_id = (
        await services.transactions.start(station, StartRequest(1, 1, "TAG", 1000, clock()))
    ).transaction_id
    batches.clear()
    messages = [
        [normalise(clock() + timedelta(seconds=m), str(1000 + 100 * m))] for m in range(1, 21)
    ]
    retry = messages[4]
    await asyncio.gather(
        *(services.transactions.meter_values(station, 1, 1, tx_id, s) for s in messages),
        services.transactions.meter_values(station, 1, 1, tx_id, retry),
    )
    assert len(batches) < 21  # at least some shared a commit
    tx = await services.transactions.get(tx_id)
    assert tx is not None
    assert (tx.reading_count, tx.last_register_wh, tx.energy_wh) == (20, 3000, 2000)
    assert tx.suspect == frozenset()
    view = await services.stations.get_view(station)
    assert view is not None and view.evses[0].last_register_wh == 3000
