"""`voltgate model` and `voltgate station drift` as an operator runs them: real processes
on a real database; the drift of a station that booted against a real `voltgate serve`."""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path
from typing import Any

import httpx
from ocpp.v16 import call

from tests.api.configured_stations import Configured16
from tests.api.station_model_support import CONNECTOR, model_body
from tests.cli.test_cli import VOLTGATE, run, server
from tests.e2e.conftest import PASSWORD, basic_auth, connect

__all__ = ["server"]


def catalog(*models: dict[str, Any]) -> str:
    return json.dumps({"format": "voltgate.station-models", "version": 1, "models": list(models)})


def entry(model: str, **changes: Any) -> dict[str, Any]:
    return model_body(model=model, **changes)


def test_model_commands_explain_themselves() -> None:
    """`--help` works on every model command and on station drift."""
    for args in (["model"], ["model", "list"], ["model", "export"], ["model", "import"]):
        result = subprocess.run(
            [*VOLTGATE, *args, "--help"], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr
        assert "Usage: voltgate" in result.stdout
    drift = subprocess.run(
        [*VOLTGATE, "station", "drift", "--help"], capture_output=True, text=True, check=False
    )
    assert drift.returncode == 0 and "as last read" in drift.stdout


def test_catalog_import_list_export_round_trip(database_url: str, tmp_path: Path) -> None:
    """`model import` creates the models of a document and says so; `model list` shows the
    live ones (`--archived` the others); `model export --file` writes a document that
    imports back unchanged; an invalid document is refused with where, importing nothing."""
    source = tmp_path / "catalog.json"
    source.write_text(catalog(entry("X1", friendlyName="Home"), entry("X0", isArchived=True)))
    imported = run("model", "import", str(source), url=database_url)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith("2 created, 0 updated, 0 unchanged, 0 refused")

    listed = run("model", "list", url=database_url).stdout.splitlines()
    assert len(listed) == 1 and "ACME / X1  'Home'  AC_3_PHASE" in listed[0]
    assert "1:IEC_62196_T2/SOCKET/22000W" in listed[0]
    archived = run("model", "list", "--archived", "--json", url=database_url)
    assert [m["model"] for m in json.loads(archived.stdout)] == ["X0"]

    out = tmp_path / "out.json"
    exported = run("model", "export", "--file", str(out), url=database_url)
    assert exported.returncode == 0, exported.stderr
    document = json.loads(out.read_text())
    assert [(m["model"], m["isArchived"]) for m in document["models"]] == [
        ("X1", False),
        ("X0", True),
    ]
    again = run("model", "import", str(out), url=database_url)
    assert again.stdout.startswith("0 created, 0 updated, 2 unchanged, 0 refused")

    bad = tmp_path / "bad.json"
    bad.write_text(catalog(entry("X7"), entry("X8", powerType="AC")))
    refused = run("model", "import", str(bad), url=database_url)
    assert refused.returncode == 1
    assert "models.1.powerType" in refused.stderr and "Traceback" not in refused.stderr
    twice = tmp_path / "twice.json"
    twice.write_text(catalog(entry("X9", connectors=[CONNECTOR, CONNECTOR])))
    refused = run("model", "import", str(twice), url=database_url)
    assert refused.returncode == 1 and "models.0.connectors.1.id" in refused.stderr
    assert "X7" not in run("model", "list", url=database_url).stdout


def test_drift_of_a_booted_station_on_the_cli(
    server: tuple[int, int], database_url: str, tmp_path: Path
) -> None:
    """A station provisioned on the CLI boots against `voltgate serve` as a model imported
    on the CLI: it is matched, gets the model's keys, `station show` names its model and
    `station drift` shows each key as last read."""
    ocpp_port, api_port = server
    mapped = entry(
        "X1",
        configurationKeys={"ocppUrl": "wss://new.example.com/ocpp", "HeartbeatInterval": "120"},
        keyMappings={"ocppUrl": {"ocpp1.6": "CentralSystemURL"}},
    )
    path = tmp_path / "catalog.json"
    path.write_text(catalog(mapped))
    assert run("model", "import", str(path), url=database_url).returncode == 0
    assert run("station", "add", "CP-7", "--password", PASSWORD, url=database_url).returncode == 0
    key = run("apikey", "create", "--name", "t", "--role", "viewer", url=database_url).stdout
    drift_url = f"http://127.0.0.1:{api_port}/api/v1/stations/CP-7/configuration-drift"
    config = {"CentralSystemURL": "wss://old.example.com/ocpp", "HeartbeatInterval": "60"}

    async def boot() -> dict[str, str]:
        async with connect(
            f"ws://127.0.0.1:{ocpp_port}/ocpp/CP-7",
            subprotocols=["ocpp1.6"],  # type: ignore[list-item]
            additional_headers=basic_auth("CP-7", PASSWORD),
        ) as ws:
            station = Configured16("CP-7", ws, response_timeout=10)
            station.config = dict(config)
            task = asyncio.create_task(station.start())
            await station.call(
                call.BootNotification(charge_point_vendor="acme", charge_point_model="x1")
            )
            headers = {"Authorization": f"Bearer {key.strip()}"}
            async with httpx.AsyncClient(headers=headers) as client, asyncio.timeout(10):
                while True:  # until the apply (read, set, read back) is stored
                    answer = await client.get(drift_url, params={"refresh": "false"})
                    if answer.json()["data"]["inSync"]:
                        break
                    await asyncio.sleep(0.01)
            task.cancel()
            return station.config

    assert asyncio.run(boot()) == {
        "CentralSystemURL": "wss://new.example.com/ocpp",
        "HeartbeatInterval": "120",
    }
    shown = json.loads(run("station", "show", "CP-7", "--json", url=database_url).stdout)
    assert shown["modelId"] == "mdl_0000000001"
    drift = run("station", "drift", "CP-7", url=database_url)
    assert drift.returncode == 0, drift.stderr
    lines = drift.stdout.splitlines()
    assert lines[0] == "Station CP-7  model mdl_0000000001  (ocpp1.6): in sync"
    assert lines[1].startswith("  ocppUrl (CentralSystemURL)  IN_SYNC")
    assert "last set 'wss://new.example.com/ocpp': command" in lines[2]
    report = json.loads(run("station", "drift", "CP-7", "--json", url=database_url).stdout)
    assert [(k["key"], k["state"]) for k in report["keys"]] == [
        ("ocppUrl", "IN_SYNC"),
        ("HeartbeatInterval", "IN_SYNC"),
    ]
    missing = run("station", "drift", "NOPE", url=database_url)
    assert missing.returncode == 1 and "no station 'NOPE'" in missing.stderr
