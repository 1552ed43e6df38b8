"""What the saturation loop of each protocol sends: set-up, the looped message, tear-down.

The looped message is built from one %-template per protocol, so that the load generator spends
as little as it can per message, with the six sampled values the simulator sends: energy,
power, three phase currents and SoC.

  1.6    `MeterValuesLoop`: BootNotification, StatusNotification (connectors 0 and 1),
         StartTransaction; MeterValues in the loop; StopTransaction.
  2.0.1  `TransactionEventLoop`: BootNotification (PowerUp), StatusNotification Occupied,
         TransactionEvent Started (seqNo 0); TransactionEvent Updated in the loop
         (MeterValuePeriodic, the next seqNo each time, E01.FR.07); TransactionEvent Ended.

Set-up and tear-down go through the station's ordinary awaited `call` (`saturation.RawStation`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol


class Caller(Protocol):
    """A connected station as set-up and tear-down use it."""

    station_id: str

    async def call(self, action: str, payload: dict[str, Any], wait_s: float = 30.0) -> Any:
        """Send a CALL and return its CALLRESULT payload."""
        ...


_SAMPLED = (
    '{"value":"%d","context":"Sample.Periodic","measurand":"Energy.Active.Import.Register",'
    '"location":"Outlet","unit":"Wh"},'
    '{"value":"%.1f","context":"Sample.Periodic","measurand":"Power.Active.Import",'
    '"location":"Outlet","unit":"W"},'
    '{"value":"15.9","context":"Sample.Periodic","measurand":"Current.Import","phase":"L1",'
    '"location":"Outlet","unit":"A"},'
    '{"value":"16.0","context":"Sample.Periodic","measurand":"Current.Import","phase":"L2",'
    '"location":"Outlet","unit":"A"},'
    '{"value":"15.8","context":"Sample.Periodic","measurand":"Current.Import","phase":"L3",'
    '"location":"Outlet","unit":"A"},'
    '{"value":"%d","context":"Sample.Periodic","measurand":"SoC","location":"EV","unit":"Percent"}'
)
# The same MeterValues.req the simulator sends (simulator/v16/payloads.py), as one %-template.
_METER_TEMPLATE = (
    '[2,"%s","MeterValues",{"connectorId":1,"transactionId":%d,'
    '"meterValue":[{"timestamp":"%s","sampledValue":[' + _SAMPLED + "]}]}]"
)

_SAMPLED_201 = (
    '{"value":%d,"context":"Sample.Periodic","measurand":"Energy.Active.Import.Register",'
    '"location":"Outlet","unitOfMeasure":{"unit":"Wh"}},'
    '{"value":%.1f,"context":"Sample.Periodic","measurand":"Power.Active.Import",'
    '"location":"Outlet","unitOfMeasure":{"unit":"W"}},'
    '{"value":15.9,"context":"Sample.Periodic","measurand":"Current.Import","phase":"L1",'
    '"location":"Outlet","unitOfMeasure":{"unit":"A"}},'
    '{"value":16.0,"context":"Sample.Periodic","measurand":"Current.Import","phase":"L2",'
    '"location":"Outlet","unitOfMeasure":{"unit":"A"}},'
    '{"value":15.8,"context":"Sample.Periodic","measurand":"Current.Import","phase":"L3",'
    '"location":"Outlet","unitOfMeasure":{"unit":"A"}},'
    '{"value":%d,"context":"Sample.Periodic","measurand":"SoC","location":"EV",'
    '"unitOfMeasure":{"unit":"Percent"}}'
)
# The TransactionEventRequest Updated the 2.0.1 simulator sends every meter interval
# (simulator/v201/transactions.py), as one %-template: E01.FR.07 seqNo, E02.FR.10 meterValue.
_UPDATED_TEMPLATE = (
    '[2,"%s","TransactionEvent",{"eventType":"Updated","meterValue":[{"sampledValue":['
    + _SAMPLED_201
    + '],"timestamp":"%s"}],"timestamp":"%s","triggerReason":"MeterValuePeriodic",'
    '"seqNo":%d,"transactionInfo":{"transactionId":"%s"}}]'
)


def timestamp() -> str:
    """Now, as OCPP writes it: UTC, milliseconds, a Z."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class LoopMessages(Protocol):
    """One protocol's messages of a closed loop, for one station: set-up, the looped message
    (built from a template, on the hot path), tear-down."""

    subprotocol: str

    async def prepare(self, station: Caller, id_tag: str) -> None:
        """Boot, report the connector and start a transaction."""
        ...

    def next_text(self, unique_id: str, stamp: str) -> str:
        """The CALL text of the next looped message."""
        ...

    async def finish(self, station: Caller) -> None:
        """End the transaction."""
        ...


class MeterValuesLoop:
    """OCPP 1.6: a transaction started with StartTransaction, then MeterValues in a loop."""

    subprotocol = "ocpp1.6"

    def __init__(self) -> None:
        self.transaction_id = 0
        self.energy_wh = 1_000_000

    async def prepare(self, station: Caller, id_tag: str) -> None:
        boot = {"chargePointVendor": "Voltgate", "chargePointModel": "Saturation"}
        reply = await station.call("BootNotification", boot)
        if reply.get("status") != "Accepted":
            raise RuntimeError(f"{station.station_id}: BootNotification {reply.get('status')}")
        for connector in (0, 1):
            await station.call(
                "StatusNotification",
                {"connectorId": connector, "errorCode": "NoError", "status": "Available"},
            )
        start = {
            "connectorId": 1,
            "idTag": id_tag,
            "meterStart": self.energy_wh,
            "timestamp": timestamp(),
        }
        reply = await station.call("StartTransaction", start)
        status = reply.get("idTagInfo", {}).get("status")
        if status != "Accepted":
            raise RuntimeError(f"{station.station_id}: StartTransaction for {id_tag}: {status}")
        self.transaction_id = int(reply["transactionId"])

    def next_text(self, unique_id: str, stamp: str) -> str:
        self.energy_wh += 3
        return _METER_TEMPLATE % (
            unique_id,
            self.transaction_id,
            stamp,
            self.energy_wh,
            11000.0,
            50,
        )

    async def finish(self, station: Caller) -> None:
        stop = {
            "transactionId": self.transaction_id,
            "meterStop": self.energy_wh,
            "timestamp": timestamp(),
            "reason": "Local",
        }
        await station.call("StopTransaction", stop)


class TransactionEventLoop:
    """OCPP 2.0.1: TransactionEvent Started (seqNo 0), then Updated in a loop with the next
    seqNo each time (E01.FR.07), Ended at the end; the station makes up the transaction id
    (E01.FR.08)."""

    subprotocol = "ocpp2.0.1"

    def __init__(self) -> None:
        self.transaction_id = str(uuid.uuid4())
        self.energy_wh = 1_000_000
        self.seq_no = 0
        self._id_token: dict[str, str] = {}

    async def prepare(self, station: Caller, id_tag: str) -> None:
        boot = {
            "chargingStation": {"model": "Saturation", "vendorName": "Voltgate"},
            "reason": "PowerUp",
        }
        reply = await station.call("BootNotification", boot)
        if reply.get("status") != "Accepted":
            raise RuntimeError(f"{station.station_id}: BootNotification {reply.get('status')}")
        status = {"timestamp": timestamp(), "connectorStatus": "Occupied", "evseId": 1}
        await station.call("StatusNotification", status | {"connectorId": 1})
        self._id_token = {"idToken": id_tag, "type": "ISO14443"}
        reply = await station.call("TransactionEvent", self._event("Started", "Authorized"))
        token_status = reply.get("idTokenInfo", {}).get("status")
        if token_status != "Accepted":
            raise RuntimeError(
                f"{station.station_id}: TransactionEvent for {id_tag}: {token_status}"
            )

    def _event(self, event_type: str, trigger: str) -> dict[str, Any]:
        context = "Transaction.Begin" if event_type == "Started" else "Transaction.End"
        now = timestamp()
        register = {
            "value": self.energy_wh,
            "context": context,
            "measurand": "Energy.Active.Import.Register",
            "location": "Outlet",
            "unitOfMeasure": {"unit": "Wh"},
        }
        info: dict[str, Any] = {"transactionId": self.transaction_id}
        event: dict[str, Any] = {
            "eventType": event_type,
            "meterValue": [{"sampledValue": [register], "timestamp": now}],
            "timestamp": now,
            "triggerReason": trigger,
            "seqNo": self.seq_no,
            "transactionInfo": info,
            "idToken": self._id_token,
        }
        if event_type == "Started":
            info["chargingState"] = "Charging"
            event["evse"] = {"id": 1, "connectorId": 1}
        else:
            info["stoppedReason"] = "Local"
        self.seq_no += 1
        return event

    def next_text(self, unique_id: str, stamp: str) -> str:
        self.energy_wh += 3
        seq_no = self.seq_no
        self.seq_no += 1
        return _UPDATED_TEMPLATE % (
            unique_id,
            self.energy_wh,
            11000.0,
            50,
            stamp,
            stamp,
            seq_no,
            self.transaction_id,
        )

    async def finish(self, station: Caller) -> None:
        await station.call("TransactionEvent", self._event("Ended", "StopAuthorized"))


LOOPS: dict[str, Callable[[], LoopMessages]] = {
    "1.6": MeterValuesLoop,
    "2.0.1": TransactionEventLoop,
}
