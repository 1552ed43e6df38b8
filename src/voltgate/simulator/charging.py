"""The transactions of a simulated station: one loop per connector, as a driver would charge.

    idle -> Authorize -> Preparing -> StartTransaction -> Charging -> MeterValues every
    MeterValueSampleInterval -> StopTransaction -> Finishing -> Available -> idle

A loop is a small state machine over `ConnectorState`: with no transaction it waits for the
idle time (or a RemoteStartTransaction) and starts one; with a transaction it samples the EV
until the driver leaves (or a stop command comes) and stops it. Because the state lives outside
the loop, a loop cancelled by a dropped socket resumes where it was after the reconnect.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from typing import Any

from voltgate.simulator import payloads
from voltgate.simulator.clock import Clock, Now
from voltgate.simulator.config import SimulationConfig
from voltgate.simulator.ev import EvSession, idle_sample
from voltgate.simulator.link import CallFailed, Link
from voltgate.simulator.state import (
    ActiveTransaction,
    ConnectorState,
    StartCharging,
    StationState,
    StopCharging,
    TagPool,
)
from voltgate.simulator.stats import Stats


class Charging:
    """Runs the connectors of one station; `status` and `meter_values` serve the station too.

    Args:
        state: the station's memory (connectors, transactions, intervals).
        config: the run's settings (idle and transaction lengths, retry pause).
        stats: where refused tags and similar events are counted.
        tags: the fleet's idTags, lent to one transaction at a time.
        rng: the station's random source.
        clock: monotonic seconds; now: aware UTC time for payload timestamps.
    """

    def __init__(
        self,
        state: StationState,
        config: SimulationConfig,
        stats: Stats,
        tags: TagPool,
        *,
        rng: random.Random,
        clock: Clock,
        now: Now,
    ) -> None:
        self._state = state
        self._config = config
        self._stats = stats
        self._tags = tags
        self._rng = rng
        self._clock = clock
        self._now = now

    async def status(self, link: Link, connector_id: int, status: str) -> None:
        connector = self._state.connector(connector_id)
        if connector is not None:
            connector.status = status
        payload = payloads.status_notification(connector_id, status, self._now())
        with contextlib.suppress(CallFailed):
            await link.call("StatusNotification", payload)

    async def run(self, link: Link, connector: ConnectorState) -> None:
        first = True
        while True:
            try:
                if connector.transaction is None:
                    command = await self._idle(connector, first)
                    first = False
                    await self._start(link, connector, command)
                else:
                    await self._charge(link, connector, connector.transaction)
            except CallFailed:
                # Already counted; pause like a station waiting for its retry interval.
                await asyncio.sleep(self._config.reconnect_min)

    async def _idle(self, connector: ConnectorState, first: bool) -> StartCharging:
        """Wait out the idle time, or a RemoteStartTransaction, whichever comes first.

        The first wait after connecting is anywhere in 0..idle, so that a fleet started
        together spreads its transactions at once instead of starting them in one wave.
        """
        idle = self._config.idle_seconds
        while True:
            share = self._rng.uniform(0.0, 1.0) if first else self._rng.uniform(0.5, 1.5)
            first = False
            try:
                async with asyncio.timeout(idle * share):
                    command = await connector.commands.get()
            except TimeoutError:
                if not (connector.operative and self._state.operative):
                    continue
                if connector.busy:
                    continue  # a remote start is on its way
                tag = self._tags.take(self._rng)
                if tag is None:
                    self._stats.error("no free idTag: more connectors than --id-tag values")
                    continue
                connector.starting = True
                return StartCharging(tag, remote=False)
            if isinstance(command, StartCharging):
                return command

    async def _start(self, link: Link, connector: ConnectorState, command: StartCharging) -> None:
        started = False
        try:
            await self._start_transaction(link, connector, command)
            started = connector.transaction is not None
        finally:
            connector.starting = False
            if not started and not command.remote:
                self._tags.give_back(command.id_tag)

    async def _start_transaction(
        self, link: Link, connector: ConnectorState, command: StartCharging
    ) -> None:
        cid = connector.connector_id
        if not command.remote:
            # AuthorizeRemoteTxRequests is false: only a local start authorizes first (§4.1).
            reply = await link.call("Authorize", payloads.authorize(command.id_tag))
            if _tag_status(reply) != "Accepted":
                self._stats.error(f"Authorize: idTag not accepted ({_tag_status(reply)})")
                return
        await self.status(link, cid, "Preparing")
        ev = EvSession(self._rng, connector.register_wh)
        begin = ev.sample()
        started_at = self._now()
        payload = payloads.start_transaction(cid, command.id_tag, begin.energy_wh, started_at)
        reply = await link.call("StartTransaction", payload)
        now_s = self._clock()
        length = self._config.transaction_seconds * self._rng.uniform(0.75, 1.25)
        connector.transaction = ActiveTransaction(
            transaction_id=int(reply["transactionId"]),
            id_tag=command.id_tag,
            ev=ev,
            started_at=started_at,
            started_s=now_s,
            ends_s=now_s + length,
            begin=begin,
            pooled=not command.remote,
        )
        connector.idle.clear()
        if _tag_status(reply) != "Accepted":
            self._stats.error(f"StartTransaction: idTag not accepted ({_tag_status(reply)})")
            # StopTransactionOnInvalidId is true: end it at once (§4.8, §9.1).
            connector.commands.put_nowait(StopCharging("DeAuthorized"))
            return
        await self.status(link, cid, "Charging")

    async def _charge(self, link: Link, connector: ConnectorState, tx: ActiveTransaction) -> None:
        """MeterValues every sample interval until the EV leaves or a stop command comes."""
        reason = "EVDisconnected"
        while (left := tx.ends_s - self._clock()) > 0:
            try:
                async with asyncio.timeout(min(self._state.meter_s, left)):
                    command = await connector.commands.get()
            except TimeoutError:
                if self._clock() < tx.ends_s:
                    await self.meter_values(link, connector, tx, "Sample.Periodic")
                continue
            if isinstance(command, StopCharging):
                reason = command.reason
                break
        end = tx.ev.advance(self._clock() - tx.started_s)
        payload = payloads.stop_transaction(
            tx.transaction_id, tx.id_tag, reason, (tx.started_at, tx.begin), (self._now(), end)
        )
        await link.call("StopTransaction", payload)
        connector.register_wh = end.energy_wh
        connector.transaction = None
        connector.idle.set()
        if tx.pooled:
            self._tags.give_back(tx.id_tag)
        await self.status(link, connector.connector_id, "Finishing")
        if connector.operative_after_transaction is not None:
            connector.operative = connector.operative_after_transaction
            connector.operative_after_transaction = None
        await self.status(
            link, connector.connector_id, "Available" if connector.operative else "Unavailable"
        )

    async def meter_values(
        self, link: Link, connector: ConnectorState, tx: ActiveTransaction | None, context: str
    ) -> None:
        if tx is None:
            sample, tx_id = idle_sample(connector.register_wh), None
        else:
            sample, tx_id = tx.ev.advance(self._clock() - tx.started_s), tx.transaction_id
        payload = payloads.meter_values(connector.connector_id, tx_id, sample, self._now(), context)
        with contextlib.suppress(CallFailed):
            await link.call("MeterValues", payload)


def _tag_status(reply: dict[str, Any]) -> str:
    info = reply.get("idTagInfo")
    return str(info.get("status")) if isinstance(info, dict) else "missing idTagInfo"
