"""Simulated stations over real loopback sockets: boot, transactions, counting, reconnects."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.simulator.conftest import Running, eventually, fast_config
from tests.simulator.fake_csms import FakeCsms
from voltgate.simulator import ConnectFailed, Simulation, SimulationConfig
from voltgate.simulator.link import describe_connect_error

Start = Callable[[SimulationConfig], Running]


def answered(running: Running, action: str) -> int:
    stats = running.stats.actions.get(action)
    return stats.results if stats else 0


async def test_fleet_boots_and_charges_against_the_ocpp_package_server(
    baseline_url: str, start: Start
) -> None:
    """Three stations boot at the ocpp-package server and complete whole transactions."""
    running = start(fast_config(baseline_url, stations=3))
    await eventually(lambda: answered(running, "StopTransaction") >= 3)
    await running.finish()
    stats = running.stats
    assert stats.ever_connected == 3
    assert answered(running, "BootNotification") == 3
    assert answered(running, "StatusNotification") >= 9  # connectors 0, 1 and 2 of each
    assert answered(running, "Authorize") >= 3
    assert answered(running, "StartTransaction") >= 3
    assert answered(running, "MeterValues") >= 1
    assert stats.problems == 0


async def test_stats_count_what_the_csms_answered(csms: FakeCsms, start: Start) -> None:
    """Per action, the answered CALLs the simulator counts are the ones the CSMS answered."""
    running = start(fast_config(csms.url, stations=2))
    await eventually(lambda: answered(running, "StopTransaction") >= 2)
    await running.finish()
    stats = running.stats
    for action, counted in stats.actions.items():
        # A CALL in flight when the run stopped reached the CSMS but not its answer.
        assert counted.results <= csms.count(action) <= counted.sent, action
    in_flight = stats.sent - stats.answered
    assert 0 <= in_flight <= 2  # at most one CALL in flight per station (OCPP-J 1.6 §4.1.1)
    assert stats.latency.count == stats.answered
    assert {call.action for _, call in csms.calls} >= {"Heartbeat", "MeterValues"}


async def test_meter_values_carry_the_realistic_measurands(csms: FakeCsms, start: Start) -> None:
    """MeterValues report energy, power, three phase currents and SoC as periodic samples."""
    running = start(fast_config(csms.url, stations=1))
    await csms.wait_until(lambda: csms.count("MeterValues") >= 2)
    await running.finish()
    first, second = csms.received("MeterValues")[:2]
    values = first.payload["meterValue"][0]["sampledValue"]
    measurands = [(v["measurand"], v.get("phase")) for v in values]
    assert measurands == [
        ("Energy.Active.Import.Register", None),
        ("Power.Active.Import", None),
        ("Current.Import", "L1"),
        ("Current.Import", "L2"),
        ("Current.Import", "L3"),
        ("SoC", None),
    ]
    assert {v["context"] for v in values} == {"Sample.Periodic"}
    assert float(values[1]["value"]) > 1000  # W: an EV is charging
    if first.payload["transactionId"] == second.payload["transactionId"]:
        energy = [
            int(m.payload["meterValue"][0]["sampledValue"][0]["value"]) for m in (first, second)
        ]
        assert energy[1] >= energy[0]


async def test_stop_transaction_reports_begin_and_end_readings(
    csms: FakeCsms, start: Start
) -> None:
    """StopTransaction carries transactionData from Transaction.Begin to Transaction.End."""
    running = start(fast_config(csms.url, stations=1, connectors=1))
    await csms.wait_until(lambda: csms.count("StopTransaction") >= 1)
    await running.finish()
    stop = csms.received("StopTransaction")[0].payload
    start_call = csms.received("StartTransaction")[0].payload
    begin, end = stop["transactionData"]
    assert begin["sampledValue"][0]["context"] == "Transaction.Begin"
    assert end["sampledValue"][0]["context"] == "Transaction.End"
    assert int(begin["sampledValue"][0]["value"]) == start_call["meterStart"]
    assert stop["meterStop"] >= start_call["meterStart"]
    assert stop["reason"] == "EVDisconnected"


async def test_pending_and_rejected_boots_are_retried(csms: FakeCsms, start: Start) -> None:
    """A station retries BootNotification until Accepted and sends nothing else before."""
    csms.boot_statuses = ["Pending", "Rejected"]
    csms.boot_interval = 0  # §4.2: the station picks its own wait (reconnect_max here)
    running = start(fast_config(csms.url, stations=1))
    await csms.wait_until(lambda: csms.count("StatusNotification") >= 1)
    await running.finish()
    actions = [call.action for _, call in csms.calls]
    assert actions[:3] == ["BootNotification"] * 3
    assert running.stats.ever_connected == 1


async def test_station_reconnects_without_booting_again(csms: FakeCsms, start: Start) -> None:
    """After a dropped socket the station reconnects and reports its connectors, without a new
    BootNotification (OCPP-J 1.6 §5.4)."""
    running = start(fast_config(csms.url, stations=1, idle_seconds=30))
    await csms.wait_until(lambda: csms.count("StatusNotification") >= 3)
    await csms.drop("SIM-00001")
    await csms.wait_until(lambda: csms.count("StatusNotification") >= 6)
    await running.finish()
    assert csms.connects["SIM-00001"] == 2
    assert csms.count("BootNotification") == 1
    assert running.stats.reconnects >= 1


async def test_basic_auth_uses_the_station_id_and_password(start: Start) -> None:
    """With a password, each station authenticates as itself (OCPP 1.6 security profile 1)."""
    async with FakeCsms(password="s3cret").running() as csms:
        running = start(fast_config(csms.url, stations=2, password="s3cret", idle_seconds=30))
        await csms.wait_until(lambda: csms.count("BootNotification") >= 2)
        await running.finish()
    assert running.stats.ever_connected == 2
    assert csms.headers["SIM-00002"]["Authorization"] == "Basic U0lNLTAwMDAyOnMzY3JldA=="


async def test_wrong_password_fails_with_a_hint() -> None:
    """A 401 during the handshake ends the run with a reason that names --password."""
    async with FakeCsms(password="s3cret").running() as csms:
        with pytest.raises(ConnectFailed) as failure:
            await Simulation(fast_config(csms.url, password="wrong")).run()
    assert failure.value.reason == "HTTP 401 (check --password)"
    assert str(failure.value).startswith(f"could not connect to {csms.url}/SIM-00001: ")


async def test_unreachable_server_fails_at_once() -> None:
    """When the first station cannot connect, the run stops and says why."""
    config = fast_config("ws://127.0.0.1:9/ocpp", stations=100)
    with pytest.raises(ConnectFailed) as failure:
        await Simulation(config).run()
    assert "connection refused" in failure.value.reason


def test_connect_errors_read_like_sentences() -> None:
    """Timeouts and unknown hosts are described in words, not exception reprs."""
    assert describe_connect_error(TimeoutError()) == "timed out during the opening handshake"
    assert describe_connect_error(ValueError("boom")) == "ValueError: boom"
