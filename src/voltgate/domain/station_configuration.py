"""A model's configuration keys on its stations: what each key is called on a station of
each OCPP version, and how what a station reports compares with what its model expects.

Theory of operation
-------------------
After a station of a model boots Accepted, the CSMS reads the model's keys from it (1.6
GetConfiguration, 2.0.1 GetVariables), sets those that differ (1.6 ChangeConfiguration,
2.0.1 SetVariables, one command record per key) and reads the set ones back. Each read and
each set leaves a `KeyState` per (station, key); the drift report (`drift`) compares the
model's current keys with those states.

Names on the station (`station_key`): a key mapped for the station's version
(`StationModel.key_mappings`) goes by that name (None: not applied on that version). An
unmapped key goes by its own name: a 1.6 configuration key, or a 2.0.1
``Component.Variable``. ``ocppUrl`` is the exception: no standard 1.6 key holds the CSMS URL
(OCPP-J 1.6 §3.1.1: how a station obtains it "is outside of the scope"), and 2.0.1 keeps it
in a network connection profile (B09 SetNetworkProfile ``ocppCsmsUrl``), which no
GetVariables reads and whose change needs a new profile slot, a new
``OCPPCommCtrlr.NetworkConfigurationPriority`` and a reboot: a mistake there disconnects
the station for good. So ``ocppUrl`` is applied only where an admin maps it to the vendor's
own key or variable, and is reported UNMAPPED otherwise.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from voltgate.domain.commands import CommandRecord, CommandState
from voltgate.domain.station_models import OCPP_URL, KeyMappings, StationModel


class DriftState(enum.StrEnum):
    """How a station's setting compares with its model's."""

    IN_SYNC = "IN_SYNC"  # the station reported the expected value
    DRIFTED = "DRIFTED"  # it reported another value
    UNKNOWN_KEY = "UNKNOWN_KEY"  # it does not report the key (unknown, or not readable)
    NOT_READ = "NOT_READ"  # not read yet under this name
    UNMAPPED = "UNMAPPED"  # the key has no name on the station's OCPP version


@dataclass(frozen=True, slots=True)
class KeyPlan:
    """A model key on one station: the value expected and the name it goes by there (None
    with a `note` saying why it is not applied)."""

    key: str
    expected: str
    station_key: str | None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class KeyState:
    """What the CSMS last saw of one model key on one station (stored; fields in table
    column order). `found` False: the station did not report the key when read."""

    station_id: str
    key: str
    station_key: str
    actual: str | None
    found: bool
    read_at: datetime | None
    read_command_id: int | None
    apply_command_id: int | None = None
    apply_value: str | None = None
    apply_state: CommandState | None = None
    apply_status: str | None = None
    apply_reason: str | None = None
    applied_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ApplyResult:
    """The last time the CSMS set a key on the station: the command and how it ended."""

    command_id: int
    value: str
    state: CommandState
    status: str | None
    reason: str | None
    at: datetime | None


@dataclass(frozen=True, slots=True)
class KeyDrift:
    """One line of the drift report."""

    key: str
    station_key: str | None
    expected: str
    actual: str | None
    state: DriftState
    read_at: datetime | None
    last_apply: ApplyResult | None
    note: str | None


@dataclass(frozen=True, slots=True)
class DriftReport:
    """A station's settings against its model's. `live`: read from the station for this
    report; else the last read stored (`read_error` says why a live read failed)."""

    station_id: str
    model_id: str | None
    protocol: str | None
    keys: tuple[KeyDrift, ...]
    live: bool = False
    read_error: str | None = None

    @property
    def in_sync(self) -> bool:
        """True when every applicable key is IN_SYNC (UNMAPPED keys are not applied)."""
        return all(k.state in (DriftState.IN_SYNC, DriftState.UNMAPPED) for k in self.keys)


def station_key(mappings: KeyMappings, key: str, protocol: str) -> tuple[str | None, str | None]:
    """The name of `key` on a `protocol` station of a model with these key mappings, or
    None and why not."""
    names = mappings.get(key, {})
    if protocol in names:
        name = names[protocol]
        return (name, None) if name is not None else (None, f"not applied on {protocol}")
    if key == OCPP_URL:
        return None, (
            f"{protocol} has no standard key for the CSMS URL: map ocppUrl to the "
            "vendor's key (keyMappings)"
        )
    return key, None


def plan(model: StationModel, protocol: str) -> list[KeyPlan]:
    """Every key of `model` on a `protocol` station, in the model's order."""
    plans = []
    for key, expected in model.configuration_keys.items():
        name, note = station_key(model.key_mappings, key, protocol)
        plans.append(KeyPlan(key, expected, name, note))
    return plans


def after_read(
    previous: KeyState | None,
    station_id: str,
    key_plan: KeyPlan,
    values: Mapping[str, str | None],
    record: CommandRecord,
) -> KeyState:
    """The state of a key once `record` (a finished GetConfiguration) read `values`
    (casefolded keys, `CommandDialect.read_values`). The last apply is kept while the key
    goes by the same name."""
    assert key_plan.station_key is not None
    name = key_plan.station_key
    wanted = name.casefold()
    kept = previous if previous is not None and previous.station_key == name else None
    return KeyState(
        station_id=station_id,
        key=key_plan.key,
        station_key=name,
        actual=values.get(wanted),
        found=wanted in values,
        read_at=record.finished_at,
        read_command_id=record.id,
        apply_command_id=None if kept is None else kept.apply_command_id,
        apply_value=None if kept is None else kept.apply_value,
        apply_state=None if kept is None else kept.apply_state,
        apply_status=None if kept is None else kept.apply_status,
        apply_reason=None if kept is None else kept.apply_reason,
        applied_at=None if kept is None else kept.applied_at,
    )


def after_apply(state: KeyState, value: str, record: CommandRecord) -> KeyState:
    """The state of a key once `record` (a finished SetConfiguration of `value`) ended."""
    return KeyState(
        station_id=state.station_id,
        key=state.key,
        station_key=state.station_key,
        actual=state.actual,
        found=state.found,
        read_at=state.read_at,
        read_command_id=state.read_command_id,
        apply_command_id=record.id,
        apply_value=value,
        apply_state=record.state,
        apply_status=record.status,
        apply_reason=record.reason,
        applied_at=record.finished_at,
    )


def compare(
    key_plan: KeyPlan, state: KeyState | None, same: Callable[[str, str], bool]
) -> KeyDrift:
    """One line of the report: `state` counts only if it was read under the planned name.
    `same` compares values by the rules of the station's version."""
    usable = state if state is not None and state.station_key == key_plan.station_key else None
    if key_plan.station_key is None:
        drift_state = DriftState.UNMAPPED
    elif usable is None or usable.read_at is None:
        drift_state = DriftState.NOT_READ
    elif not usable.found:
        drift_state = DriftState.UNKNOWN_KEY
    elif usable.actual is not None and same(key_plan.expected, usable.actual):
        drift_state = DriftState.IN_SYNC
    else:
        drift_state = DriftState.DRIFTED
    last_apply = None
    if usable is not None and usable.apply_command_id is not None:
        assert usable.apply_state is not None and usable.apply_value is not None
        last_apply = ApplyResult(
            command_id=usable.apply_command_id,
            value=usable.apply_value,
            state=usable.apply_state,
            status=usable.apply_status,
            reason=usable.apply_reason,
            at=usable.applied_at,
        )
    return KeyDrift(
        key=key_plan.key,
        station_key=key_plan.station_key,
        expected=key_plan.expected,
        actual=None if usable is None else usable.actual,
        state=drift_state,
        read_at=None if usable is None else usable.read_at,
        last_apply=last_apply,
        note=key_plan.note,
    )


def needs_apply(line: KeyDrift) -> bool:
    """A key is set when it has a name on the station and was not read as expected."""
    return line.station_key is not None and line.state is not DriftState.IN_SYNC
