"""The authorization service over real storage: 2.0.1 token facts survive the round trip."""

from __future__ import annotations

from datetime import UTC, datetime

from voltgate.domain.authorization import AuthStatus, PresentedToken, TokenStatus, TokenType
from voltgate.domain.services import Services

EXPIRY = datetime(2030, 1, 1, tzinfo=UTC)


async def test_token_type_and_personal_message_are_stored(services: Services) -> None:
    """Type, group and personal message are kept with the token (migration 0003)."""
    auth = services.authorization
    await auth.add_token(
        "Tag-1",
        TokenStatus.NOT_AT_THIS_TIME,
        EXPIRY,
        "G",
        type=TokenType.KEY_CODE,
        personal_message="Après 18h",
    )
    stored = await auth.get_token("tag-1")
    assert stored is not None
    assert (stored.id_tag, stored.status, stored.expiry) == (
        "Tag-1",
        TokenStatus.NOT_AT_THIS_TIME,
        EXPIRY,
    )
    assert (stored.type, stored.personal_message) == (TokenType.KEY_CODE, "Après 18h")


async def test_decision_names_the_group_type_C01_FR_06(services: Services) -> None:
    """The group's own provisioned type travels with the decision; an unprovisioned or
    untyped group has none (the 2.0.1 handler then says Central)."""
    auth = services.authorization
    await auth.add_token("GROUP", type=TokenType.CENTRAL)
    await auth.add_token("A", parent_id_tag="group")
    await auth.add_token("B", parent_id_tag="NOBODY")
    a = await auth.authorize("CS-1", PresentedToken("a", TokenType.ISO14443))
    b = await auth.authorize("CS-1", PresentedToken("B", TokenType.ISO14443))
    assert (a.status, a.parent_id_tag, a.parent_type) == (
        AuthStatus.ACCEPTED,
        "group",
        TokenType.CENTRAL,
    )
    assert (b.parent_id_tag, b.parent_type) == ("NOBODY", None)


async def test_16_id_tag_and_201_token_share_the_table(services: Services) -> None:
    """A plain string is a 1.6 idTag: unknown is Invalid there, Unknown for a 2.0.1 token."""
    auth = services.authorization
    assert (await auth.authorize("CP-1", "nope")).status is AuthStatus.INVALID
    unknown = await auth.authorize("CS-1", PresentedToken("nope", TokenType.LOCAL))
    assert unknown.status is AuthStatus.UNKNOWN
    await auth.add_token("NOPE")
    assert (await auth.authorize("CP-1", "nope")).status is AuthStatus.ACCEPTED
    accepted = await auth.authorize("CS-1", PresentedToken("nope", TokenType.LOCAL))
    assert accepted.status is AuthStatus.ACCEPTED
