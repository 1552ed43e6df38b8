"""`voltgate model`: the station model catalog offline (list, export, import), and
`voltgate station drift`: a station's configuration against its model's, as last read.

Export and import use the very document of ``GET /api/v1/station-models/export`` and
``POST /api/v1/station-models/import`` (docs/api.md), checked by the same rules.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
from pydantic import ValidationError

from voltgate.api.station_model_schemas import (
    CatalogDocument,
    CatalogExport,
    CatalogModelOut,
    DriftOut,
    ImportReportOut,
)
from voltgate.cli.base import cli, database_url_option, when, with_services
from voltgate.cli.stations import station
from voltgate.domain.errors import InvalidStationModel, UnknownStation
from voltgate.domain.queries import MAX_LIMIT, PageRequest
from voltgate.domain.services import Services
from voltgate.domain.station_models import ModelQuery, StationModel


@cli.group()
def model() -> None:
    """The station model catalog (reference 04; also at /asset-management/v1/...)."""


@model.command("list")
@click.option("--archived", is_flag=True, help="List the archived models instead.")
@click.option("--vendor", help="Only this vendor (any letter case).")
@click.option("--model", "model_name", help="Only this model name (any letter case).")
@click.option("--json", "as_json", is_flag=True, help="Print the models as JSON.")
@database_url_option
def model_list(
    archived: bool,
    vendor: str | None,
    model_name: str | None,
    as_json: bool,
    database_url: str | None,
) -> None:
    """List models in creation order: id, vendor, model, power type, connectors."""

    async def every(services: Services) -> list[StationModel]:
        found: list[StationModel] = []
        after = None
        while True:
            query = ModelQuery(archived, vendor, model_name, PageRequest(MAX_LIMIT, after))
            page = await services.station_models.list_page(query)
            found += page.items
            if not page.has_more:
                return found
            after = page.items[-1].id

    models = with_services(database_url, every)
    if as_json:
        out = [CatalogModelOut.of(m).model_dump(mode="json", by_alias=True) for m in models]
        click.echo(json.dumps(out, indent=2))
        return
    if not models:
        click.echo("no archived models" if archived else "no models")
    for m in models:
        connectors = ", ".join(
            f"{c.id}:{c.connection_type.value}/{c.format.value}/{c.max_power_watts:g}W"
            for c in m.connectors
        )
        name = f"  {m.friendly_name!r}" if m.friendly_name else ""
        state = "  archived" if m.is_archived else ""
        click.echo(
            f"{m.id}  {m.vendor} / {m.model}{name}  {m.power_type.value}  [{connectors}]{state}"
        )


@model.command("export")
@click.option(
    "--file", "path", type=click.Path(dir_okay=False, path_type=Path), help="Write it here."
)
@database_url_option
def model_export(path: Path | None, database_url: str | None) -> None:
    """Write the whole catalog (archived models too) as one JSON document, to standard
    output or --file."""

    async def export(services: Services) -> CatalogExport:
        at, models = await services.station_models.export()
        return CatalogExport(exported_at=at, models=[CatalogModelOut.of(m) for m in models])

    document = with_services(database_url, export)
    text = document.model_dump_json(by_alias=True, indent=2)
    if path is None:
        click.echo(text)
    else:
        path.write_text(text + "\n", encoding="utf-8")
        click.echo(f"{len(document.models)} model(s) written to {path}", err=True)


@model.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@database_url_option
def model_import(path: Path, database_url: str | None) -> None:
    """Create or update models from a catalog document (what `model export` writes): by
    vendor and model, any letter case. Nothing is imported when any entry is invalid."""
    try:
        document = CatalogDocument.model_validate_json(path.read_bytes())
    except ValidationError as error:
        problems = [
            f"  {'.'.join(str(p) for p in e['loc']) or 'document'}: {e['msg']}"
            for e in error.errors()
        ]
        raise click.ClickException("invalid catalog document:\n" + "\n".join(problems)) from None
    entries = [entry.entry() for entry in document.models]
    try:
        outcomes = with_services(
            database_url, lambda services: services.station_models.import_catalog(entries)
        )
    except InvalidStationModel as error:
        problems = [f"  {d['location']}: {d['message']}" for d in error.details]
        raise click.ClickException("invalid catalog document:\n" + "\n".join(problems)) from None
    report = ImportReportOut.of(outcomes)
    click.echo(
        f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
        f"{report.refused} refused"
    )
    for item in report.items:
        if item.reason is not None:
            click.echo(f"  refused #{item.index} {item.vendor} / {item.model}: {item.reason}")


@station.command("drift")
@click.argument("station_id")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@database_url_option
def station_drift(station_id: str, as_json: bool, database_url: str | None) -> None:
    """A station's configuration against its model's, as last read from the station (after
    its last boot, or by the API's drift report, which reads it live)."""

    async def report(services: Services) -> DriftOut:
        found = await services.station_configuration.report(
            station_id, refresh=False, requested_by=None
        )
        return DriftOut.of(found)

    try:
        drift = with_services(database_url, report)
    except UnknownStation:
        raise click.ClickException(f"no station {station_id!r}") from None
    if as_json:
        click.echo(drift.model_dump_json(by_alias=True, indent=2))
        return
    if drift.model_id is None:
        click.echo(f"station {station_id} has no model")
        return
    verdict = "in sync" if drift.in_sync else "DRIFTED"
    click.echo(
        f"Station {station_id}  model {drift.model_id}  ({drift.protocol or '-'}): {verdict}"
    )
    for line in drift.keys:
        click.echo(
            f"  {line.key} ({line.station_key or 'unmapped'})  {line.state.value}"
            f"  expected {line.expected!r}  read {line.actual!r} at {when(line.read_at)}"
        )
        if line.last_apply is not None:
            apply = line.last_apply
            click.echo(
                f"    last set {apply.value!r}: command {apply.command_id} {apply.state.value}"
                f" {apply.status or ''} {apply.reason or ''}".rstrip()
            )
        if line.note:
            click.echo(f"    {line.note}")
