"""A scripted central system on 127.0.0.1, the remote partner of the simulator's tests.

It speaks OCPP 1.6 and 2.0.1 (whichever subprotocol the station offers), checks every CALL it
receives against the official JSON schema of that version (an invalid one is recorded in
`invalid` and answered with a CALLERROR), answers the rest from a table, records what it
received per station, can refuse the handshake (401) or drop a socket, and can send its own
CALLs to a connected station. Tests wait on its records with `wait_until` (a Condition, no
polling sleeps).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from voltgate.ocpp.errors import OcppError, OcppVersion
from voltgate.ocpp.messages import Call, CallError, CallResult, parse_message
from voltgate.ocpp.validation import Validators

Payload = dict[str, Any]
NOW = "2025-01-01T00:00:00Z"


@dataclass
class FakeCsms:
    """Records and answers; see the module docstring."""

    boot_statuses: list[str] = field(default_factory=list)  # consumed first, then Accepted
    boot_interval: int = 300
    password: str | None = None  # when set, the handshake needs this Basic password
    token_status: str = "Accepted"  # the authorization status of every idTag / idToken
    calls: list[tuple[str, Call]] = field(default_factory=list)
    invalid: list[tuple[str, str]] = field(default_factory=list)  # (action, schema error)
    protocols: dict[str, str] = field(default_factory=dict)  # subprotocol per station
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    connects: dict[str, int] = field(default_factory=dict)
    port: int = 0
    _sockets: dict[str, ServerConnection] = field(default_factory=dict)
    _replies: dict[str, asyncio.Future[CallResult | CallError]] = field(default_factory=dict)
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _tx_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ocpp"

    def received(self, action: str, station_id: str | None = None) -> list[Call]:
        return [c for s, c in self.calls if c.action == action and station_id in (None, s)]

    def count(self, action: str) -> int:
        return len(self.received(action))

    async def wait_until(self, predicate: Callable[[], bool], within: float = 5.0) -> None:
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(predicate)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def _answer(self, call: Call, version: OcppVersion) -> Payload:
        if call.action == "BootNotification":
            status = self.boot_statuses.pop(0) if self.boot_statuses else "Accepted"
            return {"status": status, "currentTime": NOW, "interval": self.boot_interval}
        if call.action == "Heartbeat":
            return {"currentTime": NOW}
        if version is OcppVersion.V201:
            # 2.0.1 C01.FR.07, E01.FR.12: an idToken is answered with its idTokenInfo.
            if call.action == "Authorize" or "idToken" in call.payload:
                return {"idTokenInfo": {"status": self.token_status}}
            return {}
        if call.action in ("Authorize", "StopTransaction"):
            return {"idTagInfo": {"status": self.token_status}}
        if call.action == "StartTransaction":
            tx_id = next(self._tx_ids)
            return {"transactionId": tx_id, "idTagInfo": {"status": self.token_status}}
        return {}

    async def send(self, station_id: str, action: str, payload: Payload) -> CallResult | CallError:
        """Send a CALL to a connected station and wait for its answer."""
        call = Call(f"csms-{next(self._ids)}", action, payload)
        future: asyncio.Future[CallResult | CallError] = asyncio.get_running_loop().create_future()
        self._replies[call.unique_id] = future
        await self._sockets[station_id].send(call.to_text())
        async with asyncio.timeout(5):
            return await future

    async def drop(self, station_id: str) -> None:
        """Close a station's socket abruptly, as a crashing CSMS node would."""
        self._sockets[station_id].transport.abort()

    def _check_auth(self, connection: ServerConnection, request: Request) -> Response | None:
        station_id = request.path.rsplit("/", 1)[-1]
        self.headers[station_id] = dict(request.headers.raw_items())
        if self.password is None:
            return None
        expected = base64.b64encode(f"{station_id}:{self.password}".encode()).decode()
        if request.headers.get("Authorization") != f"Basic {expected}":
            return connection.respond(HTTPStatus.UNAUTHORIZED, "bad credentials\n")
        return None

    async def _handle(self, ws: ServerConnection) -> None:
        assert ws.request is not None
        station_id = ws.request.path.rsplit("/", 1)[-1]
        self._sockets[station_id] = ws
        self.protocols[station_id] = str(ws.subprotocol)
        self.connects[station_id] = self.connects.get(station_id, 0) + 1
        await self._notify()
        with contextlib.suppress(ConnectionClosed):  # a dropped station ends its handler
            await self._serve(station_id, ws)

    async def _serve(self, station_id: str, ws: ServerConnection) -> None:
        version = OcppVersion(str(ws.subprotocol))
        validators = Validators.for_version(version)
        async for text in ws:
            message = parse_message(text)
            if isinstance(message, Call):
                self.calls.append((station_id, message))
                try:
                    validators.check_request(message.action, message.payload)
                except OcppError as exc:
                    self.invalid.append((message.action, exc.description))
                    reply = CallError.from_error(message.unique_id, exc, version)
                    await ws.send(reply.to_text())
                else:
                    answer = self._answer(message, version)
                    await ws.send(CallResult(message.unique_id, answer).to_text())
            else:
                future = self._replies.pop(message.unique_id, None)
                if future is not None and not future.done():
                    future.set_result(message)
            await self._notify()

    @asynccontextmanager
    async def running(self) -> AsyncIterator[FakeCsms]:
        async with serve(
            self._handle,
            "127.0.0.1",
            0,
            subprotocols=["ocpp1.6", "ocpp2.0.1"],  # type: ignore[list-item]
            process_request=self._check_auth,
        ) as server:
            self.port = next(iter(server.sockets)).getsockname()[1]
            yield self
