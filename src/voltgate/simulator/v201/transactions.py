"""An OCPP 2.0.1 connector's transactions, as `charging.ConnectorLoop` runs them.

    Authorize (local starts) -> Occupied -> TransactionEvent Started (seqNo 0) -> Updated
    every TxUpdatedInterval (seqNo + 1) -> Ended -> Available

The station starts a transaction once the driver is authorized (TxStartPoint Authorized, E03:
card first, then cable) and makes up its id, a fresh UUID (E01.FR.08). Each TransactionEvent
carries the next seqNo of the transaction (E01.FR.07: counting from 0, one up per message) and
the triggerReason of the event that caused it (E01.FR.15):

    Started   Authorized (local) or RemoteStart (F01.FR.19), with idToken, evse and the
              Transaction.Begin register (E01.FR.09, E01.FR.10, E01.FR.16)
    Updated   MeterValuePeriodic with the six Sample.Periodic measurands, or Trigger
    Ended     StopAuthorized + Local with the idToken (E07.FR.02/05: the driver presents the
              card again), EVCommunicationLost + EVDisconnected (E09: the cable is pulled
              at the car; TriggerReasonEnumType: "Communication with EV lost, for example:
              cable disconnected"), RemoteStop + Remote (F03.FR.03), ResetCommand +
              ImmediateReset (B12.FR.04) or Deauthorized + DeAuthorized (E06.FR.04), with
              the Transaction.End register (E06.FR.11)

An Ended event is built once and sent again as it is until the CSMS answers it, so a CSMS
sees a retry, not a second end.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Callable
from typing import Any, cast

from voltgate.ocpp.v201 import messages as m
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
from voltgate.simulator.v201 import payloads
from voltgate.simulator.v201.state import V201State

# How a driver ends a local session when no command ends it first: presents the card again
# (E07) or pulls the cable at the car (E09), each in about half of the sessions.
_DRIVER_STOPS = (StopCharging("Local", "StopAuthorized"), StopCharging("EVDisconnected"))
_EV_DISCONNECTED = "EVCommunicationLost"


class Transactions:
    """The 2.0.1 `TransactionFlow`; `status`, `triggered_event` and `meter_values` serve
    triggered messages too.

    Args:
        state: the station's memory (connectors, transactions, device model).
        config: the run's settings (transaction lengths).
        stats: where refused tokens and similar events are counted.
        tags: the fleet's idTags, lent to one transaction at a time.
        rng: the station's random source.
        clock: monotonic seconds; now: aware UTC time for payload timestamps.
        new_id: a fresh unique id, used for transaction ids.
    """

    def __init__(
        self,
        state: V201State,
        config: SimulationConfig,
        stats: Stats,
        tags: TagPool,
        *,
        rng: random.Random,
        clock: Clock,
        now: Now,
        new_id: Callable[[], str],
    ) -> None:
        self._state = state
        self._config = config
        self._stats = stats
        self._tags = tags
        self._rng = rng
        self._clock = clock
        self._now = now
        self._new_id = new_id

    async def status(self, link: Link, connector: ConnectorState, status: str) -> None:
        """StatusNotification of the connector of an EVSE (G01)."""
        connector.status = status
        payload = payloads.status_notification(
            connector.connector_id, cast(m.ConnectorStatusEnum, status), self._now()
        )
        with contextlib.suppress(CallFailed):
            await link.call("StatusNotification", payload)

    async def start(self, link: Link, connector: ConnectorState, command: StartCharging) -> None:
        if not command.remote or self._state.authorize_remote_start:
            # C01.FR.02: a card is authorized first; a remote start only when
            # AuthorizeRemoteStart is true (F01.FR.01/02).
            reply = await link.call("Authorize", payloads.authorize(command.id_tag))
            if (status := token_status(reply, "idTokenInfo")) != "Accepted":
                self._stats.error(f"Authorize: idToken not accepted ({status})")
                return
        reservation_id = self._state.claim_reservation(connector, command.id_tag)
        await self.status(link, connector, "Occupied")  # E02.FR.05: the cable is plugged in
        ev = EvSession(self._rng, connector.register_wh)
        begin = ev.sample()
        started_at = self._now()
        now_s = self._clock()
        length = self._config.transaction_seconds * self._rng.uniform(0.75, 1.25)
        tx = ActiveTransaction(
            transaction_id=self._new_id(),
            id_tag=command.id_tag,
            ev=ev,
            started_at=started_at,
            started_s=now_s,
            ends_s=now_s + length,
            begin=begin,
            pooled=not command.remote,
        )
        # The transaction exists at the station from here on, answered or not: if the
        # Started event fails, the loop goes on charging and ends it (E01.FR.08).
        connector.transaction = tx
        connector.idle.clear()
        kind = cast(m.IdTokenEnum, command.token_type or payloads.CARD)
        payload = payloads.transaction_event(
            "Started",
            transaction=m.Transaction(
                transaction_id=str(tx.transaction_id),
                charging_state="Charging",
                remote_start_id=command.remote_start_id,  # F01.FR.25
            ),
            seq_no=tx.next_seq_no(),
            trigger="RemoteStart" if command.remote else "Authorized",
            at=started_at,
            meter=payloads.register_value(begin, started_at, "Transaction.Begin"),
            evse_id=connector.connector_id,
            token=payloads.id_token(command.id_tag, kind),
            reservation_id=reservation_id,  # H01.FR.15, E03.FR.03: in the first event only
        )
        reply = await link.call("TransactionEvent", payload)
        if (status := token_status(reply, "idTokenInfo")) != "Accepted":
            self._stats.error(f"TransactionEvent: idToken not accepted ({status})")
            # E06.FR.04 (StopTxOnInvalidId, TxStopPoint Authorized): end it at once.
            connector.commands.put_nowait(StopCharging("DeAuthorized", "Deauthorized"))

    async def charge(self, link: Link, connector: ConnectorState, tx: ActiveTransaction) -> None:
        """Updated every TxUpdatedInterval until the driver leaves or a stop command comes."""
        if tx.ending is None:
            stop = await self._until_stopped(link, connector, tx)
            tx.ending = self._ended(connector, tx, stop)
        await link.call("TransactionEvent", tx.ending)
        connector.register_wh = tx.ev.register_wh
        connector.transaction = None
        connector.idle.set()
        if tx.pooled:
            self._tags.give_back(tx.id_tag)
        if connector.operative_after_transaction is not None:
            connector.operative = connector.operative_after_transaction
            connector.operative_after_transaction = None
        self._state.profiles.transaction_ended(str(tx.transaction_id))
        self._state.transaction_ended(str(tx.transaction_id))
        # G01.FR.04/05: the cable is out, the connector is Available (or Unavailable when
        # a ChangeAvailability was scheduled for the end of the transaction; Reserved when
        # a reservation for any EVSE now needs it, H01.FR.20).
        await self.status(link, connector, self._state.idle_status(connector))
        for evse_id in self._state.refresh_reserved():
            other = self._state.connector(evse_id)
            if other is not None:
                await self.status(link, other, other.status)

    async def _until_stopped(
        self, link: Link, connector: ConnectorState, tx: ActiveTransaction
    ) -> StopCharging:
        while (left := tx.ends_s - self._clock()) > 0:
            try:
                async with asyncio.timeout(min(self._state.meter_s, left)):
                    command = await connector.commands.get()
            except TimeoutError:
                if self._clock() < tx.ends_s:
                    await self.updated(link, connector, tx, "MeterValuePeriodic")
                continue
            if isinstance(command, StopCharging):
                return command
        # A remote-started session has no card to present again: its driver unplugs.
        return self._rng.choice(_DRIVER_STOPS) if tx.pooled else _DRIVER_STOPS[1]

    def _ended(
        self, connector: ConnectorState, tx: ActiveTransaction, stop: StopCharging
    ) -> dict[str, Any]:
        at = self._now()
        end = read_meter(self._state, connector, tx, self._clock() - tx.started_s)
        ev_gone = stop.reason == "EVDisconnected"
        trigger = stop.trigger or (_EV_DISCONNECTED if ev_gone else "StopAuthorized")
        transaction = m.Transaction(
            transaction_id=str(tx.transaction_id),
            charging_state="Idle" if ev_gone else "EVConnected",  # E01.FR.18
            time_spent_charging=round(self._clock() - tx.started_s),
            stopped_reason=cast(m.ReasonEnum, stop.reason),  # E06.FR.08
        )
        # The idToken only where the driver authorized the stop (E07.FR.02), never for a
        # remote stop or a reset (TransactionEventRequest.idToken).
        token = payloads.id_token(tx.id_tag) if trigger == "StopAuthorized" else None
        return payloads.transaction_event(
            "Ended",
            transaction=transaction,
            seq_no=tx.next_seq_no(),
            trigger=cast(m.TriggerReasonEnum, trigger),
            at=at,
            meter=payloads.register_value(end, at, "Transaction.End"),
            token=token,
        )

    async def updated(
        self,
        link: Link,
        connector: ConnectorState,
        tx: ActiveTransaction,
        trigger: m.TriggerReasonEnum,
    ) -> None:
        """A TransactionEvent Updated with the EV's readings now: periodic (E02.FR.10) or
        triggered (F06.FR.07, with the chargingState)."""
        at = self._now()
        sample = read_meter(self._state, connector, tx, self._clock() - tx.started_s)
        periodic = trigger == "MeterValuePeriodic"
        payload = payloads.transaction_event(
            "Updated",
            transaction=m.Transaction(
                transaction_id=str(tx.transaction_id),
                charging_state=None if periodic else "Charging",
            ),
            seq_no=tx.next_seq_no(),
            trigger=trigger,
            at=at,
            meter=payloads.meter_value(sample, at, "Sample.Periodic" if periodic else "Trigger"),
        )
        with contextlib.suppress(CallFailed):
            await link.call("TransactionEvent", payload)

    async def meter_values(self, link: Link, connector: ConnectorState) -> None:
        """MeterValues of an EVSE with its latest readings (F06.FR.06)."""
        tx = connector.transaction
        if tx is None:
            sample = idle_sample(connector.register_wh)
        else:
            sample = read_meter(self._state, connector, tx, self._clock() - tx.started_s)
        meter = payloads.meter_value(sample, self._now(), "Trigger")
        with contextlib.suppress(CallFailed):
            await link.call("MeterValues", payloads.meter_values(connector.connector_id, meter))
