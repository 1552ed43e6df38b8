"""Migration 0003 on a database that already holds 1.6 data (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from voltgate.domain.authorization import TokenStatus
from voltgate.domain.ports import Repositories
from voltgate.domain.services import Services
from voltgate.storage.committer import Committer
from voltgate.storage.database import Database
from voltgate.storage.migrate import current, upgrade
from voltgate.storage.repositories import SqlRepositories
from voltgate.testing.clock import FakeClock


async def test_existing_tokens_survive_and_match_any_type(database_url: str) -> None:
    """Tokens provisioned before 0003 keep their facts and get no type (match any type)."""
    await asyncio.to_thread(upgrade, database_url, "0002")
    db = Database.connect(database_url)
    try:

        def insert_old_token(repos: Repositories) -> None:
            assert isinstance(repos, SqlRepositories)
            repos.connection.execute(
                text(
                    "INSERT INTO tokens (key, id_tag, status, parent_id_tag) "
                    "VALUES ('tag-1', 'TAG-1', 'Blocked', 'G')"
                )
            )

        await db.run(insert_old_token)
    finally:
        await db.dispose()

    await asyncio.to_thread(upgrade, database_url, "0004")
    assert await asyncio.to_thread(current, database_url) == "0004"
    db = Database.connect(database_url)
    try:
        async with Committer(db) as committer:
            services = Services(committer, FakeClock())
            token = await services.authorization.get_token("tag-1")
    finally:
        await db.dispose()
    assert token is not None
    assert (token.id_tag, token.status, token.parent_id_tag) == ("TAG-1", TokenStatus.BLOCKED, "G")
    assert (token.type, token.personal_message) == (None, None)
