"""The `voltgate` command: serve, db, station, token, simulate.

Every option that is also a setting can be given as `VOLTGATE_<NAME>` in the environment;
an option given on the command line wins. Settings are built once, here, and passed down.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any, TypeVar

import click
from pydantic import ValidationError

from voltgate import __version__, logs
from voltgate.config import Settings, UnknownStations
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


@cli.group()
def token() -> None:
    """Manage id tokens (RFID tags and other identifiers)."""


@token.command("add")
@click.argument("id_tag")
@click.option(
    "--status",
    type=click.Choice(["Accepted", "Blocked", "Expired"]),
    default="Accepted",
    show_default=True,
    help="Authorization status.",
)
@click.option(
    "--expires",
    type=click.DateTime(formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"]),
    help="Expiry (ISO 8601; UTC if no offset).",
)
@click.option("--parent", "parent_id_tag", help="Parent id tag (group).")
@_database_url
def token_add(
    id_tag: str,
    status: str,
    expires: datetime | None,
    parent_id_tag: str | None,
    database_url: str | None,
) -> None:
    """Add ID_TAG (or update it) so stations can authorize it."""
    from voltgate import tools

    settings = build_settings(database_url=database_url)
    added = run_async(lambda: tools.add_token(settings, id_tag, status, expires, parent_id_tag))
    click.echo(
        f"id tag {added.id_tag} is {added.status.value.lower()}"
        + (f" until {added.expiry.isoformat()}" if added.expiry else "")
    )


cli.add_command(simulate)


def _safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def main() -> None:
    """Entry point of the `voltgate` command."""
    cli(prog_name="voltgate")
    sys.exit(0)
