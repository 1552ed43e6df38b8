"""The OCPP-J WebSocket server: handshake checks, then one StationConnection per socket.

One listener per security profile transport (A00.FR.006: one profile per port): `ocpp_port`
(ws://, profiles 0/1), `tls_port` (wss://, profile 2) and `mtls_port` (wss:// with client
certificates, profile 3); see `gateway.tls` for the TLS rules. All share one handler.

Handshake (before the upgrade, so a refused station never gets a WebSocket):
- the path must be `{ocpp_path}/{stationId}` (OCPP-J 1.6 §3.1.1, 2.0.1 part 4 §3.1.1), else 404;
- an address with too many recent failed authentications gets 429 with Retry-After, before
  anything else is checked (`domain.throttle`);
- the credential of the port's profile (`SecurityService.admit`): HTTP Basic auth with
  username = station id (profiles 1/2, 2.0.1 A00.FR.202-207/301-324, 1.6 Whitepaper §2.3/2.4):
  a wrong or missing password is 401, an unknown station 404 (or registered, by setting);
  profile 3: the client certificate's O and CN (A00.FR.404/405), else 403. Then a profile
  below the station's minimum is 403 (A05.FR.07). Passwords are never logged;
- subprotocol: the first of the station's offers that we speak. If it offers none, the
  handshake completes without Sec-WebSocket-Protocol and the socket is closed at once, as
  OCPP-J 1.6 §4.1.2 and 2.0.1 part 4 §3.2 require.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import itertools
import logging
import math
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
from voltgate.domain.security import Admission as Decision
from voltgate.domain.security import ConnectAttempt, Refusal, SecurityProfile, Transport
from voltgate.domain.services import Services
from voltgate.domain.stations import UnknownStationPolicy
from voltgate.gateway import tls
from voltgate.gateway.connection import StationConnection
from voltgate.gateway.links import StationLinks
from voltgate.gateway.message_log import FrameRecorder
from voltgate.gateway.socket import StationSocket
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
    profile: SecurityProfile


_REFUSAL_STATUS = {
    Refusal.THROTTLED: HTTPStatus.TOO_MANY_REQUESTS,
    Refusal.UNKNOWN: HTTPStatus.NOT_FOUND,
    Refusal.UNAUTHORIZED: HTTPStatus.UNAUTHORIZED,
    Refusal.CERTIFICATE: HTTPStatus.FORBIDDEN,
    Refusal.DOWNGRADE: HTTPStatus.FORBIDDEN,
}
_REFUSAL_TEXT = {
    Refusal.THROTTLED: "too many failed attempts; try again later\n",
    Refusal.UNKNOWN: "unknown charging station\n",
    Refusal.UNAUTHORIZED: "authentication required\n",
    Refusal.CERTIFICATE: "client certificate does not identify this charging station\n",
    Refusal.DOWNGRADE: "this charging station must use a higher security profile\n",
}


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
        message_log: FrameRecorder | None = None,
        storage_first: Callable[[], bool] | None = None,
    ) -> None:
        self._settings = settings
        self._storage_first = storage_first
        self._message_log = message_log
        self._services = services
        self._routers = routers
        self._validators = validators
        self._links = links
        self._metrics = metrics
        self._now = now
        self._admitted: WeakKeyDictionary[ServerConnection, Admission] = WeakKeyDictionary()
        self._ids = itertools.count(1)
        self._servers: dict[Transport, Server] = {}
        self._prefix = settings.ocpp_path + "/"
        self._subprotocols = frozenset(str(version) for version in routers)
        self._listeners = tls.listeners(settings, on_failure=self._tls_refused)

    @property
    def port(self) -> int:
        """The plain WebSocket port (profiles 0/1); useful when configured as 0."""
        port = self.port_of(Transport.PLAIN)
        assert port is not None, "the gateway is not serving"
        return port

    def port_of(self, transport: Transport) -> int | None:
        """The port serving `transport`, or None when it is not configured."""
        server = self._servers.get(transport)
        if server is None:
            return None
        port: int = server.sockets[0].getsockname()[1]
        return port

    @asynccontextmanager
    async def serving(self) -> AsyncIterator[Gateway]:
        """Listen on every configured port until the context exits, then close every
        connection."""
        async with contextlib.AsyncExitStack() as stack:
            for listener in self._listeners:
                server = await stack.enter_async_context(self._serve_listener(listener))
                self._servers[listener.transport] = server
                log.info(
                    "OCPP gateway listening",
                    host=self._settings.host,
                    port=self.port_of(listener.transport),
                    transport=listener.transport.value,
                    path=self._prefix + "{stationId}",
                )
            try:
                yield self
            finally:
                self._servers.clear()

    def _serve_listener(self, listener: tls.Listener) -> Any:
        async def check(connection: ServerConnection, request: Request) -> Response | None:
            return await self._check_request(connection, request, listener.transport)

        return serve(
            self._serve,
            self._settings.host,
            listener.port,
            ssl=listener.ssl,
            process_request=check,
            select_subprotocol=self._select_subprotocol,
            ping_interval=self._settings.ping_interval,
            ping_timeout=self._settings.ping_timeout,
            # A station that misses its pong will not answer a close frame either.
            close_timeout=self._settings.ping_timeout,
            max_size=self._settings.max_frame_size * _TRANSPORT_LIMIT_FACTOR,
            server_header="Voltgate",
            # OCPP-J 2.0.1 part 4 §3.3: a CSMS SHALL support RFC 7692 (permessage-deflate);
            # negotiated only with a station that offers it.
            compression="deflate",
            create_connection=StationSocket,
            logger=logging.getLogger("voltgate.gateway.websockets"),
        )

    def _tls_refused(self, failure: tls.HandshakeFailure) -> None:
        """A TLS handshake failed (before any HTTP, so no station id is known yet)."""
        self._metrics.connections_refused.labels(failure.problem.value).inc()
        log.warning("TLS handshake refused", reason=failure.problem.value, detail=failure.detail)

    def _select_subprotocol(
        self, connection: ServerConnection, offered: Sequence[Subprotocol]
    ) -> Subprotocol | None:
        # The station lists its versions by preference (OCPP-J 1.6 §4.1.2); honour its order.
        for name in offered:
            if name in self._subprotocols:
                return name
        return None

    async def _check_request(
        self, connection: ServerConnection, request: Request, transport: Transport
    ) -> Response | None:
        station_id = self._station_id(request.path)
        if station_id is None:
            self._metrics.connections_refused.labels("path").inc()
            return connection.respond(
                HTTPStatus.NOT_FOUND, f"connect to {self._prefix}<stationId>\n"
            )
        remote = _remote_address(connection)
        security = self._services.security
        password, username = _basic_credentials(request.headers)
        attempt = ConnectAttempt(
            station_id=station_id,
            remote_address=remote,
            transport=transport,
            password=password,
            client_certificate=(
                tls.peer_certificate(connection.transport)
                if transport is Transport.MUTUAL_TLS
                else None
            ),
            username=username,
        )
        decision = await security.admit(
            attempt,
            unknown_stations=UnknownStationPolicy(self._settings.unknown_stations.value),
            allow_unauthenticated=self._settings.allow_unauthenticated,
        )
        if decision.refusal is not None:
            return self._refuse(connection, attempt, decision)
        self._admitted[connection] = Admission(
            station_id, decision.accepted, remote, decision.profile
        )
        return None

    def _refuse(
        self, connection: ServerConnection, attempt: ConnectAttempt, decision: Decision
    ) -> Response:
        refusal = decision.refusal
        assert refusal is not None
        label = refusal.value
        if decision.certificate_problem is not None:
            label = f"certificate_{decision.certificate_problem.value}"
        self._metrics.connections_refused.labels(label).inc()
        log.warning(
            f"handshake refused: {refusal.value}",
            station_id=attempt.station_id,
            remote=attempt.remote_address,
            transport=attempt.transport.value,
            profile=int(decision.profile),
            detail=decision.detail,
        )
        response = connection.respond(_REFUSAL_STATUS[refusal], _REFUSAL_TEXT[refusal])
        if refusal is Refusal.UNAUTHORIZED:
            response.headers["WWW-Authenticate"] = _BASIC_CHALLENGE
        elif refusal is Refusal.THROTTLED and decision.retry_after_s is not None:
            response.headers["Retry-After"] = str(max(1, math.ceil(decision.retry_after_s)))
        return response

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
        assert isinstance(ws, StationSocket), "serve() builds StationSocket connections"
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
        self, ws: StationSocket, admission: Admission, version: OcppVersion
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
            message_log=self._message_log,
            storage_first=self._storage_first,
        )
        await self._links.register(connection)
        gauge = self._metrics.stations_connected.labels(str(version))
        gauge.inc()
        log.info(
            "station connected",
            protocol=str(version),
            remote=admission.remote_address,
            security_profile=int(admission.profile),
        )
        try:
            await self._services.stations.connected(
                admission.station_id, str(version), admission.remote_address
            )
            await self._services.security.connected(admission.station_id, admission.profile)
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


_BASIC_CHALLENGE = 'Basic realm="Voltgate OCPP", charset="UTF-8"'


def _remote_address(connection: ServerConnection) -> str:
    address: Any = connection.remote_address
    if isinstance(address, tuple) and address:
        return str(address[0])
    return str(address)
