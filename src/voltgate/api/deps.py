"""Dependencies the routes share: the services, the login token lifetime, paging.

The composition root puts the running services on ``app.state`` (`create_api`); routes
receive them as an argument (``services: ServicesDep``) and never import a global.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Query, Request

from voltgate.api.conventions import PRINTABLE
from voltgate.domain.queries import DEFAULT_LIMIT, MAX_LIMIT, PageRequest
from voltgate.domain.services import Services

MAX_CURSOR_ID = 2**31 - 1  # transaction and event ids are int32 (OCPP 1.6 transactionId)


def get_services(request: Request) -> Services:
    """The services of the running node."""
    services: Services = request.app.state.services
    return services


def get_login_lifetime(request: Request) -> timedelta:
    """How long a login token is valid (the `login_token_lifetime` setting)."""
    lifetime: timedelta = request.app.state.login_lifetime
    return lifetime


ServicesDep = Annotated[Services, Depends(get_services)]
LoginLifetime = Annotated[timedelta, Depends(get_login_lifetime)]

Limit = Annotated[
    int, Query(ge=1, le=MAX_LIMIT, description=f"Items per page (at most {MAX_LIMIT}).")
]


def text_page(
    limit: Limit = DEFAULT_LIMIT,
    starting_after: Annotated[
        str | None,
        Query(
            alias="startingAfter",
            min_length=1,
            max_length=200,
            pattern=PRINTABLE,
            description="The id of the last item of the previous page.",
        ),
    ] = None,
) -> PageRequest[str]:
    """`limit` and `startingAfter` for lists ordered by a text id."""
    return PageRequest(limit, starting_after)


def number_page(
    limit: Limit = DEFAULT_LIMIT,
    starting_after: Annotated[
        int | None,
        Query(
            alias="startingAfter",
            ge=1,
            le=MAX_CURSOR_ID,
            description="The id of the last item of the previous page.",
        ),
    ] = None,
) -> PageRequest[int]:
    """`limit` and `startingAfter` for lists ordered by a numeric id, newest first."""
    return PageRequest(limit, starting_after)


TextPage = Annotated[PageRequest[str], Depends(text_page)]
NumberPage = Annotated[PageRequest[int], Depends(number_page)]
