"""Certificates a simulated station keeps (1.6 Security Whitepaper use cases M03-M05, 2.0.1
M03, M04, M05), whatever its version: both spell CertificateHashDataType alike.

InstallCertificate parses the PEM certificate and keeps it under its type; one that cannot
be read, or whose validity has ended, is Rejected (M05.FR.07); a full store is Rejected too
(M05.FR.06, CertificateEntries). GetInstalledCertificateIds reports the hash data of each
(NotFound when none match), DeleteCertificate removes the one with that hash data
(M04.FR.02/04) except the station's own certificate, which is Failed (M04.FR.06).

Hash data as OCSP's CertID computes it (RFC 6960 §4.1.1, referenced by the CertificateHashData
type): the hash of the issuer's DER name, the hash of the issuer's public key (for the root
certificates installed here the certificate's own), the serial number in hex.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

Payload = dict[str, Any]
MAX_CERTIFICATES = 10
_HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    "SHA256": hashes.SHA256,
    "SHA384": hashes.SHA384,
    "SHA512": hashes.SHA512,
}


@dataclass(frozen=True, slots=True)
class Installed:
    """One certificate: its use (the version's certificateType) and hash data."""

    use: str
    certificate: x509.Certificate
    hash_data: Payload


def read_certificate(pem: str) -> x509.Certificate | None:
    """The first certificate of a PEM text, or None when there is none to read."""
    try:
        return x509.load_pem_x509_certificate(pem.encode())
    except ValueError:
        return None


def hash_data(certificate: x509.Certificate, algorithm: str = "SHA256") -> Payload:
    """CertificateHashDataType of `certificate`, with its issuer's key taken as its own
    (a self-signed root; see the module docstring)."""
    digest = _HASHES[algorithm]

    def hexdigest(data: bytes) -> str:
        h = hashes.Hash(digest())
        h.update(data)
        return h.finalize().hex()

    key = certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return {
        "hashAlgorithm": algorithm,
        "issuerNameHash": hexdigest(certificate.issuer.public_bytes()),
        "issuerKeyHash": hexdigest(key),
        "serialNumber": format(certificate.serial_number, "x"),
    }


def same(a: Payload, b: Payload) -> bool:
    """Whether two hash data name the same certificate (hex compared without case)."""
    fields = ("hashAlgorithm", "issuerNameHash", "issuerKeyHash", "serialNumber")
    return all(str(a.get(f)).lower().lstrip("0") == str(b.get(f)).lower().lstrip("0")
               for f in fields)  # fmt: skip


class CertificateStore:
    """The station's installed certificates; see the module docstring."""

    def __init__(self) -> None:
        self._installed: list[Installed] = []

    def install(self, use: str, pem: str, now: datetime) -> str:
        """Install a certificate: Accepted, or Rejected (unreadable, expired, store full)."""
        certificate = read_certificate(pem)
        if certificate is None or certificate.not_valid_after_utc <= now:
            return "Rejected"  # M05.FR.07
        data = hash_data(certificate)
        self._installed = [c for c in self._installed if not same(c.hash_data, data)]
        if len(self._installed) >= MAX_CERTIFICATES:
            return "Rejected"  # M05.FR.06
        self._installed.append(Installed(use, certificate, data))
        return "Accepted"

    def ids(self, uses: list[str] | None) -> list[Installed]:
        """The certificates of these uses (None or empty: all)."""
        return [c for c in self._installed if not uses or c.use in uses]

    def delete(self, wanted: Payload, own: str | None) -> str:
        """Delete by hash data: Accepted, NotFound, or Failed for the station's own
        certificate (`own`, a PEM chain)."""
        algorithm = str(wanted["hashAlgorithm"])
        station = None if own is None else read_certificate(own)
        if station is not None and same(hash_data(station, algorithm), wanted):
            return "Failed"  # M04.FR.06
        for installed in self._installed:
            if same(hash_data(installed.certificate, algorithm), wanted):
                self._installed.remove(installed)
                return "Accepted"  # M04.FR.02
        return "NotFound"  # M04.FR.04
