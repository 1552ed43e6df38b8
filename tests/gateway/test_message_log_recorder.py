"""The message log recorder's flush: each station's frames go to storage together, in
their order, and frames captured while a flush stores wait for the next flush."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any, TypeVar, cast

from voltgate.domain.message_log import LoggedFrame, MessageLogMode
from voltgate.domain.ports import Reads, Repositories
from voltgate.domain.services.message_log import MessageLogService
from voltgate.gateway.message_log import FrameRecorder
from voltgate.metrics import Metrics
from voltgate.ocpp.messages import Frame, MessageType
from voltgate.testing.clock import FakeClock

T = TypeVar("T")


class HeldStorage:
    """A unit of work that keeps what each unit stores, and runs units only once released."""

    def __init__(self) -> None:
        self.stored: list[list[LoggedFrame]] = []
        self.released = asyncio.Event()
        self.waiting = asyncio.Event()

    async def submit(self, work: Callable[[Repositories], T], reads: Reads | None = None) -> T:
        self.waiting.set()
        await self.released.wait()
        repos: Any = SimpleNamespace(message_log=SimpleNamespace(add=self._add))
        return work(cast(Repositories, repos))

    def _add(self, frames: list[LoggedFrame]) -> None:
        self.stored.append(list(frames))


def call(n: int) -> Frame:
    return Frame(f'[2,"m{n}","Heartbeat",{{}}]', MessageType.CALL, f"m{n}", "Heartbeat")


async def test_a_flush_stores_each_station_together_and_only_what_was_queued() -> None:
    storage = HeldStorage()
    clock = FakeClock()
    recorder = FrameRecorder(
        MessageLogService(storage, clock),
        mode=MessageLogMode.ALL,
        retention_days=7,
        max_text=65536,
        buffer_chars=1 << 20,
        clock=clock,
        metrics=Metrics(),
    )
    for n, station_id in enumerate(["CP-A", "CP-B", "CP-A", "CP-B", "CP-A"]):
        recorder.received(station_id, call(n))
    flushing = asyncio.create_task(recorder.flush())
    await storage.waiting.wait()
    recorder.received("CP-B", call(5))  # while the first flush stores
    storage.released.set()
    await flushing
    assert [[(f.station_id, f.unique_id) for f in unit] for unit in storage.stored] == [
        [("CP-A", "m0"), ("CP-A", "m2"), ("CP-A", "m4"), ("CP-B", "m1"), ("CP-B", "m3")]
    ]
    await recorder.flush()
    assert [f.unique_id for f in storage.stored[-1]] == ["m5"]
