"""`voltgate station list`, `voltgate token list` and `voltgate transaction ...`: what an
operator reads, straight from storage (no server needed).

`--json` prints the REST API's own shapes (`voltgate.api.schemas`), so a script can switch
between the CLI and `GET /api/v1/...` without translating fields. Lists are newest (or
lowest id) first, as in the API, and say how to read the next page when there is one.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, TextIO

import click

from voltgate.cli.base import cli, database_url_option, with_services
from voltgate.cli.stations import station, token
from voltgate.domain.authorization import TokenStatus
from voltgate.domain.queries import MAX_LIMIT, PageRequest, StationQuery, TokenQuery
from voltgate.domain.services import Services

ISO_FORMATS = ["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"]

limit_option = click.option(
    "--limit",
    type=click.IntRange(1, MAX_LIMIT),
    default=50,
    show_default=True,
    help=f"Most items to show (at most {MAX_LIMIT}).",
)
json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print the REST API's JSON instead of text."
)


def echo_json(value: Any) -> None:
    """`value` as indented JSON on stdout."""
    click.echo(json.dumps(value, indent=2, ensure_ascii=False))


def api_json(items: Sequence[Any]) -> list[Any]:
    """API models as the JSON the REST API answers."""
    return [item.model_dump(mode="json", by_alias=True) for item in items]


def more_hint(has_more: bool, after: object) -> None:
    """Tell where the next page starts, on stderr (stdout stays parseable)."""
    if has_more:
        click.echo(f"(more: add --after {after})", err=True)


def utc(at: datetime | None) -> datetime | None:
    """A naive date-time from the command line is UTC."""
    return None if at is None or at.tzinfo is not None else at.replace(tzinfo=UTC)


def table(rows: Sequence[Sequence[object]], header: Sequence[str]) -> str:
    """Left-aligned columns, `-` for None."""
    cells = [[str(h) for h in header]] + [
        ["-" if value is None else str(value) for value in row] for row in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    return "\n".join(
        "  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)).rstrip()
        for row in cells
    )


@station.command("list")
@click.option("--connected/--offline", default=None, help="Only stations connected now (or not).")
@click.option("--protocol", type=click.Choice(["ocpp1.6", "ocpp2.0.1"]), help="Only this version.")
@click.option("--after", help="Start after this station id (the next page).")
@limit_option
@json_option
@database_url_option
def station_list(
    connected: bool | None,
    protocol: str | None,
    after: str | None,
    limit: int,
    as_json: bool,
    database_url: str | None,
) -> None:
    """List stations by id, with connection state and status."""
    from voltgate.api.schemas import StationOut

    query = StationQuery(connected=connected, protocol=protocol, page=PageRequest(limit, after))

    async def main(services: Services) -> Any:
        return await services.stations.list_page(query)

    page = with_services(database_url, main)
    items = [StationOut.of(station) for station in page.items]
    if as_json:
        echo_json(api_json(items))
    else:
        rows = [
            (
                s.id,
                s.registration.value,
                "connected" if s.connected else "offline",
                s.protocol,
                s.status.value if s.status else None,
                s.vendor,
                s.model,
                _when(s.last_heartbeat_at),
            )
            for s in items
        ]
        header = ("ID", "REGISTRATION", "LINK", "PROTOCOL", "STATUS", "VENDOR", "MODEL",
                  "LAST HEARTBEAT")  # fmt: skip
        click.echo(table(rows, header) if rows else "(no stations)")
    more_hint(page.has_more, page.items[-1].id if page.items else None)


@token.command("list")
@click.option(
    "--status",
    type=click.Choice([status.value for status in TokenStatus], case_sensitive=False),
    help="Only tokens with this status.",
)
@click.option("--after", help="Start after this id tag (the next page).")
@limit_option
@json_option
@database_url_option
def token_list(
    status: str | None, after: str | None, limit: int, as_json: bool, database_url: str | None
) -> None:
    """List id tokens by id tag (any letter case), with status and expiry."""
    from voltgate.api.schemas import IdTokenOut

    wanted = None
    if status is not None:
        wanted = next(s for s in TokenStatus if s.value.casefold() == status.casefold())
    query = TokenQuery(status=wanted, page=PageRequest(limit, after))

    async def main(services: Services) -> Any:
        return await services.authorization.list_tokens(query)

    page = with_services(database_url, main)
    items = [IdTokenOut.of(token) for token in page.items]
    if as_json:
        echo_json(api_json(items))
    else:
        rows = [
            (t.id_tag, t.status.value, t.type.value if t.type else None, _when(t.expires_at),
             t.parent_id_tag)
            for t in items
        ]  # fmt: skip
        header = ("ID TAG", "STATUS", "TYPE", "EXPIRES", "PARENT")
        click.echo(table(rows, header) if rows else "(no id tokens)")
    more_hint(page.has_more, page.items[-1].id_tag if page.items else None)


@cli.group()
def transaction() -> None:
    """Read charging transactions of both OCPP versions."""


def _filters(func: Any) -> Any:
    """The filters `transaction list` and `transaction export` share (the API's)."""
    options = [
        click.option("--station", "station_id", help="Only this station."),
        click.option("--id-tag", help="Only this id tag (any letter case)."),
        click.option(
            "--open/--closed", "is_open", default=None, help="Only running (or ended) ones."
        ),
        click.option(
            "--since", type=click.DateTime(ISO_FORMATS), help="Started at or after (UTC if naive)."
        ),
        click.option(
            "--until", type=click.DateTime(ISO_FORMATS), help="Started before (UTC if naive)."
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _query(
    station_id: str | None,
    id_tag: str | None,
    is_open: bool | None,
    since: datetime | None,
    until: datetime | None,
    page: PageRequest[int],
) -> Any:
    from voltgate.domain.queries import TransactionQuery

    return TransactionQuery(
        station_id=station_id,
        id_tag=id_tag,
        open=is_open,
        started_after=utc(since),
        started_before=utc(until),
        page=page,
    )


@transaction.command("list")
@_filters
@click.option("--after", type=int, help="Start after this transaction id (older ones).")
@limit_option
@json_option
@database_url_option
def transaction_list(
    station_id: str | None,
    id_tag: str | None,
    is_open: bool | None,
    since: datetime | None,
    until: datetime | None,
    after: int | None,
    limit: int,
    as_json: bool,
    database_url: str | None,
) -> None:
    """List transactions, newest first."""
    from voltgate.api.schemas import TransactionOut

    query = _query(station_id, id_tag, is_open, since, until, PageRequest(limit, after))

    async def main(services: Services) -> Any:
        return await services.transactions.list_page(query)

    page = with_services(database_url, main)
    items = [TransactionOut.of(tx) for tx in page.items]
    if as_json:
        echo_json(api_json(items))
    else:
        rows = [
            (
                t.id,
                t.station_id,
                t.evse_id,
                t.id_tag,
                t.status.value,
                _when(t.started_at),
                _when(t.stopped_at),
                None if t.energy_wh is None else f"{t.energy_wh:.0f}",
                ",".join(flag.value for flag in t.suspect) or None,
            )
            for t in items
        ]
        header = ("ID", "STATION", "EVSE", "ID TAG", "STATUS", "STARTED", "STOPPED", "WH",
                  "SUSPECT")  # fmt: skip
        click.echo(table(rows, header) if rows else "(no transactions)")
    more_hint(page.has_more, page.items[-1].id if page.items else None)


@transaction.command("show")
@click.argument("transaction_id", type=int)
@json_option
@database_url_option
def transaction_show(transaction_id: int, as_json: bool, database_url: str | None) -> None:
    """Show a transaction with its meter values (and 2.0.1 TransactionEvents)."""
    from voltgate.api.schemas import (
        MeterValueOut,
        TransactionDetail,
        TransactionEventOut,
        TransactionOut,
    )

    async def main(services: Services) -> TransactionDetail | None:
        tx = await services.transactions.get(transaction_id)
        if tx is None:
            return None
        readings = await services.transactions.readings(transaction_id)
        events = await services.transaction_events.list_for_transaction(transaction_id)
        return TransactionDetail(
            **TransactionOut.of(tx).model_dump(),
            meter_values=[MeterValueOut.of(reading) for reading in readings],
            events=[TransactionEventOut.of(event) for event in events],
        )

    detail = with_services(database_url, main)
    if detail is None:
        raise click.ClickException(f"no transaction {transaction_id}")
    if as_json:
        echo_json(detail.model_dump(mode="json", by_alias=True))
        return
    click.echo(_detail_text(detail))


def _detail_text(d: Any) -> str:
    energy = "-" if d.energy_wh is None else f"{d.energy_wh:.0f} Wh"
    lines = [
        f"Transaction {d.id}  ({d.status.value.lower()}, station {d.station_id}, EVSE "
        f"{d.evse_id} connector {d.connector_id})",
        f"  id tag        {d.id_tag or '-'}  ({d.auth_status.value if d.auth_status else '-'})",
        f"  started       {_when(d.started_at) or '-'}   meter {_or_dash(d.meter_start_wh)} Wh",
        f"  stopped       {_when(d.stopped_at) or '-'}   meter {_or_dash(d.meter_stop_wh)} Wh"
        + (f"   reason {d.stop_reason}" if d.stop_reason else ""),
        f"  energy        {energy}   readings {d.reading_count}",
    ]
    if d.station_transaction_id:
        lines.append(f"  station's id  {d.station_transaction_id}")
    if d.suspect:
        lines.append(f"  SUSPECT       {', '.join(flag.value for flag in d.suspect)}")
    lines += ["", "Meter values"]
    rows: list[tuple[object, ...]] = [
        (
            _when(v.at),
            v.measurand,
            v.phase,
            v.context,
            None if v.value is None else f"{v.value:g}",
            v.unit,
            v.value_raw,
            ",".join(flag.value for flag in v.suspect) or None,
        )
        for v in d.meter_values
    ]
    header = ("AT", "MEASURAND", "PHASE", "CONTEXT", "VALUE", "UNIT", "AS SENT", "SUSPECT")
    lines.append(_indent(table(rows, header)) if rows else "  (none)")
    if d.events:
        lines += ["", "TransactionEvents"]
        events: list[tuple[object, ...]] = [
            (e.seq_no, e.event_type.value, _when(e.at), e.trigger_reason, e.charging_state,
             "offline" if e.offline else None, e.sample_count)
            for e in d.events
        ]  # fmt: skip
        columns = ("SEQ", "TYPE", "AT", "TRIGGER", "CHARGING", "OFFLINE", "SAMPLES")
        lines.append(_indent(table(events, columns)))
    return "\n".join(lines)


@transaction.command("export")
@_filters
@click.option(
    "--output",
    "-o",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="CSV file to write (default: stdout).",
)
@database_url_option
def transaction_export(
    station_id: str | None,
    id_tag: str | None,
    is_open: bool | None,
    since: datetime | None,
    until: datetime | None,
    output: TextIO,
    database_url: str | None,
) -> None:
    """Export transactions as CSV: the columns of GET /api/v1/transactions.csv."""
    from voltgate.api.routes.transactions import CSV_COLUMNS, csv_line, csv_values
    from voltgate.api.schemas import TransactionOut

    async def main(services: Services) -> int:
        output.write(csv_line(CSV_COLUMNS))
        count, after = 0, None
        while True:
            query = _query(station_id, id_tag, is_open, since, until, PageRequest(MAX_LIMIT, after))
            page = await services.transactions.list_page(query)
            for tx in page.items:
                output.write(csv_line(csv_values(TransactionOut.of(tx))))
            count += len(page.items)
            if not page.has_more:
                return count
            after = page.items[-1].id

    count = with_services(database_url, main)
    if output is not sys.stdout:
        click.echo(f"{count} transaction(s) written to {output.name}", err=True)


def _when(at: datetime | None) -> str | None:
    return None if at is None else at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _or_dash(value: object) -> str:
    return "-" if value is None else str(value)


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())
