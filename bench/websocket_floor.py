"""The CPU floor of the WebSocket layer: servers that answer every text frame with a canned
CALLRESULT, without OCPP, so what is left is websockets and the event loop.

Usage: python bench/websocket_floor.py [--seconds S] [--loops N]

Three servers, one after the other, each in its own process pinned to core 0 on uvloop:
  asyncio  `websockets.asyncio.server.serve` with an `async for` / `send` handler;
  gateway  the same with the gateway's connection class (`gateway.socket.StationSocket`:
           its receive path and `send_text`), as the gateway uses it;
  sansio   websockets' sans-I/O `ServerProtocol` driven by a plain `asyncio.Protocol`
           (handshake accepted as is; no keepalive, no close timeout, no fragments).
N closed loops (this process, core 1; no permessage-deflate, like the saturation phase's
stations) send the saturation phase's MeterValues text and wait for the answer. Prints the
server's CPU per message over S seconds (docs/adr/0003-hot-path.md §13, §21).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import signal
import subprocess
import sys
import time
from typing import Any

import uvloop
from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, serve
from websockets.frames import Opcode
from websockets.http11 import Request
from websockets.server import ServerProtocol
from websockets.typing import Subprotocol

from loop_messages import MeterValuesLoop
from voltgate.gateway.socket import StationSocket

ANSWER = '[3,"4f0c9d1e2b3a4c5d6e7f8091a2b3c4d5",{}]'
SUBPROTOCOLS = [Subprotocol("ocpp1.6")]
TEXT = MeterValuesLoop().next_text("4f0c9d1e2b3a4c5d6e7f8091a2b3c4d5", "2026-01-01T00:00:00.000Z")


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _answer_all(ws: ServerConnection) -> None:
    async for _ in ws:
        await ws.send(ANSWER)


async def _answer_all_text(ws: ServerConnection) -> None:
    assert isinstance(ws, StationSocket)
    async for _ in ws:
        await ws.send_text(ANSWER)


class _SansIo(asyncio.Protocol):
    def connection_made(self, transport: Any) -> None:  # uvloop's is no asyncio.Transport
        self.transport = transport
        self.protocol = ServerProtocol(subprotocols=SUBPROTOCOLS, max_size=2**20)
        self.open = False

    def data_received(self, data: bytes) -> None:
        protocol = self.protocol
        protocol.receive_data(data)
        for event in protocol.events_received():
            if isinstance(event, Request):
                protocol.send_response(protocol.accept(event))
            elif event.opcode is Opcode.TEXT:
                protocol.send_text(ANSWER.encode())
        for chunk in protocol.data_to_send():
            if chunk:
                self.transport.write(chunk)
            else:
                self.transport.close()


async def _serve(mode: str) -> None:
    """Serve on an ephemeral port; print it, then the CPU seconds at each SIGUSR1."""
    loop = asyncio.get_running_loop()
    done = asyncio.Event()
    loop.add_signal_handler(signal.SIGUSR1, lambda: print(_cpu_s(), flush=True))
    loop.add_signal_handler(signal.SIGTERM, done.set)
    if mode in ("asyncio", "gateway"):
        gateway = mode == "gateway"
        async with serve(
            _answer_all_text if gateway else _answer_all,
            "127.0.0.1",
            0,
            subprotocols=SUBPROTOCOLS,
            create_connection=StationSocket if gateway else None,
        ) as server:
            print(server.sockets[0].getsockname()[1], flush=True)
            await done.wait()
    else:
        listener = await loop.create_server(_SansIo, "127.0.0.1", 0)
        print(listener.sockets[0].getsockname()[1], flush=True)
        await done.wait()
        listener.close()


async def _drive(server: subprocess.Popen[str], port: int, seconds: float, loops: int) -> float:
    """Run the loops; the server's CPU µs per message over `seconds`."""
    assert server.stdout is not None
    answered = 0
    stop = asyncio.Event()

    async def one() -> None:
        nonlocal answered
        async with connect(
            f"ws://127.0.0.1:{port}/ocpp/CP", subprotocols=SUBPROTOCOLS, compression=None
        ) as ws:
            while not stop.is_set():
                await ws.send(TEXT)
                await ws.recv()
                answered += 1

    tasks = [asyncio.create_task(one()) for _ in range(loops)]
    await asyncio.sleep(2)  # connected and warm

    def server_cpu() -> float:
        server.send_signal(signal.SIGUSR1)
        return float(server.stdout.readline())  # type: ignore[union-attr]

    cpu, count = server_cpu(), answered
    await asyncio.sleep(seconds)
    cpu, count = server_cpu() - cpu, answered - count
    stop.set()
    for failed in await asyncio.gather(*tasks, return_exceptions=True):
        if failed is not None:
            raise RuntimeError("a loop failed") from failed
    return cpu / count * 1e6


def main(seconds: float, loops: int) -> None:
    os.sched_setaffinity(0, {1})
    for mode in ("asyncio", "gateway", "sansio"):
        server = subprocess.Popen(
            [sys.executable, __file__, "--serve", mode], stdout=subprocess.PIPE, text=True
        )
        try:
            assert server.stdout is not None
            port = int(server.stdout.readline())
            started = time.perf_counter()
            us = uvloop.run(_drive(server, port, seconds, loops))
            elapsed = time.perf_counter() - started
            print(f"{mode}: {us:.1f} µs of server CPU per message ({elapsed:.0f} s)")
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        os.sched_setaffinity(0, {0})
        uvloop.run(_serve(sys.argv[2]))
    else:
        parser = argparse.ArgumentParser(
            description="Server CPU per message of bare WebSocket servers (asyncio vs sans-I/O).",
            formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        )
        parser.add_argument("--seconds", type=float, default=8.0, help="measured window")
        parser.add_argument("--loops", type=int, default=100, help="closed loops")
        options = parser.parse_args()
        main(options.seconds, options.loops)
