"""Simulated OCPP 2.0.1 stations over real loopback sockets: boot, statuses, transactions.

Every CALL the stations send is checked against the official 2.0.1 schema by the fake CSMS
(`csms.invalid`), and the ocpp package's own 2.0.1 server validates them independently.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from tests.simulator.conftest import Running, eventually, fast_config
from tests.simulator.fake_csms import FakeCsms
from voltgate.ocpp.messages import CallResult
from voltgate.simulator import SimulationConfig

Start = Callable[[SimulationConfig], Running]
STATION = "SIM-00001"
SIX_MEASURANDS = [
    ("Energy.Active.Import.Register", None, "Wh"),
    ("Power.Active.Import", None, "W"),
    ("Current.Import", "L1", "A"),
    ("Current.Import", "L2", "A"),
    ("Current.Import", "L3", "A"),
    ("SoC", None, "Percent"),
]


def v201(url: str, **overrides: Any) -> SimulationConfig:
    """Test-speed settings for 2.0.1 stations."""
    return fast_config(url, version="2.0.1", **overrides)


def answered(running: Running, action: str) -> int:
    stats = running.stats.actions.get(action)
    return stats.results if stats else 0


def events(csms: FakeCsms, transaction_id: str | None = None) -> list[dict[str, Any]]:
    """The TransactionEvent payloads received, optionally of one transaction."""
    payloads = [call.payload for call in csms.received("TransactionEvent")]
    if transaction_id is None:
        return payloads
    return [p for p in payloads if p["transactionInfo"]["transactionId"] == transaction_id]


def ended(csms: FakeCsms) -> list[dict[str, Any]]:
    return [p for p in events(csms) if p["eventType"] == "Ended"]


def measurands(meter_value: dict[str, Any]) -> list[tuple[str, str | None, str]]:
    return [
        (v["measurand"], v.get("phase"), v["unitOfMeasure"]["unit"])
        for v in meter_value["sampledValue"]
    ]


async def test_boot_reports_power_up_and_the_station_b01_fr_09(
    csms: FakeCsms, start: Start
) -> None:
    """A 2.0.1 station connects with ocpp2.0.1, boots with reason PowerUp and its identity,
    then reports each EVSE's connector Available (B01.FR.05) and beats at the CSMS's
    interval (B01.FR.04)."""
    csms.boot_interval = 1
    running = start(v201(csms.url, stations=1, heartbeat_interval=None, idle_seconds=60))
    await csms.wait_until(lambda: csms.count("Heartbeat") >= 1)
    await running.finish()
    assert csms.protocols[STATION] == "ocpp2.0.1"
    boot = csms.received("BootNotification")[0].payload
    assert boot == {
        "chargingStation": {
            "model": "Simulator",
            "vendorName": "Voltgate",
            "serialNumber": STATION,
            "firmwareVersion": "voltgate-sim 1.0",
        },
        "reason": "PowerUp",
    }
    statuses = [c.payload for c in csms.received("StatusNotification")]
    assert [(s["evseId"], s["connectorId"], s["connectorStatus"]) for s in statuses] == [
        (1, 1, "Available"),
        (2, 1, "Available"),
    ]
    assert running.simulation.stations[0].state.heartbeat_s == 1
    assert csms.invalid == []


async def test_a_transaction_goes_started_updated_ended_with_seq_nos_e01_fr_07(
    csms: FakeCsms, start: Start
) -> None:
    """Authorize, Occupied, TransactionEvent Started (seqNo 0, Authorized, idToken, EVSE,
    Transaction.Begin), Updated with the six periodic measurands (seqNo + 1 each), Ended with
    Transaction.End, then Available: one station-made UUID for the whole transaction."""
    # Long enough for several Updated events even when the machine is slow.
    running = start(v201(csms.url, stations=1, connectors=1, transaction_seconds=0.4))
    await csms.wait_until(lambda: len(ended(csms)) >= 1)
    await csms.wait_until(
        lambda: csms.received("StatusNotification")[-1].payload["connectorStatus"] == "Available"
    )
    await running.finish()
    actions = [call.action for _, call in csms.calls if call.action != "Heartbeat"]
    first_tx = actions.index("Authorize")
    assert actions[first_tx : first_tx + 3] == [
        "Authorize",
        "StatusNotification",
        "TransactionEvent",
    ]
    authorize = csms.received("Authorize")[0].payload
    assert authorize == {"idToken": {"idToken": "SIM-TAG-00001", "type": "ISO14443"}}

    started = events(csms)[0]
    tx_id = started["transactionInfo"]["transactionId"]
    assert uuid.UUID(tx_id).version == 4
    tx_events = events(csms, tx_id)
    assert [e["seqNo"] for e in tx_events] == list(range(len(tx_events)))
    assert [e["eventType"] for e in tx_events] == (
        ["Started"] + ["Updated"] * (len(tx_events) - 2) + ["Ended"]
    )
    assert len(tx_events) >= 3

    assert started["triggerReason"] == "Authorized"
    assert started["transactionInfo"]["chargingState"] == "Charging"
    assert started["idToken"] == authorize["idToken"]
    assert started["evse"] == {"id": 1, "connectorId": 1}
    begin = started["meterValue"][0]["sampledValue"]
    assert [(v["measurand"], v["context"]) for v in begin] == [
        ("Energy.Active.Import.Register", "Transaction.Begin")
    ]

    updated = tx_events[1]
    assert updated["triggerReason"] == "MeterValuePeriodic"
    assert measurands(updated["meterValue"][0]) == SIX_MEASURANDS
    assert {v["context"] for v in updated["meterValue"][0]["sampledValue"]} == {"Sample.Periodic"}
    assert updated["meterValue"][0]["sampledValue"][1]["value"] > 1000  # W: an EV is charging

    end = tx_events[-1]
    assert (end["triggerReason"], end["transactionInfo"]["stoppedReason"]) in {
        ("StopAuthorized", "Local"),
        ("EVCommunicationLost", "EVDisconnected"),
    }
    assert ("idToken" in end) == (end["triggerReason"] == "StopAuthorized")  # E07.FR.02
    end_value = end["meterValue"][0]["sampledValue"][0]
    assert end_value["context"] == "Transaction.End"
    registers = [begin[0]["value"], updated["meterValue"][0]["sampledValue"][0]["value"]]
    assert registers[0] <= registers[1] <= end_value["value"]
    assert csms.invalid == []


async def test_fleet_charges_against_the_ocpp_package_201_server(
    baseline201_url: str, start: Start
) -> None:
    """Three 2.0.1 stations boot at the ocpp package's 2.0.1 server (which validates every
    message against the schemas itself) and complete whole transactions without an error."""
    running = start(v201(baseline201_url, stations=3))
    await eventually(lambda: running.stats.actions.get("TransactionEvent") is not None)
    await eventually(lambda: answered(running, "TransactionEvent") >= 12)
    await running.finish()
    stats = running.stats
    assert stats.ever_connected == 3
    assert answered(running, "BootNotification") == 3
    assert answered(running, "StatusNotification") >= 6
    assert answered(running, "Authorize") >= 3
    assert stats.problems == 0


async def test_station_reconnects_without_booting_again_b01_fr_03(
    csms: FakeCsms, start: Start
) -> None:
    """After a dropped socket the station reconnects and reports its connectors again, without
    a new BootNotification: only a reboot sends one."""
    running = start(v201(csms.url, stations=1, idle_seconds=30))
    await csms.wait_until(lambda: csms.count("StatusNotification") >= 2)
    await csms.drop(STATION)
    await csms.wait_until(lambda: csms.count("StatusNotification") >= 4)
    await running.finish()
    assert csms.connects[STATION] == 2
    assert csms.count("BootNotification") == 1


async def test_token_refused_in_transaction_event_ends_it_e06_fr_04(start: Start) -> None:
    """When the CSMS answers TransactionEvent Started with a refused idToken, the station ends
    the transaction at once: Ended, Deauthorized, stoppedReason DeAuthorized."""
    async with FakeCsms().running() as csms:
        running = start(v201(csms.url, stations=1, connectors=1, idle_seconds=30))
        await csms.wait_until(lambda: csms.count("StatusNotification") >= 1)
        csms.token_status = "Blocked"
        start_request = {
            "idToken": {"idToken": "APP-USER-7", "type": "Central"},
            "remoteStartId": 3,
        }
        reply = await csms.send(STATION, "RequestStartTransaction", start_request)
        assert isinstance(reply, CallResult) and reply.payload == {"status": "Accepted"}
        await csms.wait_until(lambda: len(ended(csms)) == 1)
        await running.finish()
    end = ended(csms)[0]
    assert (end["triggerReason"], end["transactionInfo"]["stoppedReason"]) == (
        "Deauthorized",
        "DeAuthorized",
    )
    assert "idToken" not in end
    assert running.stats.errors["TransactionEvent: idToken not accepted (Blocked)"] == 1


async def test_refused_card_starts_no_transaction_c01_fr_07(csms: FakeCsms, start: Start) -> None:
    """A card the CSMS does not accept in Authorize starts nothing."""
    csms.token_status = "Invalid"
    running = start(v201(csms.url, stations=1, connectors=1))
    await csms.wait_until(lambda: csms.count("Authorize") >= 2)
    await running.finish()
    assert csms.count("TransactionEvent") == 0
    assert running.stats.errors["Authorize: idToken not accepted (Invalid)"] >= 2


async def test_rejected_station_answers_csms_calls_with_security_error_b03_fr_08(
    start: Start,
) -> None:
    """While its boot is Rejected, the station answers a CALL of the CSMS with the CALLERROR
    SecurityError, and it boots again after the interval."""
    async with FakeCsms(boot_statuses=["Rejected"], boot_interval=1).running() as csms:
        running = start(v201(csms.url, stations=1, idle_seconds=30))
        await csms.wait_until(lambda: csms.count("BootNotification") == 1)
        await eventually(lambda: running.simulation.stations[0].state.registration == "Rejected")
        reply = await csms.send(STATION, "GetVariables", {"getVariableData": []})
        await csms.wait_until(lambda: csms.count("BootNotification") == 2)
        await running.finish()
    assert not isinstance(reply, CallResult)
    assert reply.code == "SecurityError"
    assert [call.action for _, call in csms.calls][:2] == ["BootNotification"] * 2


async def test_basic_auth_password_rotation_is_used_on_the_next_connect_a01(
    start: Start,
) -> None:
    """SetVariables SecurityCtrlr.BasicAuthPassword is accepted, the station keeps its socket,
    and it authenticates with the new password when it connects again (A01.FR.01-03)."""
    old, new = "old-password-0001", "new-password-0002"
    async with FakeCsms(password=old).running() as csms:
        running = start(v201(csms.url, stations=1, password=old, idle_seconds=30))
        await csms.wait_until(lambda: csms.count("StatusNotification") >= 2)
        assert (
            csms.headers[STATION]["Authorization"] == "Basic U0lNLTAwMDAxOm9sZC1wYXNzd29yZC0wMDAx"
        )
        change = {
            "setVariableData": [
                {
                    "attributeValue": new,
                    "component": {"name": "SecurityCtrlr"},
                    "variable": {"name": "BasicAuthPassword"},
                }
            ]
        }
        reply = await csms.send(STATION, "SetVariables", change)
        assert isinstance(reply, CallResult)
        assert reply.payload["setVariableResult"][0]["attributeStatus"] == "Accepted"
        assert csms.connects[STATION] == 1
        csms.password = new  # the CSMS no longer accepts the old password (A01.FR.03)
        await csms.drop(STATION)
        await csms.wait_until(lambda: csms.count("StatusNotification") >= 4)
        await running.finish()
    assert csms.headers[STATION]["Authorization"] == "Basic U0lNLTAwMDAxOm5ldy1wYXNzd29yZC0wMDAy"
    assert running.stats.connect_failures == {}
    assert csms.count("BootNotification") == 1
