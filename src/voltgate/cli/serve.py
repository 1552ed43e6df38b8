"""`voltgate serve` and `voltgate db`: run the CSMS, migrate its database."""

from __future__ import annotations

import asyncio
from typing import Any

import click

from voltgate import logs
from voltgate.cli.base import build_settings, cli, database_url_option, run_async, safe_url
from voltgate.config import UnknownStations


@cli.command()
@click.option("--host", help="Address to listen on for OCPP and HTTP. Default 0.0.0.0.")
@click.option("--ocpp-port", type=int, help="OCPP WebSocket port. Default 9000.")
@click.option(
    "--tls-port",
    type=int,
    help="OCPP over TLS with Basic auth (security profile 2); off by default. Needs "
    "`voltgate ca init` or tls_cert_file/tls_key_file (docs/security.md).",
)
@click.option(
    "--mtls-port",
    type=int,
    help="OCPP over TLS with client certificates (security profile 3); off by default.",
)
@click.option("--operator-name", help="O of the CSMS and station certificates (profile 3).")
@click.option(
    "--api-port", type=int, help="HTTP port (REST API, /docs, /health, /metrics). Default 8000."
)
@database_url_option
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
@database_url_option
def db_upgrade(database_url: str | None) -> None:
    """Create the database or migrate it to the current schema.

    Each step is named when it starts and timed when it ends (on standard error): a step
    can rewrite a large table. Nothing runs when the schema is current.
    """
    from voltgate.storage.migrate import upgrade

    settings = build_settings(database_url=database_url)
    upgrade(settings.database_url, progress=lambda line: click.echo(line, err=True))
    click.echo(f"database at {safe_url(settings.database_url)} is up to date")
