"""The SQLite writer thread: runs one function at a time for the event loop, and hands back.

`asyncio.loop.run_in_executor` with a one-thread `ThreadPoolExecutor` does the same, but
its hop costs about twice the CPU (a `concurrent.futures.Future` with its condition
variable, then chained into an asyncio future): ~60 µs against ~30 µs measured on the
2-core bench machine. Under light load every message is its own batch, so the hop is paid
per message (docs/adr/0003-hot-path.md). Here a call is a plain queue entry and its answer
one `call_soon_threadsafe`.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

_Job = tuple[Callable[[], Any], asyncio.Future[Any], asyncio.AbstractEventLoop]


class WriterThread:
    """One daemon thread that runs submitted functions in order.

    Args:
        name: the thread's name (shows in py-spy and in logs).
    """

    def __init__(self, name: str) -> None:
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._os_thread = threading.Thread(target=self._work, name=name, daemon=True)
        self._os_thread.start()

    async def run(self, function: Callable[[], T]) -> T:
        """Run `function()` in the thread; return its result or raise its exception.

        Cancelling the caller does not stop `function`, which still runs to its end (the
        batch commits or rolls back); only its result is dropped.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._jobs.put((function, future, loop))
        return await future

    def close(self) -> None:
        """Let the queued functions finish, then end the thread (blocks until it has)."""
        self._jobs.put(None)
        self._os_thread.join()

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            function, future, loop = job
            try:
                result = function()
            except BaseException as error:  # handed to the caller, like run_in_executor
                settle_from_thread(loop, future, None, error)
            else:
                settle_from_thread(loop, future, result, None)


def settle_from_thread(
    loop: asyncio.AbstractEventLoop,
    future: asyncio.Future[Any],
    result: Any,
    error: BaseException | None,
) -> None:
    """From another thread: complete `future` on `loop` with `result`, or fail it with
    `error` (`wal_sync` uses it too)."""
    with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits any more
        loop.call_soon_threadsafe(_resolve, future, result, error)


def _resolve(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():  # the caller was cancelled
        return
    if error is None:
        future.set_result(result)
    else:
        future.set_exception(error)
