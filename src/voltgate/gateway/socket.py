"""The station's WebSocket: websockets' server connection, cheaper for one whole text message.

Sending: `ServerConnection.send` accepts strings, bytes and (async) iterables of fragments,
and wraps each frame in `send_context`, an async context manager that checks the state,
writes, and on exit handles closing and errors. The gateway sends one whole text message at
a time, and almost always on an open connection: `send_text` does that case directly
(encode, frame, write, respect flow control) and hands every other case to `send`: ~3 µs of
CPU less per message (`bench/websocket_floor.py`, docs/adr/0003-hot-path.md §15).

Receiving: websockets feeds every chunk the socket reads to its sans-I/O protocol, whose
generator-based parser reads the header, the mask and the payload a few bytes at a time,
builds the frame, checks it, queues it as an event, and then asks for bytes to send back.
A station almost always sends whole, unfragmented, uncompressed text frames that arrive
in one read: `data_received` parses those itself (RFC 6455 §5.2) and queues each frame
for `recv` just as the protocol would. Anything else (a control frame, a fragment, a
compressed or oversized frame, a frame split across reads, a connection that is not open,
debug logging on) goes to websockets from that byte on, so its checks and its answers
(close codes 1002, 1009, pongs, the close handshake) are unchanged; UTF-8 is still checked
by `recv` (1007) for either path (docs/adr/0003-hot-path.md §21).
"""

from __future__ import annotations

import asyncio

from websockets.asyncio.server import ServerConnection
from websockets.frames import Frame, Opcode
from websockets.protocol import State

try:
    from websockets.speedups import apply_mask
except ImportError:  # websockets built without its C extension
    from websockets.utils import apply_mask

_FIN_TEXT = 0x81
"""First byte of a whole text frame: FIN set, no RSV bits, opcode 1 (RFC 6455 §5.2)."""
_MASKED = 0x80


class StationSocket(ServerConnection):
    """A `ServerConnection` that sends and receives whole text messages without the
    generic machinery."""

    def data_received(self, data: bytes) -> None:
        """Queue the whole text frames at the start of `data`; the rest goes to websockets."""
        protocol = self.protocol
        if (
            protocol.state is State.OPEN
            and not protocol.extensions
            and protocol.current_size is None  # no fragmented message under way
            and protocol.max_fragment_size is None
            and not protocol.reader.buffer  # its parser waits for the start of a frame
            and not protocol.debug
        ):
            taken = self._take_text_frames(data)
            if taken == len(data):
                return
            data = data[taken:]
        super().data_received(data)

    def _take_text_frames(self, data: bytes) -> int:
        """Queue each whole, masked text frame from the start of `data` for `recv`; how many
        bytes they took. Stops at the first byte that is anything else."""
        limit = self.protocol.max_message_size
        end = len(data)
        start = 0
        while end - start >= 6 and data[start] == _FIN_TEXT and data[start + 1] & _MASKED:
            length = data[start + 1] & 0x7F
            header = start + 2
            if length == 126:
                if end - start < 8:
                    break
                length = int.from_bytes(data[header : header + 2], "big")
                header += 2
            elif length == 127:
                break  # 64 KiB or more: rare, left to websockets
            if limit is not None and length > limit:
                break  # websockets answers with close code 1009
            payload = header + 4
            if payload + length > end:
                break  # the rest of the frame is in a later read
            text = apply_mask(data[payload : payload + length], data[header:payload])
            self.recv_messages.put(Frame(Opcode.TEXT, text))
            start = payload + length
        return start

    async def send_text(self, text: str) -> None:
        """Send `text` in one Text frame, as `send(text)` would.

        Raises:
            ConnectionClosed: the connection is closed or closing (from `send`), or writing
                failed.
        """
        if self.protocol.state is not State.OPEN or self.send_in_progress is not None:
            # Closing, or another task is mid-way through a fragmented message: `send`
            # waits or raises as websockets documents.
            await self.send(text)
            return
        self.protocol.send_text(text.encode())
        try:
            self.send_data()
        except Exception as exc:  # as `send_context`: the connection cannot be used any more
            self.set_connection_exc(exc)
            self.transport.abort()
            await asyncio.shield(self.connection_lost_waiter)
            raise self.close_exc from None
        if self.paused or self.transport.is_closing():
            await self.drain()  # flow control: wait while the transport's buffer is full
