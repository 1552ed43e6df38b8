"""`voltgate command`: send a command to a station through the running server, and read the
stored command records.

Only the server that holds a station's WebSocket can send it a CALL, so `send` is a client
of the REST API (`POST /api/v1/stations/{id}/commands/{command}`) with an API key of an
operator, and prints the record the server answers. `list` and `show` read the records from
storage like the other offline commands. The exit status of `send` tells scripts how the
command ended: 0 ACCEPTED (or PENDING with --async), 1 any other end, 2 refused by the API.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

import click

from voltgate.cli.base import cli, database_url_option, with_services
from voltgate.cli.operations import api_json, echo_json, json_option, limit_option, more_hint
from voltgate.cli.operations import table as render_table
from voltgate.domain.queries import PageRequest
from voltgate.domain.services import Services

EXIT_NOT_ACCEPTED = 1
EXIT_REFUSED = 2


@cli.group()
def command() -> None:
    """Commands to stations: send one through the server, list and show the records."""


@command.command("send")
@click.argument("station_id")
@click.argument("name", metavar="COMMAND")
@click.option(
    "--body",
    default="{}",
    show_default=True,
    help="The command's JSON body (docs/api.md lists each), or @FILE to read it from a file.",
)
@click.option(
    "--async",
    "run_async",
    is_flag=True,
    help="Do not wait for the station: print the PENDING record (poll with `command show`).",
)
@click.option(
    "--api-url",
    envvar="VOLTGATE_API_URL",
    default="http://127.0.0.1:8000",
    show_default=True,
    help="The running server's HTTP API. Env: VOLTGATE_API_URL.",
)
@click.option(
    "--api-key",
    envvar="VOLTGATE_API_KEY",
    required=True,
    help="An API key with the operator or admin role (voltgate apikey create). "
    "Env: VOLTGATE_API_KEY.",
)
@click.option("--timeout", type=float, default=120.0, show_default=True, help="Seconds to wait.")
@json_option
def command_send(
    station_id: str,
    name: str,
    body: str,
    run_async: bool,
    api_url: str,
    api_key: str,
    timeout: float,
    as_json: bool,
) -> None:
    """Send COMMAND (start, stop, reset, unlock, availability, trigger, raw, ...) to
    STATION_ID through the running server and print how it ended.

    \b
    Examples:
      voltgate command send CP-1 reset --body '{"type": "ON_IDLE"}'
      voltgate command send CP-1 start --body '{"idTag": "04A1B2C3", "evseId": 1}'
      voltgate command send CP-2 raw --body @get-base-report.json
    """
    payload = _body(body)
    url = (
        f"{api_url.rstrip('/')}/api/v1/stations/{quote(station_id, safe='')}"
        f"/commands/{quote(name, safe='')}" + ("?async=true" if run_async else "")
    )
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            record = json.load(response)["data"]
    except urllib.error.HTTPError as error:
        click.echo(f"refused: {_api_error(error)}", err=True)
        raise SystemExit(EXIT_REFUSED) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise click.ClickException(f"cannot reach the API at {api_url}: {reason}") from None
    if as_json:
        echo_json(record)
    else:
        click.echo(_record_text(record))
    ok = "PENDING" if run_async else "ACCEPTED"
    if record["state"] != ok:
        raise SystemExit(EXIT_NOT_ACCEPTED)


@command.command("list")
@click.argument("station_id")
@click.option("--after", type=int, help="Start after this command id (older ones).")
@limit_option
@json_option
@database_url_option
def command_list(
    station_id: str, after: int | None, limit: int, as_json: bool, database_url: str | None
) -> None:
    """List a station's commands, newest first."""
    from voltgate.api.command_schemas import CommandOut

    async def main(services: Services) -> Any:
        return await services.commands.page_for_station(station_id, PageRequest(limit, after))

    page = with_services(database_url, main)
    if page is None:
        raise click.ClickException(f"no station {station_id!r}")
    items = [CommandOut.of(record) for record in page.items]
    if as_json:
        echo_json(api_json(items))
    else:
        rows = [
            (c.id, c.name, c.action, c.state.value, c.status, c.reason,
             c.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"), c.requested_by)
            for c in items
        ]  # fmt: skip
        header = ("ID", "COMMAND", "ACTION", "STATE", "STATUS", "REASON", "CREATED", "BY")
        click.echo(render_table(rows, header) if rows else "(no commands)")
    more_hint(page.has_more, page.items[-1].id if page.items else None)


@command.command("show")
@click.argument("command_id", type=int)
@json_option
@database_url_option
def command_show(command_id: int, as_json: bool, database_url: str | None) -> None:
    """Show one command: its state, what was sent and what the station answered."""
    from voltgate.api.command_schemas import CommandOut

    async def main(services: Services) -> Any:
        return await services.commands.get(command_id)

    record = with_services(database_url, main)
    if record is None:
        raise click.ClickException(f"no command {command_id}")
    data = CommandOut.of(record).model_dump(mode="json", by_alias=True)
    click.echo(json.dumps(data, indent=2) if as_json else _record_text(data))


def _body(text: str) -> dict[str, Any]:
    if text.startswith("@"):
        try:
            text = Path(text[1:]).read_text(encoding="utf-8")
        except OSError as error:
            raise click.BadParameter(str(error), param_hint="--body") from None
    try:
        body = json.loads(text)
    except json.JSONDecodeError as error:
        raise click.BadParameter(f"not JSON: {error}", param_hint="--body") from None
    if not isinstance(body, dict):
        raise click.BadParameter("must be a JSON object", param_hint="--body")
    return body


def _api_error(error: urllib.error.HTTPError) -> str:
    """The API's error message (and where each problem is), or the HTTP status."""
    try:
        problem = json.load(error)["error"]
    except (ValueError, KeyError, TypeError):
        return f"HTTP {error.code}"
    text = f"{problem['message']} (HTTP {error.code} {problem['code']})"
    for detail in problem.get("details") or []:
        if isinstance(detail, dict) and "message" in detail:
            text += f"\n  {detail.get('location', '')}: {detail['message']}"
    return text


def _record_text(record: dict[str, Any]) -> str:
    lines = [
        f"Command {record['id']}  {record['name']} -> {record['stationId']} "
        f"({record['action']}, {record['protocol']})",
        f"  state      {record['state']}"
        + (f"  status {record['status']}" if record.get("status") else "")
        + (f"  reason {record['reason']}" if record.get("reason") else ""),
        f"  created    {record['createdAt']}   finished {record.get('finishedAt') or '-'}",
        f"  request    {json.dumps(record['request'])}",
        f"  response   {json.dumps(record['response']) if record.get('response') else '-'}",
    ]
    if record.get("transactionId") is not None:
        lines.append(f"  transaction {record['transactionId']}")
    return "\n".join(lines)
