"""Id-token decisions: may this tag charge, and what does the station cache about it.

The rule is pure (`decide`); the service in `services/authorization.py` loads the token
and whether the tag already has an open transaction, then calls it. Status values are
spelled as on the wire because OCPP 1.6 (§7.2 AuthorizationStatus) and 2.0.1
(AuthorizationStatusEnumType) share these spellings.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class TokenStatus(enum.StrEnum):
    """What the operator provisioned for a tag."""

    ACCEPTED = "Accepted"
    BLOCKED = "Blocked"
    EXPIRED = "Expired"

    @classmethod
    def _missing_(cls, value: object) -> TokenStatus | None:
        """Accept any letter case ("BLOCKED", "blocked"): operators type these."""
        if isinstance(value, str):
            for member in cls:
                if member.value.casefold() == value.casefold():
                    return member
        return None


class AuthStatus(enum.StrEnum):
    """The answer for one request (OCPP 1.6 §7.2 AuthorizationStatus)."""

    ACCEPTED = "Accepted"
    BLOCKED = "Blocked"
    EXPIRED = "Expired"
    INVALID = "Invalid"
    CONCURRENT_TX = "ConcurrentTx"


@dataclass(frozen=True, slots=True)
class IdToken:
    """A provisioned id tag (OCPP 1.6 §7.28: compared case-insensitively)."""

    id_tag: str
    status: TokenStatus = TokenStatus.ACCEPTED
    expiry: datetime | None = None
    parent_id_tag: str | None = None

    @property
    def key(self) -> str:
        """The case-insensitive lookup key of this tag."""
        return token_key(self.id_tag)


@dataclass(frozen=True, slots=True)
class TokenDecision:
    """What the station is told about a tag (OCPP 1.6 §7.27 IdTagInfo)."""

    status: AuthStatus
    expiry: datetime | None = None
    parent_id_tag: str | None = None

    @property
    def accepted(self) -> bool:
        """True when the tag may charge."""
        return self.status is AuthStatus.ACCEPTED


def token_key(id_tag: str) -> str:
    """Normalise an id tag for lookups: OCPP 1.6 §7.28 says IdToken is case-insensitive."""
    return id_tag.casefold()


def decide(token: IdToken | None, now: datetime, has_active_tx_elsewhere: bool) -> TokenDecision:
    """Decide on a tag presented at `now`.

    Args:
        token: the provisioned token, or None when the tag is unknown.
        now: the server's clock (aware UTC).
        has_active_tx_elsewhere: the tag already has an open transaction other than the one
            being answered. Only a StartTransaction passes True: ConcurrentTx is "only
            relevant for a StartTransaction.req" (OCPP 1.6 §7.2).
    """
    if token is None:
        return TokenDecision(AuthStatus.INVALID)
    if token.status is TokenStatus.BLOCKED:
        status = AuthStatus.BLOCKED
    elif token.status is TokenStatus.EXPIRED or (token.expiry is not None and token.expiry <= now):
        status = AuthStatus.EXPIRED
    elif has_active_tx_elsewhere:
        status = AuthStatus.CONCURRENT_TX
    else:
        status = AuthStatus.ACCEPTED
    return TokenDecision(status, token.expiry, token.parent_id_tag)
