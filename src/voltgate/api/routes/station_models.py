"""Reference endpoint 04 (`reference/04-charging-station-models.txt`), as written there:
the charging station model catalog at ``/asset-management/v1/charging-station-models``.

List, create, update and archive answer ``{"data": ...}``; get by id answers the bare
model, as the reference shows it. Viewers read the catalog; only admins create, update
(``friendlyName`` only) and archive. Archived models stay readable and keep their stations,
but no new station may choose them. Create answers 200, the one status the reference
documents for it ("Success").
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from voltgate.api.auth import Admin, Viewer
from voltgate.api.conventions import PRINTABLE, Data, Page, error_responses
from voltgate.api.deps import Limit, ServicesDep
from voltgate.api.errors import ApiError, not_found
from voltgate.api.station_model_schemas import (
    MODEL_ID_PATTERN,
    StationModelIn,
    StationModelOut,
    StationModelPatch,
)
from voltgate.domain.queries import DEFAULT_LIMIT, PageRequest
from voltgate.domain.station_models import MAX_TEXT, ModelQuery

PREFIX = "/asset-management/v1/charging-station-models"

router = APIRouter(
    prefix=PREFIX, tags=["reference: station models"], responses=error_responses(401, 403, 422)
)

ModelPathId = Annotated[str, Path(alias="id", description="The ID of the charging station model.")]


@router.get("", summary="List all charging station models")
async def list_models(
    _: Viewer,
    services: ServicesDep,
    limit: Limit = DEFAULT_LIMIT,
    starting_after: Annotated[
        str | None,
        Query(
            alias="startingAfter",
            pattern=MODEL_ID_PATTERN,
            description="The ID of the last charging station model of the previous page.",
        ),
    ] = None,
    vendor: Annotated[
        str | None,
        Query(
            max_length=MAX_TEXT,
            pattern=PRINTABLE,
            description="Only models of this vendor (any letter case).",
        ),
    ] = None,
    model: Annotated[
        str | None,
        Query(
            max_length=MAX_TEXT,
            pattern=PRINTABLE,
            description="Only models of this name (any letter case).",
        ),
    ] = None,
    is_archived: Annotated[
        bool,
        Query(
            alias="isArchived",
            description="Filter by archived status. Defaults to false (only non-archived "
            "models); true lists only archived ones.",
        ),
    ] = False,
) -> Data[Page[StationModelOut]]:
    """Models in creation order (their ids sort the same way): a cursor neither skips nor
    repeats models created while you page."""
    query = ModelQuery(is_archived, vendor, model, PageRequest(limit, starting_after))
    found = await services.station_models.list_page(query)
    items = [StationModelOut.of(m) for m in found.items]
    return Data(data=Page(items=items, has_more=found.has_more))


@router.post("", summary="Create a new charging station model")
async def create_model(
    body: StationModelIn, _: Admin, services: ServicesDep
) -> Data[StationModelOut]:
    """Only admins. Besides ``ocppUrl``, ``configurationKeys`` may hold further keys that
    stations of the model get after they boot (see docs/api.md)."""
    model = await services.station_models.create(body.draft())
    return Data(data=StationModelOut.of(model))


@router.get("/{id}", summary="Get a charging station model by ID", responses=error_responses(404))
async def get_model(model_id: ModelPathId, _: Viewer, services: ServicesDep) -> StationModelOut:
    """The model itself, not wrapped in ``data`` (as the reference shows it); archived
    models too."""
    model = await services.station_models.get(model_id)
    if model is None:
        raise not_found("charging station model", model_id)
    return StationModelOut.of(model)


@router.patch("/{id}", summary="Update a charging station model", responses=error_responses(404))
async def update_model(
    model_id: ModelPathId, body: StationModelPatch, _: Admin, services: ServicesDep
) -> Data[StationModelOut]:
    """Only ``friendlyName`` can be updated (null removes it); a body with any other field
    is refused (422, naming the fields). An empty body changes nothing."""
    refused = sorted(body.model_extra or {})
    if refused:
        raise ApiError(
            422,
            "only friendlyName can be updated; refused: " + ", ".join(refused),
            details=[
                {
                    "location": f"body.{name}",
                    "message": "only friendlyName can be updated",
                    "type": "not_updatable",
                }
                for name in refused
            ],
        )
    if "friendly_name" in body.model_fields_set:
        model = await services.station_models.rename(model_id, body.friendly_name)
    else:
        found = await services.station_models.get(model_id)
        if found is None:
            raise not_found("charging station model", model_id)
        model = found
    return Data(data=StationModelOut.of(model))


@router.post(
    "/{id}/archive",
    summary="Archive a charging station model",
    responses=error_responses(404, 409),
)
async def archive_model(
    model_id: ModelPathId, _: Admin, services: ServicesDep
) -> Data[StationModelOut]:
    """Only admins. The model stays readable and its stations keep it; no new station may
    choose it and booting stations are no longer matched to it. 409 when it is archived
    already."""
    return Data(data=StationModelOut.of(await services.station_models.archive(model_id)))
