"""Authorization use cases: answer Authorize requests, provision id tokens."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from voltgate.domain.authorization import (
    IdToken,
    PresentedToken,
    TokenDecision,
    TokenStatus,
    TokenType,
    decide,
)
from voltgate.domain.errors import AlreadyExists, UnknownToken
from voltgate.domain.ports import Clock, Repositories, UnitOfWork
from voltgate.domain.queries import Page, TokenQuery, page_of


class AuthorizationService:
    """Decides on id tokens and provisions them."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def authorize(self, station_id: str, token: str | PresentedToken) -> TokenDecision:
        """Answer an Authorize request from `station_id` (1.6 §4.1, 2.0.1 C01).

        `token` is a 1.6 idTag or a 2.0.1 token with its type. ConcurrentTx is never the
        answer here: it belongs to the transaction start (see `decide`).
        """
        presented = token if isinstance(token, PresentedToken) else PresentedToken(token)
        now = self._clock()

        def work(repos: Repositories) -> TokenDecision:
            return decide_with(repos, presented, now, has_active_tx_elsewhere=False)

        return await self._uow.submit(work)

    async def add_token(
        self,
        id_tag: str,
        status: TokenStatus = TokenStatus.ACCEPTED,
        expiry: datetime | None = None,
        parent_id_tag: str | None = None,
        *,
        type: TokenType | None = None,
        personal_message: str | None = None,
    ) -> IdToken:
        """Provision (or overwrite) an id token."""
        token = IdToken(id_tag, status, expiry, parent_id_tag, type, personal_message)

        def work(repos: Repositories) -> IdToken:
            repos.tokens.save(token)
            return token

        return await self._uow.submit(work)

    async def get_token(self, id_tag: str) -> IdToken | None:
        """The provisioned token for `id_tag` (any letter case), or None."""

        def work(repos: Repositories) -> IdToken | None:
            return repos.tokens.get(id_tag)

        return await self._uow.submit(work)

    # -- operator management (REST API) ---------------------------------------------------

    async def create_token(self, token: IdToken) -> IdToken:
        """Provision a new id token.

        Raises:
            AlreadyExists: a token with this id tag (in any letter case) exists.
        """

        def work(repos: Repositories) -> bool:
            if repos.tokens.get(token.id_tag) is not None:
                return False
            repos.tokens.save(token)
            return True

        if not await self._uow.submit(work):
            raise AlreadyExists("id token", token.id_tag)
        return token

    async def update_token(self, id_tag: str, change: Callable[[IdToken], IdToken]) -> IdToken:
        """Read, change and store a token in one unit of work (no lost updates).

        Raises:
            UnknownToken: no token with this id tag.
        """

        def work(repos: Repositories) -> IdToken:
            token = repos.tokens.get(id_tag)
            if token is None:
                raise UnknownToken(id_tag)
            changed = replace(change(token), id_tag=token.id_tag)
            repos.tokens.save(changed)
            return changed

        return await self._uow.submit(work)

    async def delete_token(self, id_tag: str) -> None:
        """Remove a token: stations asking about it hear Invalid/Unknown from then on.
        (Transactions keep the id tag they were started with.)

        Raises:
            UnknownToken: no token with this id tag.
        """

        def work(repos: Repositories) -> bool:
            return repos.operator.delete_token(id_tag)

        if not await self._uow.submit(work):
            raise UnknownToken(id_tag)

    async def list_tokens(self, query: TokenQuery) -> Page[IdToken]:
        """One page of tokens by id tag (case-insensitive order), filtered."""

        def work(repos: Repositories) -> list[IdToken]:
            return repos.operator.tokens(query)

        return page_of(await self._uow.submit(work), query.page)


def decide_with(
    repos: Repositories,
    presented: PresentedToken,
    now: datetime,
    *,
    has_active_tx_elsewhere: bool,
) -> TokenDecision:
    """`decide` on a presented token inside a unit of work: loads the token, and its group's
    type for 2.0.1 groupIdToken (E01.FR.12: "the groupIdToken if one exists").

    Transaction use cases call this with `has_active_tx_elsewhere` for a start.
    """
    decision = decide(
        repos.tokens.get(presented.id_tag), now, has_active_tx_elsewhere, presented.type
    )
    if decision.parent_id_tag is None:
        return decision
    group = repos.tokens.get(decision.parent_id_tag)
    if group is None or group.type is None:
        return decision
    return replace(decision, parent_type=group.type)
