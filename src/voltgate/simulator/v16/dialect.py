"""OCPP 1.6 for `SimulatedStation`: boot payload, answers, statuses, transactions, triggers."""

from __future__ import annotations

import contextlib

from voltgate.ocpp.errors import OcppError, OcppVersion
from voltgate.simulator.charging import ConnectorLoop
from voltgate.simulator.dialect import FIRMWARE, Payload, StationContext
from voltgate.simulator.followups import Answer, Followup, SendStatus, Trigger
from voltgate.simulator.link import CallFailed, Link
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
            ctx.new_connectors(), ctx.heartbeat_s, config.meter_interval, password=config.password
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
            call_payload = (
                payloads.diagnostics_status()
                if message == "DiagnosticsStatusNotification"
                else payloads.firmware_status()
            )
            with contextlib.suppress(CallFailed):
                await link.call(message, call_payload)
