"""A model's configuration keys on its stations: applied after each Accepted boot, and the
drift report (`domain.station_configuration`).

Every read and every set is a command through the `CommandService`, so it is stored as a
command record like any other (``requestedBy`` ``station-model:<id>`` for the ones the
CSMS sends on its own, the caller for a drift report's read).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from voltgate.domain.commands import (
    BuildContext,
    CommandDialect,
    CommandState,
    GetConfiguration,
    SetConfiguration,
)
from voltgate.domain.errors import InvalidCommand, UnknownStation
from voltgate.domain.ports import Repositories, UnitOfWork
from voltgate.domain.services.commands import CommandService
from voltgate.domain.station_configuration import (
    DriftReport,
    DriftState,
    KeyDrift,
    KeyPlan,
    KeyState,
    after_apply,
    after_read,
    compare,
    needs_apply,
    plan,
)
from voltgate.domain.station_models import StationModel
from voltgate.domain.stations import Station

ANSWERED = (CommandState.ACCEPTED, CommandState.REJECTED)
NEVER_CONNECTED = "the station never connected: its OCPP version is unknown"

States = dict[str, KeyState]


@dataclass(frozen=True, slots=True)
class _Context:
    station: Station
    model: StationModel | None
    states: States


class StationConfigurationService:
    """Applies models' configuration keys to their stations and reports drift."""

    def __init__(self, uow: UnitOfWork, *, commands: CommandService) -> None:
        self._uow = uow
        self._commands = commands

    async def apply(self, station_id: str) -> DriftReport | None:
        """Bring a station's settings to its model's, after its boot was Accepted: read the
        keys, set each one the station does not report as expected, read those back. None
        when the station has no model (or speaks no version we know).

        Raises:
            UnknownStation: no such station.
        """
        context = await self._uow.submit(_context(station_id))
        model, protocol = context.model, context.station.protocol
        dialect = None if protocol is None else self._commands.dialects.get(protocol)
        if model is None or protocol is None or dialect is None:
            return None
        plans = _plans(model, protocol, dialect)
        by = f"station-model:{model.id}"
        states, error = await self._read(station_id, plans, context.states, dialect, by)
        if error is None:
            applied: list[KeyPlan] = []
            for key_plan in plans:
                line = compare(key_plan, states.get(key_plan.key), dialect.same_value)
                if not needs_apply(line):
                    continue
                assert key_plan.station_key is not None
                command = SetConfiguration(key_plan.station_key, key_plan.expected)
                record = await self._commands.send(station_id, command, by)
                states[key_plan.key] = after_apply(states[key_plan.key], key_plan.expected, record)
                applied.append(key_plan)
                if record.state is CommandState.OFFLINE:
                    break
            if applied:
                states, error = await self._read(station_id, applied, states, dialect, by)
        await self._uow.submit(_store(station_id, plans, states))
        return _report(
            context.station, model, plans, states, dialect, live=error is None, error=error
        )

    async def report(
        self, station_id: str, *, refresh: bool, requested_by: str | None
    ) -> DriftReport:
        """The station's settings against its model's. With `refresh`, a connected station
        is read first (a command record requested by `requested_by`); otherwise, or when
        that read fails, the last read stored is reported.

        Raises:
            UnknownStation: no such station.
        """
        context = await self._uow.submit(_context(station_id))
        station, model = context.station, context.model
        protocol = station.protocol
        if model is None:
            return DriftReport(station_id, None, protocol, ())
        dialect = None if protocol is None else self._commands.dialects.get(protocol)
        if protocol is None or dialect is None:
            lines = tuple(
                KeyDrift(key, None, value, None, DriftState.NOT_READ, None, None, NEVER_CONNECTED)
                for key, value in model.configuration_keys.items()
            )
            return DriftReport(station_id, model.id, protocol, lines)
        plans = _plans(model, protocol, dialect)
        states, error, live = context.states, None, False
        if refresh and station.connected:
            states, error = await self._read(station_id, plans, states, dialect, requested_by)
            live = error is None
            if live:
                await self._uow.submit(_store(station_id, plans, states))
        return _report(station, model, plans, states, dialect, live=live, error=error)

    async def _read(
        self,
        station_id: str,
        plans: Sequence[KeyPlan],
        states: States,
        dialect: CommandDialect,
        requested_by: str | None,
    ) -> tuple[States, str | None]:
        """Read the keys of `plans` that have a name on the station: the new states, or the
        old ones and why the read failed."""
        names = tuple(p.station_key for p in plans if p.station_key is not None)
        if not names:
            return states, None
        record = await self._commands.send(station_id, GetConfiguration(names), requested_by)
        if record.state not in ANSWERED:
            return states, record.reason or record.state.value
        values = dialect.read_values(record.action, record.response or {})
        updated = dict(states)
        for key_plan in plans:
            if key_plan.station_key is not None:
                previous = states.get(key_plan.key)
                updated[key_plan.key] = after_read(previous, station_id, key_plan, values, record)
        return updated, None


def _plans(model: StationModel, protocol: str, dialect: CommandDialect) -> list[KeyPlan]:
    """The model's keys on a `protocol` station; a name the version cannot take (a 1.6 key
    name on a 2.0.1 station, which wants Component.Variable) is not applied, with why."""
    plans = []
    for key_plan in plan(model, protocol):
        name = key_plan.station_key
        if name is not None:
            try:
                dialect.build(GetConfiguration((name,)), BuildContext(0))
                dialect.build(SetConfiguration(name, key_plan.expected), BuildContext(0))
            except InvalidCommand as error:
                key_plan = replace(key_plan, station_key=None, note=error.reason)
        plans.append(key_plan)
    return plans


def _report(
    station: Station,
    model: StationModel,
    plans: Sequence[KeyPlan],
    states: States,
    dialect: CommandDialect,
    *,
    live: bool,
    error: str | None,
) -> DriftReport:
    lines = tuple(compare(p, states.get(p.key), dialect.same_value) for p in plans)
    return DriftReport(station.id, model.id, station.protocol, lines, live, error)


def _context(station_id: str) -> Callable[[Repositories], _Context]:
    def work(repos: Repositories) -> _Context:
        station = repos.stations.get(station_id)
        if station is None:
            raise UnknownStation(station_id)
        model = None
        if station.model_id is not None:
            model = repos.station_models.get(station.model_id)
        states = {state.key: state for state in repos.station_configuration.list(station_id)}
        return _Context(station, model, states)

    return work


def _store(
    station_id: str, plans: Sequence[KeyPlan], states: States
) -> Callable[[Repositories], None]:
    """Keep the states of the model's current keys (those of removed keys go)."""
    kept = [states[p.key] for p in plans if p.key in states]

    def work(repos: Repositories) -> None:
        repos.station_configuration.replace(station_id, kept)

    return work
