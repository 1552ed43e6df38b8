"""One station's open WebSocket: our CALLs one at a time, timed; the CSMS's CALLs answered.

OCPP-J 1.6 §4.1.1 and OCPP 2.0.1 part 4 §4.1.1: a station sends a CALL only when the previous
one was answered (or timed out). `Link.call` enforces that with a lock and measures each CALL
from the moment it is written to the moment its answer arrives, which is the latency a real
station experiences.
`Link.read` is the only reader of the socket: it matches answers to the CALL in flight and
hands the CSMS's own CALLs to the station's answer function.

`open_link` turns every way a connection can fail into `ConnectFailed` with a sentence a user
can act on ("HTTP 401 (check --password)").
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI
from websockets.typing import Subprotocol

from voltgate.ocpp.errors import FrameError, OcppVersion, PayloadError
from voltgate.ocpp.messages import Call, CallError, CallResult, parse_message
from voltgate.ocpp.validation import VersionValidators
from voltgate.simulator.clock import Clock
from voltgate.simulator.stats import Stats

Payload = dict[str, Any]
OnCall = Callable[[Call], Awaitable[None]]

_HTTP_HINTS = {
    401: "check --password",
    403: "the server refused this station id or its credentials",
    404: "check the URL path, e.g. ws://127.0.0.1:9000/ocpp",
}


class ConnectFailed(Exception):
    """The WebSocket could not be opened; `reason` is short and readable."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"could not connect to {url}: {reason}")
        self.url = url
        self.reason = reason


class Disconnected(Exception):
    """The socket closed while the station was using it."""


class CallFailed(Exception):
    """A CALL was answered with a CALLERROR or not at all; the flow that sent it gives up."""

    def __init__(self, action: str, why: str) -> None:
        super().__init__(f"{action}: {why}")
        self.action = action


def describe_connect_error(exc: BaseException) -> str:
    """A short, actionable description of why opening a WebSocket failed."""
    if isinstance(exc, InvalidStatus):
        status = exc.response.status_code
        hint = _HTTP_HINTS.get(status)
        return f"HTTP {status} ({hint})" if hint else f"HTTP {status}"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused (is the server running and listening on that port?)"
    if isinstance(exc, socket.gaierror):
        return f"unknown host ({exc.strerror})"
    if isinstance(exc, TimeoutError):
        return "timed out during the opening handshake"
    if isinstance(exc, InvalidURI):
        return f"invalid URL ({exc.msg})"
    if isinstance(exc, InvalidHandshake | OSError):
        return str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {exc}"


@asynccontextmanager
async def open_link(
    url: str,
    *,
    version: OcppVersion,
    authorization: str | None,
    stats: Stats,
    clock: Clock,
    call_timeout: float,
    new_id: Callable[[], str],
    validators: VersionValidators | None,
    open_timeout: float = 10.0,
) -> AsyncIterator[Link]:
    """Open the station's WebSocket (subprotocol `version`) and close it when the block exits.

    Raises:
        ConnectFailed: the connection or the opening handshake failed.
    """
    headers = {"Authorization": authorization} if authorization else None
    try:
        ws = await connect(
            url,
            subprotocols=[Subprotocol(version.value)],
            additional_headers=headers,
            # OCPP-J 1.6 §5.1 recommends no compression beyond RFC 6455; stations rarely
            # negotiate permessage-deflate, and the load it adds would skew measurements.
            compression=None,
            proxy=None,
            open_timeout=open_timeout,
            ping_interval=None,  # the OCPP Heartbeat is the station's keepalive
            close_timeout=2.0,
            max_queue=None,
        )
    except Exception as exc:
        raise ConnectFailed(url, describe_connect_error(exc)) from exc
    try:
        if ws.subprotocol != version.value:
            raise ConnectFailed(url, f"the server did not accept the {version.value} subprotocol")
        yield Link(ws, version, stats, clock, call_timeout, new_id, validators)
    finally:
        await ws.close()


class Link:
    """An open connection as the station uses it; see the module docstring."""

    def __init__(
        self,
        ws: ClientConnection,
        version: OcppVersion,
        stats: Stats,
        clock: Clock,
        call_timeout: float,
        new_id: Callable[[], str],
        validators: VersionValidators | None,
    ) -> None:
        self._ws = ws
        self.version = version
        self._stats = stats
        self._clock = clock
        self._call_timeout = call_timeout
        self._new_id = new_id
        self._validators = validators
        self._lock = asyncio.Lock()
        self._pending: tuple[str, asyncio.Future[tuple[CallResult | CallError, float]]] | None
        self._pending = None

    async def call(self, action: str, payload: Payload) -> Payload:
        """Send one CALL, wait for its answer and return the CALLRESULT payload.

        Raises:
            CallFailed: the answer was a CALLERROR or did not come within the call timeout.
            Disconnected: the socket closed before the answer came.
        """
        if self._validators is not None:
            # A payload we build wrongly is our bug; it must not reach the server silently.
            self._validators.check_request(action, payload)
        async with self._lock:
            call = Call(self._new_id(), action, payload)
            future: asyncio.Future[tuple[CallResult | CallError, float]]
            future = asyncio.get_running_loop().create_future()
            self._pending = (call.unique_id, future)
            self._stats.call_sent(action)
            started = self._clock()
            try:
                await self._ws.send(call.to_text())
                async with asyncio.timeout(self._call_timeout):
                    reply, received = await future
            except TimeoutError:
                self._stats.call_timed_out(action)
                raise CallFailed(action, f"no answer within {self._call_timeout:g} s") from None
            except ConnectionClosed:
                raise Disconnected() from None
            finally:
                self._pending = None
        latency = received - started
        if isinstance(reply, CallError):
            self._stats.call_answered(action, latency, reply.code)
            raise CallFailed(action, f"CALLERROR {reply.code} {reply.description}".strip())
        self._stats.call_answered(action, latency)
        if self._validators is not None:
            try:
                self._validators.check_response(action, reply.payload)
            except PayloadError as exc:
                self._stats.error(f"invalid {action}.conf from the server: {exc.description}")
                raise CallFailed(action, f"invalid answer: {exc.description}") from None
        return reply.payload

    async def read(self, on_call: OnCall) -> None:
        """Read until the socket closes, then raise `Disconnected`.

        Answers to our CALL complete the call in flight; CALLs of the CSMS go to `on_call`,
        which answers them with `send_reply` before it returns.
        """
        try:
            async for text in self._ws:
                received = self._clock()
                try:
                    message = parse_message(text)
                except FrameError as exc:
                    self._stats.error(f"unreadable frame from the server: {exc.description}")
                    if exc.answer:
                        await self._ws.send(
                            CallError.from_error(exc.unique_id, exc, self.version).to_text()
                        )
                    continue
                if isinstance(message, Call):
                    self._stats.incoming[message.action] += 1
                    await on_call(message)
                elif self._pending is not None and message.unique_id == self._pending[0]:
                    future = self._pending[1]
                    if not future.done():
                        future.set_result((message, received))
                else:
                    self._stats.error("answer to a CALL that is not in flight")
        except ConnectionClosed:
            pass
        if self._pending is not None and not self._pending[1].done():
            self._pending[1].set_exception(Disconnected())
        raise Disconnected()

    async def send_reply(self, reply: CallResult | CallError) -> None:
        """Answer a CALL of the CSMS."""
        await self._ws.send(reply.to_text())

    def check_incoming(self, call: Call) -> None:
        """Validate a CSMS CALL's payload when validation is on.

        Raises:
            ActionNotImplemented: the action is not an action of the link's version.
            PayloadError: the payload breaks the action's schema.
        """
        if self._validators is not None:
            self._validators.check_request(call.action, call.payload)

    def check_outgoing_answer(self, action: str, payload: Payload) -> None:
        """Validate our own answer to the CSMS when validation is on (a bug if it fails)."""
        if self._validators is not None:
            self._validators.check_response(action, payload)

    async def close(self, code: int = 1000, reason: str = "") -> None:
        """Close the socket; the reader then raises `Disconnected`."""
        await self._ws.close(code, reason)
