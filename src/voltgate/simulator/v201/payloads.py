"""OCPP 2.0.1 request payloads a charging station sends, built with the generated wire models.

Each function builds the request model of one action (`voltgate.ocpp.v201.messages`, so a
misspelt field or enum value fails type checking) and returns its wire payload. Time is passed
in (aware UTC datetimes); nothing here reads a clock. Meter readings carry the same six
measurands as the 1.6 simulator's: energy register, power, three phase currents and SoC.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

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
) -> Payload:
    """TransactionEventRequest (E01-E07)."""
    request = m.TransactionEventRequest(
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


def firmware_status(status: m.FirmwareStatusEnum = "Idle") -> Payload:
    """FirmwareStatusNotificationRequest, Idle when triggered outside an update (F06.FR.16)."""
    return wire.encode(m.FirmwareStatusNotificationRequest(status=status))


def log_status(status: m.UploadLogStatusEnum = "Idle") -> Payload:
    """LogStatusNotificationRequest, Idle when triggered outside an upload (F06.FR.15)."""
    return wire.encode(m.LogStatusNotificationRequest(status=status))


def security_event(kind: str, at: datetime, tech_info: str | None = None) -> Payload:
    """SecurityEventNotificationRequest (A04) with a security event name of the appendix."""
    request = m.SecurityEventNotificationRequest(type=kind, timestamp=at, tech_info=tech_info)
    return wire.encode(request)
