"""OCPP 1.6 request payloads a charging station sends, built from plain values.

Each function returns the JSON object of one `.req` PDU exactly as OCPP 1.6 edition 2 §6
names its fields, so the simulator's messages read like a real station's log. Time is passed
in (aware UTC datetimes); nothing here reads a clock.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from voltgate.simulator.ev import MeterSample

Payload = dict[str, Any]


def timestamp(at: datetime) -> str:
    """ISO 8601 in UTC as OCPP 1.6 §3.14 recommends, to the millisecond, with a Z suffix."""
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def boot_notification(vendor: str, model: str, serial: str, firmware: str) -> Payload:
    """BootNotification.req (§6.3)."""
    return {
        "chargePointVendor": vendor,
        "chargePointModel": model,
        "chargePointSerialNumber": serial[:25],
        "chargeBoxSerialNumber": serial[:25],
        "firmwareVersion": firmware,
    }


def status_notification(
    connector_id: int, status: str, at: datetime, error_code: str = "NoError"
) -> Payload:
    """StatusNotification.req (§6.47); connector 0 is the station as a whole."""
    return {
        "connectorId": connector_id,
        "errorCode": error_code,
        "status": status,
        "timestamp": timestamp(at),
    }


def authorize(id_tag: str) -> Payload:
    """Authorize.req (§6.1)."""
    return {"idTag": id_tag}


def start_transaction(
    connector_id: int, id_tag: str, meter_start: int, at: datetime, reservation_id: int | None
) -> Payload:
    """StartTransaction.req (§6.45); meterStart is the energy register in Wh, reservationId
    the reservation the transaction uses up (§5.13)."""
    payload: Payload = {
        "connectorId": connector_id,
        "idTag": id_tag,
        "meterStart": meter_start,
        "timestamp": timestamp(at),
    }
    if reservation_id is not None:
        payload["reservationId"] = reservation_id
    return payload


def sampled_values(sample: MeterSample, context: str) -> list[Payload]:
    """The sampledValue list of one reading (§7.43): energy, power, 3 phase currents, SoC."""
    values: list[Payload] = [
        {
            "value": str(sample.energy_wh),
            "context": context,
            "measurand": "Energy.Active.Import.Register",
            "location": "Outlet",
            "unit": "Wh",
        },
        {
            "value": f"{sample.power_w:.1f}",
            "context": context,
            "measurand": "Power.Active.Import",
            "location": "Outlet",
            "unit": "W",
        },
    ]
    for phase, current in zip(("L1", "L2", "L3"), sample.currents_a, strict=True):
        values.append(
            {
                "value": f"{current:.1f}",
                "context": context,
                "measurand": "Current.Import",
                "phase": phase,
                "location": "Outlet",
                "unit": "A",
            }
        )
    if sample.soc_percent is None:
        return values
    values.append(
        {
            "value": str(sample.soc_percent),
            "context": context,
            "measurand": "SoC",
            "location": "EV",
            "unit": "Percent",
        }
    )
    return values


def meter_values(
    connector_id: int,
    transaction_id: int | None,
    sample: MeterSample,
    at: datetime,
    context: str = "Sample.Periodic",
) -> Payload:
    """MeterValues.req (§6.31) with one meterValue of all sampled measurands."""
    payload: Payload = {
        "connectorId": connector_id,
        "meterValue": [
            {"timestamp": timestamp(at), "sampledValue": sampled_values(sample, context)}
        ],
    }
    if transaction_id is not None:
        payload["transactionId"] = transaction_id
    return payload


def stop_transaction(
    transaction_id: int,
    id_tag: str,
    reason: str,
    begin: tuple[datetime, MeterSample],
    end: tuple[datetime, MeterSample],
) -> Payload:
    """StopTransaction.req (§6.49) with transactionData from Transaction.Begin to .End."""
    begin_at, begin_sample = begin
    end_at, end_sample = end
    return {
        "transactionId": transaction_id,
        "idTag": id_tag,
        "meterStop": end_sample.energy_wh,
        "timestamp": timestamp(end_at),
        "reason": reason,
        "transactionData": [
            {
                "timestamp": timestamp(begin_at),
                "sampledValue": _register(begin_sample, "Transaction.Begin"),
            },
            {
                "timestamp": timestamp(end_at),
                "sampledValue": _register(end_sample, "Transaction.End"),
            },
        ],
    }


def _register(sample: MeterSample, context: str) -> list[Payload]:
    return [
        {
            "value": str(sample.energy_wh),
            "context": context,
            "measurand": "Energy.Active.Import.Register",
            "location": "Outlet",
            "unit": "Wh",
        }
    ]


def diagnostics_status(status: str = "Idle") -> Payload:
    """DiagnosticsStatusNotification.req (§6.17), sent when the CSMS triggers it."""
    return {"status": status}


def firmware_status(status: str = "Idle") -> Payload:
    """FirmwareStatusNotification.req (§6.19), sent when the CSMS triggers it."""
    return {"status": status}


def signed_firmware_status(status: str = "Idle", request_id: int | None = None) -> Payload:
    """SignedFirmwareStatusNotification.req (Security Whitepaper §5.17); requestId with every
    status of an update, only Idle goes without (L01.FR.21)."""
    return {"status": status} if request_id is None else {"status": status, "requestId": request_id}


def log_status(status: str = "Idle", request_id: int | None = None) -> Payload:
    """LogStatusNotification.req (Security Whitepaper §5.13); requestId with every status of an
    upload, only a triggered Idle goes without (N01.FR.12)."""
    return {"status": status} if request_id is None else {"status": status, "requestId": request_id}


def security_event(kind: str, at: datetime, tech_info: str | None = None) -> Payload:
    """SecurityEventNotification.req (Security Whitepaper §5.15)."""
    payload: Payload = {"type": kind, "timestamp": timestamp(at)}
    if tech_info is not None:
        payload["techInfo"] = tech_info
    return payload
