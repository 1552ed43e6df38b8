"""Who may use the REST API: roles, API keys, users and their login tokens.

Theory of operation
-------------------
Every request to the API carries one bearer secret: an API key (``vg_...``, created by an
admin or by `voltgate apikey create`, valid until revoked) or a login token (``vgt_...``,
returned by ``POST /api/v1/auth/token`` for a user's password, valid until it expires or is
revoked). Each secret resolves to a `Principal` with a `Role`; every endpoint names the
lowest role it needs, and roles are ordered: admin > operator > viewer.

Secrets are shown once and stored only as `secret_hash` (why a fast hash is right for them
is explained there); user passwords use the slow salted scrypt of `domain.credentials`.
A login token takes its role from its user at every request, so demoting or disabling a
user takes effect at once.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta


class Role(enum.StrEnum):
    """What a principal may do. Viewers read; operators also change stations, tokens and
    send commands; admins also manage users, API keys and the station model catalog."""

    ADMIN = "admin"
    OPERATOR = "operator"
    VIEWER = "viewer"

    def allows(self, required: Role) -> bool:
        """True when this role is `required` or above it."""
        return _RANK[self] >= _RANK[required]


_RANK = {Role.VIEWER: 0, Role.OPERATOR: 1, Role.ADMIN: 2}

API_KEY_PREFIX = "vg_"
LOGIN_TOKEN_PREFIX = "vgt_"
SECRET_BYTES = 32
"""Random bytes in every API key and login token (256 bits)."""

SHOWN_PREFIX_LENGTH = 8
"""Characters of a key kept in clear (``vg_AbCdE``) so that people can tell keys apart."""

LAST_USED_GRANULARITY = timedelta(minutes=1)
"""`last_used_at` is written at most this often per key, so that reading the API does not
turn every request into a write."""

DEFAULT_LOGIN_TOKEN_LIFETIME_S = 12 * 3600

TokenFactory = Callable[[int], str]
"""`secrets.token_urlsafe` in production; tests may pass a fixed one."""


def new_secret(prefix: str, token_urlsafe: TokenFactory = secrets.token_urlsafe) -> str:
    """A fresh bearer secret: `prefix` and 32 random bytes, URL-safe base64."""
    return prefix + token_urlsafe(SECRET_BYTES)


def new_id(kind: str, token_hex: TokenFactory = secrets.token_hex) -> str:
    """A public identifier such as ``key_3f9a0c1b2d4e5f60`` (random, not secret)."""
    return f"{kind}_{token_hex(8)}"


def secret_hash(secret: str) -> bytes:
    """The stored form of an API key or login token: its SHA-256 digest.

    A slow salted hash (scrypt, as for passwords) exists to make guessing *low-entropy*
    secrets expensive after a database leak. Our secrets are 256 random bits: nobody can
    enumerate them, however fast each guess is, so a fast hash loses nothing. It gains
    two things: the row is found by an index on the digest (no key id needed in the secret),
    and checking a request costs microseconds instead of the ~50 ms of CPU scrypt spends by
    design. The secret itself is never stored or logged.
    """
    return hashlib.sha256(secret.encode("utf-8")).digest()


@dataclass(frozen=True, slots=True)
class ApiKey:
    """An API key as stored (the secret is not: only its hash and first characters)."""

    id: str
    name: str
    role: Role
    secret_hash: bytes
    prefix: str
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        """False once revoked."""
        return self.revoked_at is None


@dataclass(frozen=True, slots=True)
class User:
    """A person who logs in with a password. `name` and `email` are unique in any case."""

    id: str
    name: str
    email: str | None
    role: Role
    password_hash: str
    created_at: datetime
    disabled_at: datetime | None = None

    @property
    def active(self) -> bool:
        """False once disabled: the user can no longer log in or use a token."""
        return self.disabled_at is None


@dataclass(frozen=True, slots=True)
class LoginToken:
    """A bearer token issued to a user by a password login."""

    id: str
    user_id: str
    secret_hash: bytes
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None

    def valid_at(self, now: datetime) -> bool:
        """True while neither expired nor revoked."""
        return self.revoked_at is None and now < self.expires_at


class PrincipalKind(enum.StrEnum):
    """What a request authenticated with."""

    API_KEY = "api_key"
    USER = "user"


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller of one request.

    `id` and `name` are the API key's or the user's; `token_id` is the login token used
    (None for an API key), so that a user can revoke it (log out).
    """

    kind: PrincipalKind
    id: str
    name: str
    role: Role
    token_id: str | None = None


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A newly created API key and its secret, which is never available again."""

    key: ApiKey
    secret: str


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A newly issued login token and its secret, which is never available again."""

    token: LoginToken
    secret: str
    user: User


def name_key(name: str) -> str:
    """Users' names and emails are unique regardless of letter case."""
    return name.strip().casefold()


def touch_due(last_used_at: datetime | None, now: datetime) -> bool:
    """Whether a key's `last_used_at` is stale enough to be written again."""
    return last_used_at is None or now - last_used_at >= LAST_USED_GRANULARITY


def key_principal(key: ApiKey) -> Principal:
    """The principal of a request made with `key`."""
    return Principal(PrincipalKind.API_KEY, key.id, key.name, key.role)


def user_principal(user: User, token: LoginToken) -> Principal:
    """The principal of a request made with a user's login token."""
    return Principal(PrincipalKind.USER, user.id, user.name, user.role, token_id=token.id)
