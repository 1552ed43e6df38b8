"""Transactions over real HTTP: a 1.6 and a 2.0.1 station charge, and the API lists them
with filters, shows each with its meter values (and 2.0.1 events), and exports CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from ocpp.v16 import call as call16

from tests.api.conftest import Api, data, error
from tests.e2e.conftest import PASSWORD, charge_point, charge_point_201
from tests.e2e.test_ocpp16_station import T0, energy_sample, iso
from tests.e2e.test_ocpp201_transactions import CARD, boot, tx_event
from voltgate.domain.access import Role


async def charge_16(api: Api, id_tag: str, start: int, stop: int | None, minute: int) -> int:
    """A 1.6 session on CP-16 starting at T0 + `minute` (left open when `stop` is None)."""
    at = T0 + timedelta(minutes=minute)
    async with charge_point(api.csms, "CP-16") as cp:
        await cp.call(call16.BootNotification(charge_point_vendor="ACME", charge_point_model="X1"))
        started = await cp.call(
            call16.StartTransaction(
                connector_id=1, id_tag=id_tag, meter_start=start, timestamp=iso(at)
            )
        )
        tx_id: int = started.transaction_id
        await cp.call(
            call16.MeterValues(
                connector_id=1,
                transaction_id=tx_id,
                meter_value=[energy_sample(at + timedelta(minutes=5), start + 500)],
            )
        )
        if stop is not None:
            await cp.call(
                call16.StopTransaction(
                    transaction_id=tx_id,
                    meter_stop=stop,
                    timestamp=iso(at + timedelta(minutes=10)),
                    reason="EVDisconnected",
                )
            )
    return tx_id


async def charge_201(api: Api) -> None:
    """A whole 2.0.1 transaction on CP-201 at T0 + 1 h: Started, Updated, Ended."""
    at = T0 + timedelta(hours=1)
    async with charge_point_201(api.csms, "CP-201") as cp:
        await boot(cp)
        await cp.call(tx_event("Started", 0, at, 10_000, id_token=CARD))
        await cp.call(tx_event("Updated", 1, at + timedelta(minutes=10), 11_000))
        await cp.call(tx_event("Ended", 2, at + timedelta(minutes=20), 12_000, id_token=CARD))


async def setup(api: Api) -> None:
    for station_id in ("CP-16", "CP-201"):
        data(await api.post("/api/v1/stations", json={"id": station_id, "password": PASSWORD}), 201)
    for tag in ("TAG-1", "TAG-2"):
        data(await api.post("/api/v1/id-tokens", json={"idTag": tag}), 201)


async def test_transactions_of_both_versions_are_listed_and_filtered(api: Api) -> None:
    """Newest first, with `limit`/`startingAfter`; filters by station, id tag (any case),
    OPEN/CLOSED and start time; both versions in the same shape."""
    await setup(api)
    first = await charge_16(api, "TAG-1", 1_000, 2_000, minute=0)
    await charge_201(api)
    open_one = await charge_16(api, "TAG-2", 5_000, None, minute=120)

    listed = data(await api.get("/api/v1/transactions", role=Role.VIEWER))["items"]
    assert [t["stationId"] for t in listed] == ["CP-16", "CP-201", "CP-16"]
    assert [t["status"] for t in listed] == ["OPEN", "CLOSED", "CLOSED"]
    new = listed[1]
    assert new["stationTransactionId"] == "8d7e2c1a-0000-4000-8000-000000000001"
    assert (new["idTag"], new["authStatus"], new["energyWh"]) == ("TAG-1", "ACCEPTED", 2_000.0)
    assert listed[2]["id"] == first and listed[2]["energyWh"] == 1_000.0

    page = data(await api.get("/api/v1/transactions?limit=2"))
    assert [t["id"] for t in page["items"]] == [open_one, listed[1]["id"]] and page["hasMore"]
    rest = data(await api.get(f"/api/v1/transactions?startingAfter={listed[1]['id']}"))
    assert [t["id"] for t in rest["items"]] == [first] and not rest["hasMore"]

    async def ids(query: str) -> list[int]:
        return [t["id"] for t in data(await api.get(f"/api/v1/transactions?{query}"))["items"]]

    assert await ids("stationId=CP-201") == [listed[1]["id"]]
    assert await ids("idTag=tag-2") == await ids("status=OPEN") == [open_one]
    assert await ids("status=CLOSED&stationId=CP-16") == [first]
    assert await ids("startedAfter=2026-11-20T08:30:00Z") == [open_one, listed[1]["id"]]
    # Without an offset a time is UTC.
    assert await ids("startedBefore=2026-11-20T09:30:00") == [listed[1]["id"], first]
    error(await api.get("/api/v1/transactions?status=open"), 422)
    error(await api.get("/api/v1/transactions?startedAfter=yesterday"), 422)


async def test_detail_has_meter_values_flags_and_201_events(api: Api) -> None:
    """GET /transactions/{id}: meter values in time order, normalised and as reported,
    suspect flags (stop below start), and for 2.0.1 the events in seqNo order."""
    await setup(api)
    suspect = await charge_16(api, "TAG-1", 3_000, 2_500, minute=0)
    await charge_201(api)

    old = data(await api.get(f"/api/v1/transactions/{suspect}", role=Role.VIEWER))
    assert "STOP_BELOW_START" in old["suspect"] and old["events"] == []
    energy = [m for m in old["meterValues"] if m["measurand"] == "Energy.Active.Import.Register"]
    assert [(m["value"], m["unit"], m["valueRaw"]) for m in energy] == [(3_500.0, "Wh", "3500")]
    assert energy[0]["at"] == "2026-11-20T08:05:00Z"

    [new_id] = [
        t["id"] for t in data(await api.get("/api/v1/transactions?stationId=CP-201"))["items"]
    ]
    new = data(await api.get(f"/api/v1/transactions/{new_id}"))
    assert [(e["seqNo"], e["eventType"]) for e in new["events"]] == [
        (0, "STARTED"),
        (1, "UPDATED"),
        (2, "ENDED"),
    ]
    assert new["events"][2]["stoppedReason"] == "EVDisconnected"
    power = [m for m in new["meterValues"] if m["measurand"] == "Power.Active.Import"]
    assert {(m["value"], m["unit"], m["unitRaw"]) for m in power} == {(7200.0, "W", "kW")}
    error(await api.get("/api/v1/transactions/999999"), 404)
    error(await api.get("/api/v1/transactions/0"), 422)
    error(await api.get("/api/v1/transactions/99999999999"), 422)


async def test_csv_export_streams_the_same_filtered_transactions(api: Api) -> None:
    """transactions.csv has a header and one row per transaction matching the filters,
    newest first; station text that a spreadsheet would run as a formula is neutralised."""
    await setup(api)
    data(await api.post("/api/v1/id-tokens", json={"idTag": "=1+2"}), 201)
    await charge_16(api, "TAG-1", 1_000, 2_000, minute=0)
    await charge_201(api)
    await charge_16(api, "=1+2", 5_000, None, minute=120)

    response = await api.get("/api/v1/transactions.csv", role=Role.VIEWER)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["stationId"], r["status"]) for r in rows] == [
        ("CP-16", "OPEN"),
        ("CP-201", "CLOSED"),
        ("CP-16", "CLOSED"),
    ]
    assert rows[0]["idTag"] == "'=1+2"
    assert (rows[1]["energyWh"], rows[1]["startedAt"]) == ("2000.0", "2026-11-20T09:00:00Z")
    filtered = await api.get("/api/v1/transactions.csv?stationId=CP-201")
    assert len(list(csv.DictReader(io.StringIO(filtered.text)))) == 1
    assert error(await api.get("/api/v1/transactions.csv", role=None), 401)
