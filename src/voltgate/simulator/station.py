"""One simulated OCPP 1.6 charging station: connect, boot, heartbeat, charge, reconnect.

Theory of operation. `SimulatedStation.run` loops over connections until it is cancelled.
Each connection is a TaskGroup of small loops sharing one `Link` (one CALL in flight):

    reader        answers the CSMS's CALLs (responders.py) and completes our CALL in flight
    follow-ups    runs what an answer promised: remote start/stop, triggered messages, reset
    heartbeat     Heartbeat.req every HeartbeatInterval
    connector n   idle -> Authorize -> Preparing -> StartTransaction -> Charging ->
                  MeterValues every MeterValueSampleInterval -> StopTransaction ->
                  Finishing -> Available -> idle

When the socket drops, the reader raises `Disconnected`, the TaskGroup cancels the rest and
`run` reconnects with exponential backoff. The station's memory (`StationState`) survives, so a
transaction goes on after a reconnect; per OCPP-J 1.6 §5.4 a reconnect sends no new
BootNotification, only a reboot (Reset) does.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Callable

from voltgate.ocpp.errors import ErrorKind, OcppError, OcppVersion, PayloadError
from voltgate.ocpp.messages import Call, CallError, CallResult
from voltgate.ocpp.validation import VersionValidators
from voltgate.simulator import payloads, responders
from voltgate.simulator.charging import Charging
from voltgate.simulator.clock import Clock, Now
from voltgate.simulator.config import SimulationConfig
from voltgate.simulator.ev import initial_register
from voltgate.simulator.link import CallFailed, ConnectFailed, Disconnected, Link, open_link
from voltgate.simulator.responders import Followup, Reboot, SendStatus, ToConnector, Trigger
from voltgate.simulator.state import (
    ConnectorState,
    StationState,
    StopCharging,
    TagPool,
)
from voltgate.simulator.stats import Stats

DEFAULT_HEARTBEAT_S = 300.0  # until BootNotification.conf says otherwise
FIRMWARE = "voltgate-sim 1.0"


class SimulatedStation:
    """A charging station with `config.connectors` connectors; see the module docstring.

    Args:
        station_id: the station's identity (last URL segment, Basic auth user name).
        config: the run's settings.
        stats: where every CALL, connection and error is counted.
        tags: the fleet's idTags, lent to one transaction at a time.
        rng: this station's own random source (EVs, idle times, tags, backoff jitter).
        clock: monotonic seconds, for latencies and transaction lengths.
        now: aware UTC wall-clock time, for timestamps in payloads.
        new_id: makes the unique id of each CALL.
        validators: OCPP 1.6 schema validators, or None to skip validation.
    """

    def __init__(
        self,
        station_id: str,
        config: SimulationConfig,
        stats: Stats,
        tags: TagPool,
        *,
        rng: random.Random,
        clock: Clock,
        now: Now,
        new_id: Callable[[], str],
        validators: VersionValidators | None,
    ) -> None:
        self.station_id = station_id
        self._config = config
        self._stats = stats
        self._tags = tags
        self._rng = rng
        self._clock = clock
        self._now = now
        self._new_id = new_id
        self._validators = validators
        connectors = [
            ConnectorState(n, initial_register(rng)) for n in range(1, config.connectors + 1)
        ]
        heartbeat = config.heartbeat_interval or DEFAULT_HEARTBEAT_S
        self.state = StationState(connectors, heartbeat, config.meter_interval)
        self.state.heartbeat_fixed = config.heartbeat_interval is not None
        self._charging = Charging(self.state, config, stats, tags, rng=rng, clock=clock, now=now)
        self.first_attempt = asyncio.Event()  # set once the first connection attempt is over
        self.first_error: ConnectFailed | None = None
        self.booted = False  # BootNotification accepted since the last (re)boot
        self._registration = ""  # last BootNotification status
        self._followups: asyncio.Queue[Followup] = asyncio.Queue()
        self._rebooting = False

    async def run(self) -> None:
        """Stay connected until cancelled, reconnecting with backoff after every drop."""
        failures = 0
        connected_once = False
        while True:
            try:
                async with open_link(
                    self._config.station_url(self.station_id),
                    authorization=self._config.auth_header(self.station_id),
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
                tasks.create_task(self._run_followups(link))
                if not self.booted:
                    await self._boot(link)
                await self._send_all_statuses(link)
                tasks.create_task(self._heartbeats(link))
                for connector in self.state.connectors:
                    tasks.create_task(self._charging.run(link, connector))
        except* Disconnected:
            pass

    # --- registration and keepalive -------------------------------------------------------

    async def _boot(self, link: Link) -> None:
        """BootNotification until Accepted; Pending and Rejected wait `interval` (§4.2)."""
        payload = payloads.boot_notification(
            self._config.vendor, self._config.model, self.station_id, FIRMWARE
        )
        while True:
            try:
                reply = await link.call("BootNotification", payload)
            except CallFailed:
                await asyncio.sleep(self._config.reconnect_max)
                continue
            self._registration = str(reply.get("status"))
            interval = float(reply.get("interval", 0))
            if self._registration == "Accepted":
                if interval > 0 and not self.state.heartbeat_fixed:
                    self.state.set_heartbeat(interval)
                self.booted = True
                return
            # §4.2: a zero interval lets the station choose; avoid flooding the CSMS.
            await asyncio.sleep(interval if interval > 0 else self._config.reconnect_max)

    async def _heartbeats(self, link: Link) -> None:
        # The first beat comes at a random point of the interval, so that stations started
        # together do not beat together forever.
        await asyncio.sleep(self.state.heartbeat_s * self._rng.uniform(0.1, 1.0))
        while True:
            with contextlib.suppress(CallFailed):
                await link.call("Heartbeat", {})
            await asyncio.sleep(self.state.heartbeat_s)

    def _station_status(self) -> str:
        return "Available" if self.state.operative else "Unavailable"

    async def _send_all_statuses(self, link: Link) -> None:
        await self._charging.status(link, 0, self._station_status())
        for connector in self.state.connectors:
            await self._charging.status(link, connector.connector_id, connector.status)

    # --- the CSMS's CALLs ------------------------------------------------------------------

    async def _on_call(self, link: Link, call: Call) -> None:
        if self._registration == "Rejected":
            return  # §4.2: while Rejected the station does not respond
        try:
            link.check_incoming(call)
            answer = responders.answer(self.state, call.action, call.payload)
        except OcppError as exc:
            await link.send_reply(CallError.from_error(call.unique_id, exc, OcppVersion.V16))
            return
        except (KeyError, ValueError, TypeError) as exc:  # only reachable with validation off
            unreadable = PayloadError(f"cannot read the payload: {exc!r}")
            await link.send_reply(CallError.from_error(call.unique_id, unreadable, OcppVersion.V16))
            return
        try:
            link.check_outgoing_answer(call.action, answer.payload)
        except PayloadError as exc:
            self._stats.error(f"simulator bug: invalid {call.action}.conf: {exc.description}")
            error = OcppError(exc.description, kind=ErrorKind.INTERNAL_ERROR)
            await link.send_reply(CallError.from_error(call.unique_id, error, OcppVersion.V16))
            return
        await link.send_reply(CallResult(call.unique_id, answer.payload))
        for followup in answer.then:
            self._followups.put_nowait(followup)

    async def _run_followups(self, link: Link) -> None:
        while True:
            followup = await self._followups.get()
            if isinstance(followup, ToConnector):
                connector = self.state.connector(followup.connector_id)
                if connector is not None:
                    connector.commands.put_nowait(followup.command)
            elif isinstance(followup, SendStatus):
                connector = self.state.connector(followup.connector_id)
                status = connector.status if connector else "Available"
                await self._charging.status(link, followup.connector_id, status)
            elif isinstance(followup, Trigger):
                await self._trigger(link, followup)
            elif isinstance(followup, Reboot):
                await self._reboot(link, followup.reason)

    async def _trigger(self, link: Link, trigger: Trigger) -> None:
        """Send what TriggerMessage asked for (§5.17)."""
        message, wanted = trigger.message, trigger.connector_id
        chosen = [c for c in self.state.connectors if wanted in (None, 0, c.connector_id)]
        if message == "BootNotification":
            self.booted = False
            await self._boot(link)
        elif message == "Heartbeat":
            with contextlib.suppress(CallFailed):
                await link.call("Heartbeat", {})
        elif message == "StatusNotification" and wanted is None:
            await self._send_all_statuses(link)
        elif message == "StatusNotification" and wanted == 0:
            await self._charging.status(
                link, 0, "Available" if self.state.operative else "Unavailable"
            )
        elif message == "StatusNotification":
            for connector in chosen:
                await self._charging.status(link, connector.connector_id, connector.status)
        elif message == "MeterValues":
            for connector in chosen:
                await self._charging.meter_values(link, connector, connector.transaction, "Trigger")
        else:
            call_payload = (
                payloads.diagnostics_status()
                if message == "DiagnosticsStatusNotification"
                else payloads.firmware_status()
            )
            with contextlib.suppress(CallFailed):
                await link.call(message, call_payload)

    async def _reboot(self, link: Link, reason: str) -> None:
        """Reset (§5.14): stop every transaction with `reason`, then reconnect and boot."""
        running = [c for c in self.state.connectors if c.transaction is not None]
        for connector in running:
            connector.commands.put_nowait(StopCharging(reason))
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self._config.call_timeout):
                for connector in running:
                    await connector.idle.wait()
        self.booted = False
        self._rebooting = True
        await link.close(1001, "rebooting")  # RFC 6455 §7.4.1: 1001 "going away"


def _describe(exc: BaseException) -> str:
    """The innermost error of a TaskGroup failure, as `Type: message`."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return f"{type(exc).__name__}: {exc}"
