"""Stations that answer the CSMS's commands: the `ocpp` package's 1.6 and 2.0.1 ChargePoints
with a handler per action, answering yes (`accept = True`) or no, and keeping what they got
(`received`: the action and its payload, in the `ocpp` package's snake_case).

Actions whose answer is a status only are answered by `_status_handler`: one handler per
action, built from the table of each class (`STATUS_16`, `STATUS_201`: action -> the yes and
the no status)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from ocpp.charge_point import snake_to_camel_case
from ocpp.routing import on
from ocpp.v16 import ChargePoint as ChargePoint16
from ocpp.v16 import call as call16
from ocpp.v16 import call_result as r16
from ocpp.v201 import ChargePoint as ChargePoint201
from ocpp.v201 import call as call201
from ocpp.v201 import call_result as r201

from tests.e2e.conftest import PASSWORD, raw_station
from voltgate.app import Csms

# Each action answered with a status alone: (yes, no) as the station spells them.
STATUS_16: dict[str, tuple[str, str]] = {
    "ReserveNow": ("Accepted", "Occupied"),
    "CancelReservation": ("Accepted", "Rejected"),
    "SetChargingProfile": ("Accepted", "Rejected"),
    "ClearChargingProfile": ("Accepted", "Unknown"),
    "SendLocalList": ("Accepted", "VersionMismatch"),
    "SignedUpdateFirmware": ("Accepted", "InvalidCertificate"),
    "InstallCertificate": ("Accepted", "Rejected"),
    "DeleteCertificate": ("Accepted", "NotFound"),
    "ExtendedTriggerMessage": ("Accepted", "Rejected"),
}
STATUS_201: dict[str, tuple[str, str]] = {
    "ReserveNow": ("Accepted", "Occupied"),
    "CancelReservation": ("Accepted", "Rejected"),
    "SetChargingProfile": ("Accepted", "Rejected"),
    "ClearChargingProfile": ("Accepted", "Unknown"),
    "GetCompositeSchedule": ("Accepted", "Rejected"),
    "GetChargingProfiles": ("NoProfiles", "NoProfiles"),  # an empty result, never a no
    "SendLocalList": ("Accepted", "Failed"),
    "UpdateFirmware": ("AcceptedCanceled", "InvalidCertificate"),
    "PublishFirmware": ("Accepted", "Rejected"),
    "UnpublishFirmware": ("Unpublished", "NoFirmware"),
    "GetLog": ("Accepted", "Rejected"),
    "CustomerInformation": ("Accepted", "Invalid"),
    "InstallCertificate": ("Accepted", "Failed"),
    "DeleteCertificate": ("Accepted", "NotFound"),
    "GetInstalledCertificateIds": ("NotFound", "NotFound"),
    "GetReport": ("EmptyResultSet", "NotSupported"),
    "SetNetworkProfile": ("Accepted", "Rejected"),
    "SetMonitoringBase": ("Accepted", "NotSupported"),
    "SetMonitoringLevel": ("Accepted", "Rejected"),
    "GetMonitoringReport": ("Accepted", "NotSupported"),
    "SetDisplayMessage": ("Accepted", "NotSupportedPriority"),
    "GetDisplayMessages": ("Unknown", "Unknown"),
    "ClearDisplayMessage": ("Accepted", "Unknown"),
}


def _status_handler(action: str, answers: Any, table: dict[str, tuple[str, str]]) -> Any:
    """A handler of `action` that records the call and answers its table status, named
    ``on_<action>`` as the class attribute that holds it (the `ocpp` package finds handlers
    by their function's name)."""

    async def handler(self: Any, **fields: Any) -> Any:
        self.received.append((action, fields))
        yes, no = table[action]
        return getattr(answers, action)(status=yes if self.accept else no)

    handler.__name__ = f"on_{action}"
    return on(action)(handler)


def sent(station: Any, action: str) -> dict[str, Any]:
    """The last payload of `action` the station received, in OCPP's camelCase."""
    payloads = [fields for name, fields in station.received if name == action]
    assert payloads, f"the station got no {action}"
    converted: dict[str, Any] = snake_to_camel_case(payloads[-1])
    return converted


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

    @on("GetCompositeSchedule")
    async def on_composite(self, **fields: Any) -> r16.GetCompositeSchedule:
        self.received.append(("GetCompositeSchedule", fields))
        if not self.accept:
            return r16.GetCompositeSchedule(status="Rejected")
        schedule = {"charging_rate_unit": "A", "charging_schedule_period": [
            {"start_period": 0, "limit": 16.0}]}  # fmt: skip
        return r16.GetCompositeSchedule(status="Accepted", connector_id=fields["connector_id"],
                                        charging_schedule=schedule)  # fmt: skip

    @on("UpdateFirmware")
    async def on_update_firmware(self, **fields: Any) -> r16.UpdateFirmware:
        self.received.append(("UpdateFirmware", fields))
        return r16.UpdateFirmware()

    @on("GetDiagnostics")
    async def on_diagnostics(self, **fields: Any) -> r16.GetDiagnostics:
        self.received.append(("GetDiagnostics", fields))
        return r16.GetDiagnostics(file_name="diagnostics.zip" if self.accept else None)

    @on("GetLog")
    async def on_log(self, **fields: Any) -> r16.GetLog:
        self.received.append(("GetLog", fields))
        if self.accept:
            return r16.GetLog(status="Accepted", filename="security.log")
        return r16.GetLog(status="Rejected")

    @on("GetInstalledCertificateIds")
    async def on_installed(self, **fields: Any) -> r16.GetInstalledCertificateIds:
        self.received.append(("GetInstalledCertificateIds", fields))
        return r16.GetInstalledCertificateIds(status="NotFound")

    locals().update(
        {f"on_{action}": _status_handler(action, r16, STATUS_16) for action in STATUS_16}
    )


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

    @on("GetLocalListVersion")
    async def on_list_version(self, **fields: Any) -> r201.GetLocalListVersion:
        self.received.append(("GetLocalListVersion", fields))
        return r201.GetLocalListVersion(version_number=3)

    @on("GetTransactionStatus")
    async def on_transaction_status(self, **fields: Any) -> r201.GetTransactionStatus:
        self.received.append(("GetTransactionStatus", fields))
        return r201.GetTransactionStatus(messages_in_queue=False, ongoing_indicator=True)

    @on("CostUpdated")
    async def on_cost(self, **fields: Any) -> r201.CostUpdated:
        self.received.append(("CostUpdated", fields))
        return r201.CostUpdated()

    @on("SetVariableMonitoring")
    async def on_set_monitoring(
        self, set_monitoring_data: list[dict[str, Any]], **_: Any
    ) -> r201.SetVariableMonitoring:
        self.received.append(
            ("SetVariableMonitoring", {"set_monitoring_data": set_monitoring_data})
        )
        status = "Accepted" if self.accept else "UnknownVariable"
        results = [
            {"status": status, "type": d["type"], "severity": d["severity"],
             "component": d["component"], "variable": d["variable"]}
            for d in set_monitoring_data
        ]  # fmt: skip
        return r201.SetVariableMonitoring(set_monitoring_result=results)

    @on("ClearVariableMonitoring")
    async def on_clear_monitoring(self, id: list[int], **_: Any) -> r201.ClearVariableMonitoring:
        self.received.append(("ClearVariableMonitoring", {"id": id}))
        status = "Accepted" if self.accept else "NotFound"
        results = [{"status": status, "id": monitor} for monitor in id]
        return r201.ClearVariableMonitoring(clear_monitoring_result=results)

    locals().update(
        {f"on_{action}": _status_handler(action, r201, STATUS_201) for action in STATUS_201}
    )


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
