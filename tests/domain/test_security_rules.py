"""Security profile rules and station passwords: pure functions, no I/O."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from voltgate.domain.security import (
    PasswordKind,
    SecurityProfile,
    StationSecurity,
    Transport,
    after_connect,
    connection_profile,
    is_downgrade,
    new_password,
    required_profile,
    with_minimum,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)
T1 = datetime(2026, 1, 2, tzinfo=UTC)
P0, P1, P2, P3 = (
    SecurityProfile.UNSECURED,
    SecurityProfile.BASIC_AUTH,
    SecurityProfile.TLS_BASIC_AUTH,
    SecurityProfile.TLS_CLIENT_CERTIFICATE,
)


@pytest.mark.parametrize(
    ("transport", "password", "profile"),
    [
        (Transport.PLAIN, False, P0),
        (Transport.PLAIN, True, P1),
        (Transport.TLS, True, P2),
        (Transport.TLS, False, P0),
        (Transport.MUTUAL_TLS, False, P3),
        (Transport.MUTUAL_TLS, True, P3),
    ],
)
def test_connection_profile_follows_port_and_credentials_a00(
    transport: Transport, password: bool, profile: SecurityProfile
) -> None:
    """Each port serves one transport (A00.FR.006); a password makes plain/TLS profile 1/2."""
    assert connection_profile(transport, password_given=password) is profile


def test_minimum_rises_with_each_connection_a05_fr_07() -> None:
    """After a profile-3 connection, profiles 1 and 2 are downgrades; 3 is not (A05.FR.07)."""
    record = after_connect(None, "CP-1", P1, T0)
    assert (record.min_profile, record.last_profile, record.min_changed_at) == (P1, P1, T0)
    record = after_connect(record, "CP-1", P3, T1)
    assert (record.min_profile, record.last_profile, record.last_connected_at) == (P3, P3, T1)
    assert [is_downgrade(p, record, P0) for p in (P1, P2, P3)] == [True, True, False]


def test_a_lower_connection_never_lowers_the_minimum() -> None:
    """Recording a connection never lowers the minimum (it would have been refused anyway)."""
    record = StationSecurity("CP-1", min_profile=P2, min_changed_at=T0)
    after = after_connect(record, "CP-1", P1, T1)
    assert (after.min_profile, after.min_changed_at, after.last_profile) == (P2, T0, P1)


def test_node_floor_applies_to_stations_without_a_record() -> None:
    """`min_security_profile` refuses weaker connections of every station, known or new."""
    assert required_profile(None, P2) is P2
    assert is_downgrade(P1, None, P2)
    assert not is_downgrade(P1, None, P0)
    assert required_profile(StationSecurity("CP-1", min_profile=P3), P2) is P3


def test_operator_may_raise_or_lower_the_minimum_a00_fr_005() -> None:
    """The operator sets the minimum outside OCPP (A00.FR.005); an unchanged value is kept."""
    raised = with_minimum(None, "CP-1", P3, T0)
    assert (raised.min_profile, raised.min_changed_at) == (P3, T0)
    assert with_minimum(raised, "CP-1", P3, T1) is raised
    lowered = with_minimum(raised, "CP-1", P1, T1)
    assert (lowered.min_profile, lowered.min_changed_at) == (P1, T1)


def test_201_password_is_a_random_password_string_a00_fr_205() -> None:
    """2.0.1 BasicAuthPassword: 16-40 characters of passwordString (A00.FR.205), random."""
    passwords = {new_password(PasswordKind.PASSWORD_STRING) for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        assert 16 <= len(password) <= 40
        assert re.fullmatch(r"[A-Za-z0-9*\-_=:+|@.]+", password)


def test_16_authorization_key_is_20_random_bytes_in_hex() -> None:
    """1.6 AuthorizationKey: 16 to 20 random bytes as hex digits (Whitepaper A00.FR.205)."""
    key = new_password(PasswordKind.HEX_KEY)
    assert re.fullmatch(r"[0-9a-f]{40}", key)
    assert new_password(PasswordKind.HEX_KEY) != key


def test_password_uses_the_randomness_it_is_given() -> None:
    """The randomness is an input: fixed in tests, `secrets` in production."""
    password = new_password(PasswordKind.PASSWORD_STRING, randbelow=lambda n: 0)
    assert password == "a" * 32
    assert new_password(PasswordKind.HEX_KEY, token_hex=lambda n: "ab" * n) == "ab" * 20
