"""Security profiles: which profile a connection uses, the no-downgrade rule, new passwords.

OCPP 2.0.1 part 2 §A.1.3 and the OCPP 1.6 Security Whitepaper §2 define three profiles;
Voltgate also names the unauthenticated case (profile 0, only where the operator allows it):

======  =====================================  ==============================================
profile  transport                              how the station proves who it is
======  =====================================  ==============================================
0        ws:// or wss:// (server cert only)     nothing (`allow_unauthenticated`)
1        ws://                                  HTTP Basic auth (A00.FR.202-207)
2        wss://, CSMS certificate               HTTP Basic auth (A00.FR.301-324)
3        wss://, both sides' certificates       its client certificate (A00.FR.401-426)
======  =====================================  ==============================================

Each gateway port serves one transport (A00.FR.006 allows one profile per port). A station's
record keeps the profile it last connected with and a minimum: once it connected with a
profile, or an operator raised it, a lower one is refused (2.0.1 A05.FR.07, 1.6 Security
Whitepaper A05.FR.09; lowering is never done over OCPP, A00.FR.005).
"""

from __future__ import annotations

import enum
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from voltgate.domain.certificates import CertificateIdentity, ClientCertificateProblem


class SecurityProfile(enum.IntEnum):
    """An OCPP security profile; a higher number is more secure."""

    UNSECURED = 0
    BASIC_AUTH = 1
    TLS_BASIC_AUTH = 2
    TLS_CLIENT_CERTIFICATE = 3


class Transport(enum.StrEnum):
    """What a gateway port offers: plain WebSocket, TLS, or TLS with client certificates."""

    PLAIN = "plain"
    TLS = "tls"
    MUTUAL_TLS = "mtls"


def connection_profile(transport: Transport, *, password_given: bool) -> SecurityProfile:
    """The profile a connection uses, from its port's transport and its credentials.

    A client certificate is what profile 3 authenticates with (A00.FR.401); a Basic auth
    header sent along with it changes nothing. Without a password, a plain or TLS
    connection is profile 0 (admitted only where unauthenticated stations are allowed).
    """
    if transport is Transport.MUTUAL_TLS:
        return SecurityProfile.TLS_CLIENT_CERTIFICATE
    if not password_given:
        return SecurityProfile.UNSECURED
    if transport is Transport.TLS:
        return SecurityProfile.TLS_BASIC_AUTH
    return SecurityProfile.BASIC_AUTH


@dataclass(frozen=True, slots=True)
class StationSecurity:
    """What the CSMS keeps about a station's security profile.

    Attributes:
        min_profile: connections with a lower profile are refused.
        last_profile: the profile of the station's latest admitted connection.
        last_connected_at: when that connection was admitted.
        min_changed_at: when `min_profile` last changed (a connection or an operator).
    """

    station_id: str
    min_profile: SecurityProfile = SecurityProfile.UNSECURED
    last_profile: SecurityProfile | None = None
    last_connected_at: datetime | None = None
    min_changed_at: datetime | None = None


def required_profile(record: StationSecurity | None, floor: SecurityProfile) -> SecurityProfile:
    """The lowest profile the station may connect with: its own minimum, or the node's floor."""
    own = record.min_profile if record is not None else SecurityProfile.UNSECURED
    return max(own, floor)


def is_downgrade(
    profile: SecurityProfile, record: StationSecurity | None, floor: SecurityProfile
) -> bool:
    """True when `profile` is below what the station (or the node) requires."""
    return profile < required_profile(record, floor)


def after_connect(
    record: StationSecurity | None, station_id: str, profile: SecurityProfile, now: datetime
) -> StationSecurity:
    """The record once a connection with `profile` was admitted: the minimum only rises.

    2.0.1 A05.FR.07 / 1.6 Whitepaper A05.FR.09: after a station connected with a higher
    profile, the CSMS SHALL NOT allow it to connect with a lower one anymore.
    """
    current = record if record is not None else StationSecurity(station_id)
    raised = profile > current.min_profile
    return replace(
        current,
        min_profile=max(current.min_profile, profile),
        last_profile=profile,
        last_connected_at=now,
        min_changed_at=now if raised else current.min_changed_at,
    )


def with_minimum(
    record: StationSecurity | None, station_id: str, minimum: SecurityProfile, now: datetime
) -> StationSecurity:
    """The record with an operator-set minimum (raising or, deliberately, lowering it).

    Lowering is allowed here because it is not done over OCPP (A00.FR.005): only an operator
    with access to the CSMS can do it.
    """
    current = record if record is not None else StationSecurity(station_id)
    if current.min_profile == minimum:
        return current
    return replace(current, min_profile=minimum, min_changed_at=now)


@dataclass(frozen=True, slots=True)
class SecurityPolicy:
    """The operator's security settings, as the domain needs them."""

    operator_name: str = "Voltgate"
    identity: CertificateIdentity = CertificateIdentity.STATION_ID
    floor: SecurityProfile = SecurityProfile.UNSECURED  # no station may connect below it
    certificate_validity_days: int = 365


@dataclass(frozen=True, slots=True)
class ConnectAttempt:
    """What the gateway knows about a connection before the WebSocket upgrade."""

    station_id: str
    remote_address: str
    transport: Transport
    password: str | None
    client_certificate: bytes | None = None  # DER; its chain was verified by TLS
    username: str | None = None  # the HTTP Basic auth user, which must be the station id


class Refusal(enum.StrEnum):
    """Why a connection attempt is refused (the gateway maps each to an HTTP status)."""

    THROTTLED = "throttled"  # too many failures from this address lately
    UNKNOWN = "unknown"  # station id never provisioned
    UNAUTHORIZED = "unauthorized"  # wrong or missing password
    CERTIFICATE = "certificate"  # client certificate not the operator's or not this station's
    DOWNGRADE = "downgrade"  # profile below what the station (or the node) requires


@dataclass(frozen=True, slots=True)
class Admission:
    """The handshake decision.

    Attributes:
        refusal: None when admitted.
        profile: the security profile this connection uses.
        accepted: the station may send CALLs without booting first.
        detail: why it was refused, for the log (never a secret).
        retry_after_s: for THROTTLED, when the address may try again.
        certificate_problem: for CERTIFICATE, what is wrong with the client certificate.
    """

    refusal: Refusal | None
    profile: SecurityProfile
    accepted: bool = False
    detail: str = ""
    retry_after_s: float | None = None
    certificate_problem: ClientCertificateProblem | None = None


class PasswordKind(enum.Enum):
    """The two shapes of HTTP Basic auth password the protocols prescribe."""

    # OCPP 2.0.1 A00.FR.205/304 (BasicAuthPassword): a random passwordString of 16 to 40
    # characters (64 since the 2025 errata); we use alphanumerics only, a subset every
    # station accepts, and 32 of them (~190 bits).
    PASSWORD_STRING = "passwordString"
    # OCPP 1.6 Security Whitepaper A00.FR.205/304, §7.2 (AuthorizationKey): at least 16 and
    # at most 20 random bytes, written as hexadecimal digits; we use 20 bytes (40 digits).
    HEX_KEY = "hexKey"


PASSWORD_LENGTH = 32
HEX_KEY_BYTES = 20
_PASSWORD_ALPHABET = string.ascii_letters + string.digits


def new_password(
    kind: PasswordKind,
    *,
    randbelow: Callable[[int], int] = secrets.randbelow,
    token_hex: Callable[[int], str] = secrets.token_hex,
) -> str:
    """A fresh random station password of the given kind (A01.FR.06/07: random, unique).

    Args:
        kind: which protocol's rule the password follows.
        randbelow, token_hex: the randomness (`secrets` in production; fixed in tests).
    """
    if kind is PasswordKind.HEX_KEY:
        return token_hex(HEX_KEY_BYTES)
    return "".join(
        _PASSWORD_ALPHABET[randbelow(len(_PASSWORD_ALPHABET))] for _ in range(PASSWORD_LENGTH)
    )
