"""`voltgate station` and `voltgate token`: provision and inspect stations and id tokens offline."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from voltgate.cli.base import (
    build_settings,
    cli,
    database_url_option,
    run_async,
    when,
    with_services,
)
from voltgate.domain.authorization import MESSAGE_MAX_LENGTH, TokenStatus, TokenType
from voltgate.domain.services import Services


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
@database_url_option
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
@database_url_option
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
@database_url_option
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


@station.command("security")
@click.argument("station_id")
@click.option(
    "--min-profile",
    type=click.IntRange(0, 3),
    help="Set the lowest security profile the station may connect with (0-3). Raising it "
    "refuses weaker connections at once; lowering it is allowed only here, never over OCPP "
    "(A00.FR.005).",
)
@database_url_option
def station_security(station_id: str, min_profile: int | None, database_url: str | None) -> None:
    """Show a station's security profile and issued certificates, or set its minimum."""
    from voltgate.domain.errors import UnknownStation
    from voltgate.domain.security import SecurityProfile

    async def main(services: Services) -> tuple[Any, Any, list[Any], int | None]:
        if await services.stations.get(station_id) is None:
            raise UnknownStation(station_id)
        before = await services.security.get(station_id)
        record = before
        if min_profile is not None:
            record = await services.security.set_minimum(station_id, SecurityProfile(min_profile))
        certificates = await services.security.certificates(station_id)
        previous = int(before.min_profile) if before is not None else None
        return record, services.security.policy, certificates, previous

    try:
        record, policy, certificates, previous = with_services(database_url, main)
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
        + (f", set {when(record.min_changed_at)}" if record and record.min_changed_at else "")
    )
    if record is not None and record.last_profile is not None:
        click.echo(
            f"  last connection   profile {int(record.last_profile)} at "
            f"{when(record.last_connected_at)}"
        )
    else:
        click.echo("  last connection   never")
    click.echo(f"  certificates      {len(certificates)} issued by the CSMS CA")
    for issued in certificates:
        click.echo(
            f"    serial {issued.serial_number}  CN={issued.common_name}  "
            f"{issued.key_description}  valid {when(issued.not_before)} -> "
            f"{when(issued.not_after)}  delivery {issued.delivery or 'pending'}"
        )


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
@database_url_option
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
