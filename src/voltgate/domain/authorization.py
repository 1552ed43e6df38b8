"""Id-token decisions: may this token charge, and what does the station cache about it.

The rule is pure (`decide`); the service in `services/authorization.py` loads the token
and whether it already has an open transaction, then calls it. Status values are spelled
as OCPP 2.0.1 AuthorizationStatusEnumType spells them; OCPP 1.6 (§7.2 AuthorizationStatus)
shares the first five and its handler spells the others as "Invalid".

One token table serves both versions. A 1.6 idTag has no type; a 2.0.1 IdToken has one
(IdTokenEnumType). A token provisioned without a type is the same card whatever type a
station reports with it (1.6 idTag "ABC" and 2.0.1 ISO14443 "ABC" are one card); a token
provisioned with a type only matches presentations of that type, because in 2.0.1 the
pair (idToken, type) is the identifier.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class _AnyCase(enum.StrEnum):
    """A wire enum operators may type in any letter case ("BLOCKED", "iso14443")."""

    @classmethod
    def _missing_(cls, value: object) -> _AnyCase | None:
        if isinstance(value, str):
            for member in cls:
                if member.value.casefold() == value.casefold():
                    return member
        return None


class TokenStatus(_AnyCase):
    """What the operator provisioned for a token.

    Besides Accepted/Blocked/Expired, the "valid but not allowed" answers of 2.0.1
    AuthorizationStatusEnumType can be provisioned (a prepaid card out of credit is
    NoCredit); 1.6 stations hear them as Invalid.
    """

    ACCEPTED = "Accepted"
    BLOCKED = "Blocked"
    EXPIRED = "Expired"
    INVALID = "Invalid"
    NO_CREDIT = "NoCredit"
    NOT_ALLOWED_TYPE_EVSE = "NotAllowedTypeEVSE"
    NOT_AT_THIS_LOCATION = "NotAtThisLocation"
    NOT_AT_THIS_TIME = "NotAtThisTime"


class TokenType(_AnyCase):
    """How a token was read (OCPP 2.0.1 IdTokenEnumType)."""

    CENTRAL = "Central"
    EMAID = "eMAID"
    ISO14443 = "ISO14443"
    ISO15693 = "ISO15693"
    KEY_CODE = "KeyCode"
    LOCAL = "Local"
    MAC_ADDRESS = "MacAddress"
    NO_AUTHORIZATION = "NoAuthorization"


class AuthStatus(enum.StrEnum):
    """The answer for one request (2.0.1 AuthorizationStatusEnumType, 1.6 §7.2)."""

    ACCEPTED = "Accepted"
    BLOCKED = "Blocked"
    EXPIRED = "Expired"
    INVALID = "Invalid"
    CONCURRENT_TX = "ConcurrentTx"
    UNKNOWN = "Unknown"
    NO_CREDIT = "NoCredit"
    NOT_ALLOWED_TYPE_EVSE = "NotAllowedTypeEVSE"
    NOT_AT_THIS_LOCATION = "NotAtThisLocation"
    NOT_AT_THIS_TIME = "NotAtThisTime"


MESSAGE_MAX_LENGTH = 512
"""Longest personal message a station can be sent (2.0.1 MessageContentType.content)."""

# Provisioned statuses that are answered as they are (Accepted is checked further).
_REFUSED: dict[TokenStatus, AuthStatus] = {
    TokenStatus.BLOCKED: AuthStatus.BLOCKED,
    TokenStatus.EXPIRED: AuthStatus.EXPIRED,
    TokenStatus.INVALID: AuthStatus.INVALID,
    TokenStatus.NO_CREDIT: AuthStatus.NO_CREDIT,
    TokenStatus.NOT_ALLOWED_TYPE_EVSE: AuthStatus.NOT_ALLOWED_TYPE_EVSE,
    TokenStatus.NOT_AT_THIS_LOCATION: AuthStatus.NOT_AT_THIS_LOCATION,
    TokenStatus.NOT_AT_THIS_TIME: AuthStatus.NOT_AT_THIS_TIME,
}


@dataclass(frozen=True, slots=True)
class IdToken:
    """A provisioned id token (OCPP 1.6 §7.28: compared case-insensitively).

    `parent_id_tag` is the group (1.6 parentIdTag, 2.0.1 groupIdToken); `type` None
    matches any presented type; `personal_message` is shown to the driver (2.0.1
    IdTokenInfo.personalMessage).
    """

    id_tag: str
    status: TokenStatus = TokenStatus.ACCEPTED
    expiry: datetime | None = None
    parent_id_tag: str | None = None
    type: TokenType | None = None
    personal_message: str | None = None

    def __post_init__(self) -> None:
        if self.personal_message is not None and len(self.personal_message) > MESSAGE_MAX_LENGTH:
            raise ValueError(f"personal message longer than {MESSAGE_MAX_LENGTH} characters")

    @property
    def key(self) -> str:
        """The case-insensitive lookup key of this token."""
        return token_key(self.id_tag)


@dataclass(frozen=True, slots=True)
class PresentedToken:
    """A token as a station presents it: a 1.6 idTag (type None) or a 2.0.1 IdToken."""

    id_tag: str
    type: TokenType | None = None


@dataclass(frozen=True, slots=True)
class TokenDecision:
    """What the station is told about a token (1.6 §7.27 IdTagInfo, 2.0.1 IdTokenInfo).

    `expiry` is how long the station may cache the answer (2.0.1 cacheExpiryDateTime);
    `parent_type` is the type of the group token when it is provisioned with one.
    """

    status: AuthStatus
    expiry: datetime | None = None
    parent_id_tag: str | None = None
    parent_type: TokenType | None = None
    personal_message: str | None = None

    @property
    def accepted(self) -> bool:
        """True when the token may charge."""
        return self.status is AuthStatus.ACCEPTED


def token_key(id_tag: str) -> str:
    """Normalise an id tag for lookups: OCPP 1.6 §7.28 says IdToken is case-insensitive."""
    return id_tag.casefold()


def matches(token: IdToken, presented_type: TokenType | None) -> bool:
    """Whether a provisioned token is the one presented with `presented_type`."""
    return token.type is None or presented_type is None or token.type is presented_type


def decide(
    token: IdToken | None,
    now: datetime,
    has_active_tx_elsewhere: bool,
    presented_type: TokenType | None = None,
) -> TokenDecision:
    """Decide on a token presented at `now`.

    Args:
        token: the provisioned token with this id, or None when there is none.
        now: the server's clock (aware UTC).
        has_active_tx_elsewhere: the token already has an open transaction other than the
            one being answered. Only a transaction start passes True: ConcurrentTx is "only
            relevant for a StartTransaction.req" (1.6 §7.2) or "for the response to a
            TransactionEventRequest(eventType=Started)" (2.0.1 AuthorizationStatusEnumType).
        presented_type: the 2.0.1 IdTokenEnumType it was presented with; None for 1.6.

    NoAuthorization (a start button, empty idToken) is always Accepted (2.0.1 C02.FR.02).
    An unknown token is Unknown in 2.0.1 ("Identifier is unknown") and Invalid in 1.6,
    which has no Unknown and defines Invalid as "Identifier is unknown" (§7.2).
    """
    if presented_type is TokenType.NO_AUTHORIZATION:
        return TokenDecision(AuthStatus.ACCEPTED)
    if token is None or not matches(token, presented_type):
        return TokenDecision(AuthStatus.INVALID if presented_type is None else AuthStatus.UNKNOWN)
    refused = _REFUSED.get(token.status)
    if refused is not None:
        status = refused
    elif token.expiry is not None and token.expiry <= now:
        status = AuthStatus.EXPIRED
    elif has_active_tx_elsewhere:
        status = AuthStatus.CONCURRENT_TX
    else:
        status = AuthStatus.ACCEPTED
    return TokenDecision(
        status, token.expiry, token.parent_id_tag, personal_message=token.personal_message
    )
