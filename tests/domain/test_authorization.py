"""Id-token decisions (pure) and password hashing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from voltgate.domain.authorization import AuthStatus, IdToken, TokenStatus, decide
from voltgate.domain.credentials import hash_password, verify_password

NOW = datetime(2025, 1, 1, tzinfo=UTC)


def test_unknown_tag_is_invalid() -> None:
    """A tag nobody provisioned is Invalid (1.6 §7.2)."""
    assert decide(None, NOW, has_active_tx_elsewhere=False).status is AuthStatus.INVALID


def test_accepted_tag_carries_expiry_and_parent() -> None:
    """An accepted tag is answered with its expiry and parent id tag."""
    expiry = NOW + timedelta(days=1)
    decision = decide(IdToken("A", expiry=expiry, parent_id_tag="P"), NOW, False)
    assert decision.status is AuthStatus.ACCEPTED
    assert (decision.expiry, decision.parent_id_tag) == (expiry, "P")


def test_blocked_and_expired() -> None:
    """Blocked tags are Blocked; tags past their expiry or marked expired are Expired."""
    assert decide(IdToken("A", TokenStatus.BLOCKED), NOW, False).status is AuthStatus.BLOCKED
    assert decide(IdToken("A", TokenStatus.EXPIRED), NOW, False).status is AuthStatus.EXPIRED
    past = IdToken("A", expiry=NOW - timedelta(seconds=1))
    assert decide(past, NOW, False).status is AuthStatus.EXPIRED


def test_concurrent_tx_only_for_a_valid_tag_with_another_open_transaction() -> None:
    """ConcurrentTx answers a start while the tag charges elsewhere; blocked stays Blocked."""
    assert decide(IdToken("A"), NOW, True).status is AuthStatus.CONCURRENT_TX
    blocked = IdToken("A", TokenStatus.BLOCKED)
    assert decide(blocked, NOW, True).status is AuthStatus.BLOCKED


def test_token_status_accepts_any_letter_case() -> None:
    """Operators may type BLOCKED or blocked."""
    assert TokenStatus("BLOCKED") is TokenStatus.BLOCKED
    assert TokenStatus("accepted") is TokenStatus.ACCEPTED


def test_password_hash_verifies_only_the_right_password() -> None:
    """A salted scrypt hash verifies its password and nothing else."""
    encoded = hash_password("s3cret")
    assert encoded.startswith("scrypt$16384$8$1$")
    assert verify_password("s3cret", encoded)
    assert not verify_password("s3cret!", encoded)
    assert hash_password("s3cret") != encoded  # a fresh salt each time


def test_garbage_hash_never_verifies() -> None:
    """A damaged stored hash refuses every password instead of raising."""
    assert not verify_password("x", "scrypt$oops")
    assert not verify_password("x", "bcrypt$1$2$3$AAAA$AAAA")
