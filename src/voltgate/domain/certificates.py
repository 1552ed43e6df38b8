"""Rules for station certificates: what a CSR must be, and whose client certificate it is.

Two places need them:

* SignCertificate (2.0.1 A02/A03, 1.6 Security Whitepaper A02/A03): before the CSMS
  accepts a certificate signing request it checks that the CSR parses, that its signature
  is valid (it proves possession of the key), that its key is strong enough (A00.FR.501-503:
  RSA of at least 2048 bits, or an elliptic curve we accept) and hashed with SHA-2
  (A00.FR.504/506), and that its subject names the operator in O (A00.FR.509, 1.6 A02.FR.13)
  and the station in CN (A00.FR.511).
* Security profile 3 (A00.FR.403-407): the TLS layer has verified the chain of the client
  certificate against the configured CA; here we check that it is valid now and that its
  subject is the operator's (O) and this station's (CN).

The CN names the station by its id or by its serial number, per setting
(`CertificateIdentity`): the spec asks for the serial number (A00.FR.405/511), while many
installations put the station id there, which the CSMS knows before the station boots.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from voltgate.domain.keys import natural_key

MIN_RSA_BITS = 2048  # A00.FR.502
# A00.FR.503 asks for at least 224 bits; these are the curves of the cipher suites
# A00.FR.318 names (ECDHE_ECDSA with NIST curves) that TLS libraries of stations support.
ACCEPTED_CURVES = frozenset({"secp256r1", "secp384r1", "secp521r1"})
ACCEPTED_HASHES = frozenset({"sha256", "sha384", "sha512"})  # A00.FR.504, A00.FR.506


class CertificateIdentity(enum.StrEnum):
    """What a station certificate's CN must be."""

    STATION_ID = "station_id"
    SERIAL = "serial"


class InvalidCsr(Exception):
    """The CSR cannot be signed; `reason` says why in one line (no secrets)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class CheckedCsr:
    """A CSR that passed `check_csr`, with what we learned about it."""

    request: x509.CertificateSigningRequest
    common_name: str
    organization: str
    key_description: str  # e.g. "RSA-2048", "EC-secp256r1"
    der: bytes


class Delivery(enum.StrEnum):
    """What became of a CertificateSigned sent to the station."""

    ACCEPTED = "Accepted"  # the station installed it (A02.FR.06)
    REJECTED = "Rejected"  # the station found it invalid (A02.FR.07)
    FAILED = "Failed"  # never answered: offline, CALLERROR or timeout


@dataclass(frozen=True, slots=True)
class IssuedCertificate:
    """A station certificate signed by the CSMS CA, as stored."""

    serial_number: str  # hexadecimal, as in the certificate (A00.FR.508)
    station_id: str
    common_name: str
    key_description: str
    not_before: datetime
    not_after: datetime
    pem: str
    issued_at: datetime
    delivery: Delivery | None = None
    delivered_at: datetime | None = None


def expected_common_name(
    identity: CertificateIdentity, station_id: str, serial_number: str | None
) -> str | None:
    """The CN a certificate of this station must carry, or None when it is unknown.

    With `SERIAL`, the serial number comes from the station's BootNotification; before its
    first boot it is unknown, and no certificate can match.
    """
    if identity is CertificateIdentity.SERIAL:
        return serial_number or None
    return station_id


def check_csr(
    pem: str,
    *,
    common_name: str | None,
    organization: str,
) -> CheckedCsr:
    """Validate a PEM-encoded PKCS#10 request (RFC 2986) from a station.

    Args:
        pem: the `csr` field of SignCertificate.
        common_name: the CN the station's certificate must have (`expected_common_name`).
        organization: the operator's name, required in O.

    Raises:
        InvalidCsr: with the first reason found.
    """
    try:
        request = x509.load_pem_x509_csr(pem.strip().encode("utf-8"))
    except (ValueError, UnicodeEncodeError):
        raise InvalidCsr("not a PEM-encoded certificate signing request") from None
    try:
        signature_ok = request.is_signature_valid
        algorithm = request.signature_hash_algorithm
    except UnsupportedAlgorithm:
        raise InvalidCsr("signature algorithm not supported") from None
    if not signature_ok:
        raise InvalidCsr("the CSR's signature does not match its public key")
    key_description = _check_key(request.public_key())
    if algorithm is None or algorithm.name not in ACCEPTED_HASHES:
        name = "none" if algorithm is None else algorithm.name
        raise InvalidCsr(f"signature hash {name} is not accepted (use SHA-256 or stronger)")
    subject_cn = _single(request.subject, NameOID.COMMON_NAME)
    subject_o = _single(request.subject, NameOID.ORGANIZATION_NAME)
    if subject_o != organization:
        raise InvalidCsr(f"subject O is {subject_o!r}, expected the operator {organization!r}")
    if common_name is None:
        raise InvalidCsr("the station's serial number is not known yet (it has not booted)")
    if subject_cn != common_name:
        raise InvalidCsr(f"subject CN is {subject_cn!r}, expected {common_name!r}")
    assert subject_cn is not None and subject_o is not None  # equal to given strings
    return CheckedCsr(
        request=request,
        common_name=subject_cn,
        organization=subject_o,
        key_description=key_description,
        der=request.public_bytes(serialization.Encoding.DER),
    )


def signing_key(station_id: str, csr: CheckedCsr) -> bytes:
    """What makes two signing requests the same: the station and the exact CSR.

    A station resends the same CSR when the CertificateSigned it waits for does not come
    (A02.FR.17): it gets the certificate already issued for it, not a second one.
    """
    return natural_key("csr", station_id, csr.der.hex())


class ClientCertificateProblem(enum.StrEnum):
    """Why a verified client certificate does not admit this station (profile 3)."""

    UNREADABLE = "unreadable"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    WRONG_ORGANIZATION = "wrong_organization"
    WRONG_COMMON_NAME = "wrong_common_name"


def check_client_certificate(
    der: bytes, *, common_name: str | None, organization: str, now: datetime
) -> ClientCertificateProblem | None:
    """The problem with a station's TLS client certificate, or None when it admits it.

    The chain was verified during the TLS handshake; these are the checks of A00.FR.404
    (O is the operator), A00.FR.405 (CN is this station) and A00.FR.407 (valid now; also
    enforced by TLS, repeated here against the CSMS clock).
    """
    try:
        certificate = x509.load_der_x509_certificate(der)
    except ValueError:
        return ClientCertificateProblem.UNREADABLE
    if now < certificate.not_valid_before_utc:
        return ClientCertificateProblem.NOT_YET_VALID
    if now > certificate.not_valid_after_utc:
        return ClientCertificateProblem.EXPIRED
    if _single(certificate.subject, NameOID.ORGANIZATION_NAME) != organization:
        return ClientCertificateProblem.WRONG_ORGANIZATION
    if common_name is None or _single(certificate.subject, NameOID.COMMON_NAME) != common_name:
        return ClientCertificateProblem.WRONG_COMMON_NAME
    return None


def describe_subject(der: bytes) -> str:
    """A certificate's subject for logs (RFC 4514), or a placeholder when unreadable."""
    try:
        return x509.load_der_x509_certificate(der).subject.rfc4514_string()
    except ValueError:
        return "<unreadable>"


def _check_key(key: object) -> str:
    if isinstance(key, rsa.RSAPublicKey):
        if key.key_size < MIN_RSA_BITS:
            raise InvalidCsr(f"RSA key of {key.key_size} bits (at least {MIN_RSA_BITS} needed)")
        return f"RSA-{key.key_size}"
    if isinstance(key, ec.EllipticCurvePublicKey):
        if key.curve.name not in ACCEPTED_CURVES:
            raise InvalidCsr(f"elliptic curve {key.curve.name} is not accepted")
        return f"EC-{key.curve.name}"
    raise InvalidCsr(f"key type {type(key).__name__} is not accepted (use RSA or ECDSA)")


def _single(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    """The value of the one attribute `oid` in `name`; None when absent or repeated."""
    values = name.get_attributes_for_oid(oid)
    if len(values) != 1:
        return None
    value = values[0].value
    return value if isinstance(value, str) else None
