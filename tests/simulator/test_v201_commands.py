"""The 2.0.1 CSMS's commands to a simulated station, sent over a real socket, answered per spec."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from tests.simulator.conftest import Running, fast_config
from tests.simulator.fake_csms import FakeCsms
from voltgate.ocpp.messages import CallError, CallResult
from voltgate.simulator import SimulationConfig

STATION = "SIM-00001"
PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


@pytest.fixture
async def station(
    csms: FakeCsms, start: Callable[[SimulationConfig], Running]
) -> AsyncIterator[Running]:
    """One connected, booted 2.0.1 station that stays idle unless told otherwise."""
    config = fast_config(
        csms.url, version="2.0.1", stations=1, idle_seconds=60, heartbeat_interval=60
    )
    running = start(config)
    await csms.wait_until(lambda: csms.count("StatusNotification") >= 2)
    yield running
    await running.finish()
    assert csms.invalid == []  # every CALL of the station passed the 2.0.1 schemas


async def result(csms: FakeCsms, action: str, payload: dict[str, Any]) -> dict[str, Any]:
    reply = await csms.send(STATION, action, payload)
    assert isinstance(reply, CallResult), reply
    return reply.payload


def events(csms: FakeCsms) -> list[dict[str, Any]]:
    return [call.payload for call in csms.received("TransactionEvent")]


def last_status(csms: FakeCsms) -> tuple[int, str]:
    payload = csms.received("StatusNotification")[-1].payload
    return payload["evseId"], payload["connectorStatus"]


def variable(component: str, name: str, **extra: Any) -> dict[str, Any]:
    return {"component": {"name": component}, "variable": {"name": name}, **extra}


async def remote_start(csms: FakeCsms, evse_id: int, remote_start_id: int = 7) -> str:
    """Start a transaction remotely on `evse_id` and return its transaction id."""
    request = {
        "idToken": {"idToken": "APP-USER-1", "type": "Central"},
        "remoteStartId": remote_start_id,
        "evseId": evse_id,
    }
    assert await result(csms, "RequestStartTransaction", request) == {"status": "Accepted"}
    await csms.wait_until(lambda: any(e["eventType"] == "Started" for e in events(csms)))
    started = [e for e in events(csms) if e["eventType"] == "Started"][-1]
    return str(started["transactionInfo"]["transactionId"])


async def test_remote_start_then_remote_stop_f01_f03(csms: FakeCsms, station: Running) -> None:
    """RequestStartTransaction is confirmed, then started without Authorize with triggerReason
    RemoteStart and the remoteStartId (F01.FR.19/25); RequestStopTransaction ends it with
    RemoteStop / Remote and no idToken (F03.FR.03); unknown ids are Rejected (F03.FR.08)."""
    tx_id = await remote_start(csms, evse_id=2)
    started = events(csms)[0]
    assert started["triggerReason"] == "RemoteStart"
    assert started["transactionInfo"]["remoteStartId"] == 7
    assert started["idToken"] == {"idToken": "APP-USER-1", "type": "Central"}
    assert started["evse"] == {"id": 2, "connectorId": 1}
    assert csms.count("Authorize") == 0  # AuthorizeRemoteStart is false (F01.FR.02)
    busy = {"idToken": {"idToken": "APP-USER-2", "type": "Central"}, "remoteStartId": 8}
    busy["evseId"] = 2
    assert await result(csms, "RequestStartTransaction", busy) == {"status": "Rejected"}

    stop = {"transactionId": tx_id}
    assert await result(csms, "RequestStopTransaction", stop) == {"status": "Accepted"}
    await csms.wait_until(lambda: last_status(csms) == (2, "Available"))
    end = events(csms)[-1]
    assert end["eventType"] == "Ended"
    assert (end["triggerReason"], end["transactionInfo"]["stoppedReason"]) == (
        "RemoteStop",
        "Remote",
    )
    assert "idToken" not in end
    assert await result(csms, "RequestStopTransaction", stop) == {"status": "Rejected"}


async def test_authorize_remote_start_makes_remote_starts_authorize_f01_fr_01(
    csms: FakeCsms, station: Running
) -> None:
    """With AuthCtrlr.AuthorizeRemoteStart set to true, a remote start authorizes first."""
    change = {
        "setVariableData": [variable("AuthCtrlr", "AuthorizeRemoteStart", attributeValue="true")]
    }
    answer = await result(csms, "SetVariables", change)
    assert answer["setVariableResult"][0]["attributeStatus"] == "Accepted"
    await remote_start(csms, evse_id=1)
    assert csms.received("Authorize")[0].payload == {
        "idToken": {"idToken": "APP-USER-1", "type": "ISO14443"}
    }


async def test_get_variables_answers_each_variable_b06(csms: FakeCsms, station: Running) -> None:
    """One result per requested variable: the value, or why not (B06.FR.06/07/08/09/10/11)."""
    asked = [
        variable("OCPPCommCtrlr", "HeartbeatInterval"),
        variable("EVSE", "AvailabilityState") | {"component": {"name": "EVSE", "evse": {"id": 2}}},
        variable("Teleporter", "Range"),
        variable("OCPPCommCtrlr", "Colour"),
        variable("OCPPCommCtrlr", "HeartbeatInterval", attributeType="Target"),
        variable("SecurityCtrlr", "BasicAuthPassword"),
    ]
    answer = await result(csms, "GetVariables", {"getVariableData": asked})
    got = [(r["attributeStatus"], r.get("attributeValue")) for r in answer["getVariableResult"]]
    assert got == [
        ("Accepted", "60"),
        ("Accepted", "Available"),
        ("UnknownComponent", None),
        ("UnknownVariable", None),
        ("NotSupportedAttributeType", None),
        ("Rejected", None),  # write-only
    ]
    assert answer["getVariableResult"][0]["attributeType"] == "Actual"
    assert answer["getVariableResult"][1]["component"] == {"name": "EVSE", "evse": {"id": 2}}


async def test_set_variables_checks_mutability_and_format_b05(
    csms: FakeCsms, station: Running
) -> None:
    """Writable variables take well-formed values; read-only, malformed and out-of-range
    values are Rejected (B05.FR.07/08/09); a new heartbeat interval reads back at once."""
    asked = [
        variable("OCPPCommCtrlr", "HeartbeatInterval", attributeValue="120"),
        variable("SecurityCtrlr", "Identity", attributeValue="SOMEONE-ELSE"),
        variable("SampledDataCtrlr", "TxUpdatedInterval", attributeValue="soon"),
        variable("SampledDataCtrlr", "TxUpdatedInterval", attributeValue="0"),
        variable("SecurityCtrlr", "BasicAuthPassword", attributeValue="too-short"),
        variable("Teleporter", "Range", attributeValue="1"),
    ]
    answer = await result(csms, "SetVariables", {"setVariableData": asked})
    assert [r["attributeStatus"] for r in answer["setVariableResult"]] == [
        "Accepted",
        "Rejected",
        "Rejected",
        "Rejected",
        "Rejected",
        "UnknownComponent",
    ]
    read = await result(
        csms, "GetVariables", {"getVariableData": [variable("OCPPCommCtrlr", "HeartbeatInterval")]}
    )
    assert read["getVariableResult"][0]["attributeValue"] == "120"
    assert station.simulation.stations[0].state.heartbeat_s == 120


async def test_get_base_report_sends_the_device_model_in_two_parts_b07(
    csms: FakeCsms, station: Running
) -> None:
    """GetBaseReport is Accepted, then NotifyReport follows in two parts with the request's
    id, seqNo 0 and 1 and tbc on the first (B07.FR.04/10); the full inventory has every
    variable with its characteristics, the write-only password without a value (B07.FR.11)."""
    request = {"requestId": 42, "reportBase": "FullInventory"}
    assert await result(csms, "GetBaseReport", request) == {"status": "Accepted"}
    await csms.wait_until(lambda: csms.count("NotifyReport") == 2)
    parts = [call.payload for call in csms.received("NotifyReport")]
    assert [(p["requestId"], p["seqNo"], p.get("tbc", False)) for p in parts] == [
        (42, 0, True),
        (42, 1, False),
    ]
    data = parts[0]["reportData"] + parts[1]["reportData"]
    by_name = {
        (d["component"]["name"], d["component"].get("evse", {}).get("id"), d["variable"]["name"]): d
        for d in data
    }
    assert by_name["ChargingStation", None, "Model"]["variableAttribute"] == [
        {"type": "Actual", "value": "Simulator", "mutability": "ReadOnly"}
    ]
    assert by_name["EVSE", 2, "AvailabilityState"]["variableAttribute"][0]["value"] == "Available"
    password = by_name["SecurityCtrlr", None, "BasicAuthPassword"]
    assert password["variableAttribute"] == [{"type": "Actual", "mutability": "WriteOnly"}]
    assert all("variableCharacteristics" in d for d in data)

    request = {"requestId": 43, "reportBase": "ConfigurationInventory"}
    assert await result(csms, "GetBaseReport", request) == {"status": "Accepted"}
    await csms.wait_until(lambda: csms.count("NotifyReport") == 4)
    config = [d for call in csms.received("NotifyReport")[2:] for d in call.payload["reportData"]]
    assert {d["variableAttribute"][0]["mutability"] for d in config} == {"ReadWrite", "WriteOnly"}


async def test_trigger_message_sends_what_was_accepted_f06(
    csms: FakeCsms, station: Running
) -> None:
    """Accepted triggers are followed by their message; BootNotification once Accepted is
    Rejected (F06.FR.17), so is TransactionEvent without a transaction; what the simulator
    cannot send is NotImplemented (F06.FR.08)."""
    assert await result(csms, "TriggerMessage", {"requestedMessage": "Heartbeat"}) == {
        "status": "Accepted"
    }
    await csms.wait_until(lambda: csms.count("Heartbeat") == 1)
    status = {"requestedMessage": "StatusNotification", "evse": {"id": 2, "connectorId": 1}}
    before = csms.count("StatusNotification")
    assert await result(csms, "TriggerMessage", status) == {"status": "Accepted"}
    await csms.wait_until(lambda: csms.count("StatusNotification") == before + 1)
    assert last_status(csms) == (2, "Available")
    meter = {"requestedMessage": "MeterValues", "evse": {"id": 1}}
    assert await result(csms, "TriggerMessage", meter) == {"status": "Accepted"}
    await csms.wait_until(lambda: csms.count("MeterValues") == 1)
    values = csms.received("MeterValues")[0].payload
    assert values["evseId"] == 1
    assert {v["context"] for v in values["meterValue"][0]["sampledValue"]} == {"Trigger"}
    firmware = {"requestedMessage": "FirmwareStatusNotification"}
    assert await result(csms, "TriggerMessage", firmware) == {"status": "Accepted"}
    await csms.wait_until(lambda: csms.count("FirmwareStatusNotification") == 1)
    assert csms.received("FirmwareStatusNotification")[0].payload == {"status": "Idle"}
    refused: list[tuple[dict[str, Any], str]] = [
        ({"requestedMessage": "BootNotification"}, "Rejected"),
        ({"requestedMessage": "TransactionEvent"}, "Rejected"),
        (
            {"requestedMessage": "StatusNotification", "evse": {"id": 9, "connectorId": 1}},
            "Rejected",
        ),
        ({"requestedMessage": "SignV2GCertificate"}, "NotImplemented"),
    ]
    for request, expected in refused:
        assert (await result(csms, "TriggerMessage", request))["status"] == expected


async def test_triggered_transaction_event_reports_the_running_transaction_f06_fr_07(
    csms: FakeCsms, station: Running
) -> None:
    """TriggerMessage TransactionEvent sends Updated with triggerReason Trigger, the
    chargingState and the latest readings, with the next seqNo."""
    await remote_start(csms, evse_id=1)
    request = {"requestedMessage": "TransactionEvent", "evse": {"id": 1}}
    assert await result(csms, "TriggerMessage", request) == {"status": "Accepted"}
    await csms.wait_until(lambda: any(e["triggerReason"] == "Trigger" for e in events(csms)))
    triggered = next(e for e in events(csms) if e["triggerReason"] == "Trigger")
    assert triggered["eventType"] == "Updated"
    assert triggered["transactionInfo"]["chargingState"] == "Charging"
    assert {v["context"] for v in triggered["meterValue"][0]["sampledValue"]} == {"Trigger"}
    seq_nos = [e["seqNo"] for e in events(csms)]
    assert seq_nos == list(range(len(seq_nos)))


async def test_immediate_reset_ends_transactions_and_boots_with_remote_reset_b12_fr_04(
    csms: FakeCsms, station: Running
) -> None:
    """Reset Immediate is Accepted; the running transaction ends with ResetCommand /
    ImmediateReset, then the station reconnects and boots with reason RemoteReset."""
    await remote_start(csms, evse_id=1)
    assert await result(csms, "Reset", {"type": "Immediate"}) == {"status": "Accepted"}
    await csms.wait_until(lambda: csms.count("BootNotification") == 2)
    end = events(csms)[-1]
    assert (end["triggerReason"], end["transactionInfo"]["stoppedReason"]) == (
        "ResetCommand",
        "ImmediateReset",
    )
    assert csms.received("BootNotification")[1].payload["reason"] == "RemoteReset"
    assert csms.connects[STATION] == 2


async def test_reset_on_idle_waits_for_the_transaction_b12_fr_01(
    csms: FakeCsms, station: Running
) -> None:
    """Reset OnIdle during a transaction is Scheduled: no reboot while it runs, no new start
    meanwhile, and the reboot once it has ended; an EVSE reset is Rejected (B11.FR.09)."""
    assert await result(csms, "Reset", {"type": "Immediate", "evseId": 1}) == {"status": "Rejected"}
    tx_id = await remote_start(csms, evse_id=1)
    assert await result(csms, "Reset", {"type": "OnIdle"}) == {"status": "Scheduled"}
    again = {"idToken": {"idToken": "APP-USER-2", "type": "Central"}, "remoteStartId": 9}
    assert await result(csms, "RequestStartTransaction", again) == {"status": "Rejected"}
    assert csms.count("BootNotification") == 1
    assert await result(csms, "RequestStopTransaction", {"transactionId": tx_id}) == {
        "status": "Accepted"
    }
    await csms.wait_until(lambda: csms.count("BootNotification") == 2)
    assert csms.received("BootNotification")[1].payload["reason"] == "RemoteReset"
    assert events(csms)[-1]["triggerReason"] == "RemoteStop"


async def test_change_availability_reports_or_schedules_g03_g04(
    csms: FakeCsms, station: Running
) -> None:
    """An idle EVSE set Inoperative is reported Unavailable at once (G03.FR.04); during a
    transaction the change is Scheduled (G03.FR.05); an unknown EVSE is Rejected."""
    change = {"operationalStatus": "Inoperative", "evse": {"id": 1}}
    assert await result(csms, "ChangeAvailability", change) == {"status": "Accepted"}
    await csms.wait_until(lambda: last_status(csms) == (1, "Unavailable"))
    unknown = {"operationalStatus": "Inoperative", "evse": {"id": 9}}
    assert await result(csms, "ChangeAvailability", unknown) == {"status": "Rejected"}
    tx_id = await remote_start(csms, evse_id=2)
    whole = {"operationalStatus": "Inoperative"}
    assert await result(csms, "ChangeAvailability", whole) == {"status": "Scheduled"}
    assert await result(csms, "RequestStopTransaction", {"transactionId": tx_id}) == {
        "status": "Accepted"
    }
    await csms.wait_until(lambda: last_status(csms) == (2, "Unavailable"))


async def test_unlock_connector_never_stops_an_authorized_transaction_f05(
    csms: FakeCsms, station: Running
) -> None:
    """UnlockConnector unlocks an idle connector, refuses during a transaction
    (OngoingAuthorizedTransaction, F05.FR.02) and names an unknown one (F05.FR.03)."""
    assert await result(csms, "UnlockConnector", {"evseId": 1, "connectorId": 1}) == {
        "status": "Unlocked"
    }
    assert await result(csms, "UnlockConnector", {"evseId": 1, "connectorId": 2}) == {
        "status": "UnknownConnector"
    }
    await remote_start(csms, evse_id=2)
    assert await result(csms, "UnlockConnector", {"evseId": 2, "connectorId": 1}) == {
        "status": "OngoingAuthorizedTransaction"
    }
    assert [e["eventType"] for e in events(csms)][-1] != "Ended"


async def test_certificate_signed_is_stored_or_rejected_with_a_security_event_a02(
    csms: FakeCsms, station: Running
) -> None:
    """A PEM certificate chain is Accepted and kept; anything else is Rejected and reported
    as an InvalidChargingStationCertificate security event (A02.FR.07)."""
    signed = {"certificateChain": PEM, "certificateType": "ChargingStationCertificate"}
    assert await result(csms, "CertificateSigned", signed) == {"status": "Accepted"}
    state = station.simulation.stations[0].state
    assert state.certificates == {"ChargingStationCertificate": PEM}
    assert await result(csms, "CertificateSigned", {"certificateChain": "junk"}) == {
        "status": "Rejected"
    }
    await csms.wait_until(lambda: csms.count("SecurityEventNotification") == 1)
    event = csms.received("SecurityEventNotification")[0].payload
    assert event["type"] == "InvalidChargingStationCertificate"


async def test_unsupported_unknown_and_malformed_calls_get_201_callerrors(
    csms: FakeCsms, station: Running
) -> None:
    """A 2.0.1 action a station sends, not a CSMS, is NotSupported, a non-2.0.1 name NotImplemented
    (part 4 §4.3), a payload that breaks its schema gets 2.0.1's own spelling; DataTransfer
    to a station without vendor extensions is UnknownVendorId (P01.FR.05)."""
    replies = [
        await csms.send(STATION, "Heartbeat", {}),
        await csms.send(STATION, "Teleport", {}),
        await csms.send(STATION, "RequestStartTransaction", {"remoteStartId": 1}),
        await csms.send(STATION, "Reset", {"type": "Sometime"}),
    ]
    assert all(isinstance(reply, CallError) for reply in replies)
    codes = [reply.code for reply in replies if isinstance(reply, CallError)]
    assert codes == [
        "NotSupported",
        "NotImplemented",
        "OccurrenceConstraintViolation",
        "PropertyConstraintViolation",
    ]
    assert await result(csms, "DataTransfer", {"vendorId": "com.example"}) == {
        "status": "UnknownVendorId"
    }
    assert station.stats.incoming["Heartbeat"] == 1
