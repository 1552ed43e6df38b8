"""The station model catalog beyond reference 04: the whole catalog as one JSON document
(export, import), a model's configuration keys with their names per OCPP version, and a
station's configuration drift against its model."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from voltgate.api.auth import Admin, Viewer
from voltgate.api.conventions import STATION_ID_PATTERN, Data, error_responses
from voltgate.api.deps import ServicesDep
from voltgate.api.errors import not_found
from voltgate.api.station_model_schemas import (
    CatalogDocument,
    CatalogExport,
    CatalogModelOut,
    DriftOut,
    ImportReportOut,
    ModelConfigurationIn,
    ModelConfigurationOut,
)

router = APIRouter(tags=["station models"], responses=error_responses(401, 403, 422))

CATALOG = "/api/v1/station-models"
ModelId = Annotated[str, Path(alias="modelId", description="The model's id (mdl_...).")]
StationId = Annotated[str, Path(alias="stationId", pattern=STATION_ID_PATTERN)]


@router.get(f"{CATALOG}/export", summary="Export the station model catalog")
async def export_catalog(_: Viewer, services: ServicesDep, response: Response) -> CatalogExport:
    """Every model, archived ones too, in creation order, as one document (not wrapped in
    ``data``: it is a file, and `POST .../import` takes it back as it is)."""
    exported_at, models = await services.station_models.export()
    response.headers["Content-Disposition"] = 'attachment; filename="station-models.json"'
    return CatalogExport(exported_at=exported_at, models=[CatalogModelOut.of(m) for m in models])


@router.post(f"{CATALOG}/import", summary="Import a station model catalog")
async def import_catalog(
    body: CatalogDocument, _: Admin, services: ServicesDep
) -> Data[ImportReportOut]:
    """Creates or updates models by vendor and model (any letter case); an exported `id`
    of this catalog picks the model among several alike. A model's powerType and
    connectors never change: such an entry is refused (reported) while the others are
    imported. Any validation error: 422 and nothing is imported."""
    outcomes = await services.station_models.import_catalog([m.entry() for m in body.models])
    return Data(data=ImportReportOut.of(outcomes))


@router.get(
    f"{CATALOG}/{{modelId}}/configuration",
    summary="Get a model's configuration keys",
    responses=error_responses(404),
)
async def get_model_configuration(
    model_id: ModelId, _: Viewer, services: ServicesDep
) -> Data[ModelConfigurationOut]:
    """The keys stations of the model get after each Accepted boot, and their names per
    OCPP version (`keyMappings`)."""
    model = await services.station_models.get(model_id)
    if model is None:
        raise not_found("station model", model_id)
    return Data(data=ModelConfigurationOut.of(model))


@router.put(
    f"{CATALOG}/{{modelId}}/configuration",
    summary="Replace a model's configuration keys",
    responses=error_responses(404),
)
async def set_model_configuration(
    model_id: ModelId, body: ModelConfigurationIn, _: Admin, services: ServicesDep
) -> Data[ModelConfigurationOut]:
    """``ocppUrl`` stays required. Archived models too (their stations keep them). Stations
    get the new keys at their next Accepted boot; the drift report shows the difference
    at once."""
    model = await services.station_models.set_configuration(
        model_id, body.configuration_keys.domain(), body.key_mappings
    )
    return Data(data=ModelConfigurationOut.of(model))


@router.get(
    "/api/v1/stations/{stationId}/configuration-drift",
    summary="Compare a station's configuration with its model's",
    responses=error_responses(404),
)
async def configuration_drift(
    station_id: StationId,
    caller: Viewer,
    services: ServicesDep,
    refresh: Annotated[
        bool,
        Query(
            description="Read a connected station now (a GetConfiguration / GetVariables "
            "command record); false: report the last read stored."
        ),
    ] = True,
) -> Data[DriftOut]:
    """Per model key: its name on the station, the value expected, the value read and
    when, the last time the CSMS set it and how that ended, and the state (IN_SYNC,
    DRIFTED, UNKNOWN_KEY, NOT_READ, UNMAPPED)."""
    report = await services.station_configuration.report(
        station_id, refresh=refresh, requested_by=caller.id
    )
    return Data(data=DriftOut.of(report))
