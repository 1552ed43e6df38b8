"""Importing a catalog document: which entry creates a model, which updates one, which is
refused (pure rules; `StationModelService.import_catalog` runs them in one unit of work).

An entry is matched to an existing model by vendor and model in any letter case (as a
booting station is): a live entry to the newest live model, an archived entry to the newest
archived one, else to the newest live one (which it then archives). An entry that carries
the `id` of a model with the same vendor and model matches that model: a document exported
from this catalog goes back onto exactly the models it came from, also where several share
a vendor and model.

A matched model keeps its power type and connectors: they define its stations' EVSEs, so
an entry that changes them is refused (archive the model and import the new one instead).
Its friendly name, image, configuration keys and key mappings are taken from the entry,
and an archived entry archives it; archiving is never undone. Entries are applied in
document order, each seeing what the ones before it did.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from voltgate.domain.station_models import (
    ModelDraft,
    StationModel,
    catalog_key,
    copy_mappings,
    new_model,
)


class ImportResult(enum.StrEnum):
    """What became of one entry."""

    CREATED = "CREATED"
    UPDATED = "UPDATED"
    UNCHANGED = "UNCHANGED"
    REFUSED = "REFUSED"


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """One model of a catalog document: its content, whether it is archived, and the id it
    had in the catalog it was exported from (a hint, see the module docstring)."""

    draft: ModelDraft
    is_archived: bool = False
    id: str | None = None


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """One entry's result; `model_id` is None until a created model is stored."""

    index: int
    vendor: str
    model: str
    result: ImportResult
    model_id: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """What to write: models to create (by entry index) and models to overwrite."""

    outcomes: tuple[ImportOutcome, ...]
    creates: tuple[tuple[int, StationModel], ...]
    saves: tuple[StationModel, ...]


def plan_import(
    catalog: Sequence[StationModel], entries: Sequence[CatalogEntry], now: datetime
) -> ImportPlan:
    """Match each entry to the catalog and decide its outcome (models to create carry an
    empty id until storage gives them one)."""
    by_id = {model.id: model for model in catalog}
    touched: set[str] = set()
    saves: dict[str, StationModel] = {}
    creates: list[tuple[int, StationModel]] = []
    outcomes: list[ImportOutcome] = []
    for index, entry in enumerate(entries):
        draft = entry.draft
        target = _match(by_id, entry)
        if target is None:
            created = new_model(draft, entry.is_archived, now)
            creates.append((index, created))
            outcomes.append(ImportOutcome(index, draft.vendor, draft.model, ImportResult.CREATED))
            continue
        refusal = _refusal(target, entry, touched)
        if refusal is not None:
            outcomes.append(
                ImportOutcome(
                    index, draft.vendor, draft.model, ImportResult.REFUSED, target.id, refusal
                )
            )
            continue
        touched.add(target.id)
        updated = _updated(target, entry, now)
        result = ImportResult.UNCHANGED if updated is None else ImportResult.UPDATED
        if updated is not None:
            by_id[target.id] = saves[target.id] = updated
        outcomes.append(ImportOutcome(index, draft.vendor, draft.model, result, target.id))
    return ImportPlan(tuple(outcomes), tuple(creates), tuple(saves.values()))


def _match(by_id: dict[str, StationModel], entry: CatalogEntry) -> StationModel | None:
    key = (catalog_key(entry.draft.vendor), catalog_key(entry.draft.model))
    hinted = by_id.get(entry.id) if entry.id is not None else None
    if hinted is not None and (catalog_key(hinted.vendor), catalog_key(hinted.model)) == key:
        return hinted
    same = [
        model
        for model in by_id.values()
        if (catalog_key(model.vendor), catalog_key(model.model)) == key
    ]
    same.sort(key=lambda model: model.id, reverse=True)  # ids sort in creation order
    live = [model for model in same if not model.is_archived]
    archived = [model for model in same if model.is_archived]
    preferred = (archived + live) if entry.is_archived else live
    return preferred[0] if preferred else None


def _refusal(target: StationModel, entry: CatalogEntry, touched: set[str]) -> str | None:
    if target.id in touched:
        return f"an earlier entry of this import already matched {target.id}"
    draft = entry.draft
    if draft.power_type is not target.power_type or draft.connectors != target.connectors:
        return (
            f"{target.id} has another powerType or other connectors, which define its "
            "stations' EVSEs and never change: archive it and import this entry as a new model"
        )
    return None


def _updated(target: StationModel, entry: CatalogEntry, now: datetime) -> StationModel | None:
    draft = entry.draft
    changed = replace(
        target,
        vendor=draft.vendor,
        model=draft.model,
        friendly_name=draft.friendly_name,
        image_url=draft.image_url,
        configuration_keys=dict(draft.configuration_keys),
        key_mappings=copy_mappings(draft.key_mappings),
        is_archived=target.is_archived or entry.is_archived,
    )
    if changed == target:
        return None
    return replace(changed, updated_at=now)
