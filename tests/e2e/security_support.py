"""Shared pieces of the security end-to-end tests: a CSMS CA on disk, TLS client contexts,
wss:// connections, and a polling helper for work the CSMS finishes after its answer."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from websockets.asyncio.client import ClientConnection, connect

from tests.certificates import OPERATOR, Key, client_certificate, make_key, write_pair
from tests.e2e.conftest import PASSWORD, basic_auth
from voltgate.app import Csms
from voltgate.domain.authority import CertificateAuthority
from voltgate.gateway import pki

T = TypeVar("T")

EVENTUALLY_S = 5.0


def init_ca(directory: Path) -> Path:
    """`voltgate ca init` for the tests' operator; returns the directory."""
    pki.init(directory, operator_name=OPERATOR, now=datetime.now(UTC))
    return directory


def tls_overrides(ca_dir: Path, **more: Any) -> dict[str, Any]:
    """Settings of a CSMS with both TLS ports (chosen by the OS) and the CA in `ca_dir`."""
    return {"tls_port": 0, "mtls_port": 0, "ca_dir": ca_dir, "operator_name": OPERATOR, **more}


def client_context(ca_dir: Path, certificate: tuple[Path, Path] | None = None) -> ssl.SSLContext:
    """A station's TLS context: trusts the CSMS CA, presents `certificate` if given."""
    context = ssl.create_default_context(cafile=ca_dir / pki.CA_CERT)
    if certificate is not None:
        context.load_cert_chain(*certificate)
    return context


def station_certificate(
    directory: Path,
    authority: CertificateAuthority,
    *,
    cn: str,
    o: str = OPERATOR,
    not_before: datetime | None = None,
    days: float = 30,
    key: Key | None = None,
    name: str = "station",
) -> tuple[Path, Path]:
    """A client certificate + key for a station, written to `directory`."""
    key = key or make_key()
    start = not_before or datetime.now(UTC).replace(microsecond=0)
    certificate = client_certificate(authority, key, cn=cn, o=o, not_before=start, days=days)
    return write_pair(directory, name, certificate, key)


def wss_url(port: int | None, station_id: str) -> str:
    assert port is not None, "the TLS port is not configured"
    return f"wss://127.0.0.1:{port}/ocpp/{station_id}"


@asynccontextmanager
async def tls_station(
    csms: Csms,
    station_id: str,
    context: ssl.SSLContext,
    *,
    mutual: bool = False,
    password: str | None = PASSWORD,
    subprotocols: list[str] | None = None,
) -> AsyncIterator[ClientConnection]:
    """A WebSocket to the TLS port (profile 2) or the mutual-TLS port (profile 3)."""
    port = csms.mtls_port if mutual else csms.tls_port
    headers = basic_auth(station_id, password) if password is not None else {}
    async with connect(
        wss_url(port, station_id),
        ssl=context,
        subprotocols=subprotocols or ["ocpp2.0.1"],  # type: ignore[list-item]
        additional_headers=headers,
        open_timeout=5,
    ) as ws:
        yield ws


def refused_count(csms: Csms, reason: str) -> float:
    """`voltgate_connections_refused_total{reason=...}` as the metrics endpoint shows it."""
    value = csms.metrics.registry.get_sample_value(
        "voltgate_connections_refused_total", {"reason": reason}
    )
    return value or 0.0


async def eventually(probe: Callable[[], Awaitable[T | None]]) -> T:
    """Poll `probe` until it returns something (work the CSMS does after its answer), for
    at most `EVENTUALLY_S`."""
    async with asyncio.timeout(EVENTUALLY_S):
        while True:
            result = await probe()
            if result is not None:
                return result
            await asyncio.sleep(0.01)
