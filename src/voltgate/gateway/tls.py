"""TLS for security profiles 2 and 3: the gateway's ports, their contexts, handshake failures.

`listeners(settings)` names the ports to open. Profile 2 (`tls_port`) and profile 3
(`mtls_port`, client certificate required) each get a context built here (A00.FR.006: one
profile per port):

* TLS 1.2 or newer only (A00.FR.313/416; a TLS 1.0/1.1 client fails the handshake, which
  terminates it as A00.FR.315/418 require). The 1.6 Whitepaper allows 1.0/1.1 for legacy
  stations (A00.FR.312); Voltgate does not: 2.0.1 forbids them and they are broken.
* The four cipher suites of A00.FR.318/421 (plus their ECDHE-RSA forms) for TLS 1.2, the
  TLS 1.3 defaults, no compression (A00.FR.321/424). ECDSA suites need an ECDSA server
  certificate and RSA suites an RSA one: both are loaded when both exist (`voltgate ca init`
  creates both).
* Profile 3: the client certificate must chain to the configured CA bundle (A00.FR.403/407).
  A chain that does not verify fails inside the TLS handshake, before any HTTP: the context's
  SSLObject class reports the OpenSSL reason (`HandshakeFailure`) so the gateway can log and
  count it. The subject checks (O, CN, validity) follow in the HTTP handshake
  (`domain.certificates.check_client_certificate`).
"""

from __future__ import annotations

import enum
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voltgate.config import Settings
from voltgate.domain.security import Transport
from voltgate.gateway import pki

# A00.FR.318 / A00.FR.421, in OpenSSL's names, strongest first; ECDHE-RSA forms added so RSA
# stations keep forward secrecy (A00.FR.319 note 1 recommends ECDHE).
TLS12_CIPHERS = ":".join(
    [
        "ECDHE-ECDSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-AES128-GCM-SHA256",
        "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-RSA-AES128-GCM-SHA256",
        "AES256-GCM-SHA384",  # TLS_RSA_WITH_AES_256_GCM_SHA384
        "AES128-GCM-SHA256",  # TLS_RSA_WITH_AES_128_GCM_SHA256
    ]
)

# OpenSSL X509_V_ERR_* codes of the verification failures we name.
_UNKNOWN_CA_CODES = frozenset({2, 18, 19, 20, 21})  # issuer unknown, self-signed, chain broken
_EXPIRED = 10
_NOT_YET_VALID = 9


class HandshakeProblem(enum.StrEnum):
    """Why a TLS handshake failed, as counted in `voltgate_connections_refused_total`."""

    TLS_VERSION = "tls_version"  # the client offers only TLS < 1.2 (or SSL)
    NO_CERTIFICATE = "certificate_missing"  # profile 3 port, no client certificate
    UNKNOWN_CA = "certificate_unknown_ca"
    EXPIRED = "certificate_expired"
    NOT_YET_VALID = "certificate_not_yet_valid"
    INVALID_CERTIFICATE = "certificate_invalid"  # any other verification failure
    NOT_TLS = "not_tls"  # plain HTTP sent to a TLS port
    OTHER = "tls_handshake"


@dataclass(frozen=True, slots=True)
class HandshakeFailure:
    """A failed TLS handshake: the problem and OpenSSL's own words for it."""

    problem: HandshakeProblem
    detail: str


def classify(error: ssl.SSLError) -> HandshakeFailure:
    """Name the problem behind an `ssl.SSLError` raised by a server-side handshake."""
    if isinstance(error, ssl.SSLCertVerificationError):
        code = error.verify_code
        if code == _EXPIRED:
            problem = HandshakeProblem.EXPIRED
        elif code == _NOT_YET_VALID:
            problem = HandshakeProblem.NOT_YET_VALID
        elif code in _UNKNOWN_CA_CODES:
            problem = HandshakeProblem.UNKNOWN_CA
        else:
            problem = HandshakeProblem.INVALID_CERTIFICATE
        return HandshakeFailure(problem, error.verify_message or str(error.reason))
    reason = str(getattr(error, "reason", None) or error)
    if reason in ("UNSUPPORTED_PROTOCOL", "NO_PROTOCOLS_AVAILABLE", "TLSV1_ALERT_PROTOCOL_VERSION"):
        problem = HandshakeProblem.TLS_VERSION
    elif reason in ("PEER_DID_NOT_RETURN_A_CERTIFICATE", "TLSV13_ALERT_CERTIFICATE_REQUIRED"):
        problem = HandshakeProblem.NO_CERTIFICATE
    elif reason in ("HTTP_REQUEST", "WRONG_VERSION_NUMBER"):
        problem = HandshakeProblem.NOT_TLS
    else:
        problem = HandshakeProblem.OTHER
    return HandshakeFailure(problem, reason)


OnFailure = Callable[[HandshakeFailure], None]


class GatewayConfigError(OSError):
    """The TLS configuration cannot be used: a start-up error, which `voltgate serve` shows
    in one line (it reports OSErrors without a traceback)."""


@dataclass(frozen=True, slots=True)
class Listener:
    """One port of the gateway and the transport (security profile family) it serves."""

    transport: Transport
    port: int
    ssl: ssl.SSLContext | None = None


def listeners(settings: Settings, *, on_failure: OnFailure | None = None) -> list[Listener]:
    """The plain port, plus the TLS ports that are configured (docs/security.md).

    Raises:
        GatewayConfigError: a TLS port is configured but its files are missing or unusable.
    """
    ports = [Listener(Transport.PLAIN, settings.ocpp_port)]
    if settings.tls_port is None and settings.mtls_port is None:
        return ports
    certificates = _server_certificates(settings)
    try:
        if settings.tls_port is not None:
            context = server_context(certificates, on_failure=on_failure)
            ports.append(Listener(Transport.TLS, settings.tls_port, context))
        if settings.mtls_port is not None:
            client_ca = settings.tls_client_ca_file or (settings.ca_directory() / pki.CA_CERT)
            context = server_context(certificates, client_ca=client_ca, on_failure=on_failure)
            ports.append(Listener(Transport.MUTUAL_TLS, settings.mtls_port, context))
    except (OSError, ssl.SSLError) as error:
        raise GatewayConfigError(f"cannot set up TLS: {error}") from None
    return ports


def _server_certificates(settings: Settings) -> list[tuple[Path, Path]]:
    if settings.tls_cert_file is not None or settings.tls_key_file is not None:
        if settings.tls_cert_file is None or settings.tls_key_file is None:
            raise GatewayConfigError("set both tls_cert_file and tls_key_file, or neither")
        return [(settings.tls_cert_file, settings.tls_key_file)]
    pairs = pki.server_pairs(settings.ca_directory())
    if not pairs:
        raise GatewayConfigError(
            f"a TLS port is configured but {settings.ca_directory()} has no server "
            "certificate: run `voltgate ca init` or set tls_cert_file and tls_key_file"
        )
    return pairs


def server_context(
    certificates: Sequence[tuple[Path, Path]],
    *,
    client_ca: Path | None = None,
    on_failure: OnFailure | None = None,
) -> ssl.SSLContext:
    """A TLS server context for a profile 2 port, or profile 3 when `client_ca` is given.

    Args:
        certificates: (certificate chain, private key) files; one per key type.
        client_ca: PEM bundle of the CAs that client certificates must chain to.
        on_failure: called for every handshake that fails (it must not raise).

    Raises:
        OSError, ssl.SSLError: a file is missing or does not hold what it should.
    """
    if not certificates:
        raise ValueError("a TLS port needs a server certificate")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.set_ciphers(TLS12_CIPHERS)
    context.options |= ssl.OP_NO_COMPRESSION | ssl.OP_CIPHER_SERVER_PREFERENCE
    for cert_file, key_file in certificates:
        context.load_cert_chain(cert_file, key_file)
    if client_ca is not None:
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(cafile=client_ca)
    if on_failure is not None:
        context.sslobject_class = _reporting_sslobject(on_failure)
    return context


def _reporting_sslobject(on_failure: OnFailure) -> type[ssl.SSLObject]:
    """An SSLObject class that reports why its handshake failed, then fails as before.

    asyncio (and uvloop) run server-side TLS through `SSLContext.wrap_bio`, which creates
    `sslobject_class`; they drop handshake errors silently (an `OSError` is only logged in
    debug mode), so this is the one place where the reason can be seen.
    """

    class ReportingSSLObject(ssl.SSLObject):
        def do_handshake(self) -> None:
            try:
                super().do_handshake()
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                raise  # not a failure: the handshake needs more bytes
            except ssl.SSLError as error:
                on_failure(classify(error))
                raise

    return ReportingSSLObject


def peer_certificate(transport: Any) -> bytes | None:
    """The DER client certificate of a TLS connection (verified by the handshake), or None."""
    ssl_object = transport.get_extra_info("ssl_object") if transport is not None else None
    if ssl_object is None:
        return None
    der: bytes | None = ssl_object.getpeercert(binary_form=True)
    return der
