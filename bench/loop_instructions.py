"""Instructions per message on the event loop's side of a CALL, counted by callgrind.

Usage: python bench/loop_instructions.py [--frames N] [--protocol 1.6|2.0.1|both]

The event loop's share of a message, without sockets, storage or threads: the saturation
benchmark's looped CALL (`loop_messages`: 1.6 MeterValues, 2.0.1 TransactionEvent Updated,
six sampled values each) goes through `OcppSession.receive_text` (parse, schema validation),
the version's `Router.dispatch` (decode, the handler, the service up to its unit of work,
encode) and `OcppSession.send_result` (the answer's validation and text). The unit of work
is not run: a stub answers at once with what the real one would return for these messages.
`bench/instructions.py` counts the storage side.

Each protocol runs twice under ``valgrind --tool=callgrind``, with N and with 2N frames;
the difference divided by N is one message, start-up cancelled out (it includes building the
frame's text from its template, a few hundred instructions). Unlike the event loop's figure
of `bench/instructions.py`, this one does not depend on how two threads interleave.

Needs valgrind (Debian package ``valgrind``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from callgrind import instructions
from loop_messages import LoopMessages, MeterValuesLoop, TransactionEventLoop


class _Answering:
    """A unit of work that runs nothing and returns `result` (the storage side is not
    counted here)."""

    def __init__(self, result: Any) -> None:
        self.result = result

    async def submit(self, work: Any, reads: Any = None) -> Any:
        return self.result


def _workload(protocol: str, frames: int) -> None:
    # Imported here: the parent process (which only runs valgrind) does not need them.
    from datetime import UTC, datetime

    from voltgate.app import tune_gc_for_serving, utc_now
    from voltgate.domain.services import Services
    from voltgate.domain.services.transaction_events import TransactionEventOutcome
    from voltgate.handlers import v16, v201
    from voltgate.handlers.router import ConnectionState, Context
    from voltgate.ocpp.errors import OcppVersion
    from voltgate.ocpp.events import CallReceived
    from voltgate.ocpp.session import OcppSession
    from voltgate.ocpp.validation import Validators

    loop: LoopMessages
    if protocol == "1.6":
        version, router, loop = OcppVersion.V16, v16.router, MeterValuesLoop()
        loop.transaction_id = 1
        uow = _Answering(None)
    else:
        version, router, loop = OcppVersion.V201, v201.router, TransactionEventLoop()
        uow = _Answering(TransactionEventOutcome(1, None))
    validators = Validators.for_version(version)
    validators.warm()
    session = OcppSession(version, validators, new_id=lambda: "x")
    ctx = Context("CP1", Services(uow, utc_now), ConnectionState(version, accepted=True), utc_now)
    stamp = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    tune_gc_for_serving()  # as `voltgate serve` does once it is up
    for i in range(frames):
        session.receive_text(loop.next_text(str(i), stamp), now=0.0)
        [event] = session.events()
        assert isinstance(event, CallReceived), event
        coroutine = router.dispatch(ctx, event.call)
        try:
            coroutine.send(None)  # the stub never suspends
        except StopIteration as done:
            session.send_result(event.call, done.value)
        else:
            raise AssertionError("the handler suspended")
        session.texts_to_send()


def _count(protocol: str, frames: int, out: Path) -> int:
    """Instructions of one workload run."""
    argv = [sys.executable, __file__, "--workload", protocol, "--frames", str(frames)]
    return instructions(argv, out)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--frames", type=int, default=2000, help="messages in the smaller run")
    parser.add_argument("--protocol", choices=("1.6", "2.0.1", "both"), default="both")
    parser.add_argument("--workload", choices=("1.6", "2.0.1"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.workload:
        _workload(args.workload, args.frames)
        return
    protocols = ("1.6", "2.0.1") if args.protocol == "both" else (args.protocol,)
    with tempfile.TemporaryDirectory() as tmp:
        for protocol in protocols:
            small = _count(protocol, args.frames, Path(tmp))
            large = _count(protocol, 2 * args.frames, Path(tmp))
            label = "MeterValues" if protocol == "1.6" else "TransactionEvent Updated"
            print(
                f"{protocol} {label}: event loop {(large - small) / args.frames:,.0f} "
                "instructions/message (parse, validation, handler, service, answer)"
            )


if __name__ == "__main__":
    main()
