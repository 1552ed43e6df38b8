"""Security use cases over real storage (SQLite and PostgreSQL), on a FakeClock.

Stations are remote partners: where a command must reach one, a scripted `StationLink`
plays it (the end-to-end tests use real stations over sockets).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.certificates import OPERATOR, client_certificate, der, make_csr, make_key
from voltgate.domain import credentials
from voltgate.domain.authority import CertificateAuthority
from voltgate.domain.certificates import Delivery
from voltgate.domain.errors import CommandFailed, CommandTimedOut, StationOffline, UnknownStation
from voltgate.domain.security import (
    ConnectAttempt,
    Refusal,
    SecurityPolicy,
    SecurityProfile,
    Transport,
)
from voltgate.domain.services import Services
from voltgate.domain.services.security import SecuritySetup, SigningRefusal
from voltgate.domain.stations import UnknownStationPolicy
from voltgate.handlers.security_commands import security_commands
from voltgate.storage.committer import Committer
from voltgate.testing.clock import FakeClock

REJECT = UnknownStationPolicy.REJECT
P1, P2, P3 = (
    SecurityProfile.BASIC_AUTH,
    SecurityProfile.TLS_BASIC_AUTH,
    SecurityProfile.TLS_CLIENT_CERTIFICATE,
)


class ScriptedLink:
    """Plays the station: answers each command from a script, records what it was sent."""

    def __init__(self, *answers: dict[str, Any] | Exception) -> None:
        self.answers = list(answers)
        self.sent: list[tuple[str, str, dict[str, Any]]] = []

    async def call(self, station_id: str, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        self.sent.append((station_id, action, payload))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


@pytest.fixture
def authority(clock: FakeClock) -> CertificateAuthority:
    return CertificateAuthority.create(OPERATOR, now=clock())


def make_services(
    committer: Committer,
    clock: FakeClock,
    authority: CertificateAuthority | None = None,
    link: ScriptedLink | None = None,
    **policy: Any,
) -> Services:
    return Services(
        committer,
        clock,
        security=SecuritySetup(
            policy=SecurityPolicy(operator_name=OPERATOR, **policy),
            failure_limit=3,
            failure_window_s=60,
            authority=authority,
            link=link,
            commands=security_commands(),
        ),
    )


def attempt(
    station_id: str = "CP-1",
    password: str | None = "s3cret-password",
    transport: Transport = Transport.PLAIN,
    certificate: bytes | None = None,
    address: str = "10.0.0.1",
) -> ConnectAttempt:
    return ConnectAttempt(station_id, address, transport, password, certificate)


async def admit(services: Services, connect: ConnectAttempt) -> Any:
    return await services.security.admit(
        connect, unknown_stations=REJECT, allow_unauthenticated=False
    )


async def test_admission_records_profile_and_refuses_downgrade_a05_fr_07(
    committer: Committer, clock: FakeClock
) -> None:
    """Admitted with its password on TLS (profile 2); recorded; then ws:// is a downgrade."""
    services = make_services(committer, clock)
    await services.stations.add("CP-1", "s3cret-password")
    decision = await admit(services, attempt(transport=Transport.TLS))
    assert (decision.refusal, decision.profile) == (None, P2)
    record = await services.security.connected("CP-1", decision.profile)
    assert (record.min_profile, record.last_connected_at) == (P2, clock())
    downgrade = await admit(services, attempt())
    assert (downgrade.refusal, downgrade.detail) == (
        Refusal.DOWNGRADE,
        "security profile 1 is below the required 2",
    )


async def test_failed_authentications_throttle_the_address(
    committer: Committer, clock: FakeClock
) -> None:
    """Three failures from one address within the window: the fourth attempt is refused
    unchecked (even with the right password) until the first failure ages out."""
    services = make_services(committer, clock)
    await services.stations.add("CP-1", "s3cret-password")
    refusals = [(await admit(services, attempt(password="guess"))).refusal for _ in range(3)]
    assert refusals == [Refusal.UNAUTHORIZED] * 3
    throttled = await admit(services, attempt())
    assert (throttled.refusal, throttled.retry_after_s) == (Refusal.THROTTLED, 60)
    other = await admit(services, attempt(address="10.0.0.2"))
    assert other.refusal is None
    clock.advance(60)
    assert (await admit(services, attempt())).refusal is None


async def test_unknown_ids_count_as_failures(committer: Committer, clock: FakeClock) -> None:
    """Guessing station ids is throttled like guessing passwords."""
    services = make_services(committer, clock)
    for n in range(3):
        assert (await admit(services, attempt(f"NOPE-{n}"))).refusal is Refusal.UNKNOWN
    assert (await admit(services, attempt("NOPE-9"))).refusal is Refusal.THROTTLED


async def test_profile_3_checks_the_certificate_subject_a00_fr_404_405(
    committer: Committer, clock: FakeClock, authority: CertificateAuthority
) -> None:
    """The client certificate admits its own station only; the reason is reported."""
    services = make_services(committer, clock)
    await services.stations.add("CP-1", "s3cret-password")
    start = clock() - timedelta(days=1)
    good = der(client_certificate(authority, make_key(), cn="CP-1", not_before=start))
    other = der(client_certificate(authority, make_key(), cn="CP-2", not_before=start))
    mtls = Transport.MUTUAL_TLS
    admitted = await admit(services, attempt(password=None, transport=mtls, certificate=good))
    assert (admitted.refusal, admitted.profile) == (None, P3)
    refused = await admit(services, attempt(password=None, transport=mtls, certificate=other))
    assert refused.refusal is Refusal.CERTIFICATE
    assert refused.certificate_problem is not None
    assert "CN=CP-2" in refused.detail


async def test_operator_sets_the_minimum(committer: Committer, clock: FakeClock) -> None:
    """The minimum can be raised and lowered by the operator; unknown stations are refused."""
    services = make_services(committer, clock)
    await services.stations.add("CP-1", "s3cret-password")
    assert (await services.security.set_minimum("CP-1", P3)).min_profile is P3
    assert (await admit(services, attempt(transport=Transport.TLS))).refusal is Refusal.DOWNGRADE
    assert (await services.security.set_minimum("CP-1", P1)).min_profile is P1
    assert (await admit(services, attempt())).refusal is None
    with pytest.raises(UnknownStation):
        await services.security.set_minimum("NOPE", P3)


async def test_signing_is_idempotent_per_csr_and_stored(
    committer: Committer, clock: FakeClock, authority: CertificateAuthority
) -> None:
    """The same CSR twice gives the same stored certificate; another CSR a new one."""
    services = make_services(committer, clock, authority)
    await services.stations.add("CP-1", "s3cret-password")
    csr = make_csr(make_key(), cn="CP-1")
    first = await services.security.sign_certificate("CP-1", csr)
    again = await services.security.sign_certificate("CP-1", csr)
    other = await services.security.sign_certificate("CP-1", make_csr(make_key(), cn="CP-1"))
    assert first.issued is not None and again.issued == first.issued
    assert other.issued is not None and other.issued.serial_number != first.issued.serial_number
    assert first.issued.not_before == clock() - timedelta(minutes=5)
    assert first.issued.not_after == clock() + timedelta(days=365)
    stored = await services.security.certificates("CP-1")
    assert {c.serial_number for c in stored} == {
        first.issued.serial_number,
        other.issued.serial_number,
    }


async def test_signing_refusals(committer: Committer, clock: FakeClock) -> None:
    """No CA: NO_AUTHORITY; with a CA, an invalid CSR: INVALID_CSR with the reason."""
    without = make_services(committer, clock)
    csr = make_csr(make_key(), cn="CP-1")
    assert (await without.security.sign_certificate("CP-1", csr)).refusal is (
        SigningRefusal.NO_AUTHORITY
    )
    with_ca = make_services(committer, clock, CertificateAuthority.create(OPERATOR, now=clock()))
    refused = await with_ca.security.sign_certificate("CP-1", make_csr(make_key(), cn="CP-9"))
    assert (refused.refusal, refused.issued) == (SigningRefusal.INVALID_CSR, None)
    assert "expected 'CP-1'" in refused.reason


@pytest.mark.parametrize(
    ("answer", "delivery"),
    [
        ({"status": "Accepted"}, Delivery.ACCEPTED),
        ({"status": "Rejected"}, Delivery.REJECTED),
        (StationOffline("CP-1"), Delivery.FAILED),
    ],
)
async def test_delivery_outcome_is_stored(
    committer: Committer,
    clock: FakeClock,
    authority: CertificateAuthority,
    answer: Any,
    delivery: Delivery,
) -> None:
    """What became of CertificateSigned is stored; anything but Accepted also raises."""
    link = ScriptedLink(answer)
    services = make_services(committer, clock, authority, link)
    await services.stations.add("CP-1", "s3cret-password")
    signing = await services.security.sign_certificate("CP-1", make_csr(make_key(), cn="CP-1"))
    assert signing.issued is not None
    if delivery is Delivery.ACCEPTED:
        await services.security.deliver_certificate("CP-1", "ocpp1.6", signing.issued)
    else:
        with pytest.raises(CommandFailed):
            await services.security.deliver_certificate("CP-1", "ocpp1.6", signing.issued)
    ((_, action, payload),) = link.sent
    assert (action, payload) == ("CertificateSigned", {"certificateChain": signing.issued.pem})
    (stored,) = await services.security.certificates("CP-1")
    assert (stored.delivery, stored.delivered_at) == (delivery, clock())


@pytest.mark.parametrize(
    "answer",
    [
        {"status": "RebootRequired"},  # A01.FR.04: anything but Accepted
        {"unexpected": True},
        CommandTimedOut("CP-1", "ChangeConfiguration"),
    ],
)
async def test_password_kept_unless_the_station_accepts_a01_fr_04(
    committer: Committer, clock: FakeClock, answer: Any
) -> None:
    """Only Accepted stores the new password; any other answer or a timeout keeps the old."""
    link = ScriptedLink(answer)
    services = make_services(committer, clock, link=link)
    await services.stations.add("CP-1", "s3cret-password")
    await services.stations.connected("CP-1", "ocpp1.6", "10.0.0.1")
    if isinstance(answer, Exception):
        with pytest.raises(CommandTimedOut):
            await services.security.rotate_password("CP-1")
    else:
        assert not (await services.security.rotate_password("CP-1")).accepted
    station = await services.stations.get("CP-1")
    assert station is not None and station.password_hash is not None
    assert credentials.verify_password("s3cret-password", station.password_hash)


async def test_password_rotation_stores_only_a_hash_a01_fr_08(
    committer: Committer, clock: FakeClock
) -> None:
    """Accepted: the stored hash matches what was sent; the password is not returned."""
    link = ScriptedLink({"status": "Accepted"})
    services = make_services(committer, clock, link=link)
    await services.stations.add("CP-1", "s3cret-password")
    await services.stations.connected("CP-1", "ocpp1.6", "10.0.0.1")
    rotation = await services.security.rotate_password("CP-1")
    ((_, action, payload),) = link.sent
    assert (action, payload["key"]) == ("ChangeConfiguration", "AuthorizationKey")
    assert rotation.accepted and payload["value"] not in repr(rotation)
    station = await services.stations.get("CP-1")
    assert station is not None and station.password_hash is not None
    assert credentials.verify_password(payload["value"], station.password_hash)
    assert payload["value"] not in station.password_hash
    with pytest.raises(UnknownStation):
        await services.security.rotate_password("NOPE")


async def test_node_floor_is_checked_before_credentials(
    committer: Committer, clock: FakeClock
) -> None:
    """Below `min_security_profile` nothing else is looked at: no station is registered,
    no failure counted."""
    services = make_services(committer, clock, floor=P2)
    decision = await services.security.admit(
        attempt("NEW-1"), unknown_stations=UnknownStationPolicy.ACCEPT, allow_unauthenticated=False
    )
    assert decision.refusal is Refusal.DOWNGRADE
    assert await services.stations.get("NEW-1") is None
    assert services.security.throttle.failures("10.0.0.1") == 0


async def test_basic_user_must_be_the_station_id_a00_fr_204(
    committer: Committer, clock: FakeClock
) -> None:
    """Another station's id as Basic auth user is a failed authentication, even with the
    right password."""
    services = make_services(committer, clock)
    await services.stations.add("CP-1", "s3cret-password")
    wrong_user = ConnectAttempt(
        "CP-1", "10.0.0.1", Transport.PLAIN, "s3cret-password", None, "CP-2"
    )
    decision = await admit(services, wrong_user)
    assert (decision.refusal, decision.detail) == (
        Refusal.UNAUTHORIZED,
        "Basic auth user is not the station id",
    )
    assert services.security.throttle.failures("10.0.0.1") == 1
