"""`voltgate apikey` and `voltgate user`: who may use the REST API, and with which role
(docs/api.md)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import click

from voltgate.cli.base import (
    cli,
    database_url_option,
    when,
    with_services,
)
from voltgate.domain.access import ApiKey, Role, User
from voltgate.domain.queries import MAX_LIMIT, Page, PageRequest


@cli.group()
def apikey() -> None:
    """REST API keys: `Authorization: Bearer <key>` (docs/api.md)."""


_ROLES = click.Choice([role.value for role in Role], case_sensitive=False)


@apikey.command("create")
@click.option("--name", required=True, help="What the key is for, e.g. the client's name.")
@click.option("--role", required=True, type=_ROLES, help="admin, operator or viewer.")
@database_url_option
def apikey_create(name: str, role: str, database_url: str | None) -> None:
    """Create an API key and print it, once: only its hash is stored.

    The key alone goes to standard output (KEY=$(voltgate apikey create ...) works), the
    rest to standard error. Use it to create the first admin key.
    """
    issued = with_services(
        database_url, lambda services: services.access.create_api_key(name, Role(role.lower()))
    )
    click.echo(issued.secret)
    click.echo(
        f"created API key {issued.key.id} ({issued.key.role.value}, {name!r}): store it now, "
        "it is never shown again",
        err=True,
    )


@apikey.command("list")
@database_url_option
def apikey_list(database_url: str | None) -> None:
    """List API keys (never their secrets): id, role, first characters, use, revocation."""
    keys = with_services(database_url, lambda services: _all_pages(services.access.list_api_keys))
    if not keys:
        click.echo("no API keys (create one with: voltgate apikey create --name N --role admin)")
    for key in keys:
        state = f"revoked {when(key.revoked_at)}" if key.revoked_at else "active"
        click.echo(
            f"{key.id}  {key.role.value:<8}  {key.prefix}...  {key.name!r}  created "
            f"{when(key.created_at)}  last used {when(key.last_used_at)}  {state}"
        )


@apikey.command("revoke")
@click.argument("key_id")
@database_url_option
def apikey_revoke(key_id: str, database_url: str | None) -> None:
    """Revoke the API key KEY_ID (see `voltgate apikey list`): refused from now on."""
    key = with_services(database_url, lambda services: services.access.revoke_api_key(key_id))
    if key is None:
        raise click.ClickException(f"no API key {key_id!r}")
    click.echo(f"API key {key.id} ({key.name!r}) revoked at {when(key.revoked_at)}")


@cli.group()
def user() -> None:
    """Users who log in to the REST API with a password (POST /api/v1/auth/token)."""


@user.command("create")
@click.option("--name", required=True, help="Login name (unique in any letter case).")
@click.option("--email", help="Email address; also accepted as the login.")
@click.option("--role", required=True, type=_ROLES, help="admin, operator or viewer.")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="At least 8 characters; asked for when not given. Stored as a salted scrypt hash.",
)
@database_url_option
def user_create(
    name: str, email: str | None, role: str, password: str, database_url: str | None
) -> None:
    """Create a user."""
    from voltgate.domain.errors import AlreadyExists

    if len(password) < 8:
        raise click.BadParameter("at least 8 characters", param_hint="--password")
    try:
        created = with_services(
            database_url,
            lambda services: services.access.create_user(name, email, Role(role.lower()), password),
        )
    except AlreadyExists as taken:
        raise click.ClickException(str(taken)) from None
    click.echo(f"user {created.id} ({created.name}, {created.role.value}) created")


@user.command("list")
@database_url_option
def user_list(database_url: str | None) -> None:
    """List users: id, name, email, role, state."""
    users = with_services(database_url, lambda services: _all_pages(services.access.list_users))
    if not users:
        click.echo("no users")
    for found in users:
        state = f"disabled {when(found.disabled_at)}" if found.disabled_at else "active"
        click.echo(
            f"{found.id}  {found.role.value:<8}  {found.name}  {found.email or '-'}  {state}"
        )


@user.command("disable")
@click.argument("user_id")
@database_url_option
def user_disable(user_id: str, database_url: str | None) -> None:
    """Disable USER_ID: no more logins, and their login tokens stop working at once."""
    found = with_services(database_url, lambda services: services.access.disable_user(user_id))
    if found is None:
        raise click.ClickException(f"no user {user_id!r}")
    click.echo(f"user {found.id} ({found.name}) disabled")


Listed = TypeVar("Listed", ApiKey, User)


async def _all_pages(
    list_page: Callable[[PageRequest[str]], Awaitable[Page[Listed]]],
) -> list[Listed]:
    """Every item of a paged list, one page after the other."""
    items: list[Listed] = []
    after: str | None = None
    while True:
        page = await list_page(PageRequest(MAX_LIMIT, after))
        items += page.items
        if not page.has_more or not page.items:
            return items
        after = page.items[-1].id
