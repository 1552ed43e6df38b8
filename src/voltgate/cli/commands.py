"""`voltgate command` and `voltgate reservation`: send a command to a station (or cancel a
reservation) through the running server, and read the stored command and reservation records.

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
from voltgate.domain.reservations import ReservationQuery, ReservationState
from voltgate.domain.services import Services

EXIT_NOT_ACCEPTED = 1
EXIT_REFUSED = 2


def _through_the_api(func: Any) -> Any:
    """The options of the commands that go through the running server's API."""
    options = [
        click.option(
            "--async",
            "run_async",
            is_flag=True,
            help="Do not wait for the station: print the PENDING record (poll with "
            "`command show`).",
        ),
        click.option(
            "--api-url",
            envvar="VOLTGATE_API_URL",
            default="http://127.0.0.1:8000",
            show_default=True,
            help="The running server's HTTP API. Env: VOLTGATE_API_URL.",
        ),
        click.option(
            "--api-key",
            envvar="VOLTGATE_API_KEY",
            required=True,
            help="An API key with the operator or admin role (voltgate apikey create). "
            "Env: VOLTGATE_API_KEY.",
        ),
        click.option(
            "--timeout", type=float, default=120.0, show_default=True, help="Seconds to wait."
        ),
        json_option,
    ]
    for option in reversed(options):
        func = option(func)
    return func


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
@_through_the_api
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
    path = f"/api/v1/stations/{quote(station_id, safe='')}/commands/{quote(name, safe='')}" + (
        "?async=true" if run_async else ""
    )
    record = _post(api_url, api_key, path, _body(body), timeout)
    _finish(record, run_async, as_json)


def _post(api_url: str, api_key: str, path: str, body: dict[str, Any], timeout: float) -> Any:
    """POST `body` to the running server's API; the answer's `data`. A refusal by the API
    is printed and exits `EXIT_REFUSED`; an unreachable API is a usage error."""
    request = urllib.request.Request(
        api_url.rstrip("/") + path,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.load(response)["data"]
    except urllib.error.HTTPError as error:
        click.echo(f"refused: {_api_error(error)}", err=True)
        raise SystemExit(EXIT_REFUSED) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise click.ClickException(f"cannot reach the API at {api_url}: {reason}") from None


def _finish(record: dict[str, Any], run_async: bool, as_json: bool) -> None:
    """Print a command record; exit `EXIT_NOT_ACCEPTED` unless it ended ACCEPTED (PENDING
    when not waited for)."""
    if as_json:
        echo_json(record)
    else:
        click.echo(_record_text(record))
    if record["state"] != ("PENDING" if run_async else "ACCEPTED"):
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


@cli.group()
def reservation() -> None:
    """Reservations made by the `reserve` command: list them, cancel one."""


@reservation.command("list")
@click.option("--station", "station_id", help="Only this station's.")
@click.option(
    "--state",
    type=click.Choice([state.value for state in ReservationState], case_sensitive=False),
    help="Only reservations in this state.",
)
@click.option("--after", type=int, help="Start after this reservation id (older ones).")
@limit_option
@json_option
@database_url_option
def reservation_list(
    station_id: str | None,
    state: str | None,
    after: int | None,
    limit: int,
    as_json: bool,
    database_url: str | None,
) -> None:
    """List reservations, newest first."""
    from voltgate.api.command_bodies.reservations import ReservationOut

    query = ReservationQuery(
        station_id=station_id,
        state=None if state is None else ReservationState(state.upper()),
        page=PageRequest(limit, after),
    )

    async def main(services: Services) -> Any:
        return await services.reservations.page(query)

    page = with_services(database_url, main)
    items = [ReservationOut.of(found) for found in page.items]
    if as_json:
        echo_json(api_json(items))
    else:
        rows = [
            (r.id, r.station_id, r.evse_id, r.id_tag, r.state.value, r.status,
             r.expires_at.strftime("%Y-%m-%dT%H:%M:%SZ"), r.transaction_id)
            for r in items
        ]  # fmt: skip
        header = ("ID", "STATION", "EVSE", "ID TAG", "STATE", "STATUS", "EXPIRES", "TRANSACTION")
        click.echo(render_table(rows, header) if rows else "(no reservations)")
    more_hint(page.has_more, page.items[-1].id if page.items else None)


@reservation.command("cancel")
@click.argument("reservation_id", type=int)
@_through_the_api
def reservation_cancel(
    reservation_id: int,
    run_async: bool,
    api_url: str,
    api_key: str,
    timeout: float,
    as_json: bool,
) -> None:
    """Send CancelReservation for RESERVATION_ID to its station through the running server
    and print the command; exit 0 once the station accepted."""
    path = f"/api/v1/reservations/{reservation_id}/cancel" + ("?async=true" if run_async else "")
    _finish(_post(api_url, api_key, path, {}, timeout), run_async, as_json)
