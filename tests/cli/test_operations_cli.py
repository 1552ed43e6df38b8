"""What an operator reads and sends from the command line, against a real running server
with a real station connected: `station list`, `token list`, `transaction list/show/export`
and `command send/list/show`, each a real `voltgate` process on the server's database."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import subprocess
import sys
from typing import Any

from ocpp.v16 import call as call16

from tests.api.command_stations import station16
from tests.e2e.conftest import csms, settings_overrides
from voltgate.app import Csms
from voltgate.domain.access import Role

__all__ = ["csms", "settings_overrides"]

VOLTGATE = [sys.executable, "-m", "voltgate"]
THROUGH_THE_API = {("command", "send"), ("reservation", "cancel")}


async def voltgate(*args: str, url: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run `voltgate ARGS --database-url URL` (when the command takes it) without blocking
    the event loop, so the station in this process keeps answering."""
    process = await asyncio.create_subprocess_exec(
        *VOLTGATE,
        *args,
        *([] if args[:2] in THROUGH_THE_API else ["--database-url", url]),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def charge(station: Any, id_tag: str) -> int:
    """One finished 1.6 transaction of 3,200 Wh with a meter value; its id."""
    started = await station.call(
        call16.StartTransaction(
            connector_id=1, id_tag=id_tag, meter_start=1_000, timestamp="2026-11-20T10:00:00Z"
        )
    )
    await station.call(
        call16.MeterValues(
            connector_id=1,
            transaction_id=started.transaction_id,
            meter_value=[
                {
                    "timestamp": "2026-11-20T10:15:00Z",
                    "sampled_value": [{"value": "2.5", "unit": "kWh"}],
                }
            ],
        )
    )
    await station.call(
        call16.StopTransaction(
            transaction_id=started.transaction_id,
            meter_stop=4_200,
            timestamp="2026-11-20T10:30:00Z",
        )
    )
    transaction_id: int = started.transaction_id
    return transaction_id


async def test_transactions_stations_and_tokens_read_from_the_cli(csms: Csms) -> None:
    """After a real station charged, the CLI lists the station and the token, lists the
    transaction with its energy, shows its meter values, and exports it as the API's CSV."""
    url = csms.settings.database_url
    await csms.services.authorization.add_token("04A1B2C3")
    async with station16(csms, "CP-CLI") as station:
        tx_id = await charge(station, "04A1B2C3")

        code, out, err = await voltgate("station", "list", "--json", url=url)
        assert code == 0, err
        [listed] = json.loads(out)
        assert (listed["id"], listed["connected"], listed["protocol"]) == (
            "CP-CLI", True, "ocpp1.6"
        )  # fmt: skip
        code, out, _ = await voltgate("station", "list", "--offline", url=url)
        assert "(no stations)" in out

    code, out, err = await voltgate("token", "list", url=url)
    assert code == 0, err
    assert "04A1B2C3" in out and "ACCEPTED" in out

    code, out, err = await voltgate("transaction", "list", "--station", "CP-CLI", "--json", url=url)
    assert code == 0, err
    [tx] = json.loads(out)
    assert (tx["id"], tx["idTag"], tx["status"]) == (tx_id, "04A1B2C3", "CLOSED")
    assert tx["energyWh"] == 3200
    code, out, _ = await voltgate("transaction", "list", "--open", url=url)
    assert "(no transactions)" in out

    code, out, err = await voltgate("transaction", "show", str(tx_id), url=url)
    assert code == 0, err
    assert "3200 Wh" in out and "Energy.Active.Import.Register" in out and "2.5" in out
    code, out, err = await voltgate("transaction", "show", str(tx_id), "--json", url=url)
    [reading] = json.loads(out)["meterValues"]
    assert (reading["value"], reading["unit"], reading["unitRaw"]) == (2500, "Wh", "kWh")
    code, _, err = await voltgate("transaction", "show", "999999", url=url)
    assert code == 1 and "no transaction 999999" in err

    code, out, err = await voltgate("transaction", "export", "--id-tag", "04a1b2c3", url=url)
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(row["id"], row["energyWh"]) for row in rows] == [(str(tx_id), "3200.0")]
    api = await csms_csv(csms)
    assert out == api  # the CLI writes exactly what GET /api/v1/transactions.csv serves


async def csms_csv(csms: Csms) -> str:
    """The API's CSV export of every transaction."""
    import httpx

    key = (await csms.services.access.create_api_key("csv", Role.VIEWER)).secret
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{csms.api_port}") as client:
        response = await client.get(
            "/api/v1/transactions.csv",
            params={"idTag": "04A1B2C3"},
            headers={"Authorization": f"Bearer {key}"},
        )
    assert response.status_code == 200
    return response.text


async def test_command_send_reaches_the_station_and_is_listed(csms: Csms) -> None:
    """`command send` goes through the running server's API to the connected station and
    exits 0 when it is accepted, 1 when the station refuses, 2 when the API refuses; the
    records then show in `command list` and `command show`."""
    url = csms.settings.database_url
    key = (await csms.services.access.create_api_key("cli", Role.OPERATOR)).secret
    viewer = (await csms.services.access.create_api_key("ro", Role.VIEWER)).secret
    env = {
        **os.environ,
        "VOLTGATE_API_URL": f"http://127.0.0.1:{csms.api_port}",
        "VOLTGATE_API_KEY": key,
    }
    async with station16(csms, "CP-CMD") as station:
        code, out, err = await voltgate(
            "command", "send", "CP-CMD", "reset", "--body", '{"type": "ON_IDLE"}', "--json",
            url=url, env=env,
        )  # fmt: skip
        assert code == 0, err
        record = json.loads(out)
        assert (record["state"], record["action"], record["request"]) == (
            "ACCEPTED", "Reset", {"type": "Soft"}
        )  # fmt: skip
        assert station.received[-1] == ("Reset", {"type": "Soft"})

        station.accept = False
        code, out, err = await voltgate(
            "command", "send", "CP-CMD", "clear-cache", url=url, env=env
        )
        assert code == 1, err
        assert "REJECTED" in out and "Rejected" in out

        code, _, err = await voltgate(
            "command", "send", "CP-CMD", "reset", "--body", '{"type": "SOFT"}', url=url, env=env
        )
        assert code == 2
        assert "refused" in err and "type" in err  # the API names the field

        code, _, err = await voltgate(
            "command", "send", "CP-CMD", "reset", "--body", '{"type": "ON_IDLE"}',
            "--api-key", viewer, url=url, env=env,
        )  # fmt: skip
        assert code == 2 and "HTTP 403" in err

    code, out, err = await voltgate("command", "list", "CP-CMD", url=url)
    assert code == 0, err
    lines = out.splitlines()
    assert "ClearCache" in lines[1] and "REJECTED" in lines[1]
    assert "Reset" in lines[2] and "ACCEPTED" in lines[2]
    code, out, err = await voltgate("command", "show", str(record["id"]), "--json", url=url)
    assert json.loads(out)["response"] == {"status": "Accepted"}
    code, _, err = await voltgate("command", "list", "NOPE", url=url)
    assert code == 1 and "no station 'NOPE'" in err


async def test_reservations_listed_and_cancelled_from_the_cli(csms: Csms) -> None:
    """A reservation the station accepted shows ACTIVE in `reservation list`; `reservation
    cancel` sends CancelReservation through the running server, exits 0 once the station
    accepts, and the reservation then lists as CANCELLED; an unknown one is refused (2)."""
    url = csms.settings.database_url
    key = (await csms.services.access.create_api_key("cli", Role.OPERATOR)).secret
    env = {
        **os.environ,
        "VOLTGATE_API_URL": f"http://127.0.0.1:{csms.api_port}",
        "VOLTGATE_API_KEY": key,
    }
    async with station16(csms, "CP-RES") as station:
        body = '{"idTag": "04A1B2C3", "evseId": 1, "expiresAt": "2099-01-01T00:00:00Z"}'
        code, out, err = await voltgate(
            "command", "send", "CP-RES", "reserve", "--body", body, "--json", url=url, env=env
        )
        assert code == 0, err
        reservation_id = json.loads(out)["id"]
        code, out, err = await voltgate("reservation", "list", "--state", "active", url=url)
        assert code == 0, err
        assert str(reservation_id) in out and "ACTIVE" in out and "CP-RES" in out

        code, out, err = await voltgate(
            "reservation", "cancel", str(reservation_id), url=url, env=env
        )
        assert code == 0, err
        assert "CancelReservation" in out and "ACCEPTED" in out
        assert station.received[-1] == ("CancelReservation", {"reservation_id": reservation_id})
        code, _, err = await voltgate("reservation", "cancel", "999999", url=url, env=env)
        assert code == 2 and "HTTP 404" in err

    code, out, err = await voltgate("reservation", "list", "--json", url=url)
    [listed] = json.loads(out)
    assert (listed["id"], listed["state"]) == (reservation_id, "CANCELLED")
