"""Who may use the API: logging in and out, users and API keys (admins manage both)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from voltgate.api.auth import PUBLIC, Admin, Viewer
from voltgate.api.conventions import Data, Page, error_responses, to_domain
from voltgate.api.deps import LoginLifetime, ServicesDep, TextPage
from voltgate.api.errors import ApiError, not_found
from voltgate.api.schemas import (
    ApiKeyCreated,
    ApiKeyIn,
    ApiKeyOut,
    LoginIn,
    LoginOut,
    UserIn,
    UserOut,
    UserPatch,
    WhoAmI,
)
from voltgate.domain.access import Role

router = APIRouter(prefix="/api/v1", responses=error_responses(401, 403, 422))

RECORD_ID = r"^[A-Za-z0-9_-]{1,64}$"  # ids made by `domain.access.new_id`
UserId = Annotated[str, Path(alias="userId", pattern=RECORD_ID)]
KeyId = Annotated[str, Path(alias="keyId", pattern=RECORD_ID)]


@router.post(
    "/auth/token",
    tags=["auth"],
    summary="Log in with a password and get a login token",
    dependencies=[PUBLIC],
    responses=error_responses(429),
)
async def login(
    body: LoginIn, request: Request, services: ServicesDep, lifetime: LoginLifetime
) -> Data[LoginOut]:
    """Send the token as ``Authorization: Bearer <token>`` until it expires. Repeated
    failures from one address are refused for a while (429 with Retry-After)."""
    address = request.client.host if request.client is not None else "unknown"
    issued = await services.access.login(
        body.login, body.password, address=address, lifetime=lifetime
    )
    if issued is None:
        raise ApiError(401, "wrong login or password", headers={"WWW-Authenticate": "Bearer"})
    return Data(
        data=LoginOut(
            token=issued.secret,
            expires_at=issued.token.expires_at,
            user=UserOut.of(issued.user),
        )
    )


@router.delete(
    "/auth/token",
    tags=["auth"],
    summary="Log out: revoke the login token of this request",
    status_code=204,
    responses=error_responses(409),
)
async def logout(caller: Viewer, services: ServicesDep) -> Response:
    """Ends the login token sent with this request. API keys are revoked by an admin
    (``DELETE /api/v1/api-keys/{keyId}``), so an API key gets 409 here."""
    if not await services.access.logout(caller):
        raise ApiError(409, "this request used an API key, not a login token")
    return Response(status_code=204)


@router.get("/auth/me", tags=["auth"], summary="Who is calling")
async def me(caller: Viewer) -> Data[WhoAmI]:
    """The API key or user of this request, and its role."""
    return Data(data=WhoAmI.of(caller))


# --- Users (admin)


@router.get("/users", tags=["users"], summary="List users")
async def list_users(_: Admin, services: ServicesDep, page: TextPage) -> Data[Page[UserOut]]:
    """Users by id, disabled ones included."""
    found = await services.access.list_users(page)
    return Data(data=Page(items=[UserOut.of(u) for u in found.items], has_more=found.has_more))


@router.post(
    "/users",
    tags=["users"],
    summary="Create a user who logs in with a password",
    status_code=201,
    responses=error_responses(409),
)
async def create_user(body: UserIn, _: Admin, services: ServicesDep) -> Data[UserOut]:
    """Name and email are unique in any letter case (409 otherwise)."""
    user = await services.access.create_user(
        body.name, body.email, to_domain(Role, body.role), body.password
    )
    return Data(data=UserOut.of(user))


@router.get("/users/{userId}", tags=["users"], summary="Get a user", responses=error_responses(404))
async def get_user(user_id: UserId, _: Admin, services: ServicesDep) -> Data[UserOut]:
    """One user."""
    user = await services.access.get_user(user_id)
    if user is None:
        raise not_found("user", user_id)
    return Data(data=UserOut.of(user))


@router.patch(
    "/users/{userId}",
    tags=["users"],
    summary="Change a user's role, email or password",
    responses=error_responses(404, 409),
)
async def update_user(
    user_id: UserId,
    body: UserPatch,
    _: Admin,
    services: ServicesDep,
) -> Data[UserOut]:
    """A role change applies to the user's next request; a new password also ends every
    login token of the user."""
    user = await services.access.update_user(
        user_id,
        role=None if body.role is None else to_domain(Role, body.role),
        email=body.email,
        password=body.password,
    )
    if user is None:
        raise not_found("user", user_id)
    return Data(data=UserOut.of(user))


@router.delete(
    "/users/{userId}",
    tags=["users"],
    summary="Disable a user",
    status_code=204,
    responses=error_responses(404),
)
async def disable_user(user_id: UserId, _: Admin, services: ServicesDep) -> Response:
    """The user can no longer log in, and their login tokens stop working at once. The
    record stays (it is shown as inactive)."""
    if await services.access.disable_user(user_id) is None:
        raise not_found("user", user_id)
    return Response(status_code=204)


# --- API keys (admin)


@router.get("/api-keys", tags=["api keys"], summary="List API keys")
async def list_api_keys(_: Admin, services: ServicesDep, page: TextPage) -> Data[Page[ApiKeyOut]]:
    """Keys by id, revoked ones included; secrets are never shown again."""
    found = await services.access.list_api_keys(page)
    items = [ApiKeyOut.of(key) for key in found.items]
    return Data(data=Page(items=items, has_more=found.has_more))


@router.post("/api-keys", tags=["api keys"], summary="Create an API key", status_code=201)
async def create_api_key(body: ApiKeyIn, _: Admin, services: ServicesDep) -> Data[ApiKeyCreated]:
    """The answer holds the key: store it now, it is never shown again (only its hash is
    kept)."""
    issued = await services.access.create_api_key(body.name, to_domain(Role, body.role))
    out = ApiKeyOut.of(issued.key)
    return Data(data=ApiKeyCreated(**out.model_dump(), key=issued.secret))


@router.get(
    "/api-keys/{keyId}", tags=["api keys"], summary="Get an API key", responses=error_responses(404)
)
async def get_api_key(key_id: KeyId, _: Admin, services: ServicesDep) -> Data[ApiKeyOut]:
    """One key (without its secret)."""
    key = await services.access.get_api_key(key_id)
    if key is None:
        raise not_found("API key", key_id)
    return Data(data=ApiKeyOut.of(key))


@router.delete(
    "/api-keys/{keyId}",
    tags=["api keys"],
    summary="Revoke an API key",
    status_code=204,
    responses=error_responses(404),
)
async def revoke_api_key(key_id: KeyId, _: Admin, services: ServicesDep) -> Response:
    """Requests with the key are refused (401) from now on. Revoking twice is harmless."""
    if await services.access.revoke_api_key(key_id) is None:
        raise not_found("API key", key_id)
    return Response(status_code=204)
