"""Alembic environment: migrations run on the connection `voltgate.storage.migrate` passes."""

from __future__ import annotations

from alembic import context

from voltgate.storage.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `voltgate db upgrade` (voltgate.storage.migrate)")

context.configure(
    connection=connection,
    target_metadata=metadata,
    # SQLite cannot ALTER most things in place: batch mode copies the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    # `storage.migrate.upgrade` reports each step through it.
    on_version_apply=context.config.attributes.get("on_version_apply", ()),
)
with context.begin_transaction():
    context.run_migrations()
