"""The saturation phase's load generator: closed-loop meter values over a bare WebSocket client.

The regular simulator costs about 60 µs of CPU per message in the `websockets` client alone,
which is close to what a fast server spends; measured against it, the server would look slower
than it is. So this client is lean on purpose: an `asyncio.Protocol` per station, frames
encoded by hand (RFC 6455 §5.2, masked with websockets' C `apply_mask`), the loop's message
text built from one %-template per message, and answers recognised by their message id without
parsing JSON. Each station sends its next message from `data_received` as soon as the previous
one is answered: no task, no future, no await in the hot loop.

What the loop sends depends on the protocol (loop_messages.py), each with the six sampled
values the simulator sends (energy, power, three phase currents, SoC): 1.6 MeterValues of a
transaction, or 2.0.1 TransactionEvent Updated with the next seqNo each time. Set-up (boot,
status, start of the transaction) and tear-down (its end) use ordinary awaited calls with full
JSON parsing; only the loop is lean. Every message id is unique (station, run token,
counter), the timestamp moves and the energy register rises, so a server that de-duplicates or
sanity-checks readings stores each message as a new one.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import msgspec
from websockets.frames import apply_mask  # type: ignore[attr-defined]  # C speedup if built

from loop_messages import LOOPS, LoopMessages, timestamp
from voltgate.simulator.config import generated_id_tags
from voltgate.simulator.stats import Histogram

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 §1.3
_decode = msgspec.json.Decoder().decode
_encode = msgspec.json.Encoder().encode


def client_frame(payload: bytes, opcode: int = 0x1, rng: random.Random | None = None) -> bytes:
    """One final, masked client frame (RFC 6455 §5.2, §5.3)."""
    mask = (rng or random).getrandbits(32).to_bytes(4, "big")
    n = len(payload)
    if n < 126:
        header = bytes((0x80 | opcode, 0x80 | n))
    elif n < 65536:
        header = bytes((0x80 | opcode, 0x80 | 126)) + n.to_bytes(2, "big")
    else:
        header = bytes((0x80 | opcode, 0x80 | 127)) + n.to_bytes(8, "big")
    return header + mask + apply_mask(payload, mask)


@dataclass
class LoopCounters:
    """What the closed loops of all stations counted; `copy` + subtraction make windows."""

    sent: int = 0
    results: int = 0
    errors: int = 0
    latency: Histogram = field(default_factory=Histogram)

    def copy(self) -> LoopCounters:
        return LoopCounters(self.sent, self.results, self.errors, self.latency.copy())

    def since(self, earlier: LoopCounters) -> LoopCounters:
        return LoopCounters(
            self.sent - earlier.sent,
            self.results - earlier.results,
            self.errors - earlier.errors,
            self.latency.since(earlier.latency),
        )


class TimestampCache:
    """The current timestamp string, refreshed at most every 10 ms (formatting costs µs)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._at = -1.0
        self._text = ""

    def __call__(self) -> str:
        now = self._clock()
        if now - self._at >= 0.01:
            self._at, self._text = now, timestamp()
        return self._text


class RawStation(asyncio.BufferedProtocol):
    """One station on a hand-rolled WebSocket client; see the module docstring."""

    def __init__(
        self,
        station_id: str,
        counters: LoopCounters,
        stamp: TimestampCache,
        token: str,
        messages: LoopMessages,
    ) -> None:
        self.station_id = station_id
        self.messages = messages
        self._next_text = messages.next_text
        self._counters = counters
        self._stamp = stamp
        self._rng = random.Random()
        self._transport: asyncio.Transport | None = None
        self._buffer = b""
        self._read = bytearray(65536)
        self._view = memoryview(self._read)
        self._handshake: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._key = base64.b64encode(os.urandom(16))
        self._pending: tuple[str, asyncio.Future[list[Any]]] | None = None
        self._id_prefix = f"{token}-{station_id}-"
        self._counter = 0
        self.looping = False
        self._loop_id = b""
        self._sent_at = 0.0
        self._stopped: asyncio.Future[None] | None = None
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    # --- connection ------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def send_handshake(self, host: str, path: str, authorization: str | None) -> None:
        lines = [
            f"GET {path} HTTP/1.1",
            f"Host: {host}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {self._key.decode()}",
            "Sec-WebSocket-Version: 13",
            f"Sec-WebSocket-Protocol: {self.messages.subprotocol}",
        ]
        if authorization:
            lines.append(f"Authorization: {authorization}")
        assert self._transport is not None
        self._transport.write(("\r\n".join(lines) + "\r\n\r\n").encode())

    async def handshake_done(self) -> None:
        await self._handshake

    def connection_lost(self, exc: Exception | None) -> None:
        error = ConnectionError(f"{self.station_id}: connection lost ({exc})")
        for future in (self._handshake, self._pending[1] if self._pending else None):
            if future is not None and not future.done():
                future.set_exception(error)
        if self._stopped is not None and not self._stopped.done():
            self._stopped.set_result(None)
        if not self.closed.done():
            self.closed.set_result(None)

    def get_buffer(self, sizehint: int) -> memoryview:
        # BufferedProtocol: the transport reads into one reused buffer (recv_into) instead of
        # allocating a fresh 256 KiB bytes object per read as data_received() transports do.
        return self._view

    def buffer_updated(self, nbytes: int) -> None:
        self.data_received(bytes(self._view[:nbytes]))

    def data_received(self, data: bytes) -> None:
        buffer = self._buffer + data if self._buffer else data
        if not self._handshake.done():
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                self._buffer = buffer
                return
            self._check_handshake(buffer[:end])
            buffer = buffer[end + 4 :]
        pos, size = 0, len(buffer)
        while size - pos >= 2:
            first, length = buffer[pos], buffer[pos + 1] & 0x7F
            start = pos + 2
            if length == 126:
                if size - pos < 4:
                    break
                length, start = int.from_bytes(buffer[pos + 2 : pos + 4], "big"), pos + 4
            elif length == 127:
                if size - pos < 10:
                    break
                length, start = int.from_bytes(buffer[pos + 2 : pos + 10], "big"), pos + 10
            if size - start < length:
                break
            payload = buffer[start : start + length]
            pos = start + length
            opcode = first & 0x0F
            if opcode == 0x1:
                self._on_text(payload)
            elif opcode == 0x9:  # ping -> pong with the same data (RFC 6455 §5.5.2)
                self._write(client_frame(payload, 0xA, self._rng))
            elif opcode == 0x8:
                assert self._transport is not None
                self._transport.close()
        self._buffer = buffer[pos:]

    def _check_handshake(self, head: bytes) -> None:
        status_line, _, rest = head.partition(b"\r\n")
        headers = {
            k.strip().lower(): v.strip()
            for k, _, v in (line.partition(b":") for line in rest.split(b"\r\n"))
        }
        accept = base64.b64encode(hashlib.sha1(self._key + _GUID).digest())
        if not status_line.startswith(b"HTTP/1.1 101"):
            error = ConnectionError(f"{self.station_id}: {status_line.decode(errors='replace')}")
            self._handshake.set_exception(error)
        elif headers.get(b"sec-websocket-accept") != accept:
            self._handshake.set_exception(ConnectionError("bad Sec-WebSocket-Accept"))
        else:
            self._handshake.set_result(None)

    def _write(self, frame: bytes) -> None:
        if self._transport is not None and not self._transport.is_closing():
            self._transport.write(frame)

    # --- messages --------------------------------------------------------------------------

    def _on_text(self, payload: bytes) -> None:
        # The hot path: [3,"<id>",{}] answering the looped message in flight.
        if (
            (self.looping or self._stopped is not None)
            and payload.startswith(self._loop_id, 4)
            and payload[1] in b"34"
        ):
            counters = self._counters
            counters.latency.record(time.perf_counter() - self._sent_at)
            if payload[1] == 0x33:
                counters.results += 1
            else:
                counters.errors += 1
            if self.looping:
                self._send_looped()
            elif self._stopped is not None and not self._stopped.done():
                self._stopped.set_result(None)
            return
        frame = _decode(payload)
        if frame[0] == 2:  # a CALL from the server: this load generator supports none
            answer = [4, frame[1], "NotSupported", "not supported by the load generator", {}]
            self._write(client_frame(_encode(answer), rng=self._rng))
        elif self._pending is not None and frame[1] == self._pending[0]:
            future = self._pending[1]
            if not future.done():
                future.set_result(frame)

    async def call(self, action: str, payload: dict[str, Any], wait_s: float = 30.0) -> Any:
        """An ordinary CALL for set-up and tear-down; returns the CALLRESULT payload."""
        self._counter += 1
        unique_id = f"{self._id_prefix}{self._counter}"
        future: asyncio.Future[list[Any]] = asyncio.get_running_loop().create_future()
        self._pending = (unique_id, future)
        self._write(client_frame(_encode([2, unique_id, action, payload]), rng=self._rng))
        try:
            async with asyncio.timeout(wait_s):
                frame = await future
        finally:
            self._pending = None
        if frame[0] != 3:
            raise RuntimeError(f"{self.station_id}: {action} failed: {frame}")
        return frame[2]

    def _send_looped(self) -> None:
        self._counter += 1
        unique_id = f"{self._id_prefix}{self._counter}"
        text = self._next_text(unique_id, self._stamp())
        self._loop_id = unique_id.encode() + b'"'
        self._counters.sent += 1
        self._sent_at = time.perf_counter()
        self._write(client_frame(text.encode(), rng=self._rng))

    def start_loop(self) -> None:
        """Begin the closed loop (after `messages.prepare`)."""
        self.looping = True
        self._send_looped()

    async def stop_loop(self) -> None:
        """End the loop after the message in flight is answered."""
        self._stopped = asyncio.get_running_loop().create_future()
        self.looping = False
        try:
            async with asyncio.timeout(30):
                await self._stopped
        finally:
            self._stopped = None

    def close(self) -> None:
        if self._transport is not None:
            self._write(client_frame(b"\x03\xe8", 0x8, self._rng))  # close 1000
            self._transport.close()


class SaturationFleet:
    """`stations` raw stations, each in a transaction, each looping its protocol's message.

    Args:
        url: OCPP endpoint without the station id (ws://host:port/path).
        stations: how many concurrent closed loops.
        protocol: "1.6" (MeterValues) or "2.0.1" (TransactionEvent Updated).
        id_prefix: station ids are the prefix plus a 5-digit number.
        password: HTTP Basic password, or None.
        id_tags: the idTag of each station's transaction; default PREFIXTAG-00001...
    """

    def __init__(
        self,
        url: str,
        stations: int,
        *,
        protocol: str = "1.6",
        id_prefix: str = "SAT-",
        password: str | None = None,
        id_tags: Sequence[str] | None = None,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme != "ws" or parts.hostname is None:
            raise ValueError(f"the saturation client speaks plain ws:// only, got {url!r}")
        if protocol not in LOOPS:
            raise ValueError(f"unknown protocol {protocol!r}: use one of {', '.join(LOOPS)}")
        self._host, self._port = parts.hostname, parts.port or 80
        self._path = parts.path.rstrip("/")
        self._ids = [f"{id_prefix}{n:05d}" for n in range(1, stations + 1)]
        self._messages = LOOPS[protocol]
        self._password = password
        self._id_tags = list(id_tags or generated_id_tags(id_prefix, stations))
        self.counters = LoopCounters()
        self._stamp = TimestampCache()
        self._token = os.urandom(3).hex()
        self._stations: list[RawStation] = []

    async def start(self, ramp: float = 200.0) -> None:
        """Connect, boot and start a transaction on every station, then start the loops."""
        loop = asyncio.get_running_loop()
        for station_id in self._ids:
            _, station = await loop.create_connection(
                lambda sid=station_id: RawStation(  # type: ignore[misc]
                    sid, self.counters, self._stamp, self._token, self._messages()
                ),
                self._host,
                self._port,
            )
            station.send_handshake(
                f"{self._host}:{self._port}", f"{self._path}/{station_id}", self._auth(station_id)
            )
            await station.handshake_done()
            self._stations.append(station)
            await asyncio.sleep(1.0 / ramp)
        await asyncio.gather(
            *(s.messages.prepare(s, t) for s, t in zip(self._stations, self._id_tags, strict=False))
        )
        for station in self._stations:
            station.start_loop()

    def _auth(self, station_id: str) -> str | None:
        if self._password is None:
            return None
        token = base64.b64encode(f"{station_id}:{self._password}".encode()).decode()
        return f"Basic {token}"

    async def stop(self) -> None:
        """Stop the loops, end the transactions, close the sockets."""
        await asyncio.gather(*(s.stop_loop() for s in self._stations), return_exceptions=True)
        await asyncio.gather(
            *(s.messages.finish(s) for s in self._stations), return_exceptions=True
        )
        for station in self._stations:
            station.close()
