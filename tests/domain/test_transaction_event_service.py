"""OCPP 2.0.1 transactions over real storage: events in any order, each stored once."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from voltgate.domain.authorization import PresentedToken, TokenType
from voltgate.domain.meter import normalise
from voltgate.domain.services import AuthStatus, Services, SuspectFlag, Transaction
from voltgate.domain.transaction_events import TransactionEventReport, TxEventType
from voltgate.testing.clock import FakeClock

STARTED, UPDATED, ENDED = TxEventType.STARTED, TxEventType.UPDATED, TxEventType.ENDED
CARD = PresentedToken("TAG", TokenType.ISO14443)


@pytest.fixture
async def station(services: Services) -> str:
    """A provisioned station with an accepted tag "TAG"."""
    await services.stations.add("CP-1", None)
    await services.authorization.add_token("TAG")
    return "CP-1"


def event(
    kind: TxEventType,
    seq_no: int,
    at: datetime,
    wh: float | None = None,
    *,
    tx: str = "tx-1",
    token: PresentedToken | None = None,
    stopped_reason: str | None = None,
    offline: bool = False,
) -> TransactionEventReport:
    """A TransactionEvent on EVSE 1 connector 1 with an energy register `wh` (if given)."""
    context = {STARTED: "Transaction.Begin", ENDED: "Transaction.End"}.get(kind, "Sample.Periodic")
    samples = [] if wh is None else [normalise(at, f"{wh:.0f}", context=context, unit="Wh")]
    return TransactionEventReport(
        station_transaction_id=tx,
        event_type=kind,
        timestamp=at,
        trigger_reason={STARTED: "Authorized", ENDED: "StopAuthorized"}.get(
            kind, "MeterValuePeriodic"
        ),
        seq_no=seq_no,
        offline=offline,
        stopped_reason=stopped_reason,
        evse_id=1,
        connector_id=1,
        token=token,
        samples=samples,
    )


def session(t0: datetime) -> list[TransactionEventReport]:
    """Started at 1,000 Wh, Updated at 2,000 and 3,000, Ended at 4,000."""
    return [
        event(STARTED, 0, t0, 1000, token=CARD),
        event(UPDATED, 1, t0 + timedelta(minutes=10), 2000),
        event(UPDATED, 2, t0 + timedelta(minutes=20), 3000),
        event(ENDED, 3, t0 + timedelta(minutes=30), 4000, stopped_reason="EVDisconnected"),
    ]


async def stored(services: Services, transaction_id: int) -> Transaction:
    tx = await services.transactions.get(transaction_id)
    assert tx is not None
    return tx


async def test_a_whole_session_becomes_one_transaction(
    services: Services, station: str, clock: FakeClock
) -> None:
    """Started/Updated/Ended fold into one transaction with 1.6's fields (E01, E06)."""
    t0 = clock() - timedelta(hours=3)
    outcomes = [await services.transaction_events.report(station, e) for e in session(t0)]
    assert len({o.transaction_id for o in outcomes}) == 1
    assert outcomes[0].token is not None and outcomes[0].token.status is AuthStatus.ACCEPTED
    assert [o.token for o in outcomes[1:]] == [None, None, None]
    tx = await stored(services, outcomes[0].transaction_id)
    assert (tx.remote_id, tx.evse_id, tx.connector_id, tx.id_tag) == ("tx-1", 1, 1, "TAG")
    assert (tx.started_at, tx.stopped_at) == (t0, t0 + timedelta(minutes=30))
    assert (tx.meter_start_wh, tx.meter_stop_wh, tx.energy_wh) == (1000, 4000, 3000.0)
    assert (tx.stop_reason, tx.auth_status, tx.suspect) == (
        "EVDisconnected",
        AuthStatus.ACCEPTED,
        frozenset(),
    )
    events = await services.transaction_events.list_for_transaction(tx.id)
    assert [(e.seq_no, e.event_type) for e in events] == [
        (0, STARTED), (1, UPDATED), (2, UPDATED), (3, ENDED)
    ]  # fmt: skip
    readings = await services.transactions.readings(tx.id)
    assert [r.sample.value for r in readings] == [1000, 2000, 3000, 4000]


async def test_a_retried_event_changes_nothing(
    services: Services, station: str, clock: FakeClock
) -> None:
    """Exactly once: the same transactionId, seqNo, eventType and timestamp is a retry."""
    first, second, *_ = session(clock() - timedelta(hours=3))
    await services.transaction_events.report(station, first)
    before = await services.transaction_events.report(station, second)
    again = await services.transaction_events.report(station, second)
    assert again == before
    tx = await stored(services, before.transaction_id)
    assert tx.reading_count == 2
    assert len(await services.transaction_events.list_for_transaction(tx.id)) == 2


async def test_seq_no_restarting_at_zero_is_a_new_event(
    services: Services, station: str, clock: FakeClock
) -> None:
    """§1.3.2: seqNo may start from 0 again; another time makes it another event."""
    t0 = clock() - timedelta(hours=3)
    await services.transaction_events.report(station, event(STARTED, 0, t0, 1000, token=CARD))
    await services.transaction_events.report(station, event(UPDATED, 1, t0 + timedelta(minutes=5)))
    later = event(UPDATED, 1, t0 + timedelta(minutes=15), 2500)
    outcome = await services.transaction_events.report(station, later)
    events = await services.transaction_events.list_for_transaction(outcome.transaction_id)
    assert len(events) == 3
    assert (await stored(services, outcome.transaction_id)).energy_wh == 1500.0


async def test_offline_replay_in_reverse_order_gives_the_same_transaction(
    services: Services, station: str, clock: FakeClock
) -> None:
    """E04.FR.03: queued events arrive late and out of order; Ended first is not lost."""
    t0 = clock() - timedelta(hours=2)
    reversed_events = [e._replace(offline=True) for e in reversed(session(t0))]
    outcomes = [await services.transaction_events.report(station, e) for e in reversed_events]
    assert len({o.transaction_id for o in outcomes}) == 1
    tx = await stored(services, outcomes[0].transaction_id)
    assert (tx.started_at, tx.stopped_at) == (t0, t0 + timedelta(minutes=30))
    assert (tx.meter_start_wh, tx.meter_stop_wh, tx.energy_wh) == (1000, 4000, 3000.0)
    assert (tx.id_tag, tx.stop_reason, tx.suspect) == ("TAG", "EVDisconnected", frozenset())
    assert tx.reading_count == 4
    events = await services.transaction_events.list_for_transaction(tx.id)
    assert [e.seq_no for e in events] == [0, 1, 2, 3]
    assert all(e.offline for e in events)


async def test_meter_values_after_ended_are_stored(
    services: Services, station: str, clock: FakeClock
) -> None:
    """Late data after Ended is stored and counted; the transaction stays stopped."""
    t0 = clock() - timedelta(hours=3)
    outcomes = [await services.transaction_events.report(station, e) for e in session(t0)]
    late = event(UPDATED, 4, t0 + timedelta(minutes=25), 3500)
    await services.transaction_events.report(station, late)
    tx = await stored(services, outcomes[0].transaction_id)
    assert tx.stopped_at == t0 + timedelta(minutes=30)
    assert (tx.reading_count, tx.energy_wh) == (5, 3000.0)


async def test_a_bogus_zero_begin_register_is_not_the_baseline(
    services: Services, station: str, clock: FakeClock
) -> None:
    """A Begin of 0 while the EVSE's meter showed 50 kWh is flagged, as 1.6 meterStart 0."""
    t0 = clock() - timedelta(hours=3)
    for e in session(t0):
        await services.transaction_events.report(station, e)
    second = [
        event(STARTED, 0, t0 + timedelta(hours=1), 0, tx="tx-9", token=CARD),
        event(ENDED, 1, t0 + timedelta(hours=2), 9000, tx="tx-9"),
    ]
    outcomes = [await services.transaction_events.report(station, e) for e in second]
    tx = await stored(services, outcomes[0].transaction_id)
    assert SuspectFlag.ZERO_BASELINE in tx.suspect
    assert (tx.baseline_wh, tx.energy_wh) == (4000.0, 5000.0)


async def test_an_unknown_token_is_answered_unknown_and_the_transaction_kept(
    services: Services, station: str, clock: FakeClock
) -> None:
    """E01.FR.11: the CSMS verifies the token; the station's transaction is stored anyway."""
    stranger = PresentedToken("WHO", TokenType.ISO14443)
    outcome = await services.transaction_events.report(
        station, event(STARTED, 0, clock(), 100, tx="tx-3", token=stranger)
    )
    assert outcome.token is not None and outcome.token.status is AuthStatus.UNKNOWN
    tx = await stored(services, outcome.transaction_id)
    assert (tx.id_tag, tx.auth_status) == ("WHO", AuthStatus.UNKNOWN)


async def test_the_same_transaction_id_at_another_station_is_another_transaction(
    services: Services, station: str, clock: FakeClock
) -> None:
    """E01.FR.08 makes transactionId unique per station only."""
    await services.stations.add("CP-2", None)
    first = await services.transaction_events.report(station, event(STARTED, 0, clock(), 10))
    other = await services.transaction_events.report("CP-2", event(STARTED, 0, clock(), 10))
    assert first.transaction_id != other.transaction_id


async def test_a_second_ended_with_other_data_keeps_the_first(
    services: Services, station: str, clock: FakeClock
) -> None:
    """Two different Ended events: the first stop stays, the conflict is flagged."""
    t0 = clock() - timedelta(hours=3)
    outcomes = [await services.transaction_events.report(station, e) for e in session(t0)]
    await services.transaction_events.report(
        station, event(ENDED, 4, t0 + timedelta(minutes=40), 4100)
    )
    tx = await stored(services, outcomes[0].transaction_id)
    assert tx.stopped_at == t0 + timedelta(minutes=30)
    assert SuspectFlag.DUPLICATE_STOP_CONFLICT in tx.suspect


async def test_events_committed_in_one_batch_see_each_other(
    services: Services, station: str, clock: FakeClock
) -> None:
    """Events of many transactions (read ahead together) and two events of one
    transaction in the same batch: each sees the writes of those before it."""
    t0 = clock() - timedelta(hours=3)
    for n in range(10):
        await services.transaction_events.report(
            station, event(STARTED, 0, t0, 1000, tx=f"tx-{n}", token=CARD)
        )
    updates = [
        event(UPDATED, seq, t0 + timedelta(minutes=10 * seq), 1000 + 500 * seq, tx=f"tx-{n}")
        for n in range(10)
        for seq in (1, 2)
    ]
    outcomes = await asyncio.gather(
        *(services.transaction_events.report(station, e) for e in updates)
    )
    for transaction_id in {o.transaction_id for o in outcomes}:
        tx = await stored(services, transaction_id)
        assert (tx.reading_count, tx.energy_wh, tx.last_register_wh) == (3, 1000.0, 2000.0)
