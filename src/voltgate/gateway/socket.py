"""The station's WebSocket: websockets' server connection with a cheaper send of one message.

`ServerConnection.send` accepts strings, bytes and (async) iterables of fragments, and
wraps each frame in `send_context`, an async context manager that checks the state, writes,
and on exit handles closing and errors. The gateway sends one whole text message at a time,
and almost always on an open connection: `send_text` does that case directly (encode,
frame, write, respect flow control) and hands every other case to `send`: ~3 µs of CPU
less per message (`bench/websocket_floor.py`, docs/adr/0003-hot-path.md §15).
"""

from __future__ import annotations

import asyncio

from websockets.asyncio.server import ServerConnection
from websockets.protocol import State


class StationSocket(ServerConnection):
    """A `ServerConnection` that also sends a text message without the generic machinery."""

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
