"""Access use cases: API keys, users, password logins and authenticating a bearer secret.

Password hashing (scrypt, tens of milliseconds by design) runs in a worker thread before or
after the unit of work, never inside it: units share one writer and one commit.
"""

from __future__ import annotations

import asyncio
import functools
import secrets
from dataclasses import replace
from datetime import timedelta

from voltgate.domain import credentials
from voltgate.domain.access import (
    API_KEY_PREFIX,
    LOGIN_TOKEN_PREFIX,
    SHOWN_PREFIX_LENGTH,
    ApiKey,
    IssuedKey,
    IssuedToken,
    LoginToken,
    Principal,
    Role,
    TokenFactory,
    User,
    key_principal,
    new_id,
    new_secret,
    secret_hash,
    touch_due,
    user_principal,
)
from voltgate.domain.errors import AlreadyExists, LoginThrottled
from voltgate.domain.ports import Clock, Repositories, UnitOfWork
from voltgate.domain.queries import Page, PageRequest, page_of
from voltgate.domain.throttle import AuthThrottle

LOGIN_FAILURE_LIMIT = 10
LOGIN_FAILURE_WINDOW_S = 300.0


@functools.cache
def _dummy_hash() -> str:
    """Checked when a login names no user, so that an unknown name costs the same scrypt
    time as a wrong password and response times do not tell which names exist."""
    return credentials.hash_password("voltgate-no-such-user", salt=b"\0" * 16)


class AccessService:
    """Who may call the REST API.

    Args:
        uow: runs units of work durably.
        clock: the server clock, aware UTC.
        login_failure_limit, login_failure_window_s: failed password logins one address may
            make within the window before it is refused for a while (0 turns it off).
        token_urlsafe, token_hex: randomness of secrets and ids (`secrets` in production).
    """

    def __init__(
        self,
        uow: UnitOfWork,
        clock: Clock,
        *,
        login_failure_limit: int = LOGIN_FAILURE_LIMIT,
        login_failure_window_s: float = LOGIN_FAILURE_WINDOW_S,
        token_urlsafe: TokenFactory = secrets.token_urlsafe,
        token_hex: TokenFactory = secrets.token_hex,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._token_urlsafe = token_urlsafe
        self._token_hex = token_hex
        # Only password logins are throttled: each costs a deliberately slow scrypt, and
        # passwords can be guessed. API keys and login tokens are 256 random bits, checked
        # with one indexed lookup, so guessing them is hopeless and throttling them would
        # only let one misconfigured client lock out its neighbours.
        self.login_throttle = AuthThrottle(
            limit=login_failure_limit, window_s=login_failure_window_s, clock=clock
        )

    # -- API keys ----------------------------------------------------------------------------

    async def create_api_key(self, name: str, role: Role) -> IssuedKey:
        """Create a key; its secret is in the result and nowhere else, ever."""
        secret = new_secret(API_KEY_PREFIX, self._token_urlsafe)
        key = ApiKey(
            id=new_id("key", self._token_hex),
            name=name,
            role=role,
            secret_hash=secret_hash(secret),
            prefix=secret[:SHOWN_PREFIX_LENGTH],
            created_at=self._clock(),
        )

        def work(repos: Repositories) -> None:
            repos.access.add_key(key)

        await self._uow.submit(work)
        return IssuedKey(key, secret)

    async def get_api_key(self, key_id: str) -> ApiKey | None:
        """The key, or None."""

        def work(repos: Repositories) -> ApiKey | None:
            return repos.access.get_key(key_id)

        return await self._uow.submit(work)

    async def list_api_keys(self, page: PageRequest[str]) -> Page[ApiKey]:
        """Keys by id, revoked ones included (they show when they were revoked)."""

        def work(repos: Repositories) -> list[ApiKey]:
            return repos.access.list_keys(after=page.after, limit=page.fetch)

        return page_of(await self._uow.submit(work), page)

    async def revoke_api_key(self, key_id: str) -> ApiKey | None:
        """Revoke a key at once (a second revoke keeps the first time); None if unknown."""
        now = self._clock()

        def work(repos: Repositories) -> ApiKey | None:
            key = repos.access.get_key(key_id)
            if key is None or key.revoked_at is not None:
                return key
            key = replace(key, revoked_at=now)
            repos.access.save_key(key)
            return key

        return await self._uow.submit(work)

    # -- authentication ------------------------------------------------------------------

    async def authenticate(self, secret: str) -> Principal | None:
        """The principal a bearer secret stands for, or None when it is unknown, revoked,
        expired, or its user is disabled."""
        if secret.startswith(API_KEY_PREFIX):
            return await self._authenticate_key(secret)
        if secret.startswith(LOGIN_TOKEN_PREFIX):
            return await self._authenticate_token(secret)
        return None

    async def _authenticate_key(self, secret: str) -> Principal | None:
        digest, now = secret_hash(secret), self._clock()

        def work(repos: Repositories) -> Principal | None:
            key = repos.access.key_by_hash(digest)
            if key is None or not key.active:
                return None
            if touch_due(key.last_used_at, now):
                repos.access.save_key(replace(key, last_used_at=now))
            return key_principal(key)

        return await self._uow.submit(work)

    async def _authenticate_token(self, secret: str) -> Principal | None:
        digest, now = secret_hash(secret), self._clock()

        def work(repos: Repositories) -> Principal | None:
            token = repos.access.login_token_by_hash(digest)
            if token is None or not token.valid_at(now):
                return None
            user = repos.access.get_user(token.user_id)
            if user is None or not user.active:
                return None
            return user_principal(user, token)

        return await self._uow.submit(work)

    # -- users -----------------------------------------------------------------------------

    async def create_user(self, name: str, email: str | None, role: Role, password: str) -> User:
        """Create a user who logs in with `password` (stored as a salted scrypt hash).

        Raises:
            AlreadyExists: the name or the email (in any letter case) is taken.
        """
        password_hash = await asyncio.to_thread(credentials.hash_password, password)
        user = User(
            id=new_id("usr", self._token_hex),
            name=name,
            email=email,
            role=role,
            password_hash=password_hash,
            created_at=self._clock(),
        )

        def work(repos: Repositories) -> bool:
            logins = [name] if email is None else [name, email]
            if any(repos.access.user_by_login(login) is not None for login in logins):
                return False
            return repos.access.add_user(user)

        if not await self._uow.submit(work):
            raise AlreadyExists("user", name if email is None else f"{name} <{email}>")
        return user

    async def get_user(self, user_id: str) -> User | None:
        """The user, or None."""

        def work(repos: Repositories) -> User | None:
            return repos.access.get_user(user_id)

        return await self._uow.submit(work)

    async def list_users(self, page: PageRequest[str]) -> Page[User]:
        """Users by id, disabled ones included."""

        def work(repos: Repositories) -> list[User]:
            return repos.access.list_users(after=page.after, limit=page.fetch)

        return page_of(await self._uow.submit(work), page)

    async def update_user(
        self,
        user_id: str,
        *,
        role: Role | None = None,
        email: str | None = None,
        password: str | None = None,
    ) -> User | None:
        """Change a user's role, email or password (None: unchanged); None if unknown.

        A new password revokes the user's login tokens: whoever had one logs in again.

        Raises:
            AlreadyExists: the email belongs to another user.
        """
        password_hash = None
        if password is not None:
            password_hash = await asyncio.to_thread(credentials.hash_password, password)
        now = self._clock()

        def work(repos: Repositories) -> User | AlreadyExists | None:
            user = repos.access.get_user(user_id)
            if user is None:
                return None
            changed = replace(
                user,
                role=user.role if role is None else role,
                email=user.email if email is None else email,
                password_hash=user.password_hash if password_hash is None else password_hash,
            )
            if email is not None:
                holder = repos.access.user_by_login(email)
                if holder is not None and holder.id != user_id:
                    return AlreadyExists("email", email)
            repos.access.save_user(changed)
            if password_hash is not None:
                repos.access.revoke_login_tokens(user_id, now)
            return changed

        result = await self._uow.submit(work)
        if isinstance(result, AlreadyExists):
            raise result
        return result

    async def disable_user(self, user_id: str) -> User | None:
        """Disable a user and revoke their login tokens; None if unknown. Idempotent."""
        now = self._clock()

        def work(repos: Repositories) -> User | None:
            user = repos.access.get_user(user_id)
            if user is None:
                return None
            if user.disabled_at is None:
                user = replace(user, disabled_at=now)
                repos.access.save_user(user)
            repos.access.revoke_login_tokens(user_id, now)
            return user

        return await self._uow.submit(work)

    # -- login -----------------------------------------------------------------------------

    async def login(
        self, login: str, password: str, *, address: str, lifetime: timedelta
    ) -> IssuedToken | None:
        """Check a user's password; a new login token on success, None otherwise.

        Args:
            login: the user's name or email, in any letter case.
            password: as typed.
            address: where the attempt comes from (throttling counts failures per address).
            lifetime: how long the token is valid.

        Raises:
            LoginThrottled: this address failed too often recently; nothing was checked.
        """
        wait = self.login_throttle.retry_after(address)
        if wait is not None:
            raise LoginThrottled(wait)

        def find(repos: Repositories) -> User | None:
            return repos.access.user_by_login(login)

        user = await self._uow.submit(find)
        stored = _dummy_hash() if user is None else user.password_hash
        matches = await asyncio.to_thread(credentials.verify_password, password, stored)
        if user is None or not matches or not user.active:
            self.login_throttle.failed(address)
            return None
        secret = new_secret(LOGIN_TOKEN_PREFIX, self._token_urlsafe)
        now = self._clock()
        token = LoginToken(
            id=new_id("tok", self._token_hex),
            user_id=user.id,
            secret_hash=secret_hash(secret),
            created_at=now,
            expires_at=now + lifetime,
        )

        def issue(repos: Repositories) -> None:
            repos.access.add_login_token(token)

        await self._uow.submit(issue)
        return IssuedToken(token, secret, user)

    async def logout(self, principal: Principal) -> bool:
        """Revoke the login token `principal` authenticated with; False for an API key."""
        token_id = principal.token_id
        if token_id is None:
            return False
        now = self._clock()

        def work(repos: Repositories) -> int:
            return repos.access.revoke_login_tokens(principal.id, now, token_id)

        await self._uow.submit(work)
        return True
