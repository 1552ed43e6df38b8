"""The pump of one station connection: socket <-> OcppSession <-> handlers.

Theory of operation: the reader task receives frames and feeds them to the sans-I/O session;
each CALL the session accepts is dispatched to the version's router and answered when the
handler returns, which is after its effect is committed (acknowledged means durable). Calls
to the station (`call`) go through the same session, which keeps one in flight and owns the
deadlines; a timer task expires them. Both tasks belong to one TaskGroup per connection, so
closing the socket ends everything that served it.

A handler may leave follow-up work on its Context (`Context.then`: e.g. CertificateSigned
after SignCertificate). Once the handler's answer is written, each follow-up runs as a task
of the same TaskGroup, so the reader goes on reading (the follow-up may await the station's
answer to a CALL of ours). A failing follow-up is logged, never ends the connection; when
the socket closes, follow-ups waiting for an answer fail with ConnectionError.

With a message log (`gateway.message_log.FrameRecorder`), every frame is handed to it as the
session described it: a received one before it is handled, a sent one before it is written
to the socket, so the log's order is the conversation's.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import structlog
from websockets.exceptions import ConnectionClosed

from voltgate.domain.errors import DomainError
from voltgate.gateway.message_log import FrameRecorder
from voltgate.gateway.socket import StationSocket
from voltgate.handlers.router import Context, FollowUp, Router
from voltgate.metrics import Metrics
from voltgate.ocpp.errors import ErrorKind, LocalProtocolError, OcppError, wire_code
from voltgate.ocpp.events import (
    CallReceived,
    CallRejected,
    CallTimedOut,
    Event,
    FrameRejected,
    ReplyInvalid,
    ReplyReceived,
    UnmatchedReply,
)
from voltgate.ocpp.messages import CallError, CallResult
from voltgate.ocpp.session import OcppSession

log = structlog.get_logger("voltgate.gateway")

# Close code when a newer connection of the same station takes over (4000-4999: private use).
CLOSE_REPLACED = 4000


class StationConnection:
    """Serves one authenticated WebSocket of one station until it closes."""

    def __init__(
        self,
        ws: StationSocket,
        *,
        ctx: Context,
        session: OcppSession,
        router: Router,
        metrics: Metrics,
        max_text_size: int,
        message_log: FrameRecorder | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        storage_first: Callable[[], bool] | None = None,
    ) -> None:
        """`storage_first`: asked before each frame; when True, the frame waits one turn
        of the event loop so that the storage's committer, ready to go on, runs first
        (`storage.committer.Committer.ready_to_run`)."""
        self.station_id = ctx.station_id
        self._ws = ws
        self._ctx = ctx
        self._session = session
        self._router = router
        self._metrics = metrics
        self._max_text_size = max_text_size
        self._log = message_log if message_log is not None and message_log.enabled else None
        self._monotonic = monotonic
        self._storage_first = storage_first
        self._protocol = str(ctx.connection.protocol)
        self._replies: dict[str, asyncio.Future[CallResult | CallError]] = {}
        self._tasks: asyncio.TaskGroup | None = None
        self._closed = False
        self._deadline_changed = asyncio.Event()
        self._debug = logging.getLogger("voltgate.gateway").isEnabledFor(logging.DEBUG)
        # Label children by (action, result) and by action: `.labels()` costs a lock, a tuple
        # and a dict lookup per call, and every answered CALL records two metrics.
        self._counted: dict[tuple[str, str], Any] = {}
        self._timed: dict[str, Any] = {}

    async def run(self) -> None:
        """Pump frames until the socket closes."""
        try:
            async with asyncio.TaskGroup() as tasks:
                self._tasks = tasks
                reader = tasks.create_task(self._read())
                timer = tasks.create_task(self._expire())
                await reader
                timer.cancel()
                # Follow-ups still waiting for the station's answer end now, not at their
                # deadline (the timer is gone).
                self._closed = True
                self._fail_pending()
        finally:
            self._closed = True
            self._tasks = None
            self._fail_pending()

    async def call(self, action: str, payload: dict[str, Any]) -> CallResult | CallError:
        """Send a CALL to the station and wait for its CALLRESULT or CALLERROR.

        Raises:
            TimeoutError: no answer before the call timeout.
            ConnectionError: the station disconnected first.
        """
        if self._closed:
            raise ConnectionError(f"{self.station_id} disconnected")
        call = self._session.send_call(action, payload, now=self._monotonic())
        future: asyncio.Future[CallResult | CallError] = asyncio.get_running_loop().create_future()
        self._replies[call.unique_id] = future
        self._deadline_changed.set()
        await self._flush()
        return await future

    async def replace(self) -> None:
        """Close this socket because the station connected again elsewhere."""
        await self._ws.close(CLOSE_REPLACED, "replaced by a newer connection")

    async def _read(self) -> None:
        try:
            async for text in self._ws:
                storage_first = self._storage_first
                if storage_first is not None and storage_first():
                    await asyncio.sleep(0)  # one turn: the committer's batch answers first
                started = time.perf_counter()
                if len(text) > self._max_text_size:
                    frame = self._session.receive_oversize(text, limit=self._max_text_size)
                else:
                    frame = self._session.receive_text(text, now=self._monotonic())
                if self._log is not None:
                    self._log.received(self.station_id, frame)
                await self._handle(self._session.events(), started)
                await self._flush()
                self._start_follow_ups()
        except ConnectionClosed:
            pass

    async def _expire(self) -> None:
        while True:
            deadline = self._session.next_deadline()
            timeout = None if deadline is None else max(0.0, deadline - self._monotonic())
            self._deadline_changed.clear()
            try:
                async with asyncio.timeout(timeout):
                    await self._deadline_changed.wait()
            except TimeoutError:
                self._session.expire(now=self._monotonic())
                await self._handle(self._session.events(), time.perf_counter())
                await self._flush()

    async def _handle(self, events: list[Event], started: float) -> None:
        for event in events:
            if isinstance(event, CallReceived):
                await self._answer(event, started)
            elif isinstance(event, ReplyReceived):
                self._resolve(event.call.unique_id, event.reply)
            elif isinstance(event, ReplyInvalid):
                # The station answered, but not with what the schema allows: the caller
                # gets a failure, not a payload it would have to distrust.
                code = wire_code(event.error.kind, self._ctx.connection.protocol)
                log.warning(
                    "< invalid CALLRESULT", action=event.call.action, reason=event.error.description
                )
                failure = CallError(
                    event.call.unique_id, code, f"invalid answer: {event.error.description}"
                )
                self._resolve(event.call.unique_id, failure)
            elif isinstance(event, CallTimedOut):
                future = self._replies.pop(event.call.unique_id, None)
                if future is not None and not future.done():
                    future.set_exception(TimeoutError(f"{event.call.action} was not answered"))
            elif isinstance(event, CallRejected):
                code = wire_code(event.error.kind, self._ctx.connection.protocol)
                self._metrics.messages.labels(self._protocol, event.call.action, code).inc()
                log.warning(
                    "< CALL rejected",
                    action=event.call.action,
                    code=code,
                    reason=event.error.description,
                    unique_id=event.call.unique_id,
                )
            elif isinstance(event, FrameRejected):
                code = wire_code(event.error.kind, self._ctx.connection.protocol)
                self._metrics.frames_rejected.labels(self._protocol, code).inc()
                log.warning(
                    "< bad frame",
                    code=code,
                    reason=event.error.description,
                    answered=event.error.answer,
                )
            elif isinstance(event, UnmatchedReply):
                log.warning("< reply to no pending call", unique_id=event.message.unique_id)

    async def _answer(self, event: CallReceived, started: float) -> None:
        call = event.call
        if self._debug:
            log.debug("< CALL", action=call.action, unique_id=call.unique_id)
        try:
            payload = await self._router.dispatch(self._ctx, call)
            self._session.send_result(call, payload)
            result = "CALLRESULT"
        except OcppError as error:
            self._ctx.follow_ups.clear()  # nothing follows an answer that is an error
            self._session.send_error(call, error)
            result = wire_code(error.kind, self._ctx.connection.protocol)
            log.warning("> CALLERROR", action=call.action, code=result, reason=error.description)
        except LocalProtocolError as error:
            self._ctx.follow_ups.clear()
            log.error("our response broke the schema", action=call.action, error=str(error))
            self._session.send_error(
                call, OcppError("internal error", kind=ErrorKind.INTERNAL_ERROR)
            )
            result = "InternalError"
        except Exception:
            self._ctx.follow_ups.clear()
            log.exception("handler failed", action=call.action)
            self._session.send_error(
                call, OcppError("internal error", kind=ErrorKind.INTERNAL_ERROR)
            )
            result = "InternalError"
        elapsed = time.perf_counter() - started
        counter = self._counted.get((call.action, result))
        if counter is None:
            counter = self._metrics.messages.labels(self._protocol, call.action, result)
            self._counted[call.action, result] = counter
        counter.inc()
        histogram = self._timed.get(call.action)
        if histogram is None:
            histogram = self._timed[call.action] = self._metrics.latency.labels(
                self._protocol, call.action
            )
        histogram.observe(elapsed)

    def _start_follow_ups(self) -> None:
        follow_ups = self._ctx.follow_ups
        if not follow_ups or self._tasks is None:
            return
        self._ctx.follow_ups = []
        for work in follow_ups:
            self._tasks.create_task(self._follow_up(work))

    async def _follow_up(self, work: FollowUp) -> None:
        """Run one follow-up; its failure is logged and never ends the connection."""
        try:
            await work()
        except DomainError as error:  # the station refused, timed out or went away
            log.warning("follow-up failed", error=str(error))
        except Exception:
            log.exception("follow-up failed")

    def _fail_pending(self) -> None:
        for future in self._replies.values():
            if not future.done():
                future.set_exception(ConnectionError(f"{self.station_id} disconnected"))
        self._replies.clear()

    def _resolve(self, unique_id: str, reply: CallResult | CallError) -> None:
        future = self._replies.pop(unique_id, None)
        if future is not None and not future.done():
            future.set_result(reply)
        self._deadline_changed.set()

    async def _flush(self) -> None:
        for frame in self._session.frames_to_send():
            if self._log is not None:
                self._log.sent(self.station_id, frame)
            try:
                await self._ws.send_text(frame.text)
            except ConnectionClosed:
                return
