"""PostgreSQL: the composite types that carry a batch's rows are as the statements expect.

`sql.Columnar` writes send their rows as one array of a composite type that a migration
created (docs/adr/0003-hot-path.md §29). asyncpg encodes each row by the
type's attributes, in the database's order, so a migration that spelled one attribute
differently from the code would store values in the wrong columns or fail every batch.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Dialect

from voltgate.domain.ports import Repositories
from voltgate.storage.database import Database
from voltgate.storage.repositories import SqlRepositories
from voltgate.storage.sql import Columnar
from voltgate.storage.statements import Statements

pytestmark = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)


def _row_types(dialect: Dialect) -> list[Columnar]:
    """The statements that send their rows as a composite type."""
    statements = Statements(dialect)
    candidates = (
        statements.mv_add_deferred,
        statements.tx_event_add,
        statements.tx_event_add_short,
    )
    return [statement for statement in candidates if isinstance(statement, Columnar)]


async def test_each_row_type_matches_its_statement(db: Database) -> None:
    def compare(repos: Repositories) -> list[tuple[str, list[Any], list[Any]]]:
        assert isinstance(repos, SqlRepositories)
        run = repos.connection.execute
        out = []
        for statement in _row_types(repos.connection.dialect):
            row_type = statement.row_type
            assert row_type is not None
            stored = run(
                text(
                    "SELECT a.attname, format_type(a.atttypid, a.atttypmod) "
                    "FROM pg_type t JOIN pg_attribute a ON a.attrelid = t.typrelid "
                    "WHERE t.typname = :name AND a.attnum > 0 AND NOT a.attisdropped "
                    "ORDER BY a.attnum"
                ),
                {"name": row_type.name},
            ).all()
            expected = [
                (name, run(text("SELECT format_type(to_regtype(:t), NULL)"), {"t": type_}).scalar())
                for name, type_ in row_type.attributes
            ]
            out.append((row_type.name, [tuple(row) for row in stored], expected))
        return out

    compared = await db.run(compare)
    assert [name for name, _, _ in compared] == [
        "meter_value_write",
        "transaction_event_write",
        "transaction_event_write_short",
    ]
    for name, stored, expected in compared:
        assert stored == expected, name
