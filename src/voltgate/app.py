"""Composition root: builds storage, services, the OCPP gateway and the HTTP API, and runs them.

Every resource has one owner here and is closed in reverse order by the AsyncExitStack.
Importing this module opens nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog
import uvicorn

from voltgate.api.app import create_api
from voltgate.config import Settings
from voltgate.domain.services import Services
from voltgate.gateway.links import StationLinks
from voltgate.gateway.server import Gateway
from voltgate.handlers import v16, v201
from voltgate.metrics import Metrics
from voltgate.ocpp.errors import OcppVersion
from voltgate.ocpp.validation import Validators
from voltgate.storage.committer import Committer
from voltgate.storage.database import Database
from voltgate.storage.migrate import upgrade

log = structlog.get_logger("voltgate")


# Young-generation threshold while serving (CPython's default is 700 allocations). Every
# message allocates dozens of container objects (its JSON, models, samples, futures), so
# the default ran a collection every few messages; cyclic garbage is rare here.
GC_GEN0_THRESHOLD = 20_000


def tune_gc_for_serving() -> None:
    """Keep the cyclic garbage collector off the hot path of a long-running server.

    Everything alive after start-up (modules, compiled validators and statements, the
    SQLAlchemy metadata) is moved out of the collector's sight with `gc.freeze()`: without
    it each full collection walked that whole heap, about 60 ms every few seconds under
    load, which was ~10% of the server's CPU and most of its p99 latency. Then young
    collections are made rarer (`GC_GEN0_THRESHOLD`). Measured in docs/adr/0003-hot-path.md.
    """
    gc.collect()
    gc.freeze()
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(GC_GEN0_THRESHOLD, gen1, gen2)


def utc_now() -> datetime:
    """The production clock: aware UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Csms:
    """A running Voltgate node."""

    settings: Settings
    services: Services
    links: StationLinks
    metrics: Metrics
    database: Database
    ocpp_port: int
    api_port: int


class _EmbeddedUvicorn(uvicorn.Server):
    """uvicorn inside our event loop: signals belong to the `voltgate` command, not to uvicorn."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@contextlib.asynccontextmanager
async def open_services(
    settings: Settings,
    *,
    clock: Callable[[], datetime] = utc_now,
    metrics: Metrics | None = None,
) -> AsyncIterator[tuple[Database, Services]]:
    """Migrate the database and open the domain services over it (no network servers)."""
    await asyncio.to_thread(upgrade, settings.database_url)
    on_batch = metrics.commit_batch.observe if metrics is not None else None
    async with contextlib.AsyncExitStack() as stack:
        database = Database.connect(settings.database_url)
        stack.push_async_callback(database.dispose)
        committer = await stack.enter_async_context(
            Committer(
                database,
                max_batch=settings.commit_max_batch,
                on_batch=on_batch,
                linger_s=settings.commit_linger_ms / 1000,
            )
        )
        services = Services(
            committer,
            clock,
            heartbeat_interval_s=settings.heartbeat_interval,
            clock_skew_tolerance_s=settings.clock_skew_tolerance,
        )
        yield database, services


@contextlib.asynccontextmanager
async def running(
    settings: Settings, *, clock: Callable[[], datetime] = utc_now
) -> AsyncIterator[Csms]:
    """Migrate the database, then serve OCPP and HTTP until the context exits."""
    metrics = Metrics()
    links = StationLinks()
    async with contextlib.AsyncExitStack() as stack:
        database, services = await stack.enter_async_context(
            open_services(settings, clock=clock, metrics=metrics)
        )
        gateway = Gateway(
            settings,
            services=services,
            routers={OcppVersion.V16: v16.router, OcppVersion.V201: v201.router},
            validators=Validators(),
            links=links,
            metrics=metrics,
            now=clock,
        )
        await stack.enter_async_context(gateway.serving())
        api_port = await stack.enter_async_context(
            _serve_http(settings, create_api(metrics=metrics, storage_ok=database.ping))
        )
        log.info(
            "voltgate ready",
            ocpp_port=gateway.port,
            api_port=api_port,
            database=database.describe(),
        )
        yield Csms(settings, services, links, metrics, database, gateway.port, api_port)


@contextlib.asynccontextmanager
async def _serve_http(settings: Settings, app: object) -> AsyncIterator[int]:
    config = uvicorn.Config(
        app,  # type: ignore[arg-type]
        host=settings.host,
        port=settings.api_port,
        log_config=None,
        access_log=False,
        lifespan="off",
    )
    server = _EmbeddedUvicorn(config)
    task = asyncio.create_task(server.serve(), name="http")
    try:
        while not server.started:
            if task.done():
                task.result()  # raises why it could not start (port in use …)
                raise RuntimeError("HTTP server stopped during start-up")
            await asyncio.sleep(0.01)
        port: int = server.servers[0].sockets[0].getsockname()[1]
        yield port
    finally:
        server.should_exit = True
        await task
