"""The life of a connector, as a driver would use it, whatever the OCPP version.

    idle (or a remote start) -> start a transaction -> charge until the driver leaves
    (or a stop command) -> stop -> idle

`ConnectorLoop.run` is a small state machine over `ConnectorState`: with no transaction it
waits for the idle time (or a remote start) and starts one; with a transaction it lets the
version's `TransactionFlow` charge and stop it. Because the state lives outside the loop, a
loop cancelled by a dropped socket resumes where it was after the reconnect. What is sent on
the way (Authorize, StartTransaction or TransactionEvent, meter values, statuses) belongs to
the flow of each version: `v16.transactions`, `v201.transactions`.
"""

from __future__ import annotations

import asyncio
import random
from typing import Any, Protocol

from voltgate.simulator.config import SimulationConfig
from voltgate.simulator.ev import MeterSample
from voltgate.simulator.link import CallFailed, Link
from voltgate.simulator.state import (
    ActiveTransaction,
    ConnectorState,
    StartCharging,
    StationState,
    TagPool,
)
from voltgate.simulator.stats import Stats


class TransactionFlow(Protocol):
    """How one OCPP version starts, runs and stops a connector's transaction."""

    async def start(self, link: Link, connector: ConnectorState, command: StartCharging) -> None:
        """Start a transaction for `command`; on success `connector.transaction` is set.

        Raises:
            CallFailed: a CALL of the start failed; the loop pauses and goes on.
        """
        ...

    async def charge(self, link: Link, connector: ConnectorState, tx: ActiveTransaction) -> None:
        """Sample until the driver leaves or a stop command comes, then stop the transaction
        and clear `connector.transaction`.

        Raises:
            CallFailed: stopping failed; the loop pauses and calls `charge` again.
        """
        ...


class ConnectorLoop:
    """Runs one station's connectors with a version's `TransactionFlow`.

    Args:
        state: the station's memory (connectors, transactions, intervals).
        config: the run's settings (idle and transaction lengths, retry pause).
        stats: where refused tags and similar events are counted.
        tags: the fleet's idTags, lent to one transaction at a time.
        rng: the station's random source.
        flow: the version's way of starting and stopping transactions.
    """

    def __init__(
        self,
        state: StationState,
        config: SimulationConfig,
        stats: Stats,
        tags: TagPool,
        *,
        rng: random.Random,
        flow: TransactionFlow,
    ) -> None:
        self._state = state
        self._config = config
        self._stats = stats
        self._tags = tags
        self._rng = rng
        self._flow = flow

    async def run(self, link: Link, connector: ConnectorState) -> None:
        first = True
        while True:
            try:
                if connector.transaction is None:
                    command = await self._idle(connector, first)
                    first = False
                    await self._start(link, connector, command)
                else:
                    await self._flow.charge(link, connector, connector.transaction)
            except CallFailed:
                # Already counted; pause like a station waiting for its retry interval.
                await asyncio.sleep(self._config.reconnect_min)

    async def _idle(self, connector: ConnectorState, first: bool) -> StartCharging:
        """Wait out the idle time, or a remote start, whichever comes first.

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
                if not (connector.operative and self._state.accepts_new_transactions):
                    continue
                if connector.busy:
                    continue  # a remote start is on its way
                tag = self._tags.take(self._rng)
                if tag is None:
                    self._stats.error("no free idTag: more connectors than --id-tag values")
                    continue
                if not self._state.may_start(connector, tag):
                    self._tags.give_back(tag)  # held by a reservation for another driver
                    continue
                connector.starting = True
                return StartCharging(tag, remote=False)
            if isinstance(command, StartCharging):
                return command

    async def _start(self, link: Link, connector: ConnectorState, command: StartCharging) -> None:
        started = False
        try:
            await self._flow.start(link, connector, command)
            started = connector.transaction is not None
        finally:
            connector.starting = False
            if not started and not command.remote:
                self._tags.give_back(command.id_tag)


def read_meter(
    state: StationState, connector: ConnectorState, tx: ActiveTransaction, elapsed_s: float
) -> MeterSample:
    """The EV's meter `elapsed_s` into the transaction, having drawn no more than the
    station's charging profiles allow on the connector (1.6 §3.13, 2.0.1 K01.FR.07)."""
    return tx.ev.advance(elapsed_s, state.power_limit_w(connector))


def token_status(reply: dict[str, Any], field: str) -> str:
    """The authorization status in an answer's `field` (idTagInfo, idTokenInfo)."""
    info = reply.get(field)
    return str(info.get("status")) if isinstance(info, dict) else f"missing {field}"
