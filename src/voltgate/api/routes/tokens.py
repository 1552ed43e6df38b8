"""Id tokens (RFID cards and other identifiers): list, get, provision, change, remove."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from voltgate.api.auth import Operator, Viewer
from voltgate.api.conventions import ID_TAG_PATTERN, Data, Page, error_responses, to_domain
from voltgate.api.deps import ServicesDep, TextPage
from voltgate.api.enums import TokenStatus
from voltgate.api.errors import not_found
from voltgate.api.schemas import IdTokenIn, IdTokenOut, IdTokenPatch
from voltgate.domain import authorization
from voltgate.domain.authorization import IdToken
from voltgate.domain.queries import TokenQuery

router = APIRouter(
    prefix="/api/v1/id-tokens", tags=["id tokens"], responses=error_responses(401, 403, 422)
)

IdTagPath = Annotated[str, Path(alias="idTag", pattern=ID_TAG_PATTERN)]


@router.get("", summary="List id tokens")
async def list_tokens(
    _: Viewer,
    services: ServicesDep,
    page: TextPage,
    status: Annotated[
        TokenStatus | None, Query(description="Only tokens with this status.")
    ] = None,
) -> Data[Page[IdTokenOut]]:
    """Tokens by id tag, in any letter case (``startingAfter`` = the last idTag)."""
    query = TokenQuery(
        status=None if status is None else to_domain(authorization.TokenStatus, status),
        page=page,
    )
    found = await services.authorization.list_tokens(query)
    items = [IdTokenOut.of(token) for token in found.items]
    return Data(data=Page(items=items, has_more=found.has_more))


@router.post("", summary="Provision an id token", status_code=201, responses=error_responses(409))
async def create_token(body: IdTokenIn, _: Operator, services: ServicesDep) -> Data[IdTokenOut]:
    """Stations asking about it hear its status from now on. 409 when the id tag exists
    in any letter case."""
    token = IdToken(
        body.id_tag,
        to_domain(authorization.TokenStatus, body.status),
        body.expires_at,
        body.parent_id_tag,
        None if body.type is None else to_domain(authorization.TokenType, body.type),
        body.personal_message,
    )
    return Data(data=IdTokenOut.of(await services.authorization.create_token(token)))


@router.get("/{idTag}", summary="Get an id token", responses=error_responses(404))
async def get_token(id_tag: IdTagPath, _: Viewer, services: ServicesDep) -> Data[IdTokenOut]:
    """One token, found in any letter case."""
    token = await services.authorization.get_token(id_tag)
    if token is None:
        raise not_found("id token", id_tag)
    return Data(data=IdTokenOut.of(token))


@router.patch("/{idTag}", summary="Change or block an id token", responses=error_responses(404))
async def update_token(
    id_tag: IdTagPath, body: IdTokenPatch, _: Operator, services: ServicesDep
) -> Data[IdTokenOut]:
    """Only the fields sent change; ``null`` clears one. Block a card with
    ``{"status": "BLOCKED"}``: stations asking about it hear Blocked from now on."""
    changes = _changes(body)
    token = await services.authorization.update_token(
        id_tag, lambda token: replace(token, **changes)
    )
    return Data(data=IdTokenOut.of(token))


@router.delete(
    "/{idTag}", summary="Remove an id token", status_code=204, responses=error_responses(404)
)
async def delete_token(id_tag: IdTagPath, _: Operator, services: ServicesDep) -> Response:
    """Stations asking about it hear Invalid (1.6) or Unknown (2.0.1) from now on;
    transactions keep the id tag they were started with."""
    await services.authorization.delete_token(id_tag)
    return Response(status_code=204)


def _changes(body: IdTokenPatch) -> dict[str, Any]:
    """The IdToken fields a patch sets (only those it names; a status cannot be null)."""
    sent = body.model_fields_set
    changes: dict[str, Any] = {}
    if "status" in sent and body.status is not None:
        changes["status"] = to_domain(authorization.TokenStatus, body.status)
    if "expires_at" in sent:
        changes["expiry"] = body.expires_at
    if "parent_id_tag" in sent:
        changes["parent_id_tag"] = body.parent_id_tag
    if "type" in sent:
        changes["type"] = (
            None if body.type is None else to_domain(authorization.TokenType, body.type)
        )
    if "personal_message" in sent:
        changes["personal_message"] = body.personal_message
    return changes
