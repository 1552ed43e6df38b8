"""The OCPP-J WebSocket server: handshake checks, then one StationConnection per socket.

Handshake (before the upgrade, so a refused station never gets a WebSocket):
- the path must be `{ocpp_path}/{stationId}` (OCPP-J 1.6 §3.1.1, 2.0.1 part 4 §3.1.1), else 404;
- HTTP Basic auth with username = station id (security profile 1, OCPP 1.6 Security
  Whitepaper §2.3, 2.0.1 A00.FR.2xx): a wrong or missing password is 401, an unknown
  station 404 (or registered, by setting). Passwords are never logged;
- subprotocol: the first of the station's offers that we speak. If it offers none, the
  handshake completes without Sec-WebSocket-Protocol and the socket is closed at once, as
  OCPP-J 1.6 §4.1.2 and 2.0.1 part 4 §3.2 require.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import logging
import uuid
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote, urlsplit
from weakref import WeakKeyDictionary

import structlog
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.http11 import Request, Response
from websockets.typing import Subprotocol

from voltgate.config import Settings
from voltgate.domain.services import Services
from voltgate.domain.stations import ConnectOutcome, UnknownStationPolicy
from voltgate.gateway.connection import StationConnection
from voltgate.gateway.links import StationLinks
from voltgate.handlers.router import ConnectionState, Context, Router
from voltgate.metrics import Metrics
from voltgate.ocpp.errors import OcppVersion
from voltgate.ocpp.session import OcppSession
from voltgate.ocpp.validation import Validators

log = structlog.get_logger("voltgate.gateway")

MAX_STATION_ID_LENGTH = 48  # OCPP 2.0.1 part 4 §3.1.1: identity is at most 48 characters
_FORBIDDEN_ID_CHARS = frozenset("/\\?#%\"'<> ")
# The transport's hard limit; frames between max_frame_size and this get a CALLERROR and
# the connection stays up, larger ones close it with 1009 (RFC 6455 §7.4.1).
_TRANSPORT_LIMIT_FACTOR = 16


@dataclass(frozen=True, slots=True)
class Admission:
    """What the handshake learned about an admitted station."""

    station_id: str
    accepted: bool
    remote_address: str


class Gateway:
    """The running WebSocket server and its connections."""

    def __init__(
        self,
        settings: Settings,
        *,
        services: Services,
        routers: Mapping[OcppVersion, Router],
        validators: Validators,
        links: StationLinks,
        metrics: Metrics,
        now: Callable[[], datetime],
    ) -> None:
        self._settings = settings
        self._services = services
        self._routers = routers
        self._validators = validators
        self._links = links
        self._metrics = metrics
        self._now = now
        self._admitted: WeakKeyDictionary[ServerConnection, Admission] = WeakKeyDictionary()
        self._ids = itertools.count(1)
        self._server: Server | None = None
        self._prefix = settings.ocpp_path + "/"
        self._subprotocols = frozenset(str(version) for version in routers)

    @property
    def port(self) -> int:
        """The TCP port the server listens on (useful when configured as 0)."""
        assert self._server is not None, "the gateway is not serving"
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    @asynccontextmanager
    async def serving(self) -> AsyncIterator[Gateway]:
        """Listen until the context exits, then close every connection."""
        limit = self._settings.max_frame_size * _TRANSPORT_LIMIT_FACTOR
        async with serve(
            self._serve,
            self._settings.host,
            self._settings.ocpp_port,
            process_request=self._check_request,
            select_subprotocol=self._select_subprotocol,
            ping_interval=self._settings.ping_interval,
            ping_timeout=self._settings.ping_timeout,
            # A station that misses its pong will not answer a close frame either.
            close_timeout=self._settings.ping_timeout,
            max_size=limit,
            server_header="Voltgate",
            logger=logging.getLogger("voltgate.gateway.websockets"),
        ) as server:
            self._server = server
            log.info(
                "OCPP gateway listening",
                host=self._settings.host,
                port=self.port,
                path=self._prefix + "{stationId}",
            )
            try:
                yield self
            finally:
                self._server = None

    def _select_subprotocol(
        self, connection: ServerConnection, offered: Sequence[Subprotocol]
    ) -> Subprotocol | None:
        # The station lists its versions by preference (OCPP-J 1.6 §4.1.2); honour its order.
        for name in offered:
            if name in self._subprotocols:
                return name
        return None

    async def _check_request(
        self, connection: ServerConnection, request: Request
    ) -> Response | None:
        station_id = self._station_id(request.path)
        if station_id is None:
            self._metrics.connections_refused.labels("path").inc()
            return connection.respond(
                HTTPStatus.NOT_FOUND, f"connect to {self._prefix}<stationId>\n"
            )
        remote = _remote_address(connection)
        password, username = _basic_credentials(request.headers)
        if username is not None and username != station_id:
            self._metrics.connections_refused.labels("unauthorized").inc()
            log.warning(
                "handshake refused: Basic auth user is not the station id",
                station_id=station_id,
                remote=remote,
            )
            return _unauthorized(connection)
        verdict = await self._services.stations.authenticate(
            station_id,
            password,
            policy=UnknownStationPolicy(self._settings.unknown_stations.value),
            allow_unauthenticated=self._settings.allow_unauthenticated,
        )
        if verdict.outcome is ConnectOutcome.UNKNOWN:
            self._metrics.connections_refused.labels("unknown").inc()
            log.warning("handshake refused: unknown station", station_id=station_id, remote=remote)
            return connection.respond(HTTPStatus.NOT_FOUND, "unknown charging station\n")
        if verdict.outcome is ConnectOutcome.UNAUTHORIZED:
            self._metrics.connections_refused.labels("unauthorized").inc()
            log.warning(
                "handshake refused: bad or missing credentials",
                station_id=station_id,
                remote=remote,
                password_given=password is not None,
            )
            return _unauthorized(connection)
        self._admitted[connection] = Admission(station_id, verdict.accepted, remote)
        return None

    def _station_id(self, path: str) -> str | None:
        raw = urlsplit(path).path
        if not raw.startswith(self._prefix):
            return None
        station_id = unquote(raw[len(self._prefix) :])
        if not 0 < len(station_id) <= MAX_STATION_ID_LENGTH:
            return None
        if any(c in _FORBIDDEN_ID_CHARS or not c.isprintable() for c in station_id):
            return None
        return station_id

    async def _serve(self, ws: ServerConnection) -> None:
        admission = self._admitted.pop(ws, None)
        if admission is None:  # pragma: no cover - process_request admits every served socket
            await ws.close(1008, "not admitted")
            return
        if ws.subprotocol is None:
            self._metrics.connections_refused.labels("subprotocol").inc()
            log.warning(
                "closing: no common OCPP subprotocol",
                station_id=admission.station_id,
                offered=ws.request.headers.get("Sec-WebSocket-Protocol") if ws.request else None,
            )
            await ws.close(1002, "no supported OCPP subprotocol offered")
            return
        version = OcppVersion(ws.subprotocol)
        conn_id = f"{next(self._ids):x}"
        with structlog.contextvars.bound_contextvars(station_id=admission.station_id, conn=conn_id):
            await self._run_station(ws, admission, version)

    async def _run_station(
        self, ws: ServerConnection, admission: Admission, version: OcppVersion
    ) -> None:
        ctx = Context(
            station_id=admission.station_id,
            services=self._services,
            connection=ConnectionState(protocol=version, accepted=admission.accepted),
            now=self._now,
        )
        session = OcppSession(
            version,
            self._validators.for_version(version),
            call_timeout=self._settings.call_timeout,
            new_id=lambda: uuid.uuid4().hex,
        )
        connection = StationConnection(
            ws,
            ctx=ctx,
            session=session,
            router=self._routers[version],
            metrics=self._metrics,
            max_text_size=self._settings.max_frame_size,
        )
        await self._links.register(connection)
        gauge = self._metrics.stations_connected.labels(str(version))
        gauge.inc()
        log.info("station connected", protocol=str(version), remote=admission.remote_address)
        try:
            await self._services.stations.connected(
                admission.station_id, str(version), admission.remote_address
            )
            await connection.run()
        finally:
            gauge.dec()
            current = self._links.unregister(connection)
            if current:
                await self._services.stations.disconnected(admission.station_id)
            log.info("station disconnected", code=ws.close_code, reason=ws.close_reason or "")


def _basic_credentials(headers: Headers) -> tuple[str | None, str | None]:
    """(password, username) from an `Authorization: Basic` header, or (None, None)."""
    value = headers.get("Authorization")
    if value is None:
        return None, None
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "basic":
        return None, None
    try:
        decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    username, sep, password = decoded.partition(":")
    if not sep:
        return None, None
    return password, username


def _unauthorized(connection: ServerConnection) -> Response:
    response = connection.respond(HTTPStatus.UNAUTHORIZED, "authentication required\n")
    response.headers["WWW-Authenticate"] = 'Basic realm="Voltgate OCPP", charset="UTF-8"'
    return response


def _remote_address(connection: ServerConnection) -> str:
    address: Any = connection.remote_address
    if isinstance(address, tuple) and address:
        return str(address[0])
    return str(address)
