"""Stations with a real configuration store: the `ocpp` package's 1.6 and 2.0.1 ChargePoints
answering GetConfiguration / ChangeConfiguration and GetVariables / SetVariables from a dict
the test can read and change (as a technician on site would), with read-only and unknown
keys answered as the specifications prescribe."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from ocpp.routing import on
from ocpp.v16 import call as call16
from ocpp.v16 import call_result as r16
from ocpp.v201 import call as call201
from ocpp.v201 import call_result as r201

from tests.api.command_stations import Station16, Station201
from tests.e2e.conftest import raw_station
from voltgate.app import Csms


class Configured16(Station16):
    """A 1.6 station whose keys live in `config`; keys in `readonly` refuse changes
    (§5.3 Rejected), unknown keys are NotSupported and listed in unknownKey (§5.8)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.config: dict[str, str] = {}
        self.readonly: set[str] = set()

    def _find(self, key: str) -> str | None:
        # 1.6 keys are CiString50: any letter case.
        return next((name for name in self.config if name.lower() == key.lower()), None)

    @on("GetConfiguration")
    async def on_get_configuration(self, key: list[str] | None = None, **_: Any) -> Any:
        self.received.append(("GetConfiguration", {"key": key}))
        found, unknown = [], []
        for wanted in key or list(self.config):
            name = self._find(wanted)
            if name is None:
                unknown.append(wanted)
            else:
                entry = {"key": name, "readonly": name in self.readonly, "value": self.config[name]}
                found.append(entry)
        return r16.GetConfiguration(configuration_key=found, unknown_key=unknown or None)

    @on("ChangeConfiguration")
    async def on_change_configuration(self, key: str, value: str, **_: Any) -> Any:
        self.received.append(("ChangeConfiguration", {"key": key, "value": value}))
        name = self._find(key)
        if name is None:
            return r16.ChangeConfiguration("NotSupported")
        if name in self.readonly:
            return r16.ChangeConfiguration("Rejected")
        self.config[name] = value
        return r16.ChangeConfiguration("Accepted")


class Configured201(Station201):
    """A 2.0.1 station whose variables live in `config` by ``Component.Variable``; keys in
    `readonly` are Rejected (B05.FR.09), unknown components UnknownComponent (B05.FR.04,
    B06.FR.06)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.config: dict[str, str] = {}
        self.readonly: set[str] = set()

    def _find(self, data: dict[str, Any]) -> str | None:
        wanted = f"{data['component']['name']}.{data['variable']['name']}".lower()
        return next((name for name in self.config if name.lower() == wanted), None)

    @on("GetVariables")
    async def on_get_variables(self, get_variable_data: list[dict[str, Any]], **_: Any) -> Any:
        self.received.append(("GetVariables", {"get_variable_data": get_variable_data}))
        results = []
        for data in get_variable_data:
            name = self._find(data)
            result = {"component": data["component"], "variable": data["variable"]}
            if name is None:
                result["attribute_status"] = "UnknownComponent"
            else:
                result.update(attribute_status="Accepted", attribute_value=self.config[name])
            results.append(result)
        return r201.GetVariables(get_variable_result=results)

    @on("SetVariables")
    async def on_set_variables(self, set_variable_data: list[dict[str, Any]], **_: Any) -> Any:
        self.received.append(("SetVariables", {"set_variable_data": set_variable_data}))
        results = []
        for data in set_variable_data:
            name = self._find(data)
            if name is None:
                status = "UnknownComponent"
            elif name in self.readonly:
                status = "Rejected"
            else:
                self.config[name] = data["attribute_value"]
                status = "Accepted"
            results.append(
                {
                    "attribute_status": status,
                    "component": data["component"],
                    "variable": data["variable"],
                }
            )
        return r201.SetVariables(set_variable_result=results)


@asynccontextmanager
async def configured(
    csms: Csms,
    station_id: str,
    protocol: str,
    *,
    vendor: str = "ACME",
    model: str = "X1",
    config: dict[str, str] | None = None,
    readonly: set[str] | None = None,
) -> AsyncIterator[Configured16 | Configured201]:
    """A configured station of `protocol` (already provisioned) connected as `station_id`,
    serving, and booted Accepted as `vendor` / `model`."""
    kind = Configured16 if protocol == "ocpp1.6" else Configured201
    async with raw_station(csms, station_id, subprotocols=[protocol]) as ws:
        station = kind(station_id, ws, response_timeout=10)
        station.config = dict(config or {})
        station.readonly = set(readonly or ())
        task = asyncio.create_task(station.start())
        try:
            boot: Any
            if protocol == "ocpp1.6":
                boot = call16.BootNotification(charge_point_vendor=vendor, charge_point_model=model)
            else:
                boot = call201.BootNotification(
                    charging_station={"model": model, "vendor_name": vendor}, reason="PowerUp"
                )
            assert (await station.call(boot)).status == "Accepted"
            yield station
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
