"""Pure parts of a station: EV physics, payloads against the official schemas, responders."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from voltgate.ocpp.errors import ActionNotImplemented, ActionNotSupported, OcppVersion
from voltgate.ocpp.validation import Validators
from voltgate.simulator.config import ConfigError, SimulationConfig, generated_id_tags
from voltgate.simulator.ev import EvSession, MeterSample
from voltgate.simulator.followups import Reboot, SendStatus, ToConnector, Trigger
from voltgate.simulator.state import (
    ActiveTransaction,
    ConnectorState,
    StationState,
    StopCharging,
    TagPool,
)
from voltgate.simulator.v16 import payloads
from voltgate.simulator.v16.responders import answer
from voltgate.simulator.v16.state import V16State

AT = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)
V16 = Validators.for_version(OcppVersion.V16)


def test_energy_rises_with_power_and_tapers_near_full() -> None:
    """The register only grows, by about power x time, and power drops above 80 % SoC."""
    ev = EvSession(random.Random(1), register_wh=5_000_000)
    first = ev.advance(600.0)
    later = ev.advance(1200.0)
    assert 5_000_000 < first.energy_wh < later.energy_wh
    assert later.energy_wh - first.energy_wh == pytest.approx(first.power_w / 6, rel=0.06)
    assert sum(first.currents_a) * 230 == pytest.approx(first.power_w, rel=0.05)
    assert ev.power_at(90.0) < ev.power_at(50.0) == ev.max_power_w


def test_generated_payloads_satisfy_the_official_schemas() -> None:
    """Every request the simulator builds passes the OCA 1.6 JSON schema of its action."""
    sample = MeterSample(1234567, 11000.0, (15.9, 16.0, 15.8), 55)
    requests = {
        "BootNotification": payloads.boot_notification("Voltgate", "Sim", "SIM-00001", "1.0"),
        "StatusNotification": payloads.status_notification(1, "Charging", AT),
        "Authorize": payloads.authorize("TAG-1"),
        "StartTransaction": payloads.start_transaction(1, "TAG-1", 1234000, AT, 7),
        "MeterValues": payloads.meter_values(1, 42, sample, AT),
        "StopTransaction": payloads.stop_transaction(
            42, "TAG-1", "Local", (AT, sample), (AT, sample)
        ),
        "DiagnosticsStatusNotification": payloads.diagnostics_status(),
        "FirmwareStatusNotification": payloads.firmware_status(),
    }
    for action, payload in requests.items():
        V16.check_request(action, payload)
    assert payloads.timestamp(AT) == "2025-05-01T12:00:00.000Z"


def _state(connectors: int = 2) -> V16State:
    connectors_ = [ConnectorState(n, 1000) for n in range(1, connectors + 1)]
    return V16State(connectors_, 300, 10, now=lambda: AT)


def _charging(state: StationState, connector_id: int, transaction_id: int) -> None:
    sample = MeterSample(1000, 0.0, (0.0, 0.0, 0.0), 20)
    ev = EvSession(random.Random(0), 1000)
    connector = state.connector(connector_id)
    assert connector is not None
    connector.transaction = ActiveTransaction(transaction_id, "T", ev, AT, 0.0, 60.0, sample, True)


def test_remote_start_picks_a_free_connector_and_reserves_it() -> None:
    """Without connectorId the first free connector is used and is busy from then on."""
    state = _state()
    _charging(state, 1, 7)
    reply = answer(state, "RemoteStartTransaction", {"idTag": "R"})
    assert reply.payload == {"status": "Accepted"}
    assert [type(f) for f in reply.then] == [ToConnector]
    assert reply.then[0].connector_id == 2  # type: ignore[union-attr]
    assert answer(state, "RemoteStartTransaction", {"idTag": "R"}).payload == {"status": "Rejected"}


def test_change_availability_is_scheduled_during_a_transaction() -> None:
    """Inoperative applies now to idle connectors and after the transaction to busy ones."""
    state = _state()
    _charging(state, 1, 7)
    reply = answer(state, "ChangeAvailability", {"connectorId": 0, "type": "Inoperative"})
    assert reply.payload == {"status": "Scheduled"}
    assert reply.then == [SendStatus(2)]
    assert state.connectors[0].operative_after_transaction is False
    assert state.connectors[1].status == "Unavailable"


def test_unlock_and_reset_stop_running_transactions() -> None:
    """UnlockConnector on a charging connector stops it first; Reset reboots."""
    state = _state()
    _charging(state, 2, 9)
    unlock = answer(state, "UnlockConnector", {"connectorId": 2})
    assert unlock.payload == {"status": "Unlocked"}
    assert unlock.then == [ToConnector(2, StopCharging("UnlockCommand"))]
    assert answer(state, "UnlockConnector", {"connectorId": 5}).payload == {
        "status": "NotSupported"
    }
    assert answer(state, "Reset", {"type": "Hard"}).then == [Reboot("HardReset")]


def test_simple_commands_and_refusals() -> None:
    """ClearCache, DataTransfer and TriggerMessage answer per 1.6; the rest raise."""
    state = _state()
    assert answer(state, "ClearCache", {}).payload == {"status": "Accepted"}
    assert answer(state, "DataTransfer", {"vendorId": "x"}).payload == {"status": "UnknownVendorId"}
    trigger = answer(state, "TriggerMessage", {"requestedMessage": "Heartbeat"})
    assert trigger.then == [Trigger("Heartbeat", None)]
    wrong = {"requestedMessage": "Heartbeat", "connectorId": 9}
    assert answer(state, "TriggerMessage", wrong).payload == {"status": "Rejected"}
    with pytest.raises(ActionNotSupported):
        answer(state, "Heartbeat", {})  # a station's own action, recognised but not served
    with pytest.raises(ActionNotImplemented):
        answer(state, "Teleport", {})


def test_tag_pool_lends_each_tag_to_one_transaction_at_a_time() -> None:
    """A taken tag is not handed out again until it is given back."""
    pool = TagPool(("A", "B"))
    rng = random.Random(3)
    taken = {pool.take(rng), pool.take(rng)}
    assert taken == {"A", "B"}
    assert pool.take(rng) is None
    pool.give_back("A")
    assert pool.take(rng) == "A"


def test_config_names_stations_tags_and_credentials() -> None:
    """Ids are numbered with the prefix, tags default to one per connector, auth is Basic."""
    config = SimulationConfig(url="ws://h:9000/ocpp/", stations=3, connectors=2, password="pw")
    assert config.station_ids() == ["SIM-00001", "SIM-00002", "SIM-00003"]
    assert config.station_url("SIM-00002") == "ws://h:9000/ocpp/SIM-00002"
    assert config.effective_id_tags() == generated_id_tags("SIM-", 6)
    assert config.effective_id_tags()[0] == "SIM-TAG-00001"
    assert config.auth_header("SIM-00001") == "Basic U0lNLTAwMDAxOnB3"
    assert config.describe()["password"] == "***"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"version": "2.1"}, "choose one of 1.6, 2.0.1"),
        ({"url": "http://h/ocpp"}, "must start with ws:// or wss://"),
        ({"stations": 0}, "stations must be greater than 0"),
        ({"id_tags": ("X" * 21,)}, "1 to 20 characters"),
    ],
)
def test_impossible_settings_are_refused(overrides: dict[str, object], message: str) -> None:
    """Bad settings fail when the config is built, with a message saying what to change."""
    settings: dict[str, object] = {"url": "ws://h/ocpp"} | overrides
    with pytest.raises(ConfigError, match=message):
        SimulationConfig(**settings)  # type: ignore[arg-type]


def test_a_disabled_local_list_is_not_supported_and_booleans_stay_booleans() -> None:
    """LocalAuthListEnabled takes only true or false (§9.1); set to false, SendLocalList is
    NotSupported and GetLocalListVersion reports -1 (§5.10, §5.15)."""
    state = _state()
    change = {"key": "LocalAuthListEnabled", "value": "maybe"}
    assert answer(state, "ChangeConfiguration", change).payload == {"status": "Rejected"}
    change["value"] = "false"
    assert answer(state, "ChangeConfiguration", change).payload == {"status": "Accepted"}
    full = {"listVersion": 1, "updateType": "Full"}
    assert answer(state, "SendLocalList", full).payload == {"status": "NotSupported"}
    assert answer(state, "GetLocalListVersion", {}).payload == {"listVersion": -1}
