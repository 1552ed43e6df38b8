"""OCPP 2.0.1 for `SimulatedStation`: boot, answers, statuses, transactions, reports, triggers."""

from __future__ import annotations

import contextlib
from typing import cast

from voltgate.ocpp.errors import ErrorKind, OcppError, OcppVersion
from voltgate.ocpp.v201 import messages as m
from voltgate.simulator.activities import FIRMWARE_JOB, LOG_JOB, PUBLISH_JOB, last_reported
from voltgate.simulator.charging import ConnectorLoop
from voltgate.simulator.dialect import FIRMWARE, Payload, StationContext
from voltgate.simulator.followups import (
    Answer,
    Followup,
    SecurityEvent,
    SendReport,
    SendStatus,
    Trigger,
)
from voltgate.simulator.link import CallFailed, Link
from voltgate.simulator.reservations import Reservation
from voltgate.simulator.state import ConnectorState
from voltgate.simulator.v201 import payloads, responders
from voltgate.simulator.v201.charging_responders import reservation_update
from voltgate.simulator.v201.device_model import Nameplate, standard_model
from voltgate.simulator.v201.state import V201State
from voltgate.simulator.v201.transactions import Transactions


class V201Dialect:
    """The OCPP 2.0.1 `Dialect`: one EVSE with one connector per simulated connector."""

    version = OcppVersion.V201

    def __init__(self, ctx: StationContext) -> None:
        self._ctx = ctx
        config = ctx.config
        connectors = ctx.new_connectors()
        plate = Nameplate(
            station_id=ctx.station_id,
            vendor=config.vendor,
            model=config.model,
            evses=len(connectors),
            heartbeat_s=ctx.heartbeat_s,
            meter_s=config.meter_interval,
            message_timeout_s=config.call_timeout,
            # Profile 1 is Basic auth over ws://, profile 2 the same over TLS (A00).
            security_profile=2 if config.url.startswith("wss://") else 1,
        )
        self.state = V201State(
            connectors,
            ctx.heartbeat_s,
            config.meter_interval,
            device_model=standard_model(plate),
            now=ctx.now,
            progress_s=config.progress_seconds,
            password=config.password,
        )
        self.state.heartbeat_fixed = config.heartbeat_interval is not None
        self._transactions = Transactions(
            self.state,
            config,
            ctx.stats,
            ctx.tags,
            rng=ctx.rng,
            clock=ctx.clock,
            now=ctx.now,
            new_id=ctx.new_id,
        )
        self._loop = ConnectorLoop(
            self.state, config, ctx.stats, ctx.tags, rng=ctx.rng, flow=self._transactions
        )

    def boot_payload(self, reason: str) -> Payload:
        """BootNotificationRequest with the reason of this boot (B01.FR.09)."""
        config = self._ctx.config
        return payloads.boot_notification(
            cast(m.BootReasonEnum, reason),
            config.vendor,
            config.model,
            self._ctx.station_id,
            FIRMWARE,
        )

    def reservation_ended(self, reservation: Reservation, status: str) -> list[Followup]:
        # H04.FR.01 (Expired), H01.FR.16/17 (Removed).
        update: m.ReservationUpdateStatusEnum = "Removed" if status == "Removed" else "Expired"
        return [reservation_update(reservation.id, update)]

    def answer(self, action: str, payload: Payload) -> Answer:
        return responders.answer(self.state, action, payload)

    def refusal_while_rejected(self) -> OcppError | None:
        # B03.FR.08: while Rejected, a CSMS's CALL gets CALLERROR SecurityError.
        return OcppError("the CSMS rejected this station", kind=ErrorKind.SECURITY_ERROR)

    async def report_statuses(self, link: Link) -> None:
        # B01.FR.05: a StatusNotification for each connector with its current state.
        for connector in self.state.connectors:
            await self._transactions.status(link, connector, connector.status)

    async def run_connector(self, link: Link, connector: ConnectorState) -> None:
        await self._loop.run(link, connector)

    async def follow_up(self, link: Link, followup: Followup) -> None:
        if isinstance(followup, SendStatus):
            connector = self.state.connector(followup.connector_id)
            if connector is not None:
                await self._transactions.status(link, connector, connector.status)
        elif isinstance(followup, Trigger):
            await self._trigger(link, followup)
        elif isinstance(followup, SendReport):
            await self._report(link, followup)
        elif isinstance(followup, SecurityEvent):
            payload = payloads.security_event(followup.type, self._ctx.now(), followup.tech_info)
            with contextlib.suppress(CallFailed):
                await link.call("SecurityEventNotification", payload)

    async def _trigger(self, link: Link, trigger: Trigger) -> None:
        """Send what TriggerMessage accepted (F06); None means every EVSE (F06.FR.11)."""
        wanted, message = trigger.connector_id, trigger.message
        chosen = [c for c in self.state.connectors if wanted in (None, c.connector_id)]
        if message == "StatusNotification":
            for connector in chosen:
                await self._transactions.status(link, connector, connector.status)
        elif message == "MeterValues":
            for connector in chosen:
                await self._transactions.meter_values(link, connector)
        elif message == "TransactionEvent":
            for connector in chosen:
                if connector.transaction is not None:
                    await self._transactions.updated(
                        link, connector, connector.transaction, "Trigger"
                    )
        else:
            with contextlib.suppress(CallFailed):
                await link.call(message, self._job_status(message))

    def _job_status(self, message: str) -> Payload:
        """A triggered job status: the last one reported, Idle when none is under way
        (L01.FR.25/26, N01.FR.13, F06.FR.15/16)."""
        now = self.state.now()
        if message == "LogStatusNotification":
            status, request_id = last_reported(self.state.activities.get(LOG_JOB), now, "Uploaded")
            return payloads.log_status(status, request_id)
        if message == "PublishFirmwareStatusNotification":
            # Published stays the status while the firmware is served (until unpublished).
            activity = self.state.activities.get(PUBLISH_JOB)
            reported = None if activity is None else activity.status_at(now)
            served = list(self.state.published.values())
            if activity is None or reported is None or (reported == "Published" and not served):
                return payloads.publish_status("Idle", None)
            location = served[-1] if reported == "Published" else None
            return payloads.publish_status(reported, activity.request_id, location)
        status, request_id = last_reported(
            self.state.activities.get(FIRMWARE_JOB), now, "Installed"
        )
        return payloads.firmware_status(status, request_id)

    async def _report(self, link: Link, report: SendReport) -> None:
        """The base report in NotifyReport parts: the same requestId, seqNo from 0, tbc on
        all but the last (B07.FR.04, B07.FR.10)."""
        data = self.state.device_model.report(report.report_base, self.state.value_of)
        for payload in payloads.notify_report_parts(report.request_id, self._ctx.now(), data):
            try:
                await link.call("NotifyReport", payload)
            except CallFailed:
                return
