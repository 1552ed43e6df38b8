"""A minimal OCPP 2.0.1 central system built the way the `ocpp` package's README shows.

The 2.0.1 comparison point of the benchmark, the twin of `baseline_ocpp_server.py`: what a
Python user gets in an afternoon with `ocpp.v201.ChargePoint`, `@on(Action...)` handlers and
the `websockets` server, with the package's default settings (schema validation on, run in a
thread pool) and no storage at all: nothing a station reports is kept. It answers the
messages of the benchmark's 2.0.1 mix (BootNotification, Heartbeat, StatusNotification,
Authorize, TransactionEvent, MeterValues) and deliberately does nothing clever, so the ratio
Voltgate / baseline says how much the design costs or saves.

Run it with `python bench/baseline_ocpp201_server.py --port 9101`; stations connect to
`ws://127.0.0.1:9101/<anything>/<station id>` with the subprotocol ocpp2.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from ocpp.routing import on
from ocpp.v201 import ChargePoint as BaseChargePoint
from ocpp.v201 import call_result, datatypes
from ocpp.v201.enums import Action, AuthorizationStatusEnumType, RegistrationStatusEnumType
from websockets.asyncio.server import Server, ServerConnection, serve

HEARTBEAT_INTERVAL = 300  # seconds, returned in BootNotificationResponse

log = logging.getLogger("baseline201")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _accepted() -> datatypes.IdTokenInfoType:
    return datatypes.IdTokenInfoType(status=AuthorizationStatusEnumType.accepted)


class ChargePoint(BaseChargePoint):  # type: ignore[misc]  # the ocpp package ships no types
    """One connected station; the handlers are the package's README pattern."""

    @on(Action.boot_notification)  # type: ignore[untyped-decorator]
    def on_boot_notification(
        self, charging_station: dict[str, Any], reason: str, **kwargs: Any
    ) -> call_result.BootNotification:
        return call_result.BootNotification(
            current_time=_now(),
            interval=HEARTBEAT_INTERVAL,
            status=RegistrationStatusEnumType.accepted,
        )

    @on(Action.heartbeat)  # type: ignore[untyped-decorator]
    def on_heartbeat(self, **kwargs: Any) -> call_result.Heartbeat:
        return call_result.Heartbeat(current_time=_now())

    @on(Action.status_notification)  # type: ignore[untyped-decorator]
    def on_status_notification(self, **kwargs: Any) -> call_result.StatusNotification:
        return call_result.StatusNotification()

    @on(Action.authorize)  # type: ignore[untyped-decorator]
    def on_authorize(self, id_token: dict[str, Any], **kwargs: Any) -> call_result.Authorize:
        return call_result.Authorize(id_token_info=_accepted())

    @on(Action.transaction_event)  # type: ignore[untyped-decorator]
    def on_transaction_event(
        self, event_type: str, transaction_info: dict[str, Any], **kwargs: Any
    ) -> call_result.TransactionEvent:
        # E01.FR.12: an event that carries an idToken is answered with its idTokenInfo.
        token_info = _accepted() if "id_token" in kwargs else None
        return call_result.TransactionEvent(id_token_info=token_info)

    @on(Action.meter_values)  # type: ignore[untyped-decorator]
    def on_meter_values(self, **kwargs: Any) -> call_result.MeterValues:
        return call_result.MeterValues()


@contextlib.asynccontextmanager
async def running_baseline(host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[Server]:
    """Serve the baseline central system until the block exits; port 0 picks a free port."""

    async def on_connect(websocket: ServerConnection) -> None:
        if websocket.subprotocol is None:
            # As in the package's README: refuse a station that does not speak ocpp2.0.1.
            await websocket.close()
            return
        assert websocket.request is not None
        station_id = websocket.request.path.rstrip("/").rsplit("/", 1)[-1]
        charge_point = ChargePoint(station_id, websocket)
        with contextlib.suppress(Exception):  # a closed socket ends the station's loop
            await charge_point.start()

    async with serve(on_connect, host, port, subprotocols=["ocpp2.0.1"]) as server:  # type: ignore[list-item]
        yield server


async def _main(host: str, port: int) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with running_baseline(host, port) as server:
        bound = next(iter(server.sockets)).getsockname()
        print(f"baseline OCPP 2.0.1 server on ws://{bound[0]}:{bound[1]}/ocpp", flush=True)
        await stop.wait()


def main() -> None:
    """Parse `--host` / `--port` and serve until SIGINT or SIGTERM."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=9101, help="port to bind (default 9101)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(_main(args.host, args.port))


if __name__ == "__main__":
    main()
