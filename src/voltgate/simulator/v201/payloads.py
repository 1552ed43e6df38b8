"""OCPP 2.0.1 request payloads a charging station sends, built with the generated wire models.

Each function builds the request model of one action (`voltgate.ocpp.v201.messages`, so a
misspelt field or enum value fails type checking) and returns its wire payload. Time is passed
in (aware UTC datetimes); nothing here reads a clock. Meter readings carry the same six
measurands as the 1.6 simulator's: energy register, power, three phase currents and SoC.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from voltgate.ocpp import wire
from voltgate.ocpp.v201 import messages as m
from voltgate.simulator.ev import MeterSample

Payload = dict[str, Any]

# The drivers' tokens are RFID cards: ISO 14443 UIDs (IdTokenEnumType).
CARD: m.IdTokenEnum = "ISO14443"
CONNECTOR_ID = 1  # every simulated EVSE has a single connector
_PHASES: tuple[m.PhaseEnum, m.PhaseEnum, m.PhaseEnum] = ("L1", "L2", "L3")


def id_token(token: str, kind: m.IdTokenEnum = CARD) -> m.IdToken:
    """An IdTokenType (part 2 §2.28)."""
    return m.IdToken(id_token=token, type=kind)


def evse(evse_id: int) -> m.EVSE:
    """The EVSE and connector a transaction uses (E01.FR.16)."""
    return m.EVSE(id=evse_id, connector_id=CONNECTOR_ID)


def boot_notification(
    reason: m.BootReasonEnum, vendor: str, model: str, serial: str, firmware: str
) -> Payload:
    """BootNotificationRequest (B01); serialNumber is string[0..25]."""
    station = m.ChargingStation(
        model=model, vendor_name=vendor, serial_number=serial[:25], firmware_version=firmware
    )
    return wire.encode(m.BootNotificationRequest(charging_station=station, reason=reason))


def status_notification(evse_id: int, status: m.ConnectorStatusEnum, at: datetime) -> Payload:
    """StatusNotificationRequest (G01) of an EVSE's connector."""
    request = m.StatusNotificationRequest(
        timestamp=at, connector_status=status, evse_id=evse_id, connector_id=CONNECTOR_ID
    )
    return wire.encode(request)


def authorize(token: str) -> Payload:
    """AuthorizeRequest (C01) for a driver's card."""
    return wire.encode(m.AuthorizeRequest(id_token=id_token(token)))


def sampled_values(sample: MeterSample, context: m.ReadingContextEnum) -> list[m.SampledValue]:
    """The six sampled values of one reading (J01): energy, power, 3 phase currents, SoC."""
    values = [
        m.SampledValue(
            value=sample.energy_wh,
            context=context,
            measurand="Energy.Active.Import.Register",
            location="Outlet",
            unit_of_measure=m.UnitOfMeasure(unit="Wh"),
        ),
        m.SampledValue(
            value=sample.power_w,
            context=context,
            measurand="Power.Active.Import",
            location="Outlet",
            unit_of_measure=m.UnitOfMeasure(unit="W"),
        ),
    ]
    for phase, current in zip(_PHASES, sample.currents_a, strict=True):
        values.append(
            m.SampledValue(
                value=current,
                context=context,
                measurand="Current.Import",
                phase=phase,
                location="Outlet",
                unit_of_measure=m.UnitOfMeasure(unit="A"),
            )
        )
    if sample.soc_percent is not None:
        values.append(
            m.SampledValue(
                value=sample.soc_percent,
                context=context,
                measurand="SoC",
                location="EV",
                unit_of_measure=m.UnitOfMeasure(unit="Percent"),
            )
        )
    return values


def meter_value(sample: MeterSample, at: datetime, context: m.ReadingContextEnum) -> m.MeterValue:
    """One MeterValueType with all six measurands."""
    return m.MeterValue(sampled_value=sampled_values(sample, context), timestamp=at)


def register_value(
    sample: MeterSample, at: datetime, context: m.ReadingContextEnum
) -> m.MeterValue:
    """One MeterValueType with the energy register only (Transaction.Begin and .End)."""
    return m.MeterValue(sampled_value=sampled_values(sample, context)[:1], timestamp=at)


def transaction_event(
    event_type: m.TransactionEventEnum,
    *,
    transaction: m.Transaction,
    seq_no: int,
    trigger: m.TriggerReasonEnum,
    at: datetime,
    meter: m.MeterValue | None = None,
    evse_id: int | None = None,
    token: m.IdToken | None = None,
    reservation_id: int | None = None,
) -> Payload:
    """TransactionEventRequest (E01-E07)."""
    request = m.TransactionEventRequest(
        reservation_id=reservation_id,
        event_type=event_type,
        meter_value=None if meter is None else [meter],
        timestamp=at,
        trigger_reason=trigger,
        seq_no=seq_no,
        transaction_info=transaction,
        evse=None if evse_id is None else evse(evse_id),
        id_token=token,
    )
    return wire.encode(request)


def meter_values(evse_id: int, meter: m.MeterValue) -> Payload:
    """MeterValuesRequest (J01) of one EVSE, sent when the CSMS triggers it (F06.FR.06)."""
    return wire.encode(m.MeterValuesRequest(evse_id=evse_id, meter_value=[meter]))


def notify_report(
    request_id: int, seq_no: int, at: datetime, data: list[m.ReportData], *, tbc: bool
) -> Payload:
    """One part of a NotifyReportRequest (B07.FR.03/04/10); `tbc` when more parts follow."""
    request = m.NotifyReportRequest(
        request_id=request_id,
        generated_at=at,
        report_data=data or None,
        tbc=True if tbc else None,
        seq_no=seq_no,
    )
    return wire.encode(request)


def firmware_status(status: str = "Idle", request_id: int | None = None) -> Payload:
    """FirmwareStatusNotificationRequest: a FirmwareStatusEnumType value, with the update's
    requestId but for Idle (L01.FR.20; Idle when triggered outside an update, F06.FR.16)."""
    request = m.FirmwareStatusNotificationRequest(
        status=cast(m.FirmwareStatusEnum, status), request_id=request_id
    )
    return wire.encode(request)


def log_status(status: str = "Idle", request_id: int | None = None) -> Payload:
    """LogStatusNotificationRequest: an UploadLogStatusEnumType value, with the upload's
    requestId but for a triggered Idle (N01.FR.07/13; F06.FR.15)."""
    request = m.LogStatusNotificationRequest(
        status=cast(m.UploadLogStatusEnum, status), request_id=request_id
    )
    return wire.encode(request)


def publish_status(status: str, request_id: int | None, location: str | None = None) -> Payload:
    """PublishFirmwareStatusNotificationRequest (L03): Published with the URI(s) where the
    local controller serves the firmware."""
    request = m.PublishFirmwareStatusNotificationRequest(
        status=cast(m.PublishFirmwareStatusEnum, status),
        location=None if location is None else [location],
        request_id=request_id,
    )
    return wire.encode(request)


def notify_report_parts(
    request_id: int, at: datetime, data: list[m.ReportData], parts: int = 2
) -> list[Payload]:
    """A report in `parts` NotifyReport messages: the same requestId, seqNo from 0, tbc on
    all but the last (B07.FR.04/10, B08.FR.04/14), like a real station's report."""
    size = max(1, -(-len(data) // parts))
    chunks = [data[n * size : (n + 1) * size] for n in range(parts)]
    return [
        notify_report(request_id, seq_no, at, chunk, tbc=seq_no < parts - 1)
        for seq_no, chunk in enumerate(chunks)
    ]


def security_event(kind: str, at: datetime, tech_info: str | None = None) -> Payload:
    """SecurityEventNotificationRequest (A04) with a security event name of the appendix."""
    request = m.SecurityEventNotificationRequest(type=kind, timestamp=at, tech_info=tech_info)
    return wire.encode(request)
