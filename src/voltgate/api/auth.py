"""Authentication and roles: every route declares who may call it, with one dependency.

A route takes ``caller: Viewer`` (or `Operator`, `Admin`), which is
``Depends(require(Role.X))``, or declares itself open with ``dependencies=[PUBLIC]``.
`mark_access` reads these declarations back from the routes and writes them into the
OpenAPI document as ``x-required-role``, and the role-matrix test
(tests/api/test_roles.py) calls every operation of that document with every role: a route
that declares nothing has no ``x-required-role`` and fails it.

Answers: no credentials, or ones that are unknown, revoked or expired: 401 with
``WWW-Authenticate: Bearer``; a role below the route's: 403. Secrets are never logged.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from voltgate.api.deps import ServicesDep
from voltgate.api.errors import ApiError
from voltgate.domain.access import Principal, Role

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description="An API key (`vg_...`, `voltgate apikey create`) or a login token "
    "(`vgt_...`, `POST /api/v1/auth/token`).",
)

MAX_SECRET_LENGTH = 200  # ours are ~47 characters; longer ones are not worth hashing


def unauthenticated(message: str, *, invalid: bool = False) -> ApiError:
    """401 with the challenge RFC 6750 §3 prescribes."""
    challenge = 'Bearer realm="voltgate"' + (', error="invalid_token"' if invalid else "")
    return ApiError(401, message, headers={"WWW-Authenticate": challenge})


async def current_principal(
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The caller, from ``Authorization: Bearer <secret>``; 401 without a valid one."""
    if credentials is None:
        raise unauthenticated("send an API key or login token: Authorization: Bearer <key>")
    secret = credentials.credentials
    principal = None
    if len(secret) <= MAX_SECRET_LENGTH:
        principal = await services.access.authenticate(secret)
    if principal is None:
        raise unauthenticated("the key or token is unknown, revoked or expired", invalid=True)
    return principal


class RequireRole:
    """The dependency that lets in callers of `role` or above (see `require`)."""

    def __init__(self, role: Role) -> None:
        self.role = role

    async def __call__(
        self, principal: Annotated[Principal, Depends(current_principal)]
    ) -> Principal:
        if not principal.role.allows(self.role):
            raise ApiError(
                403,
                f"this needs the {self.role.name} role; the caller has {principal.role.name}",
            )
        return principal


_REQUIREMENTS = {role: RequireRole(role) for role in Role}


def require(role: Role) -> RequireRole:
    """The dependency for routes that need at least `role`."""
    return _REQUIREMENTS[role]


async def public() -> None:
    """The dependency of routes anyone may call (declared, so that it is a decision)."""


PUBLIC = Depends(public)
Viewer = Annotated[Principal, Depends(require(Role.VIEWER))]
Operator = Annotated[Principal, Depends(require(Role.OPERATOR))]
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]

PUBLIC_ROLE = "PUBLIC"
ROLE_EXTENSION = "x-required-role"


def route_access(route: APIRoute) -> str | None:
    """The route's declared access: a role name, PUBLIC, or None when it declares none."""
    found: set[str] = set()
    for dependant in _walk(route.dependant):
        access = _access_of(dependant)
        if access is not None:
            found.add(access)
    if len(found) > 1:
        raise ValueError(f"{route.path} declares more than one access: {sorted(found)}")
    return found.pop() if found else None


def mark_access(router: APIRouter) -> APIRouter:
    """Put each route's declared access into its OpenAPI operation (``x-required-role``).

    Called on every router before it is included in the app, where its routes are still
    plain `APIRoute`s whatever FastAPI does with included routers.
    """
    for route in router.routes:
        if isinstance(route, APIRoute):
            access = route_access(route)
            if access is not None:
                extra: dict[str, Any] = dict(route.openapi_extra or {})
                extra[ROLE_EXTENSION] = access
                route.openapi_extra = extra
    return router


def _access_of(dependant: Dependant) -> str | None:
    call = dependant.call
    if isinstance(call, RequireRole):
        return call.role.name
    if call is public:
        return PUBLIC_ROLE
    return None


def _walk(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _walk(sub)
