"""The `voltgate` command: serve, db, station, token, simulate.

Every option that is also a setting can be given as `VOLTGATE_<NAME>` in the environment;
an option given on the command line wins. Settings are built once, here, and passed down.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click
from pydantic import ValidationError

from voltgate import __version__, logs
from voltgate.config import Settings, UnknownStations
from voltgate.domain.access import ApiKey, IssuedKey, Role, User
from voltgate.domain.authorization import MESSAGE_MAX_LENGTH, TokenStatus, TokenType
from voltgate.domain.queries import MAX_LIMIT, Page, PageRequest
from voltgate.simulator.cli import simulate

T = TypeVar("T")

_database_url = click.option(
    "--database-url",
    help="Storage URL: sqlite:///voltgate.db (default, embedded) or "
    "postgresql+asyncpg://user@host/db. Env: VOLTGATE_DATABASE_URL.",
)


def build_settings(**options: Any) -> Settings:
    """Settings from the environment, overridden by the options given on the command line."""
    given = {name: value for name, value in options.items() if value is not None}
    try:
        return Settings(**given)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'settings'}: {e['msg']}"
            for e in error.errors()
        )
        raise click.UsageError(f"invalid settings: {problems}") from None


def event_loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's event loop where it is installed (not on Windows), else asyncio's own.

    uvloop runs the same asyncio code on a loop written in C over libuv: measured ~7-13 µs
    less server CPU per MeterValues at saturation (docs/adr/0003-hot-path.md).
    """
    try:
        import uvloop
    except ImportError:  # pragma: no cover - installed wherever the platform allows
        return None
    return uvloop.new_event_loop


def run_async(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run `main` on a fresh event loop; Ctrl-C and SIGTERM end it by cancellation."""

    async def guarded() -> T:
        task = asyncio.current_task()
        assert task is not None
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, task.cancel)
        return await main()

    try:
        with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
            return runner.run(guarded())
    except asyncio.CancelledError:
        raise SystemExit(0) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="voltgate")
def cli() -> None:
    """Voltgate: charging station management system (OCPP 1.6J gateway, HTTP API, tools).

    Start with `voltgate serve`; stations connect to ws://HOST:9000/ocpp/{stationId}.
    """


@cli.command()
@click.option("--host", help="Address to listen on for OCPP and HTTP. Default 0.0.0.0.")
@click.option("--ocpp-port", type=int, help="OCPP WebSocket port. Default 9000.")
@click.option("--api-port", type=int, help="HTTP port (/health, /metrics). Default 8000.")
@_database_url
@click.option(
    "--unknown-stations",
    type=click.Choice([p.value for p in UnknownStations]),
    help="Station ids never provisioned: reject (404, default), pending (register, boot "
    "answered Pending) or accept (register and accept).",
)
@click.option(
    "--allow-unauthenticated/--require-auth",
    default=None,
    help="Allow stations without a password (OCPP security profile 0). Default: require auth.",
)
@click.option("--heartbeat-interval", type=int, help="Heartbeat interval given at boot, seconds.")
@click.option("--log-level", help="debug, info (default), warning or error.")
@click.option("--log-format", help="console (default) or json.")
def serve(**options: Any) -> None:
    """Run the OCPP gateway and the HTTP API until Ctrl-C.

    The database is created or migrated on start. Each option can also be set with the
    environment variable VOLTGATE_<OPTION> (e.g. VOLTGATE_OCPP_PORT=9100).
    """
    settings = build_settings(**options)
    logs.configure(settings.log_level, settings.log_format)

    async def main() -> None:
        from voltgate.app import running, tune_gc_for_serving

        async with running(settings):
            tune_gc_for_serving()
            await asyncio.Event().wait()

    try:
        run_async(main)
    except OSError as error:
        # A port in use or a database file we may not write: say what, not a traceback.
        raise click.ClickException(f"voltgate could not start: {error.strerror or error}") from None


@cli.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@_database_url
def db_upgrade(database_url: str | None) -> None:
    """Create the database or migrate it to the current schema."""
    from voltgate.storage.migrate import upgrade

    settings = build_settings(database_url=database_url)
    upgrade(settings.database_url)
    click.echo(f"database at {_safe_url(settings.database_url)} is up to date")


@cli.group()
def station() -> None:
    """Provision and inspect charging stations."""


@station.command("add")
@click.argument("station_id")
@click.option(
    "--password",
    help="Basic auth password for the station (security profile 1). "
    "Stored as a salted scrypt hash.",
)
@click.option(
    "--pending",
    is_flag=True,
    help="Register it as Pending: its boot is answered "
    "Pending until it is added again without --pending.",
)
@_database_url
def station_add(
    station_id: str, password: str | None, pending: bool, database_url: str | None
) -> None:
    """Provision STATION_ID (or update its password and registration)."""
    from voltgate import tools

    settings = build_settings(database_url=database_url)
    added = run_async(lambda: tools.add_station(settings, station_id, password, pending=pending))
    click.echo(
        f"station {added.id} provisioned ({added.registration.value.lower()}"
        f"{', password set' if added.password_hash else ', no password'})"
    )


@station.command("show")
@click.argument("station_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@_database_url
def station_show(station_id: str, as_json: bool, database_url: str | None) -> None:
    """Show a station, its connectors with status, and its transactions."""
    from voltgate import tools

    settings = build_settings(database_url=database_url)
    view = run_async(lambda: tools.station_view(settings, station_id))
    if view is None:
        raise click.ClickException(f"no station {station_id!r}")
    click.echo(tools.view_json(view) if as_json else tools.view_text(view))


@station.command("variables")
@click.argument("station_id")
@click.option("--component", help="Only this component (name, any letter case).")
@click.option("--variable", help="Only this variable (name, any letter case).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@_database_url
def station_variables(
    station_id: str,
    component: str | None,
    variable: str | None,
    as_json: bool,
    database_url: str | None,
) -> None:
    """Show the device model an OCPP 2.0.1 station reported (NotifyReport)."""
    from voltgate import tools

    settings = build_settings(database_url=database_url)
    result = run_async(lambda: tools.station_variables(settings, station_id, component, variable))
    if result is None:
        raise click.ClickException(f"no station {station_id!r}")
    found, reports = result
    render = tools.variables_json if as_json else tools.variables_text
    click.echo(render(station_id, found, reports))


@cli.group()
def token() -> None:
    """Manage id tokens (RFID tags and other identifiers)."""


@token.command("add")
@click.argument("id_tag")
@click.option(
    "--status",
    type=click.Choice([status.value for status in TokenStatus], case_sensitive=False),
    default="Accepted",
    show_default=True,
    help="Authorization status (1.6 stations hear the 2.0.1-only ones as Invalid).",
)
@click.option(
    "--expires",
    type=click.DateTime(formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"]),
    help="Expiry (ISO 8601; UTC if no offset).",
)
@click.option("--parent", "parent_id_tag", help="Parent id tag (group).")
@click.option(
    "--type",
    "token_type",
    type=click.Choice([token_type.value for token_type in TokenType], case_sensitive=False),
    help="OCPP 2.0.1 IdTokenEnumType: the token then matches only that type. "
    "Default: any type (and 1.6 idTags).",
)
@click.option(
    "--personal-message",
    help="Text shown to the driver (2.0.1 personalMessage, at most 512 characters).",
)
@_database_url
def token_add(
    id_tag: str,
    status: str,
    expires: datetime | None,
    parent_id_tag: str | None,
    token_type: str | None,
    personal_message: str | None,
    database_url: str | None,
) -> None:
    """Add ID_TAG (or update it) so stations can authorize it."""
    from voltgate import tools

    if personal_message is not None and len(personal_message) > MESSAGE_MAX_LENGTH:
        raise click.BadParameter(
            f"at most {MESSAGE_MAX_LENGTH} characters", param_hint="--personal-message"
        )
    settings = build_settings(database_url=database_url)
    added = run_async(
        lambda: tools.add_token(
            settings,
            id_tag,
            status,
            expires,
            parent_id_tag,
            token_type=token_type,
            personal_message=personal_message,
        )
    )
    click.echo(
        f"id tag {added.id_tag} is {added.status.value.lower()}"
        + (f" until {added.expiry.isoformat()}" if added.expiry else "")
    )


@station.command("security")
@click.argument("station_id")
@click.option(
    "--min-profile",
    type=click.IntRange(0, 3),
    help="Set the lowest security profile the station may connect with (0-3). Raising it "
    "refuses weaker connections at once; lowering it is allowed only here, never over OCPP "
    "(A00.FR.005).",
)
@_database_url
def station_security(station_id: str, min_profile: int | None, database_url: str | None) -> None:
    """Show a station's security profile and issued certificates, or set its minimum."""
    from voltgate.app import open_services
    from voltgate.domain.errors import UnknownStation
    from voltgate.domain.security import SecurityProfile

    settings = build_settings(database_url=database_url)

    async def main() -> tuple[Any, Any, list[Any], int | None]:
        async with open_services(settings) as (_, services):
            if await services.stations.get(station_id) is None:
                raise UnknownStation(station_id)
            before = await services.security.get(station_id)
            record = before
            if min_profile is not None:
                record = await services.security.set_minimum(
                    station_id, SecurityProfile(min_profile)
                )
            certificates = await services.security.certificates(station_id)
            previous = int(before.min_profile) if before is not None else None
            return record, services.security.policy, certificates, previous

    try:
        record, policy, certificates, previous = run_async(main)
    except UnknownStation:
        raise click.ClickException(f"no station {station_id!r}") from None
    if min_profile is not None:
        click.echo(f"minimum security profile of {station_id} is now {min_profile}")
        if previous is not None and min_profile < previous:
            click.echo(f"warning: lowered from {previous}; weaker connections are accepted again")
    minimum = int(record.min_profile) if record is not None else 0
    floor = int(policy.floor)
    click.echo(f"Station {station_id} security")
    click.echo(
        f"  minimum profile   {minimum}"
        + (f" (the node requires at least {floor})" if floor > minimum else "")
        + (f", set {_when(record.min_changed_at)}" if record and record.min_changed_at else "")
    )
    if record is not None and record.last_profile is not None:
        click.echo(
            f"  last connection   profile {int(record.last_profile)} at "
            f"{_when(record.last_connected_at)}"
        )
    else:
        click.echo("  last connection   never")
    click.echo(f"  certificates      {len(certificates)} issued by the CSMS CA")
    for issued in certificates:
        click.echo(
            f"    serial {issued.serial_number}  CN={issued.common_name}  "
            f"{issued.key_description}  valid {_when(issued.not_before)} -> "
            f"{_when(issued.not_after)}  delivery {issued.delivery or 'pending'}"
        )


@cli.group()
def ca() -> None:
    """The CSMS certificate authority (security profiles 2 and 3, SignCertificate)."""


_ca_dir = click.option(
    "--dir",
    "ca_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="CA directory. Default: the ca_dir setting, else voltgate-ca next to the SQLite "
    "database, else ./voltgate-ca. Env: VOLTGATE_CA_DIR.",
)


@ca.command("init")
@_ca_dir
@_database_url
@click.option(
    "--operator-name",
    help="Organization (O) of the CA and of every station certificate; stations' client "
    "certificates must carry it. Default: the operator_name setting (Voltgate).",
)
@click.option(
    "--server-name",
    "server_names",
    multiple=True,
    help="Host name or IP address stations use for the TLS ports (repeat for several; the "
    "first is the CN). Default: localhost and 127.0.0.1.",
)
@click.option(
    "--key-type",
    type=click.Choice(["ec", "rsa"]),
    default="ec",
    show_default=True,
    help="Key of the CA: ECDSA P-256 or RSA 3072.",
)
@click.option(
    "--no-server-cert",
    is_flag=True,
    help="Only the CA; the TLS ports will use tls_cert_file / tls_key_file.",
)
def ca_init(
    ca_dir: Path | None,
    database_url: str | None,
    operator_name: str | None,
    server_names: tuple[str, ...],
    key_type: str,
    no_server_cert: bool,
) -> None:
    """Create the CSMS certificate authority and the TLS server certificates.

    Creates what is missing (CA key and certificate, an ECDSA and an RSA server
    certificate signed by it) and never overwrites a file. Private keys are written with
    mode 0600. Give ca.pem to stations: it is the root they verify the CSMS with.
    """
    from voltgate.app import utc_now
    from voltgate.domain.authority import KeyType
    from voltgate.gateway import pki

    settings = build_settings(ca_dir=ca_dir, database_url=database_url, operator_name=operator_name)
    directory = settings.ca_directory()
    click.echo(f"certificate authority in {directory}")
    try:
        report = pki.init(
            directory,
            operator_name=settings.operator_name,
            server_names=server_names or pki.DEFAULT_SERVER_NAMES,
            key_type=KeyType(key_type),
            server_certificate=not no_server_cert,
            now=utc_now(),
        )
    except OSError as error:
        raise click.ClickException(str(error)) from None
    for name in report.created:
        click.echo(f"  created {name}")
    for name in report.kept:
        click.echo(f"  kept    {name} (exists)")
    click.echo(f"CA: {pki.describe(directory / pki.CA_CERT)}")
    if not report.created:
        click.echo("nothing to do: everything exists")
    click.echo(
        f"serve with operator_name={settings.operator_name!r} (VOLTGATE_OPERATOR_NAME): station "
        "certificates and CSRs must carry it as O"
    )


@ca.command("show")
@_ca_dir
@_database_url
def ca_show(ca_dir: Path | None, database_url: str | None) -> None:
    """Show the CA and server certificates: subject, expiry, fingerprint."""
    from voltgate.gateway import pki

    settings = build_settings(ca_dir=ca_dir, database_url=database_url)
    directory = settings.ca_directory()
    if not pki.has_authority(directory):
        raise click.ClickException(f"no certificate authority in {directory}: run voltgate ca init")
    try:
        pki.load_authority(directory)
    except OSError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"certificate authority in {directory}")
    click.echo(f"  CA      {pki.describe(directory / pki.CA_CERT)}")
    for certificate, _key in pki.server_pairs(directory):
        click.echo(f"  server  {certificate.name}: {pki.describe(certificate)}")


@cli.group()
def apikey() -> None:
    """REST API keys: `Authorization: Bearer <key>` (docs/api.md)."""


_ROLES = click.Choice([role.value for role in Role], case_sensitive=False)


@apikey.command("create")
@click.option("--name", required=True, help="What the key is for, e.g. the client's name.")
@click.option("--role", required=True, type=_ROLES, help="admin, operator or viewer.")
@_database_url
def apikey_create(name: str, role: str, database_url: str | None) -> None:
    """Create an API key and print it, once: only its hash is stored.

    The key alone goes to standard output (KEY=$(voltgate apikey create ...) works), the
    rest to standard error. Use it to create the first admin key.
    """
    from voltgate.app import open_services

    settings = build_settings(database_url=database_url)

    async def main() -> IssuedKey:
        async with open_services(settings) as (_, services):
            return await services.access.create_api_key(name, Role(role.lower()))

    issued = run_async(main)
    click.echo(issued.secret)
    click.echo(
        f"created API key {issued.key.id} ({issued.key.role.value}, {name!r}): store it now, "
        "it is never shown again",
        err=True,
    )


@apikey.command("list")
@_database_url
def apikey_list(database_url: str | None) -> None:
    """List API keys (never their secrets): id, role, first characters, use, revocation."""
    from voltgate.app import open_services

    settings = build_settings(database_url=database_url)

    async def main() -> list[ApiKey]:
        async with open_services(settings) as (_, services):
            return await _all_pages(services.access.list_api_keys)

    keys = run_async(main)
    if not keys:
        click.echo("no API keys (create one with: voltgate apikey create --name N --role admin)")
    for key in keys:
        state = f"revoked {_when(key.revoked_at)}" if key.revoked_at else "active"
        click.echo(
            f"{key.id}  {key.role.value:<8}  {key.prefix}...  {key.name!r}  created "
            f"{_when(key.created_at)}  last used {_when(key.last_used_at)}  {state}"
        )


@apikey.command("revoke")
@click.argument("key_id")
@_database_url
def apikey_revoke(key_id: str, database_url: str | None) -> None:
    """Revoke the API key KEY_ID (see `voltgate apikey list`): refused from now on."""
    from voltgate.app import open_services

    settings = build_settings(database_url=database_url)

    async def main() -> ApiKey | None:
        async with open_services(settings) as (_, services):
            return await services.access.revoke_api_key(key_id)

    key = run_async(main)
    if key is None:
        raise click.ClickException(f"no API key {key_id!r}")
    click.echo(f"API key {key.id} ({key.name!r}) revoked at {_when(key.revoked_at)}")


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
@_database_url
def user_create(
    name: str, email: str | None, role: str, password: str, database_url: str | None
) -> None:
    """Create a user."""
    from voltgate.app import open_services
    from voltgate.domain.errors import AlreadyExists

    if len(password) < 8:
        raise click.BadParameter("at least 8 characters", param_hint="--password")
    settings = build_settings(database_url=database_url)

    async def main() -> User:
        async with open_services(settings) as (_, services):
            return await services.access.create_user(name, email, Role(role.lower()), password)

    try:
        created = run_async(main)
    except AlreadyExists as taken:
        raise click.ClickException(str(taken)) from None
    click.echo(f"user {created.id} ({created.name}, {created.role.value}) created")


@user.command("list")
@_database_url
def user_list(database_url: str | None) -> None:
    """List users: id, name, email, role, state."""
    from voltgate.app import open_services

    settings = build_settings(database_url=database_url)

    async def main() -> list[User]:
        async with open_services(settings) as (_, services):
            return await _all_pages(services.access.list_users)

    users = run_async(main)
    if not users:
        click.echo("no users")
    for found in users:
        state = f"disabled {_when(found.disabled_at)}" if found.disabled_at else "active"
        click.echo(
            f"{found.id}  {found.role.value:<8}  {found.name}  {found.email or '-'}  {state}"
        )


@user.command("disable")
@click.argument("user_id")
@_database_url
def user_disable(user_id: str, database_url: str | None) -> None:
    """Disable USER_ID: no more logins, and their login tokens stop working at once."""
    from voltgate.app import open_services

    settings = build_settings(database_url=database_url)

    async def main() -> User | None:
        async with open_services(settings) as (_, services):
            return await services.access.disable_user(user_id)

    found = run_async(main)
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


def _when(at: datetime | None) -> str:
    return "-" if at is None else at.strftime("%Y-%m-%dT%H:%M:%SZ")


cli.add_command(simulate)


def _safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def main() -> None:
    """Entry point of the `voltgate` command."""
    cli(prog_name="voltgate")
    sys.exit(0)
