"""The station model catalog's use cases: create, read, list, rename, archive, change the
configuration keys, export and import (`domain.station_models`, `domain.catalog_import`),
and link a station to a model.

Configuration keys are checked against the OCPP versions the CSMS speaks before anything is
stored: each key must be sendable (as 1.6 ChangeConfiguration / GetConfiguration or 2.0.1
SetVariables / GetVariables, official schema included) to stations of at least one version
under the name it goes by there, every explicit key mapping to its version, and no key may
set a station password (only the password rotation does, and never stores it).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from voltgate.domain.catalog_import import CatalogEntry, ImportOutcome, plan_import
from voltgate.domain.commands import (
    BuildContext,
    CommandDialect,
    GetConfiguration,
    SetConfiguration,
)
from voltgate.domain.errors import (
    InvalidCommand,
    InvalidStationModel,
    ModelArchived,
    Problem,
    SecretSetting,
    UnknownStation,
    UnknownStationModel,
)
from voltgate.domain.ports import Clock, Repositories, UnitOfWork
from voltgate.domain.queries import Page, page_of
from voltgate.domain.services.charging_points import apply_model_layout
from voltgate.domain.station_configuration import station_key
from voltgate.domain.station_models import (
    KeyMappings,
    ModelDraft,
    ModelQuery,
    StationModel,
    check_draft,
    copy_mappings,
    new_model,
)
from voltgate.domain.stations import Station

DEDUPE_KEY_BYTES = 16


class StationModelService:
    """The catalog of station models.

    Args:
        uow: runs units of work durably.
        clock: the server clock.
        dialects: how each OCPP version spells configuration commands, by subprotocol name
            (`CommandService.dialects`): configuration keys are checked against them.
    """

    def __init__(
        self, uow: UnitOfWork, clock: Clock, *, dialects: Mapping[str, CommandDialect]
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._dialects = dialects

    async def create(self, draft: ModelDraft) -> StationModel:
        """Add a model to the catalog.

        Raises:
            InvalidStationModel: the draft breaks a catalog rule (`check`).
        """
        _raise_problems(self.check(draft))
        model = new_model(draft, False, self._clock())
        key = secrets.token_bytes(DEDUPE_KEY_BYTES)

        def work(repos: Repositories) -> StationModel:
            return replace(model, id=repos.station_models.add(model, key))

        return await self._uow.submit(work)

    async def get(self, model_id: str) -> StationModel | None:
        """The model (archived ones too), or None."""

        def work(repos: Repositories) -> StationModel | None:
            return repos.station_models.get(model_id)

        return await self._uow.submit(work)

    async def list_page(self, query: ModelQuery) -> Page[StationModel]:
        """One page of models by id (creation order), filtered."""

        def work(repos: Repositories) -> list[StationModel]:
            return repos.station_models.page(query)

        return page_of(await self._uow.submit(work), query.page)

    async def rename(self, model_id: str, friendly_name: str | None) -> StationModel:
        """Set the model's friendly name (None: none), the one thing reference 04 lets a
        PATCH change; an unchanged name leaves `updated_at` as it was.

        Raises:
            UnknownStationModel: no such model.
        """
        now = self._clock()

        def change(model: StationModel) -> StationModel:
            return replace(model, friendly_name=friendly_name, updated_at=now)

        return await self._uow.submit(_changed(model_id, change))

    async def archive(self, model_id: str) -> StationModel:
        """Archive a model: it stays readable and keeps its stations, but no new station may
        choose it, and no booting station is matched to it.

        Raises:
            UnknownStationModel: no such model.
            ModelArchived: it is archived already.
        """
        now = self._clock()

        def change(model: StationModel) -> StationModel:
            if model.is_archived:
                raise ModelArchived(model.id, "it was archived already")
            return replace(model, is_archived=True, updated_at=now)

        return await self._uow.submit(_changed(model_id, change))

    async def set_configuration(
        self, model_id: str, keys: Mapping[str, str], mappings: KeyMappings
    ) -> StationModel:
        """Replace the model's configuration keys and key mappings (archived models too:
        their stations still get them). Stations get them at their next boot.

        Raises:
            UnknownStationModel: no such model.
            InvalidStationModel: the keys break a catalog rule.
        """
        current = await self.get(model_id)
        if current is None:
            raise UnknownStationModel(model_id)
        _raise_problems(
            self.check(replace(current.draft, configuration_keys=keys, key_mappings=mappings))
        )
        now = self._clock()

        def change(model: StationModel) -> StationModel:
            return replace(
                model,
                configuration_keys=dict(keys),
                key_mappings=copy_mappings(mappings),
                updated_at=now,
            )

        return await self._uow.submit(_changed(model_id, change))

    async def export(self) -> tuple[datetime, list[StationModel]]:
        """Every model, archived ones too, in creation order, and when they were read."""
        now = self._clock()

        def work(repos: Repositories) -> list[StationModel]:
            return repos.station_models.all()

        return now, await self._uow.submit(work)

    async def import_catalog(self, entries: Sequence[CatalogEntry]) -> list[ImportOutcome]:
        """Create or update models from a catalog document, all in one unit of work.

        Raises:
            InvalidStationModel: some entry breaks a catalog rule; nothing is stored.
        """
        problems = [
            Problem(("models", index, *problem.location), problem.message)
            for index, entry in enumerate(entries)
            for problem in self.check(entry.draft)
        ]
        _raise_problems(problems)
        now = self._clock()
        keys = [secrets.token_bytes(DEDUPE_KEY_BYTES) for _ in entries]

        def work(repos: Repositories) -> list[ImportOutcome]:
            plan = plan_import(repos.station_models.all(), entries, now)
            outcomes = list(plan.outcomes)
            for index, model in plan.creates:
                model_id = repos.station_models.add(model, keys[index])
                outcomes[index] = replace(outcomes[index], model_id=model_id)
            for model in plan.saves:
                repos.station_models.save(model)
            return outcomes

        return await self._uow.submit(work)

    async def link(self, station_id: str, model_id: str | None) -> Station:
        """Link a station to a model (None: unlink it). The model it has already stays
        valid when archived; its keys reach the station at its next Accepted boot. A new
        model gives the station its EVSEs and ratings where none are stated yet
        (`apply_model_layout`).

        Raises:
            UnknownStation: no such station.
            UnknownStationModel: no model `model_id`.
            ModelArchived: the model is archived (and not the station's already).
        """

        now = self._clock()

        def work(repos: Repositories) -> Station:
            station = repos.stations.get(station_id)
            if station is None:
                raise UnknownStation(station_id)
            if model_id is not None and model_id != station.model_id:
                apply_model_layout(repos, station_id, choosable_model(repos, model_id), now)
            station = replace(station, model_id=model_id)
            repos.stations.save(station)
            return station

        return await self._uow.submit(work)

    def check(self, draft: ModelDraft) -> list[Problem]:
        """Every catalog rule `draft` breaks (`station_models.check_draft`), and every
        configuration key no OCPP version can take (see the module docstring)."""
        problems = check_draft(draft)
        for key, names in draft.key_mappings.items():
            for protocol in names:
                if protocol not in self._dialects:
                    known = ", ".join(sorted(self._dialects))
                    problems.append(
                        Problem(("keyMappings", key, protocol), f"not an OCPP version ({known})")
                    )
        for key, value in draft.configuration_keys.items():
            problems += self._check_key(draft.key_mappings, key, value)
        return problems

    def _check_key(self, mappings: KeyMappings, key: str, value: str) -> list[Problem]:
        problems: list[Problem] = []
        refusals: list[str] = []
        taken = False
        for protocol, dialect in self._dialects.items():
            name, _ = station_key(mappings, key, protocol)
            if name is None:
                continue
            explicit = protocol in mappings.get(key, {})
            try:
                dialect.build(SetConfiguration(name, value), BuildContext(0))
                dialect.build(GetConfiguration((name,)), BuildContext(0))
            except SecretSetting as error:
                where = ("keyMappings", key, protocol) if explicit else ("configurationKeys", key)
                problems.append(Problem(where, error.reason))
            except InvalidCommand as error:
                if explicit:
                    problems.append(Problem(("keyMappings", key, protocol), error.reason))
                refusals.append(f"{protocol}: {error.reason}")
            else:
                taken = True
        # An unmapped key that one version cannot take is simply not applied there (a 1.6
        # key name is no 2.0.1 Component.Variable); one that no version takes is a mistake.
        if refusals and not taken and not problems:
            reasons = "; ".join(refusals)
            problems.append(
                Problem(("configurationKeys", key), f"no OCPP version can take it: {reasons}")
            )
        return problems


def choosable_model(repos: Repositories, model_id: str) -> StationModel:
    """The model a station may be given (in a unit of work): it exists and is not archived.

    Raises:
        UnknownStationModel: no model `model_id`.
        ModelArchived: it is archived.
    """
    model = repos.station_models.get(model_id)
    if model is None:
        raise UnknownStationModel(model_id)
    if model.is_archived:
        raise ModelArchived(model_id, "it cannot be chosen for a station")
    return model


def _changed(
    model_id: str, change: Callable[[StationModel], StationModel]
) -> Callable[[Repositories], StationModel]:
    """A unit that applies `change` to the stored model and saves it when it differs."""

    def work(repos: Repositories) -> StationModel:
        model = repos.station_models.get(model_id)
        if model is None:
            raise UnknownStationModel(model_id)
        changed = change(model)
        if replace(changed, updated_at=model.updated_at) == model:
            return model
        repos.station_models.save(changed)
        return changed

    return work


def _raise_problems(problems: Sequence[Problem]) -> None:
    if problems:
        raise InvalidStationModel(problems)
