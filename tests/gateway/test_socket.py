"""`StationSocket.send_text` over real WebSocket connections on 127.0.0.1: what `send` would
do for one text message, including flow control and a closed connection."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from websockets.asyncio.client import ClientConnection, connect
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from voltgate.gateway.socket import StationSocket

Handler = Callable[[StationSocket], Awaitable[None]]
FLOOD = 1000  # messages of 64 KiB: far more than the socket buffers and the write limit hold


@asynccontextmanager
async def pair(handler: Handler, **options: object) -> AsyncIterator[ClientConnection]:
    """A server whose connections are StationSockets running `handler`, and a client."""

    async def run(ws: ServerConnection) -> None:
        assert isinstance(ws, StationSocket)
        await handler(ws)

    async with serve(run, "127.0.0.1", 0, create_connection=StationSocket, **options) as server:
        port = server.sockets[0].getsockname()[1]
        async with connect(
            f"ws://127.0.0.1:{port}", max_size=None, max_queue=1, compression=None
        ) as client:
            yield client


async def test_messages_arrive_whole_and_in_order() -> None:
    """Each call is one text message, unicode intact, in the order sent."""
    texts = ['[3,"1",{}]', '[3,"2",{"text":"Kč ⚡"}]', "x" * 70_000]

    async def send_all(ws: StationSocket) -> None:
        for text in texts:
            await ws.send_text(text)
        await ws.wait_closed()

    async with pair(send_all) as client:
        assert [await client.recv() for _ in texts] == texts


async def test_a_station_that_stops_reading_holds_the_sender_back() -> None:
    """Flow control: with the station not reading, send_text waits once the transport's
    buffer is full instead of queueing without bound; it resumes when the station reads."""
    chunk = "y" * 65_536
    sent = 0
    blocked = asyncio.Event()

    async def flood(ws: StationSocket) -> None:
        nonlocal sent
        for _ in range(FLOOD):
            try:
                await asyncio.wait_for(ws.send_text(chunk), timeout=0.5)
            except TimeoutError:
                blocked.set()
                return
            sent += 1

    async with pair(flood, write_limit=65_536) as client:
        # The client reads nothing until the server has been held back.
        await asyncio.wait_for(blocked.wait(), timeout=20)
        assert 0 < sent < FLOOD
        for _ in range(sent):
            assert await client.recv() == chunk


async def test_sending_on_a_closed_connection_raises_connection_closed() -> None:
    """After the station closed, send_text raises ConnectionClosed, as send does."""
    outcome: asyncio.Future[BaseException | None] = asyncio.get_running_loop().create_future()

    async def send_after_close(ws: StationSocket) -> None:
        await ws.wait_closed()
        try:
            await ws.send_text('[3,"1",{}]')
        except ConnectionClosed as error:
            outcome.set_result(error)
        else:
            outcome.set_result(None)

    async with pair(send_after_close) as client:
        await client.close()
    assert isinstance(await asyncio.wait_for(outcome, timeout=5), ConnectionClosed)


async def test_waits_for_a_fragmented_send_in_progress() -> None:
    """While another task sends a fragmented message, send_text does not interleave its
    frame into it: the station receives the fragmented message whole, then the text."""
    fragments = ["[3,", '"1",{}]']
    release = asyncio.Event()

    async def slow_fragments() -> AsyncIterator[str]:
        yield fragments[0]
        await release.wait()
        for fragment in fragments[1:]:
            yield fragment

    async def both(ws: StationSocket) -> None:
        fragmented = asyncio.create_task(ws.send(slow_fragments()))
        await asyncio.sleep(0.05)  # the first fragment is out
        text = asyncio.create_task(ws.send_text('[3,"2",{}]'))
        await asyncio.sleep(0.05)
        assert not text.done()  # held back until the fragmented message ends
        release.set()
        await asyncio.gather(fragmented, text)
        await ws.wait_closed()

    async with pair(both) as client:
        assert await client.recv() == "".join(fragments)
        assert await client.recv() == '[3,"2",{}]'
