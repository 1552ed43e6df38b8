"""Station, authorization and event use cases over real storage (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

from voltgate.domain.errors import UnknownStation
from voltgate.domain.services import (
    AuthStatus,
    BootInfo,
    ConnectOutcome,
    Registration,
    Services,
    StatusReport,
    TokenStatus,
    UnknownStationPolicy,
)
from voltgate.testing.clock import FakeClock

BOOT = BootInfo(vendor="ACME", model="X1", serial_number="S-1", firmware_version="1.0")
REJECT, PENDING, ACCEPT = (
    UnknownStationPolicy.REJECT,
    UnknownStationPolicy.PENDING,
    UnknownStationPolicy.ACCEPT,
)


async def test_known_station_needs_its_password(services: Services) -> None:
    """A provisioned station connects with its password and is refused with another."""
    await services.stations.add("CP-1", "s3cret")
    ok = await services.stations.authenticate(
        "CP-1", "s3cret", policy=REJECT, allow_unauthenticated=False
    )
    bad = await services.stations.authenticate(
        "CP-1", "guess", policy=REJECT, allow_unauthenticated=False
    )
    missing = await services.stations.authenticate(
        "CP-1", None, policy=REJECT, allow_unauthenticated=True
    )
    assert (ok.outcome, bad.outcome, missing.outcome) == (
        ConnectOutcome.OK,
        ConnectOutcome.UNAUTHORIZED,
        ConnectOutcome.UNAUTHORIZED,
    )


async def test_station_without_password_needs_unauthenticated_mode(services: Services) -> None:
    """A station provisioned without a password connects only if that is allowed."""
    await services.stations.add("CP-1", None)
    strict = await services.stations.authenticate(
        "CP-1", None, policy=REJECT, allow_unauthenticated=False
    )
    lax = await services.stations.authenticate(
        "CP-1", None, policy=REJECT, allow_unauthenticated=True
    )
    assert (strict.outcome, lax.outcome) == (ConnectOutcome.UNAUTHORIZED, ConnectOutcome.OK)


async def test_unknown_station_policies(services: Services) -> None:
    """Unknown ids are refused, or registered Pending/Accepted with the presented password."""
    rejected = await services.stations.authenticate(
        "CP-R", "pw", policy=REJECT, allow_unauthenticated=False
    )
    assert rejected.outcome is ConnectOutcome.UNKNOWN
    assert await services.stations.get("CP-R") is None

    pending = await services.stations.authenticate(
        "CP-P", "pw", policy=PENDING, allow_unauthenticated=False
    )
    assert pending.outcome is ConnectOutcome.OK
    stored = await services.stations.get("CP-P")
    assert stored is not None and stored.registration is Registration.PENDING
    # Trust on first use: the password presented first is the one from now on.
    again = await services.stations.authenticate(
        "CP-P", "other", policy=PENDING, allow_unauthenticated=False
    )
    assert again.outcome is ConnectOutcome.UNAUTHORIZED

    accepted = await services.stations.authenticate(
        "CP-A", "pw", policy=ACCEPT, allow_unauthenticated=False
    )
    stored = await services.stations.get("CP-A")
    assert accepted.outcome is ConnectOutcome.OK
    assert stored is not None and stored.registration is Registration.ACCEPTED


async def test_unknown_station_without_password_is_not_registered(services: Services) -> None:
    """Without a password and without unauthenticated mode, nothing is registered."""
    verdict = await services.stations.authenticate(
        "CP-X", None, policy=ACCEPT, allow_unauthenticated=False
    )
    assert verdict.outcome is ConnectOutcome.UNAUTHORIZED
    assert await services.stations.get("CP-X") is None


async def test_boot_answers_by_registration_and_stores_info(
    services: Services, clock: FakeClock
) -> None:
    """Accepted stations boot Accepted with the interval; pending ones stay Pending."""
    await services.stations.add("CP-1", None)
    await services.stations.add("CP-2", None, registration=Registration.PENDING)
    accepted = await services.stations.boot("CP-1", BOOT, "ocpp1.6")
    pending = await services.stations.boot("CP-2", BOOT, "ocpp1.6")
    assert (accepted.status, accepted.interval_s, accepted.current_time) == (
        Registration.ACCEPTED,
        300,
        clock(),
    )
    assert pending.status is Registration.PENDING
    view = await services.stations.get_view("CP-1")
    assert view is not None
    assert (view.station.vendor, view.station.serial_number, view.station.protocol) == (
        "ACME",
        "S-1",
        "ocpp1.6",
    )


async def test_accepted_boot_lets_the_station_skip_booting_on_reconnect(
    services: Services,
) -> None:
    """After an Accepted boot, a reconnecting station may send CALLs at once."""
    await services.stations.add("CP-1", "pw")
    before = await services.stations.authenticate(
        "CP-1", "pw", policy=REJECT, allow_unauthenticated=False
    )
    await services.stations.boot("CP-1", BOOT, "ocpp1.6")
    after = await services.stations.authenticate(
        "CP-1", "pw", policy=REJECT, allow_unauthenticated=False
    )
    assert (before.accepted, after.accepted) == (False, True)


async def test_unknown_station_cannot_boot(services: Services) -> None:
    """Booting an id that is not provisioned raises UnknownStation."""
    try:
        await services.stations.boot("nobody", BOOT, "ocpp1.6")
    except UnknownStation as error:
        assert error.station_id == "nobody"
    else:
        raise AssertionError("boot of an unknown station succeeded")


async def test_heartbeat_and_connection_state(services: Services, clock: FakeClock) -> None:
    """Heartbeats answer the server time; connect and disconnect are recorded."""
    await services.stations.add("CP-1", None)
    await services.stations.connected("CP-1", "ocpp1.6", "10.0.0.7")
    clock.advance(60)
    assert await services.stations.heartbeat("CP-1") == clock()
    station = await services.stations.get("CP-1")
    assert station is not None
    assert (station.connected, station.remote_address, station.last_heartbeat_at) == (
        True,
        "10.0.0.7",
        clock(),
    )
    await services.stations.disconnected("CP-1")
    station = await services.stations.get("CP-1")
    assert station is not None and not station.connected


async def test_status_notifications_create_connectors_and_ignore_older_reports(
    services: Services, clock: FakeClock
) -> None:
    """The first report creates EVSE and connector; an older replayed report does not win."""
    await services.stations.add("CP-1", None)
    now = clock()
    await services.stations.status_notification(
        "CP-1", StatusReport(1, 1, "Charging", timestamp=now)
    )
    await services.stations.status_notification(
        "CP-1", StatusReport(1, 1, "Available", timestamp=now - timedelta(minutes=5))
    )
    await services.stations.status_notification(
        "CP-1", StatusReport(0, 0, "Faulted", error_code="GroundFailure")
    )
    view = await services.stations.get_view("CP-1")
    assert view is not None
    assert [(c.evse_id, c.connector_id, c.status) for c in view.connectors] == [(1, 1, "Charging")]
    assert [e.evse_id for e in view.evses] == [1]
    assert (view.station.status, view.station.error_code) == ("Faulted", "GroundFailure")


async def test_readding_a_station_updates_password_and_registration(services: Services) -> None:
    """Provisioning an existing id replaces its password and registration."""
    await services.stations.add("CP-1", "old", registration=Registration.PENDING)
    await services.stations.add("CP-1", "new")
    station = await services.stations.get("CP-1")
    assert station is not None and station.registration is Registration.ACCEPTED
    verdict = await services.stations.authenticate(
        "CP-1", "new", policy=REJECT, allow_unauthenticated=False
    )
    assert verdict.outcome is ConnectOutcome.OK


async def test_authorize_is_case_insensitive(services: Services, clock: FakeClock) -> None:
    """Id tags are compared case-insensitively (1.6 §7.28); unknown tags are Invalid."""
    await services.stations.add("CP-1", None)
    await services.authorization.add_token("AbC123", parent_id_tag="GROUP")
    decision = await services.authorization.authorize("CP-1", "abc123")
    assert (decision.status, decision.parent_id_tag) == (AuthStatus.ACCEPTED, "GROUP")
    assert (await services.authorization.authorize("CP-1", "nope")).status is AuthStatus.INVALID
    await services.authorization.add_token("AbC123", TokenStatus.BLOCKED)
    assert (await services.authorization.authorize("CP-1", "ABC123")).status is AuthStatus.BLOCKED
    expiring = clock() + timedelta(hours=1)
    await services.authorization.add_token("T2", expiry=expiring)
    clock.advance(7200)
    assert (await services.authorization.authorize("CP-1", "T2")).status is AuthStatus.EXPIRED


async def test_events_are_stored_once(services: Services, clock: FakeClock) -> None:
    """An identical event reported twice is stored once; a different one is added."""
    await services.stations.add("CP-1", None)
    payload = {"vendorId": "acme", "data": "x"}
    await services.events.record("CP-1", "DataTransfer", payload, None)
    await services.events.record("CP-1", "DataTransfer", dict(payload), None)
    await services.events.record("CP-1", "FirmwareStatusNotification", {"status": "Idle"}, clock())
    events = await services.events.list_for_station("CP-1")
    assert [(e.kind, e.payload) for e in events] == [
        ("FirmwareStatusNotification", {"status": "Idle"}),
        ("DataTransfer", payload),
    ]
    assert events[0].at == clock()
