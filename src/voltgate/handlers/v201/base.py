"""The OCPP 2.0.1 router, and the mappings every 2.0.1 functional block shares.

Addressing: 2.0.1 names the EVSE and the connector directly (EVSE ids from 1, connector
ids from 1 within their EVSE; evseId 0 is the charging station as a whole, 2.0.1 part 1
§"3-tier model"), so they map one to one onto our model, whose EVSE 0 / connector 0 is
the station too (as 1.6 connectorId 0).
"""

from __future__ import annotations

from voltgate.domain.authorization import AuthStatus, PresentedToken, TokenDecision, TokenType
from voltgate.handlers.router import Router
from voltgate.ocpp.errors import OcppVersion
from voltgate.ocpp.v201 import messages as m

router = Router(OcppVersion.V201, requests=m.REQUESTS, responses=m.RESPONSES)

STATION = (0, 0)
"""(evse_id, connector_id) of the charging station itself."""

_AUTH_STATUS: dict[AuthStatus, m.AuthorizationStatusEnum] = {
    AuthStatus.ACCEPTED: "Accepted",
    AuthStatus.BLOCKED: "Blocked",
    AuthStatus.CONCURRENT_TX: "ConcurrentTx",
    AuthStatus.EXPIRED: "Expired",
    AuthStatus.INVALID: "Invalid",
    AuthStatus.NO_CREDIT: "NoCredit",
    AuthStatus.NOT_ALLOWED_TYPE_EVSE: "NotAllowedTypeEVSE",
    AuthStatus.NOT_AT_THIS_LOCATION: "NotAtThisLocation",
    AuthStatus.NOT_AT_THIS_TIME: "NotAtThisTime",
    AuthStatus.UNKNOWN: "Unknown",
}
_TOKEN_TYPE: dict[TokenType, m.IdTokenEnum] = {
    TokenType.CENTRAL: "Central",
    TokenType.EMAID: "eMAID",
    TokenType.ISO14443: "ISO14443",
    TokenType.ISO15693: "ISO15693",
    TokenType.KEY_CODE: "KeyCode",
    TokenType.LOCAL: "Local",
    TokenType.MAC_ADDRESS: "MacAddress",
    TokenType.NO_AUTHORIZATION: "NoAuthorization",
}
# A group token provisioned without a type is an identifier the CSMS made up: IdTokenEnumType
# "Central: a centrally, in the CSMS (or other server) generated id".
_GROUP_TYPE_DEFAULT = TokenType.CENTRAL
_ID_TOKEN_MAX = 36  # IdTokenType.idToken maxLength


def evse(evse_id: int | None, connector_id: int | None = None) -> tuple[int, int]:
    """(evse_id, connector_id) of our model for a 2.0.1 EVSE and connector.

    evseId 0 (or no EVSE at all) is the station: (0, 0). An EVSE without a connectorId
    (a TransactionEvent before the EV is connected, E01.FR.16) is (evse_id, 0): "this EVSE,
    connector not named".
    """
    if not evse_id:
        return STATION
    return (evse_id, connector_id or 0)


def id_token(token: m.IdToken) -> PresentedToken:
    """The domain view of a 2.0.1 IdToken: its id and how it was read (IdTokenEnumType)."""
    return PresentedToken(token.id_token, TokenType(token.type))


def id_token_info(decision: TokenDecision) -> m.IdTokenInfo:
    """The 2.0.1 IdTokenInfo of a decision (Authorize and TransactionEvent responses).

    cacheExpiryDateTime is the token's expiry; groupIdToken its group (E01.FR.12) with the
    group's provisioned type; personalMessage as UTF8 text when the token has one.
    """
    group = None
    # A group id longer than a 2.0.1 IdToken (36) cannot be sent; better none than an error.
    if decision.parent_id_tag is not None and len(decision.parent_id_tag) <= _ID_TOKEN_MAX:
        group_type = decision.parent_type or _GROUP_TYPE_DEFAULT
        group = m.IdToken(id_token=decision.parent_id_tag, type=_TOKEN_TYPE[group_type])
    message = None
    if decision.personal_message is not None:
        message = m.MessageContent(format="UTF8", content=decision.personal_message)
    return m.IdTokenInfo(
        status=_AUTH_STATUS[decision.status],
        cache_expiry_date_time=decision.expiry,
        group_id_token=group,
        personal_message=message,
    )
