"""An OCPP 1.6 connector's transactions, as `charging.ConnectorLoop` runs them.

Authorize (local starts only) -> Preparing -> StartTransaction -> Charging -> MeterValues
every MeterValueSampleInterval -> StopTransaction -> Finishing -> Available
"""

from __future__ import annotations

import asyncio
import contextlib
import random

from voltgate.simulator.charging import read_meter, token_status
from voltgate.simulator.clock import Clock, Now
from voltgate.simulator.config import SimulationConfig
from voltgate.simulator.ev import EvSession, idle_sample
from voltgate.simulator.link import CallFailed, Link
from voltgate.simulator.state import (
    ActiveTransaction,
    ConnectorState,
    StartCharging,
    StopCharging,
    TagPool,
)
from voltgate.simulator.stats import Stats
from voltgate.simulator.v16 import payloads
from voltgate.simulator.v16.state import V16State


class Transactions:
    """The 1.6 `TransactionFlow`; `status` and `meter_values` serve triggered messages too.

    Args:
        state: the station's memory (connectors, transactions, intervals).
        config: the run's settings (transaction lengths).
        stats: where refused tags and similar events are counted.
        tags: the fleet's idTags, lent to one transaction at a time.
        rng: the station's random source.
        clock: monotonic seconds; now: aware UTC time for payload timestamps.
    """

    def __init__(
        self,
        state: V16State,
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
        """StatusNotification for a connector (0: the station as a whole)."""
        connector = self._state.connector(connector_id)
        if connector is not None:
            connector.status = status
        payload = payloads.status_notification(connector_id, status, self._now())
        with contextlib.suppress(CallFailed):
            await link.call("StatusNotification", payload)

    async def start(self, link: Link, connector: ConnectorState, command: StartCharging) -> None:
        cid = connector.connector_id
        if not command.remote:
            # AuthorizeRemoteTxRequests is false: only a local start authorizes first (§4.1).
            reply = await link.call("Authorize", payloads.authorize(command.id_tag))
            if (status := token_status(reply, "idTagInfo")) != "Accepted":
                self._stats.error(f"Authorize: idTag not accepted ({status})")
                return
        reservation_id = self._state.claim_reservation(connector, command.id_tag)
        await self.status(link, cid, "Preparing")
        ev = EvSession(self._rng, connector.register_wh)
        begin = ev.sample()
        started_at = self._now()
        payload = payloads.start_transaction(
            cid, command.id_tag, begin.energy_wh, started_at, reservation_id
        )
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
        if (status := token_status(reply, "idTagInfo")) != "Accepted":
            self._stats.error(f"StartTransaction: idTag not accepted ({status})")
            # StopTransactionOnInvalidId is true: end it at once (§4.8, §9.1).
            connector.commands.put_nowait(StopCharging("DeAuthorized"))
            return
        await self.status(link, cid, "Charging")

    async def charge(self, link: Link, connector: ConnectorState, tx: ActiveTransaction) -> None:
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
        end = read_meter(self._state, connector, tx, self._clock() - tx.started_s)
        payload = payloads.stop_transaction(
            int(tx.transaction_id),
            tx.id_tag,
            reason,
            (tx.started_at, tx.begin),
            (self._now(), end),
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
        self._state.profiles.transaction_ended(str(tx.transaction_id))  # §3.13.1
        await self.status(link, connector.connector_id, self._state.idle_status(connector))
        for connector_id in self._state.refresh_reserved():
            await self.status(link, connector_id, self._state.connectors[connector_id - 1].status)

    async def meter_values(
        self, link: Link, connector: ConnectorState, tx: ActiveTransaction | None, context: str
    ) -> None:
        """MeterValues of a connector: the EV's readings in a transaction, else the register."""
        if tx is None:
            sample, tx_id = idle_sample(connector.register_wh), None
        else:
            sample = read_meter(self._state, connector, tx, self._clock() - tx.started_s)
            tx_id = int(tx.transaction_id)
        payload = payloads.meter_values(connector.connector_id, tx_id, sample, self._now(), context)
        with contextlib.suppress(CallFailed):
            await link.call("MeterValues", payload)
