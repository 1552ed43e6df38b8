"""Commands to stations over real HTTP, answered by real 1.6 and 2.0.1 stations (the `ocpp`
package's clients): each neutral command reaches the station in its version's words, and
its answer is recorded as ACCEPTED or REJECTED with the station's status and reason."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from ocpp.v16 import call as call16
from ocpp.v201 import call as call201

from tests.api.command_stations import station16, station201
from tests.api.conftest import Api, data, error
from voltgate.domain.access import Role

# (command, body, action the station gets, payload sent) per version.
NEUTRAL_16: list[tuple[str, dict[str, Any], str, dict[str, Any]]] = [
    ("start", {"idTag": "TAG-1", "evseId": 1}, "RemoteStartTransaction",
     {"idTag": "TAG-1", "connectorId": 1}),
    ("reset", {"type": "ON_IDLE"}, "Reset", {"type": "Soft"}),
    ("reset", {"type": "IMMEDIATE"}, "Reset", {"type": "Hard"}),
    ("unlock", {"evseId": 2}, "UnlockConnector", {"connectorId": 2}),
    ("availability", {"availability": "INOPERATIVE", "evseId": 1}, "ChangeAvailability",
     {"connectorId": 1, "type": "Inoperative"}),
    ("availability", {"availability": "OPERATIVE"}, "ChangeAvailability",
     {"connectorId": 0, "type": "Operative"}),
    ("trigger", {"message": "StatusNotification", "evseId": 1}, "TriggerMessage",
     {"requestedMessage": "StatusNotification", "connectorId": 1}),
    ("clear-cache", {}, "ClearCache", {}),
    ("get-configuration", {"keys": ["HeartbeatInterval"]}, "GetConfiguration",
     {"key": ["HeartbeatInterval"]}),
    ("set-configuration", {"key": "HeartbeatInterval", "value": "60"}, "ChangeConfiguration",
     {"key": "HeartbeatInterval", "value": "60"}),
    ("data-transfer", {"vendorId": "ACME", "messageId": "ping", "data": "x"}, "DataTransfer",
     {"vendorId": "ACME", "messageId": "ping", "data": "x"}),
]  # fmt: skip

NEUTRAL_201: list[tuple[str, dict[str, Any], str, dict[str, Any]]] = [
    ("reset", {"type": "ON_IDLE", "evseId": 1}, "Reset", {"type": "OnIdle", "evseId": 1}),
    ("reset", {"type": "IMMEDIATE"}, "Reset", {"type": "Immediate"}),
    ("unlock", {"evseId": 2, "connectorId": 1}, "UnlockConnector",
     {"evseId": 2, "connectorId": 1}),
    ("availability", {"availability": "INOPERATIVE", "evseId": 1, "connectorId": 1},
     "ChangeAvailability",
     {"operationalStatus": "Inoperative", "evse": {"id": 1, "connectorId": 1}}),
    ("trigger", {"message": "StatusNotification", "evseId": 1}, "TriggerMessage",
     {"requestedMessage": "StatusNotification", "evse": {"id": 1}}),
    ("clear-cache", {}, "ClearCache", {}),
    ("get-configuration", {"keys": ["OCPPCommCtrlr.HeartbeatInterval"]}, "GetVariables",
     {"getVariableData": [{"component": {"name": "OCPPCommCtrlr"},
                           "variable": {"name": "HeartbeatInterval"}}]}),
    ("set-configuration", {"key": "OCPPCommCtrlr.HeartbeatInterval", "value": "60"},
     "SetVariables", {"setVariableData": [{"component": {"name": "OCPPCommCtrlr"},
                                           "variable": {"name": "HeartbeatInterval"},
                                           "attributeValue": "60"}]}),
    ("data-transfer", {"vendorId": "ACME", "messageId": "ping"}, "DataTransfer",
     {"vendorId": "ACME", "messageId": "ping"}),
]  # fmt: skip

# The station's status for each action when it says yes / no.
STATUS_16 = {
    "UnlockConnector": ("Unlocked", "UnlockFailed"),
    "GetConfiguration": (None, "UnknownKey"),
}
STATUS_201 = {
    "Reset": ("Scheduled", "Rejected"),
    "UnlockConnector": ("Unlocked", "UnlockFailed"),
    "GetVariables": ("Accepted", "UnknownVariable"),
    "SetVariables": ("RebootRequired", "Rejected"),
    "DataTransfer": ("Accepted", "UnknownVendorId"),
}


def command_url(station_id: str, name: str) -> str:
    return f"/api/v1/stations/{station_id}/commands/{name}"


@pytest.mark.parametrize("accept", [True, False], ids=["accepted", "rejected"])
async def test_neutral_commands_reach_a_16_station_and_its_answers_are_recorded(
    api: Api, accept: bool
) -> None:
    """Each neutral command becomes its OCPP 1.6 action (§5.2-5.18); Accepted (Unlocked,
    known keys) is ACCEPTED, anything else REJECTED with the station's status."""
    async with station16(api.csms, "CP-16", accept=accept) as station:
        for name, body, action, payload in NEUTRAL_16:
            record = data(await api.post(command_url("CP-16", name), Role.OPERATOR, json=body))
            yes, no = STATUS_16.get(action, ("Accepted", "Rejected"))
            assert (record["action"], record["request"]) == (action, payload), name
            assert record["state"] == ("ACCEPTED" if accept else "REJECTED"), name
            assert record["status"] == (yes if accept else no), name
            assert record["protocol"] == "ocpp1.6"
            assert record["finishedAt"] is not None
        assert [action for action, _ in station.received] == [row[2] for row in NEUTRAL_16]
    if not accept:
        assert record["reason"] is None
        unknown = data(await api.get(f"/api/v1/commands/{record['id'] - 2}"))
        assert unknown["reason"] == "unknown keys: HeartbeatInterval"


@pytest.mark.parametrize("accept", [True, False], ids=["accepted", "rejected"])
async def test_neutral_commands_reach_a_201_station_and_its_answers_are_recorded(
    api: Api, accept: bool
) -> None:
    """Each neutral command becomes its OCPP 2.0.1 action (B05, B06, B11/B12, C11, F05,
    F06, G03, P01); Scheduled and RebootRequired count as ACCEPTED, and a refusal keeps
    the station's status and statusInfo."""
    async with station201(api.csms, "CP-201", accept=accept) as station:
        for name, body, action, payload in NEUTRAL_201:
            record = data(await api.post(command_url("CP-201", name), Role.OPERATOR, json=body))
            yes, no = STATUS_201.get(action, ("Accepted", "Rejected"))
            assert (record["action"], record["request"]) == (action, payload), name
            assert record["state"] == ("ACCEPTED" if accept else "REJECTED"), name
            assert record["status"] == (yes if accept else no), name
        assert [action for action, _ in station.received] == [row[2] for row in NEUTRAL_201]
        start = data(
            await api.post(command_url("CP-201", "start"), json={"idTag": "TAG-1", "evseId": 1})
        )
    # F01: remoteStartId is the command's own id; the token type defaults to Central.
    assert start["request"] == {
        "idToken": {"idToken": "TAG-1", "type": "Central"},
        "remoteStartId": start["id"],
        "evseId": 1,
    }
    if accept:
        assert (start["state"], start["status"], start["reason"]) == ("ACCEPTED", "Accepted", None)
    else:
        assert (start["state"], start["status"]) == ("REJECTED", "Rejected")
        assert start["reason"] == "Occupied: in use"


async def test_16_remote_start_is_tied_to_the_transaction_that_follows(api: Api) -> None:
    """1.6 names no command in StartTransaction: the next one with the command's idTag (any
    case) on its connector, within the call timeout, is the command's transaction."""
    await api.post("/api/v1/id-tokens", json={"idTag": "TAG-1"})
    async with station16(api.csms, "CP-16") as station:
        command = data(
            await api.post(command_url("CP-16", "start"), json={"idTag": "TAG-1", "evseId": 1})
        )
        started = await station.call(
            call16.StartTransaction(connector_id=1, id_tag="tag-1", meter_start=0, timestamp=_now())
        )
        stop = data(
            await api.post(
                command_url("CP-16", "stop"), json={"transactionId": started.transaction_id}
            )
        )
    linked = data(await api.get(f"/api/v1/commands/{command['id']}", Role.VIEWER))
    assert linked["transactionId"] == started.transaction_id
    assert (stop["action"], stop["request"]) == (
        "RemoteStopTransaction",
        {"transactionId": started.transaction_id},
    )
    assert station.received[-1] == (
        "RemoteStopTransaction",
        {"transaction_id": started.transaction_id},
    )


async def test_201_remote_start_is_tied_by_remote_start_id_f01_fr_25(api: Api) -> None:
    """The TransactionEvent carrying remoteStartId = the command's id ties the command to
    the transaction (F01.FR.25, F02.FR.01); stop sends the station's own transactionId."""
    async with station201(api.csms, "CP-201") as station:
        command = data(await api.post(command_url("CP-201", "start"), json={"idTag": "TAG-1"}))
        await station.call(
            call201.TransactionEvent(
                event_type="Started",
                timestamp=_now(),
                trigger_reason="RemoteStart",
                seq_no=0,
                transaction_info={"transaction_id": "TX-A", "remote_start_id": command["id"]},
                evse={"id": 1, "connector_id": 1},
                id_token={"id_token": "TAG-1", "type": "Central"},
            )
        )
        linked = data(await api.get(f"/api/v1/commands/{command['id']}"))
        assert linked["transactionId"] is not None
        stop = data(
            await api.post(
                command_url("CP-201", "stop"), json={"transactionId": linked["transactionId"]}
            )
        )
    assert stop["request"] == {"transactionId": "TX-A"}
    assert station.received[-1] == ("RequestStopTransaction", {"transaction_id": "TX-A"})
    tx = data(await api.get(f"/api/v1/transactions/{linked['transactionId']}"))
    assert tx["stationTransactionId"] == "TX-A"


async def test_raw_call_sends_any_action_of_the_stations_version(api: Api) -> None:
    """A raw call of a CSMS-initiated action is checked against its schema, sent as given,
    and recorded like any command."""
    async with station201(api.csms, "CP-201") as station:
        body = {
            "action": "GetBaseReport",
            "payload": {"requestId": 4, "reportBase": "FullInventory"},
        }
        record = data(await api.post(command_url("CP-201", "raw"), json=body))
    assert (record["name"], record["action"], record["state"]) == (
        "raw",
        "GetBaseReport",
        "ACCEPTED",
    )
    assert station.received == [
        ("GetBaseReport", {"request_id": 4, "report_base": "FullInventory"})
    ]
    async with station16(api.csms, "CP-16"):
        body = {"action": "GetLocalListVersion", "payload": {}}
        record = data(await api.post(command_url("CP-16", "raw"), json=body))
    assert (record["state"], record["response"]) == ("ACCEPTED", {"listVersion": 7})


async def test_invalid_raw_calls_are_refused_before_anything_is_stored(api: Api) -> None:
    """422 with the schema's complaint for a payload that breaks the official schema, an
    action the station sends (not the CSMS), or one of another version; nothing stored."""
    async with station201(api.csms, "CP-201") as station:
        bad_payload = {"action": "GetBaseReport", "payload": {"requestId": "four"}}
        problem = error(await api.post(command_url("CP-201", "raw"), json=bad_payload), 422)
        assert problem["code"] == "VALIDATION_FAILED"
        assert "GetBaseReport" in problem["message"]
        for action in ("BootNotification", "RemoteStartTransaction", "NoSuchAction"):
            body = {"action": action, "payload": {}}
            problem = error(await api.post(command_url("CP-201", "raw"), json=body), 422)
            assert "not an action the CSMS sends" in problem["message"]
        page = data(await api.get("/api/v1/stations/CP-201/commands"))
        assert station.received == []
    assert page == {"items": [], "hasMore": False}


async def test_commands_a_version_cannot_express_are_refused(api: Api) -> None:
    """422 for what the station's version cannot say (1.6: no per-EVSE reset; 2.0.1: a
    setting is Component.Variable), for a transaction of another station, and for the
    Basic auth password, which only the password rotation sets (A01.FR.08)."""
    async with station16(api.csms, "CP-16"), station201(api.csms, "CP-201"):
        refused = [
            ("CP-16", "reset", {"type": "IMMEDIATE", "evseId": 1}),
            ("CP-16", "set-configuration", {"key": "authorizationkey", "value": "00ff"}),
            ("CP-201", "set-configuration", {"key": "HeartbeatInterval", "value": "60"}),
            ("CP-201", "get-configuration", {"keys": []}),
            ("CP-201", "set-configuration",
             {"key": "SecurityCtrlr.BasicAuthPassword", "value": "s3cret-s3cret-s3cret"}),
            ("CP-201", "stop", {"transactionId": 99}),
        ]  # fmt: skip
        for station_id, name, body in refused:
            response = await api.post(command_url(station_id, name), json=body)
            assert error(response, 422)["code"] == "VALIDATION_FAILED", (name, body)
    assert error(await api.post(command_url("NOPE", "reset"), json={"type": "ON_IDLE"}), 404)


async def test_station_commands_are_listed_newest_first(api: Api) -> None:
    """A station's commands, a page at a time, newest first, with who sent them."""
    async with station16(api.csms, "CP-16"):
        ids = [
            data(await api.post(command_url("CP-16", "clear-cache"), Role.OPERATOR))["id"]
            for _ in range(3)
        ]
    first = data(await api.get("/api/v1/stations/CP-16/commands?limit=2", Role.VIEWER))
    assert [item["id"] for item in first["items"]] == ids[:0:-1]
    assert first["hasMore"] is True
    rest = data(await api.get(f"/api/v1/stations/CP-16/commands?startingAfter={ids[1]}"))
    assert [item["id"] for item in rest["items"]] == [ids[0]]
    assert first["items"][0]["requestedBy"].startswith("key_")
    assert error(await api.get("/api/v1/stations/NOPE/commands"), 404)
    assert error(await api.get("/api/v1/commands/999999"), 404)


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")
