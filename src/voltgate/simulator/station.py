"""One simulated charging station: connect, boot, heartbeat, charge, reconnect.

Theory of operation. `SimulatedStation.run` loops over connections until it is cancelled.
Each connection is a TaskGroup of small loops sharing one `Link` (one CALL in flight):

    reader        answers the CSMS's CALLs (the dialect's responders) and completes our CALL
                  in flight
    follow-ups    runs what an answer promised: remote start/stop, triggered messages, reset,
                  reports; notifications spread over time (a firmware update's progress) run
                  in tasks of their own
    reservations  ends each reservation when its expiry comes (1.6 §5.13, 2.0.1 H04)
    heartbeat     Heartbeat every heartbeat interval
    connector n   idle -> authorize -> start -> meter values every sample interval -> stop ->
                  idle (charging.py, with the dialect's transaction flow)

What differs between OCPP versions (payloads, answers, statuses, the transaction messages)
comes from the station's `Dialect` (dialect.py); this module is the same for 1.6 and 2.0.1.

When the socket drops, the reader raises `Disconnected`, the TaskGroup cancels the rest and
`run` reconnects with exponential backoff. The station's memory (`StationState`) survives, so a
transaction goes on after a reconnect; a reconnect sends no new BootNotification (OCPP-J 1.6
§5.4, OCPP 2.0.1 B01.FR.03: only a reboot does), only a reboot (Reset) does.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Callable

from voltgate.ocpp.errors import ErrorKind, OcppError, PayloadError
from voltgate.ocpp.messages import Call, CallError, CallResult
from voltgate.ocpp.validation import VersionValidators
from voltgate.simulator.clock import Clock, Now
from voltgate.simulator.config import SimulationConfig, basic_auth
from voltgate.simulator.dialect import (
    POWER_UP,
    REMOTE_RESET,
    TRIGGERED,
    DialectFactory,
    StationContext,
)
from voltgate.simulator.followups import (
    Followup,
    Notify,
    Reboot,
    SendStatus,
    ToConnector,
    Trigger,
)
from voltgate.simulator.link import CallFailed, ConnectFailed, Disconnected, Link, open_link
from voltgate.simulator.state import TagPool
from voltgate.simulator.stats import Stats


class SimulatedStation:
    """A charging station with `config.connectors` connectors; see the module docstring.

    Args:
        station_id: the station's identity (last URL segment, Basic auth user name).
        config: the run's settings.
        stats: where every CALL, connection and error is counted.
        tags: the fleet's idTags, lent to one transaction at a time.
        dialect: builds the station's OCPP version part (`runner.DIALECTS`).
        rng: this station's own random source (EVs, idle times, tags, backoff jitter).
        clock: monotonic seconds, for latencies and transaction lengths.
        now: aware UTC wall-clock time, for timestamps in payloads.
        new_id: makes the unique id of each CALL (and of each 2.0.1 transaction).
        validators: the version's schema validators, or None to skip validation.
    """

    def __init__(
        self,
        station_id: str,
        config: SimulationConfig,
        stats: Stats,
        tags: TagPool,
        *,
        dialect: DialectFactory,
        rng: random.Random,
        clock: Clock,
        now: Now,
        new_id: Callable[[], str],
        validators: VersionValidators | None,
    ) -> None:
        self.station_id = station_id
        self._config = config
        self._stats = stats
        self._rng = rng
        self._clock = clock
        self._new_id = new_id
        self._validators = validators
        context = StationContext(station_id, config, stats, tags, rng, clock, now, new_id)
        self.dialect = dialect(context)
        self.state = self.dialect.state
        self.first_attempt = asyncio.Event()  # set once the first connection attempt is over
        self.first_error: ConnectFailed | None = None
        self.booted = False  # BootNotification accepted since the last (re)boot
        self._boot_reason = POWER_UP
        self._followups: asyncio.Queue[Followup] = asyncio.Queue()
        self._rebooting = False
        self._reset_when_idle = asyncio.Event()  # a Reset OnIdle waits for the transactions
        self._notifying: dict[str, asyncio.Task[None]] = {}  # running `Notify`s by key

    async def run(self) -> None:
        """Stay connected until cancelled, reconnecting with backoff after every drop."""
        failures = 0
        connected_once = False
        while True:
            try:
                async with open_link(
                    self._config.station_url(self.station_id),
                    version=self.dialect.version,
                    # Read at every connect: a password the CSMS changed is used from the
                    # next connection on (2.0.1 A01, SetVariables BasicAuthPassword).
                    authorization=basic_auth(self.station_id, self.state.password),
                    stats=self._stats,
                    clock=self._clock,
                    call_timeout=self._config.call_timeout,
                    new_id=self._new_id,
                    validators=self._validators,
                ) as link:
                    failures = 0
                    self._stats.connected += 1
                    self._stats.peak_connected = max(
                        self._stats.peak_connected, self._stats.connected
                    )
                    if not connected_once:
                        connected_once = True
                        self._stats.ever_connected += 1
                    self.first_attempt.set()
                    try:
                        await self._session(link)
                    finally:
                        self._stats.connected -= 1
            except ConnectFailed as exc:
                self._stats.connect_failures[exc.reason] += 1
                if not self.first_attempt.is_set():
                    self.first_error = exc
                    self.first_attempt.set()
                failures += 1
            except Exception as exc:  # a bug must not take the other stations down
                self._stats.error(f"station crashed: {_describe(exc)}")
                failures += 1
            await asyncio.sleep(self._reconnect_delay(failures))
            self._stats.reconnects += 1

    def _reconnect_delay(self, failures: int) -> float:
        if self._rebooting:
            self._rebooting = False
            return 0.0
        low, high = self._config.reconnect_min, self._config.reconnect_max
        return min(high, low * 2.0 ** max(0, failures - 1)) * self._rng.uniform(0.5, 1.0)

    async def _session(self, link: Link) -> None:
        """Run one connection until the socket closes."""
        try:
            async with asyncio.TaskGroup() as tasks:
                tasks.create_task(link.read(lambda call: self._on_call(link, call)))
                tasks.create_task(self._run_followups(link, tasks))
                tasks.create_task(self._idle_reset(link))
                tasks.create_task(self._expire_reservations())
                if not self.booted:
                    await self._boot(link)
                await self.dialect.report_statuses(link)
                tasks.create_task(self._heartbeats(link))
                for connector in self.state.connectors:
                    tasks.create_task(self.dialect.run_connector(link, connector))
        except* Disconnected:
            pass

    # --- registration and keepalive -------------------------------------------------------

    async def _boot(self, link: Link) -> None:
        """BootNotification until Accepted; Pending and Rejected wait `interval`
        (1.6 §4.2, 2.0.1 B02.FR.07/08, B03.FR.05/06)."""
        payload = self.dialect.boot_payload(self._boot_reason)
        while True:
            try:
                reply = await link.call("BootNotification", payload)
            except CallFailed:
                await asyncio.sleep(self._config.reconnect_max)
                continue
            self.state.registration = str(reply.get("status"))
            interval = float(reply.get("interval", 0))
            if self.state.registration == "Accepted":
                if interval > 0 and not self.state.heartbeat_fixed:
                    self.state.set_heartbeat(interval)
                self.booted = True
                self._boot_reason = POWER_UP
                return
            # A zero interval lets the station choose; avoid flooding the CSMS.
            await asyncio.sleep(interval if interval > 0 else self._config.reconnect_max)

    async def _heartbeats(self, link: Link) -> None:
        # The first beat comes at a random point of the interval, so that stations started
        # together do not beat together forever.
        await asyncio.sleep(self.state.heartbeat_s * self._rng.uniform(0.1, 1.0))
        while True:
            with contextlib.suppress(CallFailed):
                await link.call("Heartbeat", {})
            await asyncio.sleep(self.state.heartbeat_s)

    # --- the CSMS's CALLs ------------------------------------------------------------------

    async def _on_call(self, link: Link, call: Call) -> None:
        version = link.version
        if self.state.registration == "Rejected":
            refusal = self.dialect.refusal_while_rejected()
            if refusal is not None:
                await link.send_reply(CallError.from_error(call.unique_id, refusal, version))
            return
        try:
            link.check_incoming(call)
            answer = self.dialect.answer(call.action, call.payload)
        except OcppError as exc:
            await link.send_reply(CallError.from_error(call.unique_id, exc, version))
            return
        except (KeyError, ValueError, TypeError) as exc:  # only reachable with validation off
            unreadable = PayloadError(f"cannot read the payload: {exc!r}")
            await link.send_reply(CallError.from_error(call.unique_id, unreadable, version))
            return
        try:
            link.check_outgoing_answer(call.action, answer.payload)
        except PayloadError as exc:
            self._stats.error(f"simulator bug: invalid {call.action} answer: {exc.description}")
            error = OcppError(exc.description, kind=ErrorKind.INTERNAL_ERROR)
            await link.send_reply(CallError.from_error(call.unique_id, error, version))
            return
        await link.send_reply(CallResult(call.unique_id, answer.payload))
        for followup in answer.then:
            self._followups.put_nowait(followup)

    async def _run_followups(self, link: Link, tasks: asyncio.TaskGroup) -> None:
        while True:
            followup = await self._followups.get()
            if isinstance(followup, Notify):
                self._start_notify(link, followup, tasks)
            elif isinstance(followup, ToConnector):
                connector = self.state.connector(followup.connector_id)
                if connector is not None:
                    connector.commands.put_nowait(followup.command)
            elif isinstance(followup, Reboot) and followup.on_idle:
                # B12.FR.01/03: no new transaction starts; the running ones end by themselves.
                self.state.reset_scheduled = True
                self._reset_when_idle.set()
            elif isinstance(followup, Reboot):
                await self._reboot(link, followup)
            elif isinstance(followup, Trigger) and followup.message == "BootNotification":
                self.booted = False
                self._boot_reason = TRIGGERED
                await self._boot(link)
            elif isinstance(followup, Trigger) and followup.message == "Heartbeat":
                with contextlib.suppress(CallFailed):
                    await link.call("Heartbeat", {})
            else:
                await self.dialect.follow_up(link, followup)

    def _start_notify(self, link: Link, notify: Notify, tasks: asyncio.TaskGroup) -> None:
        """Send `notify`'s steps in a task of the connection; one with the same key that is
        still running is cancelled (the job it reports on was replaced)."""
        if notify.key is not None and (running := self._notifying.pop(notify.key, None)):
            running.cancel()
        task = tasks.create_task(self._notify(link, notify))
        if notify.key is not None:
            self._notifying[notify.key] = task

    async def _notify(self, link: Link, notify: Notify) -> None:
        started = self._clock()
        for step in notify.steps:
            await asyncio.sleep(max(0.0, started + step.after_s - self._clock()))
            with contextlib.suppress(CallFailed):
                await link.call(step.action, step.payload)

    async def _expire_reservations(self) -> None:
        """End reservations as their expiry comes (1.6 §5.13, 2.0.1 H04.FR.01): the dialect
        says what the station reports, and the connectors they held report their status."""
        reservations = self.state.reservations
        while True:
            reservations.changed.clear()
            due = reservations.next_expiry()
            wait = None if due is None else max(0.0, (due - self.state.now()).total_seconds())
            try:
                async with asyncio.timeout(wait):
                    await reservations.changed.wait()
            except TimeoutError:
                for lapsed in reservations.due(self.state.now()):
                    for followup in self.dialect.reservation_ended(lapsed, "Expired"):
                        self._followups.put_nowait(followup)
                for connector_id in self.state.refresh_reserved():
                    self._followups.put_nowait(SendStatus(connector_id))

    async def _reboot(self, link: Link, reboot: Reboot) -> None:
        """Reset now: stop every transaction with the reboot's reason, then reconnect and
        boot (1.6 §5.14; 2.0.1 B11.FR.03, B12.FR.04)."""
        running = [c for c in self.state.connectors if c.transaction is not None]
        for connector in running:
            connector.commands.put_nowait(reboot.stop)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self._config.call_timeout):
                for connector in running:
                    await connector.idle.wait()
        await self._restart(link)

    async def _idle_reset(self, link: Link) -> None:
        """Reset once a scheduled reset (2.0.1 Reset OnIdle) finds every connector idle.

        A task of each connection, so that waiting blocks neither the follow-ups nor a
        RequestStopTransaction that ends the wait; the schedule survives a reconnect.
        """
        await self._reset_when_idle.wait()
        for connector in self.state.connectors:
            await connector.idle.wait()
        self._reset_when_idle.clear()
        await self._restart(link)

    async def _restart(self, link: Link) -> None:
        self.state.reset_scheduled = False
        self.booted = False
        self._boot_reason = REMOTE_RESET
        self._rebooting = True
        await link.close(1001, "rebooting")  # RFC 6455 §7.4.1: 1001 "going away"


def _describe(exc: BaseException) -> str:
    """The innermost error of a TaskGroup failure, as `Type: message`."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return f"{type(exc).__name__}: {exc}"
