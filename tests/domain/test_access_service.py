"""Access rules over real storage with a fake clock: login token expiry, last-use writes,
login throttling that reopens, and the role order."""

from __future__ import annotations

from datetime import timedelta

import pytest

from voltgate.domain.access import LAST_USED_GRANULARITY, Role, secret_hash
from voltgate.domain.errors import AlreadyExists, LoginThrottled
from voltgate.domain.queries import MAX_LIMIT, PageRequest
from voltgate.domain.services import Services
from voltgate.domain.services.access import LOGIN_FAILURE_LIMIT, LOGIN_FAILURE_WINDOW_S
from voltgate.testing.clock import FakeClock

HOUR = timedelta(hours=1)


def test_roles_are_ordered_admin_operator_viewer() -> None:
    """Each role allows itself and the roles below it, never those above."""
    assert Role.ADMIN.allows(Role.OPERATOR) and Role.ADMIN.allows(Role.VIEWER)
    assert Role.OPERATOR.allows(Role.VIEWER) and not Role.OPERATOR.allows(Role.ADMIN)
    assert Role.VIEWER.allows(Role.VIEWER) and not Role.VIEWER.allows(Role.OPERATOR)


def test_page_size_is_bounded() -> None:
    """A page holds 1 to MAX_LIMIT items."""
    for bad in (0, MAX_LIMIT + 1):
        with pytest.raises(ValueError, match="limit"):
            PageRequest(bad)


async def test_login_token_expires_after_its_lifetime(services: Services, clock: FakeClock) -> None:
    """A login token authenticates until `lifetime` has passed, and not from then on."""
    await services.access.create_user("ann", None, Role.OPERATOR, "a-long-password")
    issued = await services.access.login("ann", "a-long-password", address="a", lifetime=HOUR)
    assert issued is not None
    assert issued.token.secret_hash == secret_hash(issued.secret)
    principal = await services.access.authenticate(issued.secret)
    assert principal is not None and principal.role is Role.OPERATOR
    clock.advance(HOUR.total_seconds() - 1)
    assert await services.access.authenticate(issued.secret) is not None
    clock.advance(1)
    assert await services.access.authenticate(issued.secret) is None


async def test_key_last_use_is_written_at_most_once_a_minute(
    services: Services, clock: FakeClock
) -> None:
    """Authenticating records `last_used_at`, but not again within LAST_USED_GRANULARITY,
    so that reads do not each become a write."""
    issued = await services.access.create_api_key("k", Role.VIEWER)
    first = clock()
    await services.access.authenticate(issued.secret)
    clock.advance(LAST_USED_GRANULARITY.total_seconds() - 1)
    await services.access.authenticate(issued.secret)
    key = await services.access.get_api_key(issued.key.id)
    assert key is not None and key.last_used_at == first
    clock.advance(1)
    await services.access.authenticate(issued.secret)
    key = await services.access.get_api_key(issued.key.id)
    assert key is not None and key.last_used_at == clock()


async def test_login_throttle_reopens_when_failures_leave_the_window(
    services: Services, clock: FakeClock
) -> None:
    """LOGIN_FAILURE_LIMIT failures close the address; once they are older than the window
    it may log in again. Other addresses are never affected."""
    await services.access.create_user("bo", None, Role.VIEWER, "a-long-password")
    for _ in range(LOGIN_FAILURE_LIMIT):
        assert await services.access.login("bo", "wrong", address="x", lifetime=HOUR) is None
    with pytest.raises(LoginThrottled) as throttled:
        await services.access.login("bo", "a-long-password", address="x", lifetime=HOUR)
    assert throttled.value.retry_after_s == LOGIN_FAILURE_WINDOW_S
    assert await services.access.login("bo", "a-long-password", address="y", lifetime=HOUR)
    clock.advance(LOGIN_FAILURE_WINDOW_S)
    assert await services.access.login("bo", "a-long-password", address="x", lifetime=HOUR)


async def test_key_secrets_differ_and_revoking_keeps_the_first_time(
    services: Services, clock: FakeClock
) -> None:
    """Two keys never share a secret; a revoked key stays revoked at its first time."""
    one = await services.access.create_api_key("one", Role.ADMIN)
    two = await services.access.create_api_key("two", Role.ADMIN)
    assert one.secret != two.secret and one.key.id != two.key.id
    revoked = await services.access.revoke_api_key(one.key.id)
    assert revoked is not None and revoked.revoked_at == clock()
    clock.advance(10)
    again = await services.access.revoke_api_key(one.key.id)
    assert again is not None and again.revoked_at == revoked.revoked_at
    assert await services.access.authenticate(one.secret) is None
    assert await services.access.authenticate(two.secret) is not None
    assert await services.access.revoke_api_key("key_missing") is None


async def test_a_name_cannot_be_another_users_email(services: Services) -> None:
    """Logins match name or email, so a name equal to another user's email is refused."""
    await services.access.create_user("cy", "cy@example.com", Role.VIEWER, "a-long-password")
    with pytest.raises(AlreadyExists):
        await services.access.create_user("CY@example.com", None, Role.VIEWER, "a-long-password")
