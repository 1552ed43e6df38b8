"""Arbitrary frames never break a station's connection, and every readable CALL is answered."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.e2e.conftest import raw_station
from tests.e2e.test_handshake import boot
from voltgate.app import Csms

ACTIONS = [
    "Heartbeat",
    "Authorize",
    "StatusNotification",
    "MeterValues",
    "StartTransaction",
    "StopTransaction",
    "DataTransfer",
    "BootNotification",
    "Reset",
    "NoSuchAction",
    "",
]
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
payloads = st.dictionaries(
    st.sampled_from(
        [
            "connectorId",
            "idTag",
            "status",
            "errorCode",
            "transactionId",
            "meterValue",
            "timestamp",
            "meterStart",
            "vendorId",
            "data",
            "x",
        ]
    ),
    json_values,
    max_size=5,
)
calls = st.tuples(
    st.just(2),
    st.text(min_size=1, max_size=36).filter(lambda s: '"' not in s),
    st.sampled_from(ACTIONS),
    payloads,
)
frames = st.one_of(
    calls.map(lambda c: json.dumps(list(c))),
    st.lists(json_values, max_size=6).map(json.dumps),
    st.text(max_size=200),
)


def readable_call_id(frame: str) -> str | None:
    """The id a correct CSMS must answer: the frame is a JSON array [2, "<id>", ...]."""
    try:
        value: Any = msgspec.json.decode(frame)  # strict JSON: no NaN or Infinity
    except msgspec.DecodeError:
        return None
    if (
        isinstance(value, list)
        and len(value) >= 2
        and value[0] == 2
        and type(value[0]) is int
        and isinstance(value[1], str)
        and 0 < len(value[1]) <= 36
    ):
        return value[1]
    return None


async def test_random_frames_never_break_the_connection(csms: Csms) -> None:
    """Hypothesis sends hundreds of odd frames on one socket; each readable CALL gets one answer."""
    await csms.services.stations.add("FUZZ-1", "fuzz-password-123")
    async with raw_station(csms, "FUZZ-1", "fuzz-password-123") as ws:
        await boot(ws)
        loop = asyncio.get_running_loop()

        @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
        @given(frames)
        def exchange(frame: str) -> None:
            asyncio.run_coroutine_threadsafe(check(frame), loop).result(timeout=10)

        async def check(frame: str) -> None:
            expected = readable_call_id(frame)
            await ws.send(frame)
            # A probe after every frame: its answer proves the socket still works and that
            # nothing for the fuzzed frame is still due.
            await ws.send('[2, "probe", "Heartbeat", {}]')
            replies = []
            while True:
                reply = json.loads(await ws.recv())
                replies.append(reply)
                if reply[1] == "probe" and reply[0] == 3:
                    break
            answered = [r for r in replies[:-1] if r[0] in (3, 4)]
            if expected is not None and expected != "probe":
                assert [r[1] for r in answered] == [expected], (frame, replies)

        await asyncio.to_thread(exchange)
        assert ws.close_code is None
