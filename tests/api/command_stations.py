"""Stations that answer the CSMS's commands: the `ocpp` package's 1.6 and 2.0.1 ChargePoints
with a handler per action, answering yes (`accept = True`) or no, and keeping what they got."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from ocpp.routing import on
from ocpp.v16 import ChargePoint as ChargePoint16
from ocpp.v16 import call as call16
from ocpp.v16 import call_result as r16
from ocpp.v201 import ChargePoint as ChargePoint201
from ocpp.v201 import call as call201
from ocpp.v201 import call_result as r201

from tests.e2e.conftest import PASSWORD, raw_station
from voltgate.app import Csms


class Station16(ChargePoint16):
    """A 1.6 station answering every neutral command, and GetLocalListVersion (raw)."""

    accept = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.received: list[tuple[str, dict[str, Any]]] = []

    def _status(self, action: str, fields: dict[str, Any], yes: str = "Accepted") -> str:
        self.received.append((action, fields))
        return yes if self.accept else "Rejected"

    @on("RemoteStartTransaction")
    async def on_start(self, **fields: Any) -> r16.RemoteStartTransaction:
        return r16.RemoteStartTransaction(self._status("RemoteStartTransaction", fields))

    @on("RemoteStopTransaction")
    async def on_stop(self, **fields: Any) -> r16.RemoteStopTransaction:
        return r16.RemoteStopTransaction(self._status("RemoteStopTransaction", fields))

    @on("Reset")
    async def on_reset(self, **fields: Any) -> r16.Reset:
        return r16.Reset(self._status("Reset", fields))

    @on("UnlockConnector")
    async def on_unlock(self, **fields: Any) -> r16.UnlockConnector:
        self.received.append(("UnlockConnector", fields))
        return r16.UnlockConnector("Unlocked" if self.accept else "UnlockFailed")

    @on("ChangeAvailability")
    async def on_availability(self, **fields: Any) -> r16.ChangeAvailability:
        return r16.ChangeAvailability(self._status("ChangeAvailability", fields))

    @on("TriggerMessage")
    async def on_trigger(self, **fields: Any) -> r16.TriggerMessage:
        return r16.TriggerMessage(self._status("TriggerMessage", fields))

    @on("ClearCache")
    async def on_clear_cache(self, **fields: Any) -> r16.ClearCache:
        return r16.ClearCache(self._status("ClearCache", fields))

    @on("GetConfiguration")
    async def on_get_configuration(self, key: list[str], **fields: Any) -> r16.GetConfiguration:
        self.received.append(("GetConfiguration", {"key": key, **fields}))
        if self.accept:
            known = [{"key": name, "readonly": False, "value": "60"} for name in key]
            return r16.GetConfiguration(configuration_key=known)
        return r16.GetConfiguration(configuration_key=[], unknown_key=key)

    @on("ChangeConfiguration")
    async def on_change_configuration(self, **fields: Any) -> r16.ChangeConfiguration:
        return r16.ChangeConfiguration(self._status("ChangeConfiguration", fields))

    @on("DataTransfer")
    async def on_data_transfer(self, **fields: Any) -> r16.DataTransfer:
        return r16.DataTransfer(self._status("DataTransfer", fields), data="pong")

    @on("GetLocalListVersion")
    async def on_list_version(self, **fields: Any) -> r16.GetLocalListVersion:
        self.received.append(("GetLocalListVersion", fields))
        return r16.GetLocalListVersion(list_version=7)


class Station201(ChargePoint201):
    """A 2.0.1 station answering every neutral command, and GetBaseReport (raw)."""

    accept = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.received: list[tuple[str, dict[str, Any]]] = []

    def _status(self, action: str, fields: dict[str, Any], yes: str = "Accepted") -> str:
        self.received.append((action, fields))
        return yes if self.accept else "Rejected"

    def _info(self) -> dict[str, str] | None:
        return None if self.accept else {"reason_code": "Occupied", "additional_info": "in use"}

    @on("RequestStartTransaction")
    async def on_start(self, **fields: Any) -> r201.RequestStartTransaction:
        status = self._status("RequestStartTransaction", fields)
        return r201.RequestStartTransaction(status, status_info=self._info())

    @on("RequestStopTransaction")
    async def on_stop(self, **fields: Any) -> r201.RequestStopTransaction:
        return r201.RequestStopTransaction(self._status("RequestStopTransaction", fields))

    @on("Reset")
    async def on_reset(self, **fields: Any) -> r201.Reset:
        return r201.Reset(self._status("Reset", fields, yes="Scheduled"))

    @on("UnlockConnector")
    async def on_unlock(self, **fields: Any) -> r201.UnlockConnector:
        self.received.append(("UnlockConnector", fields))
        return r201.UnlockConnector("Unlocked" if self.accept else "UnlockFailed")

    @on("ChangeAvailability")
    async def on_availability(self, **fields: Any) -> r201.ChangeAvailability:
        return r201.ChangeAvailability(self._status("ChangeAvailability", fields))

    @on("TriggerMessage")
    async def on_trigger(self, **fields: Any) -> r201.TriggerMessage:
        return r201.TriggerMessage(self._status("TriggerMessage", fields))

    @on("ClearCache")
    async def on_clear_cache(self, **fields: Any) -> r201.ClearCache:
        return r201.ClearCache(self._status("ClearCache", fields))

    @on("GetVariables")
    async def on_get_variables(
        self, get_variable_data: list[dict[str, Any]], **_: Any
    ) -> r201.GetVariables:
        self.received.append(("GetVariables", {"get_variable_data": get_variable_data}))
        status = "Accepted" if self.accept else "UnknownVariable"
        results = [
            {
                "attribute_status": status,
                "component": data["component"],
                "variable": data["variable"],
                **({"attribute_value": "60"} if self.accept else {}),
            }
            for data in get_variable_data
        ]
        return r201.GetVariables(get_variable_result=results)

    @on("SetVariables")
    async def on_set_variables(
        self, set_variable_data: list[dict[str, Any]], **_: Any
    ) -> r201.SetVariables:
        self.received.append(("SetVariables", {"set_variable_data": set_variable_data}))
        status = "RebootRequired" if self.accept else "Rejected"
        results = [
            {"attribute_status": status, "component": d["component"], "variable": d["variable"]}
            for d in set_variable_data
        ]
        return r201.SetVariables(set_variable_result=results)

    @on("DataTransfer")
    async def on_data_transfer(self, **fields: Any) -> r201.DataTransfer:
        status = "Accepted" if self.accept else "UnknownVendorId"
        self.received.append(("DataTransfer", fields))
        return r201.DataTransfer(status, data="pong")

    @on("GetBaseReport")
    async def on_base_report(self, **fields: Any) -> r201.GetBaseReport:
        return r201.GetBaseReport(self._status("GetBaseReport", fields))


@asynccontextmanager
async def station16(
    csms: Csms, station_id: str, *, accept: bool = True
) -> AsyncIterator[Station16]:
    """`Station16` connected as `station_id` (provisioned first), booted and serving."""
    async with _serving(csms, station_id, "ocpp1.6", Station16) as station:
        assert isinstance(station, Station16)
        station.accept = accept
        boot = call16.BootNotification(charge_point_vendor="ACME", charge_point_model="X1")
        assert (await station.call(boot)).status == "Accepted"
        yield station


@asynccontextmanager
async def station201(
    csms: Csms, station_id: str, *, accept: bool = True
) -> AsyncIterator[Station201]:
    """`Station201` connected as `station_id` (provisioned first), booted and serving."""
    async with _serving(csms, station_id, "ocpp2.0.1", Station201) as station:
        assert isinstance(station, Station201)
        station.accept = accept
        boot = call201.BootNotification(
            charging_station={"model": "X2", "vendor_name": "ACME"}, reason="PowerUp"
        )
        assert (await station.call(boot)).status == "Accepted"
        yield station


@asynccontextmanager
async def _serving(
    csms: Csms, station_id: str, protocol: str, kind: type[Station16] | type[Station201]
) -> AsyncIterator[Station16 | Station201]:
    await csms.services.stations.add(station_id, PASSWORD)
    async with raw_station(csms, station_id, subprotocols=[protocol]) as ws:
        station = kind(station_id, ws, response_timeout=10)
        task = asyncio.create_task(station.start())
        try:
            yield station
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
