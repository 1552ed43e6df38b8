"""Charging point use cases: operators describe EVSEs (hardware, identity, attributes) and
stations' network settings; reference clients look a charging point up.

Reference clients know stations and EVSEs by integer ids (`Station.number`, `Evse.number`).
Voltgate gives them out the first time a record is addressed through these use cases, from
a counter in storage (safe with several nodes on one database), and never changes them;
stations and EVSEs that reference clients never asked about need none.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from voltgate.domain.charging_points import (
    TRANSACTION_WINDOW,
    AuthMode,
    ChargingPoint,
    ConnectorSpec,
    EvseChange,
    EvseView,
    apply_change,
    auth_mode,
)
from voltgate.domain.equipment import ConnectorEquipment
from voltgate.domain.errors import AlreadyExists, UnknownEvse, UnknownStation
from voltgate.domain.network import NetworkSettings, checked
from voltgate.domain.ports import Clock, Repositories, UnitOfWork
from voltgate.domain.station_models import StationModel, evse_layout
from voltgate.domain.stations import Evse, Station


class ChargingPointService:
    """EVSEs as operators describe them, and the charging point record of reference 01."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def get(self, station_id: str, evse_id: int) -> EvseView:
        """The EVSE with its station and connectors.

        Raises:
            UnknownStation, UnknownEvse: no such station, or no such EVSE on it.
        """

        def work(repos: Repositories) -> EvseView:
            return _view(repos, station_id, evse_id)

        return await self._uow.submit(work)

    async def describe(
        self, station_id: str, evse_id: int, change: EvseChange
    ) -> tuple[EvseView, bool]:
        """Create the EVSE (before its station ever reports it) or replace its description;
        True when it was created.

        Raises:
            UnknownStation: no such station.
            StaleVersion, InvalidValue, AlreadyExists: see `update`.
        """
        now = self._clock()

        def work(repos: Repositories) -> tuple[EvseView, bool]:
            _station(repos, station_id)
            # A new EVSE is at version 1 once described, whatever the description.
            created = repos.connectors.add_evse(Evse(station_id, evse_id, version=0))
            wanted = replace(change, version=None) if created else change
            return _change(repos, station_id, evse_id, wanted, now, created=created), created

        return await self._uow.submit(work)

    async def update(self, station_id: str, evse_id: int, change: EvseChange) -> EvseView:
        """Apply an operator's change to an EVSE (`charging_points.apply_change`).

        Raises:
            UnknownStation, UnknownEvse: no such station, or no such EVSE on it.
            StaleVersion: the change names an older version.
            InvalidValue: a value breaks a rule (the field is named).
            AlreadyExists: another EVSE has this EvseId.
        """
        now = self._clock()

        def work(repos: Repositories) -> EvseView:
            return _change(repos, station_id, evse_id, change, now)

        return await self._uow.submit(work)

    async def set_network(self, station_id: str, settings: NetworkSettings) -> Station:
        """Replace a station's network settings (validated as a whole: `network.checked`).

        Raises:
            UnknownStation: no such station.
            InvalidValue: a setting breaks a rule (the field is named).
        """
        valid = checked(settings)

        def work(repos: Repositories) -> Station:
            station = _station(repos, station_id).with_network(valid)
            repos.stations.save(station)
            return station

        return await self._uow.submit(work)

    async def lookup(self, station_id: str, connector_id: int) -> ChargingPoint:
        """The charging point of a station identity and a 1.6-style connectorId: EVSE N for
        N >= 1; for 0 the station's first EVSE (lowest id >= 1) that is not deleted.

        Raises:
            UnknownStation: no such station.
            UnknownEvse: no EVSE `connector_id` (for 0: no EVSE at all).
        """

        def work(repos: Repositories) -> ChargingPoint:
            evse_id = connector_id
            if connector_id == 0:
                _station(repos, station_id)
                candidates = [e for e in repos.connectors.list_evses(station_id) if e.evse_id]
                first = next((e for e in candidates if not e.deleted), None)
                if first is None:
                    raise UnknownEvse(station_id, 0)
                evse_id = first.evse_id
            view = _view(repos, station_id, evse_id)
            txs = tuple(repos.transactions.list_for_evse(station_id, evse_id, TRANSACTION_WINDOW))
            remote = repos.commands.remote_started(station_id, min((t.id for t in txs), default=0))
            tags: dict[str, str] = {}  # case-folded -> as first (newest) used
            for tx in txs:
                if tx.id_tag:
                    tags.setdefault(tx.id_tag.casefold(), tx.id_tag)
            known = {key: repos.tokens.get(tag) for key, tag in tags.items()}
            modes = {
                auth_mode(tx, tx.id in remote, known.get((tx.id_tag or "").casefold()))
                for tx in txs
            }
            return ChargingPoint(
                view=view,
                transactions=txs,
                tokens=tuple((tag, known[key]) for key, tag in tags.items()),
                auth_modes=tuple(mode for mode in AuthMode if mode in modes),
            )

        return await self._uow.submit(work)


def _station(repos: Repositories, station_id: str) -> Station:
    station = repos.stations.get(station_id)
    if station is None:
        raise UnknownStation(station_id)
    return station


def _view(repos: Repositories, station_id: str, evse_id: int) -> EvseView:
    """The EVSE's view, numbering the station and the EVSE if they have no number yet."""
    station = _station(repos, station_id)
    evse = repos.connectors.get_evse(station_id, evse_id)
    if evse is None or evse_id == 0:
        raise UnknownEvse(station_id, evse_id)
    if station.number is None:
        station = replace(station, number=repos.stations.assign_number(station_id))
    if evse.number is None:
        evse = replace(evse, number=repos.connectors.assign_evse_number(station_id, evse_id))
    connectors = tuple(
        c for c in repos.connectors.list_connectors(station_id) if c.evse_id == evse_id
    )
    return EvseView(station, evse, connectors)


def _change(
    repos: Repositories,
    station_id: str,
    evse_id: int,
    change: EvseChange,
    now: datetime,
    *,
    created: bool = False,
) -> EvseView:
    view = _view(repos, station_id, evse_id)
    evse, connectors = apply_change(view.evse, view.connectors, change, now)
    if created:
        evse = replace(evse, version=1, modified_at=now)
    if evse.emi3_id is not None and evse.emi3_id != view.evse.emi3_id:
        holder = repos.connectors.evse_by_emi3_id(evse.emi3_id)
        if holder is not None and (holder.station_id, holder.evse_id) != (station_id, evse_id):
            raise AlreadyExists("EVSE ID", evse.emi3_id)
    if evse is view.evse:
        return view
    repos.connectors.save_evse(evse)
    for connector in connectors:
        repos.connectors.save_connector(connector)
    return replace(view, evse=evse, connectors=connectors)


def apply_model_layout(
    repos: Repositories, station_id: str, model: StationModel, now: datetime
) -> None:
    """Give a station the EVSEs and ratings of its catalog model (one EVSE per model
    connector, `station_models.evse_layout`), in the caller's unit of work.

    Only what nobody stated yet is filled in: an EVSE without a power type gets the model's,
    a connector without equipment the model connector's kind and maxima. So an operator's
    description, or one from an earlier model, is never overwritten; the station's own
    status reports are kept either way.
    """
    for slot in evse_layout(model):
        created = repos.connectors.add_evse(Evse(station_id, slot.evse_id, version=0))
        evse = repos.connectors.get_evse(station_id, slot.evse_id)
        assert evse is not None
        stated = {
            c.connector_id: c.equipment
            for c in repos.connectors.list_connectors(station_id)
            if c.evse_id == slot.evse_id
        }
        values = {} if evse.power_type is not None else {"power_type": model.power_type}
        connectors = None
        if stated.get(slot.connector_id, ConnectorEquipment()) == ConnectorEquipment():
            equipment = slot.connector.equipment
            # `connectors` describes the EVSE's hardware as a whole: keep the others' own.
            connectors = (
                *(ConnectorSpec(cid, eq) for cid, eq in stated.items() if cid != slot.connector_id),
                ConnectorSpec(slot.connector_id, equipment),
            )
        if values or connectors is not None:
            _change(repos, station_id, slot.evse_id, EvseChange(values, connectors), now,
                    created=created)  # fmt: skip
