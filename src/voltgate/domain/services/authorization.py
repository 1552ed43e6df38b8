"""Authorization use cases: answer Authorize requests, provision id tokens."""

from __future__ import annotations

from datetime import datetime

from voltgate.domain.authorization import IdToken, TokenDecision, TokenStatus, decide
from voltgate.domain.ports import Clock, Repositories, UnitOfWork


class AuthorizationService:
    """Decides on id tags and provisions them."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def authorize(self, station_id: str, id_tag: str) -> TokenDecision:
        """Answer an Authorize request from `station_id` (1.6 §4.1); unknown tags are Invalid."""
        now = self._clock()

        def work(repos: Repositories) -> TokenDecision:
            return decide(repos.tokens.get(id_tag), now, has_active_tx_elsewhere=False)

        return await self._uow.submit(work)

    async def add_token(
        self,
        id_tag: str,
        status: TokenStatus = TokenStatus.ACCEPTED,
        expiry: datetime | None = None,
        parent_id_tag: str | None = None,
    ) -> IdToken:
        """Provision (or overwrite) an id token."""
        token = IdToken(id_tag, status, expiry, parent_id_tag)

        def work(repos: Repositories) -> IdToken:
            repos.tokens.save(token)
            return token

        return await self._uow.submit(work)

    async def get_token(self, id_tag: str) -> IdToken | None:
        """The provisioned token for `id_tag` (any letter case), or None."""

        def work(repos: Repositories) -> IdToken | None:
            return repos.tokens.get(id_tag)

        return await self._uow.submit(work)
