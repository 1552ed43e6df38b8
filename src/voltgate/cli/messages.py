"""`voltgate station messages`: a station's OCPP frames from the message log, offline."""

from __future__ import annotations

import json

import click

from voltgate.cli.base import database_url_option, when, with_services
from voltgate.cli.stations import station
from voltgate.domain.errors import UnknownStation
from voltgate.domain.message_log import Direction, LogEntry, MessageQuery
from voltgate.domain.queries import MAX_LIMIT, PageRequest
from voltgate.domain.services import Services

ARROWS = {Direction.FROM_STATION: "<", Direction.TO_STATION: ">"}


@station.command("messages")
@click.argument("station_id")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="How many of the newest frames to show.",
)
@click.option(
    "--action",
    help="Only this OCPP action, e.g. BootNotification (an answer counts as its CALL's).",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print a JSON list with the REST API's fields."
)
@database_url_option
def station_messages(
    station_id: str, limit: int, action: str | None, as_json: bool, database_url: str | None
) -> None:
    """Show the newest OCPP frames STATION_ID exchanged, in the order they crossed the wire.

    One line per frame: time (UTC), `<` from the station or `>` to it, message type,
    action (an answer shows the action of the CALL it answers), message id, and the frame
    as sent (secret values shown as <redacted>). Frames are stored within about a second
    after they cross the wire and kept for message_log_retention_days.
    """

    async def main(services: Services) -> list[LogEntry]:
        entries: list[LogEntry] = []
        after: int | None = None
        while len(entries) < limit:
            page = PageRequest(min(MAX_LIMIT, limit - len(entries)), after)
            found = await services.message_log.page(MessageQuery(station_id, action, page=page))
            if found is None:
                raise UnknownStation(station_id)
            entries += found.items
            if not found.has_more:
                break
            after = entries[-1].id
        return entries[::-1]

    try:
        entries = with_services(database_url, main)
    except UnknownStation:
        raise click.ClickException(f"no station {station_id!r}") from None
    if as_json:
        from voltgate.api.message_schemas import MessageOut  # the API's shape, loaded if asked

        items = [MessageOut.of(entry).model_dump(mode="json", by_alias=True) for entry in entries]
        click.echo(json.dumps(items, indent=2))
        return
    if not entries:
        click.echo(f"no frames logged for {station_id}")
    for entry in entries:
        click.echo(line(entry))


def line(entry: LogEntry) -> str:
    """One frame as a line of text."""
    logged = entry.logged
    cut = f"  [truncated from {logged.size} characters]" if logged.truncated else ""
    return (
        f"{when(logged.at)}  {ARROWS[logged.direction]} {logged.message_type.value:<10} "
        f"{logged.action or '-'}  {logged.unique_id or '-'}  {logged.frame_text}{cut}"
    )
