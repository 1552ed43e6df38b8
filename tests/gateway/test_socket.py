"""`StationSocket` over real WebSocket connections on 127.0.0.1: `send_text` does what `send`
would do for one text message, including flow control and a closed connection; its receive
path hands every message over as websockets would, whatever the frames and however the bytes
arrive, and leaves websockets' answers to bad frames (RFC 6455 close codes) unchanged."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.frames import CloseCode
from websockets.utils import apply_mask

from voltgate.gateway.socket import StationSocket

Handler = Callable[[StationSocket], Awaitable[None]]
FLOOD = 1000  # messages of 64 KiB: far more than the socket buffers and the write limit hold


@asynccontextmanager
async def pair(
    handler: Handler, *, client_compression: str | None = None, **options: object
) -> AsyncIterator[ClientConnection]:
    """A server whose connections are StationSockets running `handler`, and a client."""

    async def run(ws: ServerConnection) -> None:
        assert isinstance(ws, StationSocket)
        await handler(ws)

    async with serve(run, "127.0.0.1", 0, create_connection=StationSocket, **options) as server:
        port = server.sockets[0].getsockname()[1]
        async with connect(
            f"ws://127.0.0.1:{port}", max_size=None, max_queue=1, compression=client_compression
        ) as client:
            yield client


def frame(payload: bytes, *, opcode: int = 0x1, fin: bool = True, masked: bool = True) -> bytes:
    """A client frame as RFC 6455 §5.2 lays it out, written by hand so that tests can send
    what a well-behaved client library never would (several frames per write, bad frames)."""
    head = bytes([(0x80 if fin else 0) | opcode])
    mask_bit = 0x80 if masked else 0
    n = len(payload)
    if n < 126:
        head += bytes([mask_bit | n])
    elif n < 65_536:
        head += bytes([mask_bit | 126]) + n.to_bytes(2, "big")
    else:
        head += bytes([mask_bit | 127]) + n.to_bytes(8, "big")
    if not masked:
        return head + payload
    key = os.urandom(4)
    return head + key + apply_mask(payload, key)


async def echo(ws: StationSocket) -> None:
    """Answer every message with itself, so the client sees what the server received."""
    async for text in ws:
        assert isinstance(text, str)
        await ws.send_text(text)


async def echoes(client: ClientConnection, count: int) -> list[str | bytes]:
    return [await asyncio.wait_for(client.recv(), timeout=5) for _ in range(count)]


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


async def test_frames_of_every_length_and_several_per_read_arrive_in_order() -> None:
    """Short, 16-bit and 64-bit lengths, several frames in one write, and a ping among them
    (answered, not delivered): the server receives each text message whole, in order."""
    texts = ['[2,"1","Heartbeat",{}]', "m" * 300, "Kč ⚡" * 40, "b" * 70_000]
    async with pair(echo) as client:
        pong = await client.ping(b"between")  # the client's own ping, for its pong waiter
        burst = b"".join(frame(t.encode()) for t in texts[:2])
        burst += frame(b"between", opcode=0x9)  # a ping in the middle of the burst
        burst += b"".join(frame(t.encode()) for t in texts[2:])
        client.transport.write(burst)
        assert await echoes(client, len(texts)) == texts
        await asyncio.wait_for(pong, timeout=5)


async def test_a_frame_split_across_reads_arrives_whole() -> None:
    """A frame whose bytes arrive a few at a time (a slow link) is delivered once, whole,
    and the whole frames after it still arrive in order."""
    first, second = "s" * 200, '[2,"2","Heartbeat",{}]'
    data = frame(first.encode()) + frame(second.encode())
    async with pair(echo, compression=None) as client:
        for at in range(0, len(data), 7):
            client.transport.write(data[at : at + 7])
            await asyncio.sleep(0)
        assert await echoes(client, 2) == [first, second]


async def test_a_fragmented_message_between_whole_ones_keeps_its_place() -> None:
    """Whole frame, a message in two fragments (written together with the whole frames around
    it), whole frame: three messages, in that order."""
    burst = frame(b"one") + frame(b"tw", fin=False) + frame(b"o", opcode=0x0) + frame(b"three")
    async with pair(echo) as client:
        client.transport.write(burst)
        assert await echoes(client, 3) == ["one", "two", "three"]


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        (frame(b'[2,"1","Heartbeat",{}]', masked=False), CloseCode.PROTOCOL_ERROR),  # §5.1
        (frame(b"\xff\xfe not UTF-8"), CloseCode.INVALID_DATA),  # §8.1
        (frame(b"x" * 2_000), CloseCode.MESSAGE_TOO_BIG),  # over max_size
        (frame(b"text", opcode=0x3), CloseCode.PROTOCOL_ERROR),  # reserved opcode
    ],
    ids=["unmasked", "invalid-utf8", "too-big", "reserved-opcode"],
)
async def test_bad_frames_after_good_ones_get_websockets_close_code(bad: bytes, code: int) -> None:
    """A good frame and a bad one in the same read: the good message is still handed to the
    server, and the connection is closed with the code websockets gives that fault."""
    received: list[str | bytes] = []

    async def collect(ws: StationSocket) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for message in ws:
                received.append(message)

    async with pair(collect, max_size=1_000) as client:
        client.transport.write(frame(b"good") + bad)
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(client.recv(), timeout=5)
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == code
    assert received == ["good"]


async def test_compressed_messages_are_left_to_websockets() -> None:
    """With permessage-deflate negotiated (OCPP-J 2.0.1 §3.3), messages still arrive intact."""
    texts = ["z" * 5_000, '[2,"1","Heartbeat",{}]']
    async with pair(echo, client_compression="deflate") as client:
        assert client.protocol.extensions  # negotiated
        for text in texts:
            await client.send(text)
        assert await echoes(client, 2) == texts


async def test_whole_text_frames_skip_websockets_parser() -> None:
    """The point of the receive path: an ordinary text frame never reaches websockets'
    generator-based parser (docs/adr/0003-hot-path.md §21); a ping still does."""
    parsed: list[bytes] = []

    async def counting_echo(ws: StationSocket) -> None:
        receive = ws.protocol.receive_data

        def spy(data: bytes | bytearray) -> None:
            parsed.append(bytes(data))
            receive(data)

        ws.protocol.receive_data = spy  # type: ignore[method-assign]
        await echo(ws)

    async with pair(counting_echo) as client:
        await client.send('[2,"1","Heartbeat",{}]')
        assert await echoes(client, 1) == ['[2,"1","Heartbeat",{}]']
        assert parsed == []
        await asyncio.wait_for(await client.ping(), timeout=5)
        assert len(parsed) == 1
