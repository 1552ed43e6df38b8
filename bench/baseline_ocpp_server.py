"""A minimal OCPP 1.6 central system built the way the `ocpp` package's README shows.

This is the comparison point for the benchmark: what a Python user gets in an afternoon with
`ocpp.v16.ChargePoint`, `@on(Action...)` handlers and the `websockets` server, with the
package's default settings (schema validation on, run in a thread pool) and no storage at all
(transaction ids live in memory and vanish with the process). It deliberately does nothing
clever, so the ratio Voltgate / baseline says how much the design costs or saves.

Run it with `python bench/baseline_ocpp_server.py --port 9100`; stations connect to
`ws://127.0.0.1:9100/<anything>/<station id>`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import logging
import signal
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from ocpp.routing import on
from ocpp.v16 import ChargePoint as BaseChargePoint
from ocpp.v16 import call_result, datatypes
from ocpp.v16.enums import Action, AuthorizationStatus, DataTransferStatus, RegistrationStatus
from websockets.asyncio.server import Server, ServerConnection, serve

HEARTBEAT_INTERVAL = 300  # seconds, returned in BootNotification.conf

log = logging.getLogger("baseline")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class ChargePoint(BaseChargePoint):  # type: ignore[misc]  # the ocpp package ships no types
    """One connected station; the handlers are the package's README pattern."""

    def __init__(self, station_id: str, connection: ServerConnection, ids: Any) -> None:
        super().__init__(station_id, connection)
        self._transaction_ids = ids

    @on(Action.boot_notification)  # type: ignore[untyped-decorator]
    def on_boot_notification(
        self, charge_point_vendor: str, charge_point_model: str, **kwargs: Any
    ) -> call_result.BootNotification:
        return call_result.BootNotification(
            current_time=_now(), interval=HEARTBEAT_INTERVAL, status=RegistrationStatus.accepted
        )

    @on(Action.heartbeat)  # type: ignore[untyped-decorator]
    def on_heartbeat(self, **kwargs: Any) -> call_result.Heartbeat:
        return call_result.Heartbeat(current_time=_now())

    @on(Action.status_notification)  # type: ignore[untyped-decorator]
    def on_status_notification(self, **kwargs: Any) -> call_result.StatusNotification:
        return call_result.StatusNotification()

    @on(Action.authorize)  # type: ignore[untyped-decorator]
    def on_authorize(self, id_tag: str, **kwargs: Any) -> call_result.Authorize:
        return call_result.Authorize(
            id_tag_info=datatypes.IdTagInfo(status=AuthorizationStatus.accepted)
        )

    @on(Action.start_transaction)  # type: ignore[untyped-decorator]
    def on_start_transaction(self, id_tag: str, **kwargs: Any) -> call_result.StartTransaction:
        return call_result.StartTransaction(
            transaction_id=next(self._transaction_ids),
            id_tag_info=datatypes.IdTagInfo(status=AuthorizationStatus.accepted),
        )

    @on(Action.stop_transaction)  # type: ignore[untyped-decorator]
    def on_stop_transaction(self, **kwargs: Any) -> call_result.StopTransaction:
        return call_result.StopTransaction(
            id_tag_info=datatypes.IdTagInfo(status=AuthorizationStatus.accepted)
        )

    @on(Action.meter_values)  # type: ignore[untyped-decorator]
    def on_meter_values(self, **kwargs: Any) -> call_result.MeterValues:
        return call_result.MeterValues()

    @on(Action.data_transfer)  # type: ignore[untyped-decorator]
    def on_data_transfer(self, **kwargs: Any) -> call_result.DataTransfer:
        return call_result.DataTransfer(status=DataTransferStatus.unknown_vendor_id)


@contextlib.asynccontextmanager
async def running_baseline(host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[Server]:
    """Serve the baseline central system until the block exits; port 0 picks a free port."""
    transaction_ids = itertools.count(1)

    async def on_connect(websocket: ServerConnection) -> None:
        if websocket.subprotocol is None:
            # As in the package's README: refuse a station that does not speak ocpp1.6.
            await websocket.close()
            return
        assert websocket.request is not None
        station_id = websocket.request.path.rstrip("/").rsplit("/", 1)[-1]
        charge_point = ChargePoint(station_id, websocket, transaction_ids)
        with contextlib.suppress(Exception):  # a closed socket ends the station's loop
            await charge_point.start()

    async with serve(on_connect, host, port, subprotocols=["ocpp1.6"]) as server:  # type: ignore[list-item]
        yield server


async def _main(host: str, port: int) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with running_baseline(host, port) as server:
        bound = next(iter(server.sockets)).getsockname()
        print(f"baseline OCPP 1.6 server on ws://{bound[0]}:{bound[1]}/ocpp", flush=True)
        await stop.wait()


def main() -> None:
    """Parse `--host` / `--port` and serve until SIGINT or SIGTERM."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=9100, help="port to bind (default 9100)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(_main(args.host, args.port))


if __name__ == "__main__":
    main()
