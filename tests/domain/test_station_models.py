"""The catalog's pure rules: model ids, draft checks, the EVSE layout of a model, which
name a key goes by on each OCPP version, drift states, and how an import matches entries."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from voltgate.domain.catalog_import import CatalogEntry, ImportResult, plan_import
from voltgate.domain.commands import CommandRecord, CommandState
from voltgate.domain.station_configuration import (
    DriftState,
    KeyPlan,
    after_apply,
    after_read,
    compare,
    needs_apply,
    station_key,
)
from voltgate.domain.station_models import (
    ConnectionType,
    ConnectorFormat,
    KeyMappings,
    ModelConnector,
    ModelDraft,
    PowerType,
    StationModel,
    check_draft,
    evse_layout,
    format_model_id,
    new_model,
    ocpp_url_problem,
    parse_model_id,
)

T0 = datetime(2026, 12, 1, tzinfo=UTC)
T1 = datetime(2026, 12, 2, tzinfo=UTC)
CCS = ModelConnector(2, ConnectionType.IEC_62196_T2_COMBO, ConnectorFormat.CABLE, 200, 920, 150e3)
T2 = ModelConnector(1, ConnectionType.IEC_62196_T2, ConnectorFormat.SOCKET, 32, 400, 22e3)
URL = {"ocppUrl": "wss://csms.example/ocpp"}


def draft(**changes: object) -> ModelDraft:
    base = ModelDraft("ACME", "X1", PowerType.DC, (CCS, T2), dict(URL))
    return replace(base, **changes)  # type: ignore[arg-type]


def test_model_ids_sort_in_creation_order_and_parse_back() -> None:
    """Zero-padded ids sort as their numbers do (9 before 10); only our ids parse."""
    ids = [format_model_id(n) for n in (1, 9, 10, 123456789)]
    assert ids == sorted(ids)
    assert ids[0] == "mdl_0000000001"
    assert [parse_model_id(i) for i in ids] == [1, 9, 10, 123456789]
    assert [parse_model_id(bad) for bad in ("mdl_1", "MDL_0000000001", "x", "")] == [None] * 4


def test_a_valid_draft_has_no_problems() -> None:
    """Two connectors with distinct ids and a wss:// ocppUrl pass."""
    assert check_draft(draft()) == []


def test_draft_problems_name_their_field() -> None:
    """No connector, a connector id twice, a missing ocppUrl and a mapping of an unknown
    key are each reported where they are."""
    assert [p.location for p in check_draft(draft(connectors=()))] == [("connectors",)]
    twice = check_draft(draft(connectors=(T2, replace(CCS, id=1))))
    assert [(p.location, p.message) for p in twice] == [
        (("connectors", 1, "id"), "connector id 1 is used twice")
    ]
    missing = check_draft(draft(configuration_keys={"HeartbeatInterval": "60"}))
    assert [p.location for p in missing] == [("configurationKeys", "ocppUrl")]
    mapped = check_draft(draft(key_mappings={"Nope": {"ocpp1.6": "X"}}))
    assert [p.location for p in mapped] == [("keyMappings", "Nope")]


def test_ocpp_url_is_a_ws_url_without_credentials_ocpp_j_3_1_1() -> None:
    """OCPP-J §3.1.1: "any URL with a ws or wss scheme"; credentials go in HTTP Basic."""
    assert ocpp_url_problem("ws://csms.example:9000/ocpp") is None
    assert ocpp_url_problem("WSS://csms.example/ocpp") is None
    assert ocpp_url_problem("https://csms.example/ocpp") == "must be a ws:// or wss:// URL"
    assert ocpp_url_problem("wss:///ocpp") == "must name a host"
    assert "credentials" in (ocpp_url_problem("wss://cp:secret@csms.example/ocpp") or "")
    assert ocpp_url_problem("wss://x/" + "a" * 200) == "at most 200 characters"


def test_evse_layout_is_one_evse_per_connector_by_id() -> None:
    """Connector N of the model is EVSE N with connector 1, as 1.6 numbers connectors."""
    layout = evse_layout(draft())
    assert [(s.evse_id, s.connector_id, s.connector) for s in layout] == [(1, 1, T2), (2, 1, CCS)]


def test_ocpp_url_has_a_name_only_where_mapped() -> None:
    """ocppUrl has no standard key in either version; other keys go by their own name
    unless mapped, and a mapping to null leaves the key out on that version."""
    mappings: KeyMappings = {
        "ocppUrl": {"ocpp1.6": "CentralSystemURL"},
        "Other": {"ocpp2.0.1": None},
    }
    assert station_key(mappings, "ocppUrl", "ocpp1.6") == ("CentralSystemURL", None)
    name, note = station_key(mappings, "ocppUrl", "ocpp2.0.1")
    assert name is None and note is not None and "keyMappings" in note
    assert station_key(mappings, "HeartbeatInterval", "ocpp1.6") == ("HeartbeatInterval", None)
    assert station_key(mappings, "Other", "ocpp2.0.1") == (None, "not applied on ocpp2.0.1")


def _record(command_id: int, state: CommandState = CommandState.ACCEPTED) -> CommandRecord:
    return CommandRecord(
        command_id, "CP-1", "ocpp1.6", "x", "GetConfiguration", {}, state, None, None, {},
        T0, T1, None,
    )  # fmt: skip


def test_drift_states_follow_what_was_read() -> None:
    """Never read: NOT_READ; read as expected: IN_SYNC; read otherwise: DRIFTED; not
    reported: UNKNOWN_KEY; no name on the station: UNMAPPED. A key is set again unless it
    is IN_SYNC or UNMAPPED."""
    plan = KeyPlan("HeartbeatInterval", "60", "HeartbeatInterval")
    ci = str.__eq__
    assert compare(plan, None, ci).state is DriftState.NOT_READ
    read = after_read(None, "CP-1", plan, {"heartbeatinterval": "60"}, _record(7))
    assert (read.actual, read.found, read.read_command_id, read.read_at) == ("60", True, 7, T1)
    assert compare(plan, read, ci).state is DriftState.IN_SYNC
    other = after_read(read, "CP-1", plan, {"heartbeatinterval": "300"}, _record(8))
    assert compare(plan, other, ci).state is DriftState.DRIFTED
    gone = after_read(read, "CP-1", plan, {}, _record(9))
    assert compare(plan, gone, ci).state is DriftState.UNKNOWN_KEY
    unmapped = KeyPlan("ocppUrl", "wss://x", None, "why")
    assert compare(unmapped, None, ci).state is DriftState.UNMAPPED
    assert [needs_apply(compare(p, s, ci)) for p, s in ((plan, read), (plan, other))] == [
        False,
        True,
    ]
    assert not needs_apply(compare(unmapped, None, ci))


def test_last_apply_is_kept_while_the_key_keeps_its_name() -> None:
    """A read keeps the last apply of the same station key; a renamed key starts afresh,
    and a state read under another name counts as not read."""
    plan = KeyPlan("ocppUrl", "wss://x", "CentralSystemURL")
    read = after_read(None, "CP-1", plan, {"centralsystemurl": "wss://old"}, _record(1))
    applied = after_apply(read, "wss://x", _record(2, CommandState.REJECTED))
    assert (applied.apply_command_id, applied.apply_state) == (2, CommandState.REJECTED)
    again = after_read(applied, "CP-1", plan, {"centralsystemurl": "wss://old"}, _record(3))
    line = compare(plan, again, str.__eq__)
    assert line.last_apply is not None and line.last_apply.command_id == 2
    renamed = replace(plan, station_key="OcppServerUrl")
    assert after_read(applied, "CP-1", renamed, {}, _record(4)).apply_command_id is None
    assert compare(renamed, applied, str.__eq__).state is DriftState.NOT_READ


def _stored(model_id: str, **changes: object) -> StationModel:
    model = replace(new_model(draft(), False, T0), id=model_id)
    return replace(model, **changes)  # type: ignore[arg-type]


def test_import_creates_updates_keeps_and_refuses() -> None:
    """A new vendor/model is created; a known one (any case) takes the entry's mutable
    fields or stays unchanged; other connectors are refused; two entries for one model:
    the second is refused."""
    catalog = [_stored("mdl_0000000001"), _stored("mdl_0000000002", vendor="Other")]
    entries = [
        CatalogEntry(draft(vendor="acme", friendly_name="Fast")),
        CatalogEntry(draft(vendor="Other")),
        CatalogEntry(draft(vendor="New")),
        CatalogEntry(draft(vendor="Other", connectors=(T2,))),
        CatalogEntry(draft(vendor="ACME")),
    ]
    plan = plan_import(catalog, entries, T1)
    results = [(o.result, o.model_id) for o in plan.outcomes]
    assert results == [
        (ImportResult.UPDATED, "mdl_0000000001"),
        (ImportResult.UNCHANGED, "mdl_0000000002"),
        (ImportResult.CREATED, None),
        (ImportResult.REFUSED, "mdl_0000000002"),
        (ImportResult.REFUSED, "mdl_0000000001"),
    ]
    (saved,) = plan.saves
    assert (saved.friendly_name, saved.vendor, saved.updated_at) == ("Fast", "acme", T1)
    assert [index for index, _ in plan.creates] == [2]


def test_import_matches_archived_entries_and_exported_ids() -> None:
    """An archived entry matches the archived model, a live one the live model; an id
    exported from this catalog picks its model; an archived entry with only a live match
    archives it."""
    old = _stored("mdl_0000000001", is_archived=True, friendly_name="old")
    live = _stored("mdl_0000000002", friendly_name="live")
    plan = plan_import(
        [old, live],
        [
            CatalogEntry(draft(friendly_name="old"), is_archived=True),
            CatalogEntry(draft(friendly_name="live")),
        ],
        T1,
    )
    assert [(o.result, o.model_id) for o in plan.outcomes] == [
        (ImportResult.UNCHANGED, "mdl_0000000001"),
        (ImportResult.UNCHANGED, "mdl_0000000002"),
    ]
    by_id = plan_import(
        [old, live],
        [CatalogEntry(draft(friendly_name="renamed"), id="mdl_0000000001", is_archived=True)],
        T1,
    )
    assert [s.id for s in by_id.saves] == ["mdl_0000000001"]
    archiving = plan_import(
        [live],
        [CatalogEntry(draft(friendly_name="live"), is_archived=True)],
        T1,
    )
    (saved,) = archiving.saves
    assert (saved.id, saved.is_archived) == ("mdl_0000000002", True)
