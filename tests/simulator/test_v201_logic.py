"""Pure parts of a 2.0.1 station: payloads and answers against the schemas, the device model."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any, get_args

import pytest

from voltgate.ocpp.errors import ActionNotImplemented, ActionNotSupported, OcppVersion, PayloadError
from voltgate.ocpp.v201 import messages as m
from voltgate.ocpp.validation import Validators
from voltgate.simulator.config import ConfigError, SimulationConfig
from voltgate.simulator.ev import EvSession, MeterSample
from voltgate.simulator.followups import Reboot, SendReport, SendStatus, ToConnector
from voltgate.simulator.state import ActiveTransaction, ConnectorState, StartCharging
from voltgate.simulator.v201 import payloads, responders
from voltgate.simulator.v201.device_model import (
    HEARTBEAT_INTERVAL,
    Nameplate,
    Setting,
    accepts,
    standard_model,
)
from voltgate.simulator.v201.state import V201State

AT = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)
V201 = Validators.for_version(OcppVersion.V201)
SAMPLE = MeterSample(1234567, 11000.0, (15.9, 16.0, 15.8), 55)
PLATE = Nameplate(
    station_id="SIM-00001",
    vendor="Voltgate",
    model="Simulator",
    evses=2,
    heartbeat_s=300,
    meter_s=10,
    message_timeout_s=30,
    security_profile=1,
)


def _state() -> V201State:
    connectors = [ConnectorState(n, 1000) for n in (1, 2)]
    model = standard_model(PLATE)
    return V201State(connectors, 300, 10, device_model=model, now=lambda: AT, password="pw")


def _charging(state: V201State, evse_id: int, transaction_id: str) -> None:
    ev = EvSession(random.Random(0), 1000)
    connector = state.connector(evse_id)
    assert connector is not None
    connector.transaction = ActiveTransaction(
        transaction_id, "T", ev, AT, 0.0, 60.0, SAMPLE, pooled=True
    )


def test_generated_requests_satisfy_the_official_201_schemas() -> None:
    """Every request the 2.0.1 simulator builds passes the OCA 2.0.1 JSON schema."""
    transaction = m.Transaction(transaction_id="tx-1", charging_state="Charging")
    report = standard_model(PLATE).report("FullInventory", lambda key: "x")
    requests: list[tuple[str, dict[str, Any]]] = [
        ("BootNotification", payloads.boot_notification("PowerUp", "V", "M", "S" * 40, "1.0")),
        ("StatusNotification", payloads.status_notification(2, "Occupied", AT)),
        ("Authorize", payloads.authorize("TAG-1")),
        (
            "TransactionEvent",
            payloads.transaction_event(
                "Started",
                transaction=transaction,
                seq_no=0,
                trigger="Authorized",
                at=AT,
                meter=payloads.register_value(SAMPLE, AT, "Transaction.Begin"),
                evse_id=1,
                token=payloads.id_token("TAG-1"),
            ),
        ),
        (
            "TransactionEvent",
            payloads.transaction_event(
                "Updated",
                transaction=transaction,
                seq_no=1,
                trigger="MeterValuePeriodic",
                at=AT,
                meter=payloads.meter_value(SAMPLE, AT, "Sample.Periodic"),
            ),
        ),
        ("MeterValues", payloads.meter_values(1, payloads.meter_value(SAMPLE, AT, "Trigger"))),
        ("NotifyReport", payloads.notify_report(1, 0, AT, report, tbc=True)),
        ("NotifyReport", payloads.notify_report(1, 1, AT, [], tbc=False)),
        ("FirmwareStatusNotification", payloads.firmware_status()),
        ("LogStatusNotification", payloads.log_status()),
        ("SecurityEventNotification", payloads.security_event("StartupOfTheDevice", AT)),
    ]
    for action, payload in requests:
        V201.check_request(action, payload)
    boot = requests[0][1]
    assert boot["chargingStation"]["serialNumber"] == "S" * 25  # string[0..25]


def test_meter_values_carry_the_six_measurands_with_units() -> None:
    """The six readings of a sample, each with its measurand, phase, location and unit."""
    values = payloads.sampled_values(SAMPLE, "Sample.Periodic")
    assert [(v.measurand, v.phase, v.location, v.unit_of_measure) for v in values] == [
        ("Energy.Active.Import.Register", None, "Outlet", m.UnitOfMeasure(unit="Wh")),
        ("Power.Active.Import", None, "Outlet", m.UnitOfMeasure(unit="W")),
        ("Current.Import", "L1", "Outlet", m.UnitOfMeasure(unit="A")),
        ("Current.Import", "L2", "Outlet", m.UnitOfMeasure(unit="A")),
        ("Current.Import", "L3", "Outlet", m.UnitOfMeasure(unit="A")),
        ("SoC", None, "EV", m.UnitOfMeasure(unit="Percent")),
    ]
    assert [v.value for v in values] == [1234567, 11000.0, 15.9, 16.0, 15.8, 55]


def test_answers_satisfy_the_official_201_schemas() -> None:
    """Every responder's answer passes the response schema of its action."""
    state = _state()
    token = {"idToken": "A", "type": "Central"}
    unknown = {"component": {"name": "X"}, "variable": {"name": "Y"}}
    heartbeat = {"component": {"name": "OCPPCommCtrlr"}, "variable": {"name": "HeartbeatInterval"}}
    requests: list[tuple[str, dict[str, Any]]] = [
        ("Reset", {"type": "Immediate"}),
        ("RequestStartTransaction", {"idToken": token, "remoteStartId": 1}),
        ("RequestStopTransaction", {"transactionId": "nope"}),
        ("ChangeAvailability", {"operationalStatus": "Inoperative", "evse": {"id": 2}}),
        ("GetVariables", {"getVariableData": [unknown]}),
        ("SetVariables", {"setVariableData": [heartbeat | {"attributeValue": "5"}]}),
        ("GetBaseReport", {"requestId": 1, "reportBase": "SummaryInventory"}),
        ("TriggerMessage", {"requestedMessage": "Heartbeat"}),
        ("UnlockConnector", {"evseId": 1, "connectorId": 1}),
        ("CertificateSigned", {"certificateChain": "junk"}),
        ("ClearCache", {}),
        ("DataTransfer", {"vendorId": "com.example"}),
    ]
    assert {action for action, _ in requests} <= set(responders.RESPONDERS)
    for action, payload in requests:
        V201.check_request(action, payload)
        V201.check_response(action, responders.answer(state, action, payload).payload)


def test_unknown_unsupported_and_unreadable_calls_raise() -> None:
    """Without schema validation the responders still tell a 2.0.1 action they do not
    support (NotSupported) from an unknown name (NotImplemented) and refuse a bad payload."""
    state = _state()
    with pytest.raises(ActionNotSupported):
        responders.answer(state, "Heartbeat", {})  # a station's own action
    with pytest.raises(ActionNotImplemented):
        responders.answer(state, "RemoteStartTransaction", {})  # 1.6, not 2.0.1
    with pytest.raises(PayloadError):
        responders.answer(state, "Reset", {"type": 5})
    assert set(get_args(m.MessageTriggerEnum)) >= responders.TRIGGERABLE


def test_remote_start_picks_a_free_evse_and_not_while_pending_b02_fr_05() -> None:
    """Without evseId the first free EVSE is used (F01.FR.20); a Pending station refuses."""
    state = _state()
    _charging(state, 1, "tx-1")
    request = {"idToken": {"idToken": "A", "type": "eMAID"}, "remoteStartId": 5}
    reply = responders.answer(state, "RequestStartTransaction", request)
    assert reply.payload == {"status": "Accepted"}
    assert reply.then == [ToConnector(2, StartCharging("A", True, 5, "eMAID"))]
    again = responders.answer(state, "RequestStartTransaction", request)
    assert again.payload == {"status": "Rejected"}
    pending = _state()
    pending.registration = "Pending"
    assert responders.answer(pending, "RequestStartTransaction", request).payload == {
        "status": "Rejected"
    }


def test_change_availability_of_the_station_is_scheduled_during_a_transaction() -> None:
    """Inoperative applies now to idle EVSEs and after the transaction to busy ones."""
    state = _state()
    _charging(state, 1, "tx-1")
    reply = responders.answer(state, "ChangeAvailability", {"operationalStatus": "Inoperative"})
    assert reply.payload == {"status": "Scheduled"}
    assert reply.then == [SendStatus(2)]
    assert state.connectors[0].operative_after_transaction is False
    assert (state.connectors[1].status, state.operative) == ("Unavailable", False)


def test_reset_on_idle_without_transactions_reboots_at_once() -> None:
    """OnIdle with nothing running is an immediate, Accepted reset."""
    reply = responders.answer(_state(), "Reset", {"type": "OnIdle"})
    assert reply.payload == {"status": "Accepted"}
    assert reply.then == [Reboot("ImmediateReset", "ResetCommand")]
    report = responders.answer(
        _state(), "GetBaseReport", {"requestId": 3, "reportBase": "FullInventory"}
    )
    assert report.then == [SendReport(3, "FullInventory")]


def test_variable_values_are_checked_by_type_and_range_b05_fr_07_08() -> None:
    """Integers, booleans, option and member lists, string lengths: malformed is refused."""
    number = Setting("10", "integer", "ReadWrite", min_limit=1, max_limit=100)
    assert [accepts(number, v) for v in ("1", "100", "0", "101", "ten", "1.5")] == [
        True, True, False, False, False, False
    ]  # fmt: skip
    assert [accepts(Setting("true", "boolean"), v) for v in ("true", "false", "yes")] == [
        True, True, False
    ]  # fmt: skip
    options = Setting("A", "OptionList", values_list="A,B")
    members = Setting("A", "MemberList", values_list="A,B,C")
    assert (accepts(options, "B"), accepts(options, "A,B")) == (True, False)
    assert (accepts(members, "C,A"), accepts(members, "A,D"), accepts(members, "")) == (
        True,
        False,
        True,
    )
    password = Setting("", "string", "WriteOnly", max_limit=40, min_length=16)
    assert [accepts(password, "x" * n) for n in (15, 16, 40, 41)] == [False, True, True, False]


def test_station_state_keeps_the_device_model_in_step() -> None:
    """The heartbeat from the boot answer reads back as HeartbeatInterval; availability
    states follow the connectors; a new password is kept for the next connection only."""
    state = _state()
    state.set_heartbeat(45)
    assert state.value_of(HEARTBEAT_INTERVAL) == "45"
    state.connectors[1].status = "Occupied"
    summary = state.device_model.report("SummaryInventory", state.value_of)
    assert [(d.component.name, d.variable_attribute[0].value) for d in summary] == [
        ("ChargingStation", "Available"),
        ("EVSE", "Available"),
        ("Connector", "Available"),
        ("EVSE", "Occupied"),
        ("Connector", "Occupied"),
    ]
    full = state.device_model.report("FullInventory", state.value_of)
    assert len(full) == len(state.device_model.settings) > 40


def test_config_speaks_201_with_its_own_token_length() -> None:
    """2.0.1 idTokens may be 36 characters long, 1.6 idTags 20; other versions are refused."""
    config = SimulationConfig(url="ws://h/ocpp", version="2.0.1", id_tags=("X" * 36,))
    assert config.ocpp_version is OcppVersion.V201
    with pytest.raises(ConfigError, match="1 to 20 characters"):
        SimulationConfig(url="ws://h/ocpp", id_tags=("X" * 21,))
    with pytest.raises(ConfigError, match="1 to 36 characters"):
        SimulationConfig(url="ws://h/ocpp", version="2.0.1", id_tags=("X" * 37,))


def test_a_display_message_of_a_transaction_goes_with_it() -> None:
    """A message for a running transaction is kept (one for an unknown transaction is
    UnknownTransaction) and removed once the transaction ends (MessageInfoType)."""
    state = _state()
    _charging(state, 1, "tx-1")
    for tx_id, status in (("tx-1", "Accepted"), ("tx-9", "UnknownTransaction")):
        message = {"id": 4, "priority": "AlwaysFront", "transactionId": tx_id,
                   "message": {"format": "ASCII", "content": "12.30 EUR so far"}}  # fmt: skip
        answer = responders.answer(state, "SetDisplayMessage", {"message": message})
        assert answer.payload == {"status": status}
    assert list(state.display_messages) == [4]
    state.transaction_ended("tx-1")
    assert state.display_messages == {}
