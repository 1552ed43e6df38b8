"""Dependencies the routes share: the services, the login token lifetime, paging.

The composition root puts the running services on ``app.state`` (`create_api`); routes
receive them as an argument (``services: ServicesDep``) and never import a global.
"""

from __future__ import annotations

from collections.abc import Callable
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


def numbered_pages(max_id: int) -> Callable[..., PageRequest[int]]:
    """The dependency reading `limit` and `startingAfter` for lists ordered by a numeric id
    of at most `max_id`, newest first."""

    def number_page(
        limit: Limit = DEFAULT_LIMIT,
        starting_after: int | None = Query(
            None,
            alias="startingAfter",
            ge=1,
            le=max_id,
            description="The id of the last item of the previous page.",
        ),
    ) -> PageRequest[int]:
        return PageRequest(limit, starting_after)

    return number_page


number_page = numbered_pages(MAX_CURSOR_ID)
"""`limit` and `startingAfter` for lists ordered by an int32 id, newest first."""


TextPage = Annotated[PageRequest[str], Depends(text_page)]
NumberPage = Annotated[PageRequest[int], Depends(number_page)]
