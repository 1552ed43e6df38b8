"""The device model (B07/B08 NotifyReport): pure rules, and the service over real storage."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from voltgate.domain.device_model import (
    Attribute,
    AttributeType,
    Characteristics,
    ReportedVariable,
    ReportPart,
    StoredPart,
    VariableAddress,
    matches,
    summarize,
)
from voltgate.domain.services import Services

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def part(seq_no: int, tbc: bool, request_id: int = 1, at: datetime = T0) -> StoredPart:
    return StoredPart("CP-1", request_id, seq_no, tbc, at, at + timedelta(seconds=seq_no), 2)


def test_report_is_complete_once_the_last_part_and_all_before_it_arrived_B07_FR_10() -> None:
    """seqNo counts from 0; the part without tbc is the last. Parts may arrive in any order."""
    assert not summarize([part(0, True), part(2, False)])[0].complete  # part 1 missing
    done = summarize([part(2, False), part(0, True), part(1, True)])[0]
    assert (done.complete, done.parts, done.variables) == (True, 3, 6)
    assert not summarize([part(0, True), part(1, True)])[0].complete  # more to come
    assert summarize([part(0, False)])[0].complete  # a one-part report


def test_reports_are_summarised_per_request_id_newest_first() -> None:
    """Each requestId is its own report."""
    later = T0 + timedelta(hours=1)
    summaries = summarize([part(0, False, 7), part(0, True, 8, later)])
    assert [(s.request_id, s.complete) for s in summaries] == [(8, False), (7, True)]


def test_component_and_variable_names_are_case_insensitive() -> None:
    """ComponentType.name and VariableType.name are case-insensitive identifierStrings."""
    address = VariableAddress("OCPPCommCtrlr", "HeartbeatInterval")
    assert matches(address, "ocppcommctrlr", None)
    assert matches(address, None, "HEARTBEATINTERVAL")
    assert not matches(address, "AuthCtrlr", None)
    assert address.identity() == VariableAddress("ocppCommCtrlr", "heartbeatinterval").identity()


def variable(
    component: str,
    name: str,
    value: str | None,
    *,
    evse: int | None = None,
    characteristics: Characteristics | None = None,
    attributes: tuple[Attribute, ...] | None = None,
) -> ReportedVariable:
    return ReportedVariable(
        VariableAddress(component, name, evse_id=evse, connector_id=None if evse is None else 1),
        attributes or (Attribute(value=value),),
        characteristics,
    )


INT = Characteristics("integer", True, unit="s", min_limit=1, max_limit=3600)


async def test_newer_report_updates_and_older_late_part_does_not(services: Services) -> None:
    """Upsert per attribute; the newest generatedAt wins whatever the arrival order."""
    await services.stations.add("CP-1", None)
    first = ReportPart(
        1,
        0,
        T0,
        variables=(variable("OCPPCommCtrlr", "HeartbeatInterval", "60", characteristics=INT),),
    )
    newer = ReportPart(
        2,
        0,
        T0 + timedelta(hours=1),
        variables=(variable("ocppcommctrlr", "heartbeatinterval", "90"),),
    )
    older = ReportPart(
        3,
        0,
        T0 - timedelta(hours=1),
        variables=(variable("OCPPCommCtrlr", "HeartbeatInterval", "30"),),
    )
    assert await services.device_model.store_report("CP-1", first)
    assert await services.device_model.store_report("CP-1", newer)
    assert await services.device_model.store_report("CP-1", older)
    [row] = await services.device_model.variables("CP-1")
    assert (row.attribute.value, row.request_id) == ("90", 2)
    assert row.address.component == "ocppcommctrlr"  # the newest spelling
    assert row.characteristics == INT  # a report without characteristics keeps them


async def test_retried_part_stores_nothing_twice(services: Services) -> None:
    """The same requestId, seqNo and generatedAt is a retry: False, and nothing changes."""
    await services.stations.add("CP-1", None)
    report = ReportPart(1, 0, T0, variables=(variable("EVSE", "Power", "22000", evse=1),))
    assert await services.device_model.store_report("CP-1", report)
    assert not await services.device_model.store_report("CP-1", report)
    [summary] = await services.device_model.reports("CP-1")
    assert (summary.parts, summary.variables, summary.complete) == (1, 1, True)
    assert len(await services.device_model.variables("CP-1")) == 1


async def test_attributes_are_listed_by_component_then_type(services: Services) -> None:
    """Station-level before EVSE-level components; Actual, Target, MinSet, MaxSet in order;
    filters by component or variable name in any letter case."""
    await services.stations.add("CP-1", None)
    limits = (
        Attribute(AttributeType.MAX_SET, "32", "ReadOnly", True, True),
        Attribute(AttributeType.ACTUAL, "16"),
        Attribute(AttributeType.MIN_SET, "6", "ReadOnly"),
    )
    report = ReportPart(
        1,
        0,
        T0,
        variables=(
            variable("EVSE", "Current", None, evse=2, attributes=limits),
            variable("EVSE", "Current", None, evse=None, attributes=limits[1:2]),
            variable("AuthCtrlr", "Enabled", "true"),
        ),
    )
    await services.device_model.store_report("CP-1", report)
    rows = await services.device_model.variables("CP-1")
    assert [(r.address.component, r.address.evse_id, r.attribute.type) for r in rows] == [
        ("AuthCtrlr", None, AttributeType.ACTUAL),
        ("EVSE", None, AttributeType.ACTUAL),
        ("EVSE", 2, AttributeType.ACTUAL),
        ("EVSE", 2, AttributeType.MIN_SET),
        ("EVSE", 2, AttributeType.MAX_SET),
    ]
    max_set = rows[-1].attribute
    assert (max_set.mutability, max_set.persistent, max_set.constant) == ("ReadOnly", True, True)
    assert len(await services.device_model.variables("CP-1", component="evse")) == 4
    assert len(await services.device_model.variables("CP-1", variable="ENABLED")) == 1
    assert await services.device_model.variables("CP-2") == []
