"""The station-side rules of the simulator, as plain functions: stacking charging profiles,
holding reservations, keeping the local list, planning a job's notifications."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from voltgate.simulator.activities import Timeline, last_reported
from voltgate.simulator.composite import Charging, composite, evse_limit
from voltgate.simulator.ev import EvSession
from voltgate.simulator.local_list import Entry, LocalList
from voltgate.simulator.profiles import (
    EXTERNAL,
    STATION_MAX,
    TX,
    TX_DEFAULT,
    ChargingProfiles,
    Period,
    Profile,
)
from voltgate.simulator.reservations import Reservation, Reservations
from voltgate.simulator.state import ConnectorState

T0 = datetime(2030, 5, 1, 12, 0, tzinfo=UTC)
KW22 = 22_000.0


def profile(pid: int, purpose: str, limit: float, **fields: object) -> Profile:
    """A profile in W from T0 with one period, unless `fields` say otherwise."""
    values: dict[str, object] = {
        "id": pid, "evse_id": 0 if purpose == STATION_MAX else 1, "stack_level": 0,
        "purpose": purpose, "kind": "Absolute", "unit": "W",
        "periods": (Period(0, limit),), "wire": {}, "start": T0,
    } | fields  # fmt: skip
    return Profile(**values)  # type: ignore[arg-type]


def charging(*profiles: Profile, tx: dict[int, tuple[str, datetime]] | None = None) -> Charging:
    return Charging(list(profiles), KW22, 2, tx or {})


def test_the_highest_stack_level_wins_until_its_schedule_ends_k01_fr_17() -> None:
    """Of two TxDefaultProfiles the higher stack level rules; once its duration is over the
    lower one takes over (K01.FR.11/12/17), all within the EVSE's 22 kW."""
    low = profile(1, TX_DEFAULT, 11_000)
    high = profile(2, TX_DEFAULT, 4_000, stack_level=3, duration_s=600)
    periods = composite(charging(low, high), 1, T0, 1200)
    assert [(start, lim.watts) for start, lim in periods] == [(0, 4000), (600, 11000)]
    assert [(start, lim.watts) for start, lim in composite(charging(), 1, T0, 60)] == [(0, KW22)]


def test_the_station_maximum_and_external_limits_cap_every_evse_k08_fr_04() -> None:
    """A transaction's limit is capped by the station maximum and external constraints."""
    tx = {1: ("tx-1", T0)}
    own = profile(1, TX, 20_000, transaction_id="tx-1")
    station = profile(2, STATION_MAX, 9_000)
    external = profile(3, EXTERNAL, 7_000, evse_id=0, valid_from=T0 + timedelta(minutes=5))
    periods = composite(charging(own, station, external, tx=tx), 1, T0, 900)
    assert [(start, lim.watts) for start, lim in periods] == [(0, 9000), (300, 7000)]


def test_a_tx_profile_applies_only_to_its_transaction() -> None:
    """Without its transaction the TxProfile is ignored: the TxDefaultProfile applies as
    if a transaction started now (K08.FR.06)."""
    own = profile(1, TX, 3_000, transaction_id="tx-1", kind="Relative", start=None)
    default = profile(2, TX_DEFAULT, 6_000, evse_id=0)
    assert evse_limit(charging(own, default), 1, T0, T0).watts == 6000
    running = charging(own, default, tx={1: ("tx-1", T0)})
    assert evse_limit(running, 1, T0 + timedelta(seconds=5), T0).watts == 3000


def test_amperes_are_per_phase_and_recurring_schedules_repeat_k01_fr_49_51() -> None:
    """16 A on 3 phases is 11,040 W, on 1 phase 3,680 W; a daily profile repeats."""
    daily = profile(1, TX_DEFAULT, 16, unit="A", kind="Recurring", recurrency="Daily",
                    periods=(Period(0, 16), Period(3600, 16, phases=1)), start=T0)  # fmt: skip
    later = T0 + timedelta(days=3)
    assert [(s, lim.watts) for s, lim in composite(charging(daily), 1, later, 7200)] == [
        (0, 11040.0), (3600, 3680.0)]  # fmt: skip


def test_the_station_composite_is_the_sum_of_its_evses_capped_k08_fr_03() -> None:
    """EVSE 0 reports what the station draws: both EVSEs, within the station maximum."""
    assert [lim.watts for _, lim in composite(charging(), 0, T0, 60)] == [2 * KW22]
    capped = charging(profile(1, STATION_MAX, 30_000))
    assert [lim.watts for _, lim in composite(capped, 0, T0, 60)] == [30_000]


def test_the_ev_never_draws_more_than_the_limit() -> None:
    """An EV able to draw 22 kW draws at most the limit it is given, and nothing at 0."""
    ev = EvSession(random.Random(3), 1000)
    ev.max_power_w = KW22
    assert ev.advance(10, limit_w=4000).power_w <= 4000
    assert ev.advance(20, limit_w=0).power_w == 0


def test_profiles_the_station_refuses_k01() -> None:
    """A TxProfile without its transaction, on an unknown EVSE, beyond the stack levels or
    with a first period not at 0 is refused; the same id or slot replaces (K01.FR.05)."""
    store = ChargingProfiles(2, exclusive_defaults=True)
    assert store.install(profile(1, TX, 1000), {}) is not None  # K01.FR.09
    assert store.install(profile(1, TX, 1000, transaction_id="nope"), {1: "tx-1"})
    assert store.install(profile(1, TX_DEFAULT, 1000, evse_id=3), {})  # K01.FR.28
    assert store.install(profile(1, TX_DEFAULT, 1000, stack_level=99), {})
    assert store.install(profile(1, TX_DEFAULT, 1000, periods=(Period(5, 1),)), {})
    assert store.install(profile(1, TX_DEFAULT, 1000), {}) is None
    assert store.install(profile(2, TX_DEFAULT, 2000), {}) is None  # same slot: replaces
    assert [p.id for p in store.all()] == [2]
    assert store.install(profile(3, TX_DEFAULT, 2000, evse_id=0), {})  # K01.FR.52
    assert store.install(profile(4, TX, 1000), {1: "tx-1"}) is None  # 1.6: the running one
    store.transaction_ended("tx-1")
    assert [p.id for p in store.all()] == [2]
    assert not store.clear(profile_id=99) and store.clear(evse_id=1) and not store.all()


def test_a_reservation_holds_its_connector_until_used_h01() -> None:
    """Accepted on a free connector, which shows Reserved; Occupied when taken; only its
    tag or group may start there, and the start uses it up (H01.FR.11/15/23)."""
    connectors = [ConnectorState(1, 0), ConnectorState(2, 0)]
    held = Reservations(connectors)
    mine = Reservation(1, 1, "TAG-A", T0, group_tag="FLEET")
    assert held.reserve(mine) == "Accepted"
    assert held.held_connectors() == {1}
    assert held.reserve(Reservation(2, 1, "TAG-B", T0)) == "Occupied"
    assert held.reserve(Reservation(3, 9, "TAG-B", T0)) == "Rejected"
    assert not held.allows(1, "TAG-B", None) and held.allows(1, "tag-a", None)
    assert held.allows(1, "TAG-C", "fleet") and held.allows(2, "TAG-B", None)
    assert held.claim(1, "TAG-C", "FLEET") == mine
    assert held.held_connectors() == set() and held.next_expiry() is None


def test_reservations_of_any_connector_keep_one_free_h01_fr_07_20() -> None:
    """With two free connectors, two reservations of any connector are accepted, a third
    is not; both connectors then show Reserved, and a stranger may start on neither."""
    connectors = [ConnectorState(1, 0), ConnectorState(2, 0)]
    held = Reservations(connectors)
    assert held.reserve(Reservation(1, None, "A", T0)) == "Accepted"
    assert held.held_connectors() == set() and held.allows(1, "X", None)
    assert held.reserve(Reservation(2, None, "B", T0 + timedelta(hours=1))) == "Accepted"
    assert held.reserve(Reservation(3, None, "C", T0)) == "Occupied"
    assert held.held_connectors() == {1, 2}
    assert not held.allows(2, "X", None) and held.allows(2, "B", None)
    assert [r.id for r in held.due(T0)] == [1] and held.next_expiry() == T0 + timedelta(hours=1)


def test_a_reservation_is_refused_on_connectors_it_cannot_have_h01_fr_12_14() -> None:
    """Unavailable or Faulted when every target is; a replacement that fails keeps the old
    one (H01.FR.02); an unavailable connector drops its reservations (H01.FR.17)."""
    down = ConnectorState(1, 0, operative=False)
    broken = ConnectorState(2, 0, status="Faulted")
    held = Reservations([down, broken])
    assert held.reserve(Reservation(1, 1, "A", T0)) == "Unavailable"
    assert held.reserve(Reservation(1, 2, "A", T0)) == "Faulted"
    down.operative = True
    assert held.reserve(Reservation(1, 1, "A", T0)) == "Accepted"
    assert held.reserve(Reservation(1, 2, "A", T0)) == "Faulted"
    assert [r.connector_id for r in held.all()] == [1]
    assert [r.id for r in held.on_connector(1)] == [1] and held.cancel(1) is None


def test_local_list_updates_d01() -> None:
    """Full replaces, Differential adds and removes, a version that is not newer is a
    VersionMismatch, duplicates and version 0 Fail, an empty list reports version 0."""
    book = LocalList(max_entries=2)
    ok = {"status": "Accepted"}
    assert book.update(full=True, version=3, entries=[Entry("A", ok), Entry("B", ok, "G")]) == (
        "Accepted")  # fmt: skip
    assert (book.version, book.group_of("b"), len(book)) == (3, "G", 2)
    assert book.update(full=False, version=3, entries=[Entry("C", ok)]) == "VersionMismatch"
    assert book.update(full=False, version=4, entries=[Entry("C", ok)]) == "Failed"  # too many
    assert book.update(full=False, version=4, entries=[Entry("A", None)]) == "Accepted"
    assert book.get("A") is None and book.version == 4
    assert book.update(full=False, version=5, entries=[]) == "Accepted" and book.version == 4
    assert book.update(full=True, version=0, entries=[]) == "Failed"
    assert book.update(full=True, version=6, entries=[Entry("A", ok), Entry("a", ok)]) == "Failed"
    assert book.update(full=True, version=6, entries=[Entry("A", None)]) == "Failed"
    assert book.update(full=True, version=6, entries=[]) == "Accepted" and book.version == 0


@pytest.mark.parametrize(
    ("retrieve", "statuses"),
    [
        (None, ["Downloading", "Downloaded"]),
        (T0 + timedelta(minutes=5), ["DownloadScheduled", "Downloading", "Downloaded"]),
    ],
)
def test_a_job_reports_its_statuses_in_order_l01(
    retrieve: datetime | None, statuses: list[str]
) -> None:
    """A job waits for its start time (DownloadScheduled, L01.FR.13), then reports each
    status a step apart; a triggered status is the last one sent, Idle when done."""
    timeline = Timeline(T0, 2.0).not_before(retrieve, "DownloadScheduled")
    activity, notify = (
        timeline.then("Downloading")
        .then("Downloaded")
        .plan("FirmwareStatusNotification", lambda status: {"status": status}, 7, "firmware")
    )
    assert [step.payload["status"] for step in notify.steps] == statuses
    assert notify.steps[-1].after_s == (300 + 2 if retrieve else 2)
    end = activity.statuses[-1][0]
    assert activity.running_at(T0) and not activity.running_at(end)
    assert last_reported(activity, end - timedelta(seconds=1), "Downloaded")[0] != "Idle"
    assert last_reported(activity, end, "Downloaded") == ("Idle", None)
    assert last_reported(None, T0, "Installed") == ("Idle", None)
