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
from voltgate.domain.authority import CertificateAuthority
from voltgate.domain.ports import StationLink
from voltgate.domain.security import SecurityPolicy, SecurityProfile, Transport
from voltgate.domain.services import Services
from voltgate.domain.services.commands import CommandSetup
from voltgate.domain.services.security import SecuritySetup
from voltgate.gateway import pki
from voltgate.gateway.links import StationLinks
from voltgate.gateway.message_log import FrameRecorder
from voltgate.gateway.server import Gateway
from voltgate.handlers import v16, v201
from voltgate.handlers.commands import command_dialects
from voltgate.handlers.security_commands import security_commands
from voltgate.metrics import Metrics
from voltgate.ocpp.errors import OcppVersion
from voltgate.ocpp.validation import Validators
from voltgate.storage.committer import Committer
from voltgate.storage.database import Database
from voltgate.storage.migrate import Progress, upgrade

log = structlog.get_logger("voltgate")


def _log_migration(line: str) -> None:
    log.info("database migration", step=line)


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
    tls_port: int | None = None  # security profile 2, when configured
    mtls_port: int | None = None  # security profile 3, when configured


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
    links: StationLink | None = None,
    migration_progress: Progress | None = None,
) -> AsyncIterator[tuple[Database, Committer, Services]]:
    """Migrate the database and open the domain services over it (no network servers):
    the database, the committer that runs the services' units of work on it, the services.

    `links` lets the services send commands to connected stations (the gateway's registry);
    offline tools have none. `migration_progress` hears of each migration step (the server
    logs them; offline tools, whose standard output is their answer, stay quiet).
    """
    await asyncio.to_thread(upgrade, settings.database_url, progress=migration_progress)
    authority = await asyncio.to_thread(load_authority, settings)
    on_batch = metrics.commit_batch.observe if metrics is not None else None
    async with contextlib.AsyncExitStack() as stack:
        database = Database.connect(
            settings.database_url,
            sqlite_checkpoint_pages=settings.sqlite_checkpoint_pages,
            sqlite_fold_every=settings.sqlite_fold_changes,
        )
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
            security=SecuritySetup(
                policy=SecurityPolicy(
                    operator_name=settings.operator_name,
                    identity=settings.client_cert_identity,
                    floor=SecurityProfile(settings.min_security_profile),
                    certificate_validity_days=settings.certificate_validity_days,
                ),
                failure_limit=settings.auth_failure_limit,
                failure_window_s=settings.auth_failure_window,
                authority=authority,
                link=links,
                commands=security_commands(),
            ),
            commands=CommandSetup(
                link=links, dialects=command_dialects(), link_window_s=settings.call_timeout
            ),
        )
        yield database, committer, services


def load_authority(settings: Settings) -> CertificateAuthority | None:
    """The CSMS CA from the CA directory, or None when `voltgate ca init` never ran there.

    Raises:
        pki.PkiError: the CA files exist but cannot be used (shown at start-up).
    """
    directory = settings.ca_directory()
    if not pki.has_authority(directory):
        return None
    authority = pki.load_authority(directory)
    if authority.organization != settings.operator_name:
        log.warning(
            "the CA's organization differs from operator_name",
            ca_organization=authority.organization,
            operator_name=settings.operator_name,
        )
    return authority


@contextlib.asynccontextmanager
async def running(
    settings: Settings, *, clock: Callable[[], datetime] = utc_now
) -> AsyncIterator[Csms]:
    """Migrate the database, then serve OCPP and HTTP until the context exits."""
    metrics = Metrics()
    links = StationLinks()
    async with contextlib.AsyncExitStack() as stack:
        database, committer, services = await stack.enter_async_context(
            open_services(
                settings,
                clock=clock,
                metrics=metrics,
                links=links,
                migration_progress=_log_migration,
            )
        )
        # No command of this node is in flight yet: what is PENDING was cut off by a stop.
        await services.commands.fail_unfinished()
        stack.push_async_callback(services.commands.aclose)
        # Entered before the gateway, so it outlives every connection and stores the last
        # frames before the committer stops.
        message_log = await stack.enter_async_context(
            FrameRecorder(
                services.message_log,
                mode=settings.message_log,
                retention_days=settings.message_log_retention_days,
                max_text=settings.message_log_max_payload,
                buffer_chars=settings.message_log_buffer_kb * 1024,
                clock=clock,
                metrics=metrics,
            ).running()
        )
        sweep = services.reservations.keep_expiring(
            settings.reservation_expiry_check, _sweep_failed
        )
        stack.push_async_callback(_cancel, asyncio.create_task(sweep, name="reservations"))
        gateway = Gateway(
            settings,
            services=services,
            routers={OcppVersion.V16: v16.router, OcppVersion.V201: v201.router},
            validators=Validators(),
            links=links,
            metrics=metrics,
            now=clock,
            message_log=message_log,
            storage_first=committer.ready_to_run,
        )
        await stack.enter_async_context(gateway.serving())
        api_port = await stack.enter_async_context(
            _serve_http(
                settings,
                create_api(
                    metrics=metrics,
                    storage_ok=database.ping,
                    services=services,
                    login_token_lifetime_s=settings.login_token_lifetime,
                ),
            )
        )
        tls_port = gateway.port_of(Transport.TLS)
        mtls_port = gateway.port_of(Transport.MUTUAL_TLS)
        log.info(
            "voltgate ready",
            ocpp_port=gateway.port,
            tls_port=tls_port,
            mtls_port=mtls_port,
            api_port=api_port,
            database=database.describe(),
            certificate_authority=services.security.authority is not None,
        )
        yield Csms(
            settings,
            services,
            links,
            metrics,
            database,
            gateway.port,
            api_port,
            tls_port=tls_port,
            mtls_port=mtls_port,
        )


def _sweep_failed(error: Exception) -> None:
    """The reservation expiry sweep failed; it runs again at its next tick."""
    log.error("reservation expiry sweep failed; sweeping again next tick", exc_info=error)


async def _cancel(task: asyncio.Task[None]) -> None:
    """Stop a task this node owns and wait until it has."""
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


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
