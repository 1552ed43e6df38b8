"""The CA directory on disk: created by `voltgate ca init`, loaded by the server at start.

Layout (all PEM)::

    ca.pem            the CSMS CA certificate: give it to stations (profile 2/3 trust anchor)
    ca.key            its private key                                   (mode 0600)
    server.pem/.key   TLS server certificate, ECDSA P-256, signed by the CA (key 0600)
    server-rsa.pem/.key  the same for RSA clients (A00.FR.318 asks for both suite families)

`init` creates what is missing and never overwrites a file, so running it again is safe.
Private keys are written with mode 0600 in a 0700 directory (A00.FR.603: the CA key MUST be
well protected); the server refuses a CA key that others can read.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from voltgate.domain.authority import (
    CertificateAuthority,
    KeyType,
    PrivateKey,
    certificate_pem,
)

CA_CERT = "ca.pem"
CA_KEY = "ca.key"
SERVER_CERTS = {
    KeyType.EC: ("server.pem", "server.key"),
    KeyType.RSA: ("server-rsa.pem", "server-rsa.key"),
}
DEFAULT_SERVER_NAMES = ("localhost", "127.0.0.1")


class PkiError(OSError):
    """The CA directory is unusable (missing, unreadable, or a key file others can read).

    An OSError, so `voltgate serve` reports it as a start-up problem in one line.
    """


@dataclass(slots=True)
class InitReport:
    """What `init` did."""

    directory: Path
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def init(
    directory: Path,
    *,
    operator_name: str,
    server_names: Sequence[str] = DEFAULT_SERVER_NAMES,
    key_type: KeyType = KeyType.EC,
    server_certificate: bool = True,
    now: datetime,
) -> InitReport:
    """Create the CA (and server certificates) in `directory` unless they exist.

    Args:
        directory: the CA directory (created, mode 0700).
        operator_name: O of every certificate (A00.FR.509); must match `operator_name`.
        server_names: host names (and IP addresses) stations use to reach the TLS ports;
            the first becomes the CN (A00.FR.510).
        key_type: the CA's key algorithm.
        server_certificate: also create the two server certificates.
        now: the clock.
    """
    report = InitReport(directory)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    ca_cert, ca_key = directory / CA_CERT, directory / CA_KEY
    if ca_cert.exists() or ca_key.exists():
        authority = load_authority(directory)
        report.kept += [CA_CERT, CA_KEY]
    else:
        authority = CertificateAuthority.create(operator_name, now=now, key_type=key_type)
        _write_key(ca_key, authority.key)
        _write_public(ca_cert, authority.certificate_pem())
        report.created += [CA_CERT, CA_KEY]
    if not server_certificate:
        return report
    for server_key_type, (cert_name, key_name) in SERVER_CERTS.items():
        if (directory / cert_name).exists() or (directory / key_name).exists():
            report.kept += [cert_name, key_name]
            continue
        key, certificate = authority.issue_server(server_names, now=now, key_type=server_key_type)
        _write_key(directory / key_name, key)
        _write_public(directory / cert_name, certificate_pem(certificate))
        report.created += [cert_name, key_name]
    return report


def load_authority(directory: Path) -> CertificateAuthority:
    """The CA in `directory`.

    Raises:
        PkiError: a file is missing or unreadable, the key does not match the certificate,
            or the key file can be read by others than its owner.
    """
    cert_path, key_path = directory / CA_CERT, directory / CA_KEY
    _check_private(key_path)
    try:
        certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as error:
        raise PkiError(f"cannot load the CA from {directory}: {error}") from None
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise PkiError(f"{key_path}: the CA key must be RSA or EC")
    if _spki(key.public_key()) != _spki(certificate.public_key()):
        raise PkiError(f"{key_path} is not the key of {cert_path}")
    return CertificateAuthority(key, certificate)


def has_authority(directory: Path) -> bool:
    """True when `directory` holds a CA certificate and key."""
    return (directory / CA_CERT).exists() and (directory / CA_KEY).exists()


def server_pairs(directory: Path) -> list[tuple[Path, Path]]:
    """The server (certificate, key) files `init` created in `directory`, ECDSA first."""
    pairs = []
    for cert_name, key_name in SERVER_CERTS.values():
        cert, key = directory / cert_name, directory / key_name
        if cert.exists() and key.exists():
            pairs.append((cert, key))
    return pairs


def describe(path: Path) -> str:
    """One line about the certificate at `path`: subject, expiry and SHA-256 fingerprint."""
    certificate = x509.load_pem_x509_certificate(path.read_bytes())
    fingerprint = certificate.fingerprint(hashes.SHA256()).hex()
    return (
        f"{certificate.subject.rfc4514_string()}, valid until "
        f"{certificate.not_valid_after_utc:%Y-%m-%d}, SHA-256 {fingerprint[:16]}..."
    )


def _spki(key: Any) -> bytes:
    der: bytes = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return der


def _check_private(path: Path) -> None:
    try:
        mode = path.stat().st_mode
    except OSError as error:
        raise PkiError(f"cannot read {path}: {error.strerror or error}") from None
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise PkiError(f"{path} can be read by other users; run: chmod 600 {path}")


def _write_key(path: Path, key: PrivateKey) -> None:
    data = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # Created 0600 from the start: never readable by others, not even for a moment.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(data)


def _write_public(path: Path, pem: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(fd, "w", encoding="ascii") as file:
        file.write(pem)
