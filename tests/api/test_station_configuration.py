"""A model's configuration keys reach its real, connected stations (the `ocpp` package's 1.6
and 2.0.1 ChargePoints) after an Accepted boot, each read and set a command record, and the
drift report shows per key what was expected, what the station reports and how the last
set ended, over real HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from ocpp.v16 import call as call16

from tests.api.configured_stations import configured
from tests.api.conftest import Api, data, error
from tests.api.station_model_support import CATALOG, create_model
from tests.e2e.conftest import PASSWORD
from tests.e2e.security_support import eventually
from voltgate.domain.access import Role

STATIONS = "/api/v1/stations"
NEW_URL = "wss://new.example.com/ocpp"


def drift_url(station_id: str) -> str:
    return f"{STATIONS}/{station_id}/configuration-drift"


async def linked_station(api: Api, station_id: str, keys: dict[str, str], mappings: Any) -> str:
    """A model with these keys and mappings, and `station_id` provisioned as one of it."""
    model = await create_model(api, configurationKeys={"ocppUrl": NEW_URL})
    body = {"configurationKeys": {"ocppUrl": NEW_URL, **keys}, "keyMappings": mappings}
    data(await api.put(f"{CATALOG}/{model['id']}/configuration", json=body))
    body = {"id": station_id, "password": PASSWORD, "modelId": model["id"]}
    data(await api.post(STATIONS, Role.OPERATOR, json=body), 201)
    model_id: str = model["id"]
    return model_id


async def stored_drift(api: Api, station_id: str) -> dict[str, Any]:
    report: dict[str, Any] = data(
        await api.get(drift_url(station_id), Role.VIEWER, params={"refresh": "false"})
    )
    return report


async def applied(api: Api, station_id: str) -> dict[str, Any]:
    """The stored report once the boot's apply (read, sets, read back) is stored."""

    async def done() -> dict[str, Any] | None:
        report = await stored_drift(api, station_id)
        return report if report["keys"][0]["state"] == "IN_SYNC" else None

    return await eventually(done)


def by_key(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {line["key"]: line for line in report["keys"]}


async def test_16_station_gets_its_model_keys_after_boot_and_drift_is_reported(
    api: Api,
) -> None:
    """1.6: after the Accepted boot the CSMS reads the model's keys (GetConfiguration), sets
    each one the station reports otherwise (ChangeConfiguration; values compare in any
    case, CiString500) and reads them back, all as command records of the model. The
    drift report shows what is in sync, what the station refused, what it does not know;
    a value changed on site shows as DRIFTED at the next live read and is set back at the
    next boot."""
    keys = {
        "HeartbeatInterval": "120",
        "LocalPreAuthorize": "true",
        "MeterValueSampleInterval": "30",
        "VendorThing": "1",
    }
    model_id = await linked_station(
        api, "CP-16", keys, {"ocppUrl": {"ocpp1.6": "CentralSystemURL"}}
    )
    config = {
        "CentralSystemURL": "wss://old.example.com/ocpp",
        "HeartbeatInterval": "120",
        "LocalPreAuthorize": "TRUE",
        "MeterValueSampleInterval": "60",
    }
    async with configured(
        api.csms, "CP-16", "ocpp1.6", config=config, readonly={"MeterValueSampleInterval"}
    ) as station:
        report = await applied(api, "CP-16")
        assert station.config["CentralSystemURL"] == NEW_URL
        assert station.config["MeterValueSampleInterval"] == "60"  # read-only
        changes = [
            fields["key"] for action, fields in station.received if action != "GetConfiguration"
        ]
        assert changes == ["CentralSystemURL", "MeterValueSampleInterval", "VendorThing"]

        commands = data(await api.get(f"{STATIONS}/CP-16/commands", Role.VIEWER))["items"]
        assert [c["action"] for c in reversed(commands)] == [
            "GetConfiguration",
            "ChangeConfiguration",
            "ChangeConfiguration",
            "ChangeConfiguration",
            "GetConfiguration",
        ]
        assert {c["requestedBy"] for c in commands} == {f"station-model:{model_id}"}
        assert commands[-1]["request"] == {
            "key": [
                "CentralSystemURL",
                "HeartbeatInterval",
                "LocalPreAuthorize",
                "MeterValueSampleInterval",
                "VendorThing",
            ]
        }

        lines = by_key(report)
        assert report["modelId"] == model_id and report["protocol"] == "ocpp1.6"
        assert report["inSync"] is False and report["live"] is False
        url = lines["ocppUrl"]
        assert (url["stationKey"], url["state"], url["actual"]) == (
            "CentralSystemURL",
            "IN_SYNC",
            NEW_URL,
        )
        assert url["lastApply"]["state"] == "ACCEPTED"
        assert url["lastApply"]["commandId"] == commands[3]["id"]
        assert (lines["HeartbeatInterval"]["state"], lines["HeartbeatInterval"]["lastApply"]) == (
            "IN_SYNC",
            None,
        )
        assert (lines["LocalPreAuthorize"]["state"], lines["LocalPreAuthorize"]["actual"]) == (
            "IN_SYNC",
            "TRUE",
        )
        refused = lines["MeterValueSampleInterval"]
        assert (refused["state"], refused["expected"], refused["actual"]) == ("DRIFTED", "30", "60")
        assert (refused["lastApply"]["state"], refused["lastApply"]["status"]) == (
            "REJECTED",
            "Rejected",
        )
        unknown = lines["VendorThing"]
        assert (unknown["state"], unknown["lastApply"]["status"]) == ("UNKNOWN_KEY", "NotSupported")

        station.config["HeartbeatInterval"] = "30"  # changed on site
        assert by_key(await stored_drift(api, "CP-16"))["HeartbeatInterval"]["state"] == "IN_SYNC"
        live = data(await api.get(drift_url("CP-16"), Role.VIEWER))
        assert live["live"] is True
        heartbeat = by_key(live)["HeartbeatInterval"]
        assert (heartbeat["state"], heartbeat["actual"]) == ("DRIFTED", "30")
        newest = data(await api.get(f"{STATIONS}/CP-16/commands", Role.VIEWER))["items"][0]
        assert newest["action"] == "GetConfiguration"
        assert (
            newest["requestedBy"]
            == (await api.get("/api/v1/auth/me", Role.VIEWER)).json()["data"]["id"]
        )
        assert by_key(await stored_drift(api, "CP-16"))["HeartbeatInterval"]["state"] == "DRIFTED"

    offline = await stored_drift(api, "CP-16")
    assert by_key(data(await api.get(drift_url("CP-16"), Role.VIEWER))) == by_key(offline)
    async with configured(api.csms, "CP-16", "ocpp1.6", config=station.config) as rebooted:

        async def set_back() -> bool | None:
            return True if rebooted.config["HeartbeatInterval"] == "120" else None

        await eventually(set_back)


async def test_201_station_gets_its_model_variables_after_boot(api: Api) -> None:
    """2.0.1: the keys are Component.Variable names (or mapped to one), read with
    GetVariables and set with SetVariables; ocppUrl, unmapped, is not applied (2.0.1 keeps
    the CSMS URL in a network profile) and a 1.6 key name is UNMAPPED with the reason;
    values compare exactly (attributeValue is case-sensitive)."""
    keys = {
        "OCPPCommCtrlr.HeartbeatInterval": "120",
        "SampledDataCtrlr.TxUpdatedInterval": "30",
        "MeterValueSampleInterval": "15",
        "LocalPreAuthorize": "true",
        "AuthCtrlr.LocalPreAuthorize": "true",
    }
    mappings = {"MeterValueSampleInterval": {"ocpp2.0.1": "AlignedDataCtrlr.Interval"}}
    await linked_station(api, "CP-201", keys, mappings)
    config = {
        "OCPPCommCtrlr.HeartbeatInterval": "60",
        "SampledDataCtrlr.TxUpdatedInterval": "60",
        "AlignedDataCtrlr.Interval": "900",
        "AuthCtrlr.LocalPreAuthorize": "True",
    }
    async with configured(
        api.csms,
        "CP-201",
        "ocpp2.0.1",
        config=config,
        readonly={"SampledDataCtrlr.TxUpdatedInterval"},
    ) as station:

        async def done() -> dict[str, Any] | None:
            report = await stored_drift(api, "CP-201")
            line = by_key(report)["OCPPCommCtrlr.HeartbeatInterval"]
            return report if line["state"] == "IN_SYNC" else None

        report = await eventually(done)
        assert station.config == {
            "OCPPCommCtrlr.HeartbeatInterval": "120",
            "SampledDataCtrlr.TxUpdatedInterval": "60",
            "AlignedDataCtrlr.Interval": "15",
            "AuthCtrlr.LocalPreAuthorize": "true",
        }
        actions = [action for action, _ in station.received]
        assert actions == ["GetVariables"] + ["SetVariables"] * 4 + ["GetVariables"]
    lines = by_key(report)
    assert (lines["ocppUrl"]["state"], lines["ocppUrl"]["stationKey"]) == ("UNMAPPED", None)
    assert "keyMappings" in lines["ocppUrl"]["note"]
    assert lines["LocalPreAuthorize"]["state"] == "UNMAPPED"
    assert "Component.Variable" in lines["LocalPreAuthorize"]["note"]
    assert lines["AuthCtrlr.LocalPreAuthorize"]["state"] == "IN_SYNC"
    assert lines["AuthCtrlr.LocalPreAuthorize"]["lastApply"]["state"] == "ACCEPTED"
    assert (
        lines["MeterValueSampleInterval"]["stationKey"],
        lines["MeterValueSampleInterval"]["state"],
    ) == ("AlignedDataCtrlr.Interval", "IN_SYNC")
    refused = lines["SampledDataCtrlr.TxUpdatedInterval"]
    assert (refused["state"], refused["lastApply"]["status"]) == ("DRIFTED", "Rejected")
    assert report["inSync"] is False


async def test_drift_of_stations_without_model_or_connection(api: Api) -> None:
    """No model: an empty report; a model but never connected: every key NOT_READ with the
    reason; an unknown station: 404; without credentials: 401."""
    data(await api.post(STATIONS, Role.OPERATOR, json={"id": "CP-BARE"}), 201)
    bare = data(await api.get(drift_url("CP-BARE"), Role.VIEWER))
    assert (bare["modelId"], bare["keys"], bare["inSync"]) == (None, [], True)
    await linked_station(api, "CP-NEW", {"HeartbeatInterval": "60"}, {})
    fresh = data(await api.get(drift_url("CP-NEW"), Role.VIEWER))
    assert [(k["key"], k["state"]) for k in fresh["keys"]] == [
        ("ocppUrl", "NOT_READ"),
        ("HeartbeatInterval", "NOT_READ"),
    ]
    assert "never connected" in fresh["keys"][0]["note"]
    assert error(await api.get(drift_url("CP-NONE"), Role.VIEWER), 404)["code"] == "NOT_FOUND"
    error(await api.get(drift_url("CP-NEW"), None), 401)


async def test_a_station_without_model_gets_no_configuration_commands(api: Api) -> None:
    """A station that matches no model boots without any command following."""
    data(await api.post(STATIONS, Role.OPERATOR, json={"id": "CP-X", "password": PASSWORD}), 201)
    async with configured(api.csms, "CP-X", "ocpp1.6", vendor="Nobody") as station:
        await station.call(call16.Heartbeat())
        assert station.received == []
    assert data(await api.get(f"{STATIONS}/CP-X/commands", Role.VIEWER))["items"] == []
