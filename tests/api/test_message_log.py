"""The message log over real HTTP: real 1.6 and 2.0.1 stations (the `ocpp` package's
ChargePoints) talk to the real server on SQLite and PostgreSQL, and every frame of both
directions reads back from `GET /api/v1/stations/{stationId}/messages` as it crossed the
wire."""

from __future__ import annotations

import json
from typing import Any

import pytest
from ocpp.v16 import call as call16
from ocpp.v201 import call as call201

from tests.api.command_stations import Station16, Station201
from tests.api.conftest import Api, data, error
from tests.api.message_log_support import (
    messages_url,
    parsed,
    read_log,
    tapped,
    wait_for_log,
    wire,
)
from tests.e2e.conftest import raw_station
from tests.e2e.test_handshake import boot
from voltgate.domain.access import Role

FROM, TO = "FROM_STATION", "TO_STATION"


def command_url(station_id: str, name: str) -> str:
    return f"/api/v1/stations/{station_id}/commands/{name}"


def check_fields(frame: dict[str, Any], station_id: str) -> None:
    """The fields a frame's text determines agree with the text."""
    text = parsed(frame["frame"])
    assert frame["stationId"] == station_id
    assert frame["uniqueId"] == text[1]
    assert (frame["size"], frame["truncated"]) == (len(frame["frame"]), False)
    if frame["messageType"] == "CALL":
        assert (frame["action"], frame["payload"]) == (text[2], text[3])
    elif frame["messageType"] == "CALL_RESULT":
        assert (frame["payload"], frame["errorCode"]) == (text[2], None)
    else:
        assert frame["messageType"] == "CALL_ERROR"
        assert (frame["errorCode"], frame["errorDescription"]) == (text[2], text[3])
        assert frame["payload"] == text[4]


def check_order(frames: list[dict[str, Any]]) -> None:
    """Ids grow and times never go back, oldest first."""
    ids = [frame["id"] for frame in frames]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    times = [frame["at"] for frame in frames]
    assert times == sorted(times)


async def test_a_16_conversation_is_logged_frame_by_frame(api: Api) -> None:
    """A 1.6 station boots, sends a heartbeat and a status, and answers GetConfiguration:
    the log holds every frame of both directions in the order the station saw them, with
    the action of the CALL each answer answers and the text exactly as on the wire."""
    async with tapped(api.csms, "CP-16", Station16, "ocpp1.6") as (station, tap):
        await station.call(call16.BootNotification("ACME", "X1"))
        await station.call(call16.Heartbeat())
        await station.call(call16.StatusNotification(1, "NoError", "Available"))
        body = {"keys": ["HeartbeatInterval"]}
        data(await api.post(command_url("CP-16", "get-configuration"), json=body))
        seen = list(tap.frames)
    logged = await wait_for_log(api, "CP-16", len(seen))
    assert [wire(frame) for frame in logged] == seen
    assert [(f["direction"], f["messageType"], f["action"]) for f in logged] == [
        (FROM, "CALL", "BootNotification"),
        (TO, "CALL_RESULT", "BootNotification"),
        (FROM, "CALL", "Heartbeat"),
        (TO, "CALL_RESULT", "Heartbeat"),
        (FROM, "CALL", "StatusNotification"),
        (TO, "CALL_RESULT", "StatusNotification"),
        (TO, "CALL", "GetConfiguration"),
        (FROM, "CALL_RESULT", "GetConfiguration"),
    ]
    for frame in logged:
        check_fields(frame, "CP-16")
    check_order(logged)
    assert logged[-1]["payload"] == {
        "configurationKey": [{"key": "HeartbeatInterval", "readonly": False, "value": "60"}]
    }


async def test_a_201_conversation_is_logged_frame_by_frame(api: Api) -> None:
    """The same for 2.0.1: BootNotification, Heartbeat, StatusNotification and the
    GetVariables the CSMS sends, each as the station sent or received it."""
    async with tapped(api.csms, "CP-201", Station201, "ocpp2.0.1") as (station, tap):
        boot = call201.BootNotification({"model": "X2", "vendor_name": "ACME"}, "PowerUp")
        await station.call(boot)
        await station.call(call201.Heartbeat())
        status = call201.StatusNotification("2025-01-01T12:00:00Z", "Available", 1, 1)
        await station.call(status)
        body = {"keys": ["OCPPCommCtrlr.HeartbeatInterval"]}
        data(await api.post(command_url("CP-201", "get-configuration"), json=body))
        seen = list(tap.frames)
    logged = await wait_for_log(api, "CP-201", len(seen))
    assert [wire(frame) for frame in logged] == seen
    assert [(f["direction"], f["messageType"], f["action"]) for f in logged][-2:] == [
        (TO, "CALL", "GetVariables"),
        (FROM, "CALL_RESULT", "GetVariables"),
    ]
    assert [f["action"] for f in logged][:6:2] == [
        "BootNotification",
        "Heartbeat",
        "StatusNotification",
    ]
    for frame in logged:
        check_fields(frame, "CP-201")
    check_order(logged)


async def test_unreadable_frames_are_kept_raw_with_the_callerror_they_got(api: Api) -> None:
    """Frames that are not OCPP-J are logged MALFORMED with their raw text and the id when
    it was readable; the CALLERROR answering each follows it (OCPP-J 1.6 §4.2.3: "-1" when
    the id is not readable); a CALL of an unknown action and an answer to no CALL are logged
    as what they are. A NUL, which PostgreSQL text cannot hold, is stored as U+FFFD."""
    await api.csms.services.stations.add("CP-BAD", "correct-horse-battery-staple")
    sent = [
        "not json at all",
        '[2, "f1", "Heartbeat", {',
        '[2, "f5", "FlyToTheMoon", {}]',
        "nul\x00byte",
        '[2, "n\\u0000l", "Heartbeat", {}]',
    ]
    async with raw_station(api.csms, "CP-BAD") as ws:
        await boot(ws)
        for text in sent:
            await ws.send(text)
            await ws.recv()
        await ws.send('[3, "nobody-asked", {}]')  # dropped: an answer is never answered
        await ws.send('[2, "hb", "Heartbeat", {}]')
        await ws.recv()
    logged = (await wait_for_log(api, "CP-BAD", 15))[2:]  # after the boot
    rows = [(f["direction"], f["messageType"], f["uniqueId"], f["action"]) for f in logged]
    assert rows == [
        (FROM, "MALFORMED", None, None),
        (TO, "CALL_ERROR", "-1", None),
        (FROM, "MALFORMED", "f1", None),
        (TO, "CALL_ERROR", "f1", None),
        (FROM, "CALL", "f5", "FlyToTheMoon"),
        (TO, "CALL_ERROR", "f5", "FlyToTheMoon"),
        (FROM, "MALFORMED", None, None),
        (TO, "CALL_ERROR", "-1", None),
        (FROM, "CALL", "n\ufffdl", "Heartbeat"),
        (TO, "CALL_RESULT", "n\ufffdl", "Heartbeat"),
        (FROM, "CALL_RESULT", "nobody-asked", None),
        (FROM, "CALL", "hb", "Heartbeat"),
        (TO, "CALL_RESULT", "hb", "Heartbeat"),
    ]
    assert [logged[0]["frame"], logged[2]["frame"]] == sent[:2]
    assert [logged[0]["payload"], logged[2]["payload"]] == [None, None]
    assert [logged[n]["errorCode"] for n in (1, 3, 5)] == [
        "FormationViolation",
        "FormationViolation",
        "NotImplemented",
    ]
    assert (logged[6]["frame"], logged[6]["size"]) == ("nul\ufffdbyte", 8)
    assert logged[8]["frame"] == sent[4]  # the escaped NUL is plain text
    for frame in logged[4:6] + logged[10:]:
        check_fields(frame, "CP-BAD")


async def test_filters_and_pages(api: Api) -> None:
    """Newest first, a page at a time with startingAfter and hasMore; filtered by action
    (answers count as their CALL's), direction, message type, unique id and time."""
    async with tapped(api.csms, "CP-F", Station16, "ocpp1.6") as (station, tap):
        await station.call(call16.BootNotification("ACME", "X1"))
        for _ in range(3):
            await station.call(call16.Heartbeat())
        data(await api.post(command_url("CP-F", "clear-cache"), json={}))
        count = len(tap.frames)
    everything = (await wait_for_log(api, "CP-F", count))[::-1]  # newest first, as served

    first = data(await api.get(messages_url("CP-F"), Role.VIEWER, params={"limit": 3}))
    assert (first["items"], first["hasMore"]) == (everything[:3], True)
    params = {"limit": 3, "startingAfter": first["items"][-1]["id"]}
    second = data(await api.get(messages_url("CP-F"), params=params))
    assert second["items"] == everything[3:6]

    async def only(**params: Any) -> list[dict[str, Any]]:
        return await read_log(api, "CP-F", **params)

    heartbeats = await only(action="Heartbeat")
    assert heartbeats == [f for f in everything if f["action"] == "Heartbeat"]
    assert len(heartbeats) == 6
    assert await only(direction=TO) == [f for f in everything if f["direction"] == TO]
    replies = await only(messageType="CALL_RESULT", direction=FROM)
    assert [f["action"] for f in replies] == ["ClearCache"]
    boot_id = everything[-1]["uniqueId"]
    assert [f["action"] for f in await only(uniqueId=boot_id)] == ["BootNotification"] * 2
    middle = everything[4]["at"]
    assert await only(after=middle) == [f for f in everything if f["at"] >= middle]
    assert await only(before=middle) == [f for f in everything if f["at"] < middle]
    assert await only(action="Heartbeat", after=middle, before=middle) == []


async def test_unknown_station_and_bad_filters_are_refused(api: Api) -> None:
    """An unknown station is 404; a filter that is not one of the documented values is 422
    naming the parameter."""
    problem = error(await api.get(messages_url("CP-NONE")), 404)
    assert problem["code"] == "NOT_FOUND"
    await api.csms.services.stations.add("CP-1", None)
    for params, name in [
        ({"messageType": "CALLRESULT"}, "messageType"),
        ({"direction": "IN"}, "direction"),
        ({"after": "yesterday"}, "after"),
        ({"limit": 0}, "limit"),
        ({"startingAfter": 0}, "startingAfter"),
        ({"uniqueId": "x" * 37}, "uniqueId"),
    ]:
        problem = error(await api.get(messages_url("CP-1"), params=params), 422)
        assert name in json.dumps(problem["details"]), params
    assert data(await api.get(messages_url("CP-1"))) == {"items": [], "hasMore": False}


@pytest.mark.parametrize("settings_overrides", [{"message_log_max_payload": 300}])
async def test_long_frames_are_stored_cut_and_marked(api: Api) -> None:
    """A frame longer than message_log_max_payload is stored cut to it, marked truncated,
    with its length on the wire; the short answer is stored whole."""
    async with tapped(api.csms, "CP-LONG", Station16, "ocpp1.6") as (station, tap):
        await station.call(call16.DataTransfer("ACME", data="x" * 1000))
        sent = tap.frames[0][1]
    request, answer = await wait_for_log(api, "CP-LONG", 2)
    assert (request["truncated"], request["size"]) == (True, len(sent))
    assert request["frame"] == sent[:300]
    assert (request["payload"], request["action"]) == (None, "DataTransfer")
    assert (answer["truncated"], answer["action"]) == (False, "DataTransfer")
    assert answer["frame"] == tap.frames[1][1]
