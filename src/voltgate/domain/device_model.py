"""The device model of an OCPP 2.0.1 station: components, variables, their attributes and
characteristics, as the station reports them with NotifyReport (B07 GetBaseReport, B08
GetReport).

A station reports its device model in parts (requestId, seqNo from 0, tbc "to be
continued" on every part but the last: B07.FR.10, B08.FR.14). Each reportData element names
a variable of a component (ComponentType, VariableType: names and instances are
case-insensitive identifierStrings) and lists 1-4 of its attributes (Actual, Target, MinSet,
MaxSet), optionally with the variable's fixed characteristics (VariableCharacteristicsType).

We keep one stored attribute per (station, component name + instance + EVSE + connector,
variable name + instance, attribute type) and one set of characteristics per variable; a
later report overwrites what an earlier one said (the newest generatedAt wins, so a late
retry of an old part changes nothing). Which parts of which request arrived is kept too,
so that "the report is complete" is a fact we can show (`summarize`).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


class AttributeType(enum.StrEnum):
    """Which value of a variable an attribute holds (AttributeEnumType)."""

    ACTUAL = "Actual"
    TARGET = "Target"
    MIN_SET = "MinSet"
    MAX_SET = "MaxSet"


# VariableAttributeType defaults for omitted fields (2.0.1 part 2 §2.50).
DEFAULT_ATTRIBUTE_TYPE = AttributeType.ACTUAL
DEFAULT_MUTABILITY = "ReadWrite"


@dataclass(frozen=True, slots=True)
class VariableAddress:
    """Where a variable lives: component (name, instance, EVSE, connector) and variable
    (name, instance). `evse_id` None is a station-level component."""

    component: str
    variable: str
    component_instance: str | None = None
    evse_id: int | None = None
    connector_id: int | None = None
    variable_instance: str | None = None

    def identity(self) -> tuple[object, ...]:
        """The address as compared: names and instances case-insensitively (identifierString)."""
        return (
            self.component.casefold(),
            _fold(self.component_instance),
            self.evse_id,
            self.connector_id,
            self.variable.casefold(),
            _fold(self.variable_instance),
        )


@dataclass(frozen=True, slots=True)
class Attribute:
    """One attribute of a variable (VariableAttributeType) with the spec's defaults applied:
    mutability ReadWrite, persistent and constant false. `value` may be None (WriteOnly, or
    an unset attribute reported per B07.FR.11)."""

    type: AttributeType = DEFAULT_ATTRIBUTE_TYPE
    value: str | None = None
    mutability: str = DEFAULT_MUTABILITY
    persistent: bool = False
    constant: bool = False


@dataclass(frozen=True, slots=True)
class Characteristics:
    """The fixed, read-only description of a variable (VariableCharacteristicsType)."""

    data_type: str
    supports_monitoring: bool
    unit: str | None = None
    min_limit: float | None = None
    max_limit: float | None = None
    values_list: str | None = None


@dataclass(frozen=True, slots=True)
class ReportedVariable:
    """One reportData element: a variable, its attributes and maybe its characteristics."""

    address: VariableAddress
    attributes: tuple[Attribute, ...]
    characteristics: Characteristics | None = None


@dataclass(frozen=True, slots=True)
class ReportPart:
    """One NotifyReport message."""

    request_id: int
    seq_no: int
    generated_at: datetime
    tbc: bool = False
    variables: tuple[ReportedVariable, ...] = ()


@dataclass(frozen=True, slots=True)
class StoredPart:
    """What is kept of a received report part (the variables go to the device model)."""

    station_id: str
    request_id: int
    seq_no: int
    tbc: bool
    generated_at: datetime
    received_at: datetime
    variable_count: int


@dataclass(frozen=True, slots=True)
class DeviceVariable:
    """One stored attribute of a station's variable, with the variable's characteristics."""

    station_id: str
    address: VariableAddress
    attribute: Attribute
    characteristics: Characteristics | None
    reported_at: datetime
    request_id: int


@dataclass(frozen=True, slots=True)
class ReportSummary:
    """How far a report (one requestId) has arrived.

    `complete` is True once the last part (tbc false) and every part before it (seqNo 0 up
    to the last one's) have been received; parts may arrive in any order.
    """

    request_id: int
    parts: int
    complete: bool
    variables: int
    first_received_at: datetime
    last_received_at: datetime
    generated_at: datetime


def summarize(parts: Iterable[StoredPart]) -> list[ReportSummary]:
    """One summary per requestId, newest report first."""
    by_request: dict[int, list[StoredPart]] = {}
    for part in parts:
        by_request.setdefault(part.request_id, []).append(part)
    summaries = []
    for request_id, group in by_request.items():
        seq_nos = {part.seq_no for part in group}
        last = [part.seq_no for part in group if not part.tbc]
        complete = bool(last) and seq_nos >= set(range(min(last) + 1))
        summaries.append(
            ReportSummary(
                request_id=request_id,
                parts=len(seq_nos),
                complete=complete,
                variables=sum(part.variable_count for part in group),
                first_received_at=min(part.received_at for part in group),
                last_received_at=max(part.received_at for part in group),
                generated_at=max(part.generated_at for part in group),
            )
        )
    summaries.sort(key=lambda summary: summary.last_received_at, reverse=True)
    return summaries


def matches(address: VariableAddress, component: str | None, variable: str | None) -> bool:
    """Whether `address` is selected by a component and/or variable name (case-insensitive)."""
    return (component is None or address.component.casefold() == component.casefold()) and (
        variable is None or address.variable.casefold() == variable.casefold()
    )


def _fold(name: str | None) -> str | None:
    return None if name is None else name.casefold()
