"""Id-token decisions (pure) and password hashing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from voltgate.domain.authorization import (
    MESSAGE_MAX_LENGTH,
    AuthStatus,
    IdToken,
    TokenStatus,
    TokenType,
    decide,
)
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


def test_unknown_token_of_201_is_unknown_not_invalid() -> None:
    """2.0.1 has Unknown ("Identifier is unknown"); 1.6 says Invalid for the same thing."""
    assert decide(None, NOW, False, TokenType.ISO14443).status is AuthStatus.UNKNOWN
    assert decide(None, NOW, False, None).status is AuthStatus.INVALID


def test_no_authorization_is_always_accepted_C02_FR_02() -> None:
    """A start button (type NoAuthorization, empty idToken) is Accepted, token table or not."""
    assert decide(None, NOW, False, TokenType.NO_AUTHORIZATION).status is AuthStatus.ACCEPTED
    blocked = IdToken("", TokenStatus.BLOCKED)
    assert decide(blocked, NOW, True, TokenType.NO_AUTHORIZATION).status is AuthStatus.ACCEPTED


def test_token_without_type_matches_any_type_and_typed_token_only_its_own() -> None:
    """1.6 idTag "ABC" and 2.0.1 ISO14443 "ABC" are one card unless the operator gave a type."""
    untyped = IdToken("ABC")
    assert decide(untyped, NOW, False, TokenType.ISO14443).status is AuthStatus.ACCEPTED
    assert decide(untyped, NOW, False, TokenType.EMAID).status is AuthStatus.ACCEPTED
    typed = IdToken("ABC", type=TokenType.EMAID)
    assert decide(typed, NOW, False, TokenType.EMAID).status is AuthStatus.ACCEPTED
    assert decide(typed, NOW, False, TokenType.ISO14443).status is AuthStatus.UNKNOWN
    assert decide(typed, NOW, False, None).status is AuthStatus.ACCEPTED  # a 1.6 idTag


@pytest.mark.parametrize(
    "status",
    [
        TokenStatus.INVALID,
        TokenStatus.NO_CREDIT,
        TokenStatus.NOT_ALLOWED_TYPE_EVSE,
        TokenStatus.NOT_AT_THIS_LOCATION,
        TokenStatus.NOT_AT_THIS_TIME,
    ],
)
def test_provisioned_refusals_are_answered_as_provisioned_C01_FR_18_22(
    status: TokenStatus,
) -> None:
    """The 2.0.1 "valid but not allowed" answers come from the token's provisioned status,
    with its group and message still attached; they win over ConcurrentTx."""
    token = IdToken("A", status, parent_id_tag="G", personal_message="Top up first")
    decision = decide(token, NOW, True, TokenType.ISO14443)
    assert decision.status.value == status.value
    assert (decision.parent_id_tag, decision.personal_message) == ("G", "Top up first")


def test_personal_message_longer_than_the_wire_allows_is_refused() -> None:
    """MessageContentType.content is at most 512 characters: refuse it at provisioning."""
    IdToken("A", personal_message="x" * MESSAGE_MAX_LENGTH)
    with pytest.raises(ValueError, match="512"):
        IdToken("A", personal_message="x" * (MESSAGE_MAX_LENGTH + 1))


def test_token_type_accepts_any_letter_case() -> None:
    """Operators may type emaid or ISO14443."""
    assert TokenType("emaid") is TokenType.EMAID
    assert TokenType("noauthorization") is TokenType.NO_AUTHORIZATION


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
