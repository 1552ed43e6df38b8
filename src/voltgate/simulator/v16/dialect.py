"""OCPP 1.6 for `SimulatedStation`: boot payload, answers, statuses, transactions, triggers."""

from __future__ import annotations

import contextlib

from voltgate.ocpp.errors import OcppError, OcppVersion
from voltgate.simulator.activities import FIRMWARE_JOB, LOG_JOB, last_reported
from voltgate.simulator.charging import ConnectorLoop
from voltgate.simulator.dialect import FIRMWARE, Payload, StationContext
from voltgate.simulator.followups import Answer, Followup, SecurityEvent, SendStatus, Trigger
from voltgate.simulator.link import CallFailed, Link
from voltgate.simulator.reservations import Reservation
from voltgate.simulator.state import ConnectorState
from voltgate.simulator.v16 import payloads, responders
from voltgate.simulator.v16.state import V16State
from voltgate.simulator.v16.transactions import Transactions


class V16Dialect:
    """The OCPP 1.6 `Dialect`: a station with connectors 1..n behind connector 0."""

    version = OcppVersion.V16

    def __init__(self, ctx: StationContext) -> None:
        self._ctx = ctx
        config = ctx.config
        self.state = V16State(
            ctx.new_connectors(),
            ctx.heartbeat_s,
            config.meter_interval,
            now=ctx.now,
            progress_s=config.progress_seconds,
            password=config.password,
        )
        self.state.heartbeat_fixed = config.heartbeat_interval is not None
        self._transactions = Transactions(
            self.state, config, ctx.stats, ctx.tags, rng=ctx.rng, clock=ctx.clock, now=ctx.now
        )
        self._loop = ConnectorLoop(
            self.state, config, ctx.stats, ctx.tags, rng=ctx.rng, flow=self._transactions
        )

    def boot_payload(self, reason: str) -> Payload:
        """BootNotification.req (§6.3); 1.6 does not say why the station boots."""
        config = self._ctx.config
        return payloads.boot_notification(
            config.vendor, config.model, self._ctx.station_id, FIRMWARE
        )

    def reservation_ended(self, reservation: Reservation, status: str) -> list[Followup]:
        return []  # §5.13: 1.6 only reports the connector's status

    def answer(self, action: str, payload: Payload) -> Answer:
        return responders.answer(self.state, action, payload)

    def refusal_while_rejected(self) -> OcppError | None:
        return None  # §4.2: while Rejected the station does not respond

    async def report_statuses(self, link: Link) -> None:
        await self._transactions.status(link, 0, self._station_status())
        for connector in self.state.connectors:
            await self._transactions.status(link, connector.connector_id, connector.status)

    async def run_connector(self, link: Link, connector: ConnectorState) -> None:
        await self._loop.run(link, connector)

    async def follow_up(self, link: Link, followup: Followup) -> None:
        if isinstance(followup, SendStatus):
            connector = self.state.connector(followup.connector_id)
            status = connector.status if connector else self._station_status()
            await self._transactions.status(link, followup.connector_id, status)
        elif isinstance(followup, Trigger):
            await self._trigger(link, followup)
        elif isinstance(followup, SecurityEvent):
            payload = payloads.security_event(followup.type, self._ctx.now(), followup.tech_info)
            with contextlib.suppress(CallFailed):
                await link.call("SecurityEventNotification", payload)

    def _station_status(self) -> str:
        return "Available" if self.state.operative else "Unavailable"

    async def _trigger(self, link: Link, trigger: Trigger) -> None:
        """Send what TriggerMessage asked for (§5.17); the station itself sends
        BootNotification and Heartbeat."""
        message, wanted = trigger.message, trigger.connector_id
        chosen = [c for c in self.state.connectors if wanted in (None, 0, c.connector_id)]
        if message == "StatusNotification" and wanted is None:
            await self.report_statuses(link)
        elif message == "StatusNotification" and wanted == 0:
            await self._transactions.status(link, 0, self._station_status())
        elif message == "StatusNotification":
            for connector in chosen:
                await self._transactions.status(link, connector.connector_id, connector.status)
        elif message == "MeterValues":
            for connector in chosen:
                await self._transactions.meter_values(
                    link, connector, connector.transaction, "Trigger"
                )
        else:
            with contextlib.suppress(CallFailed):
                await link.call(message, self._job_status(message))

    def _job_status(self, message: str) -> Payload:
        """A triggered job status: the last one reported, Idle when none is under way
        (§5.17; Security Whitepaper L01.FR.28/29, N01.FR.12)."""
        now = self.state.now()
        if message in ("LogStatusNotification", "DiagnosticsStatusNotification"):
            status, request_id = last_reported(self.state.activities.get(LOG_JOB), now, "Uploaded")
            if message == "DiagnosticsStatusNotification":
                return payloads.diagnostics_status(status if request_id is None else "Idle")
            return payloads.log_status(status, request_id)
        status, request_id = last_reported(
            self.state.activities.get(FIRMWARE_JOB), now, "Installed"
        )
        if message == "SignedFirmwareStatusNotification":
            return payloads.signed_firmware_status(status, request_id)
        # A plain update has no request id; the statuses of a signed one are not 1.6's.
        return payloads.firmware_status(status if request_id is None else "Idle")
