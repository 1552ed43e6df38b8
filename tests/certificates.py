"""Keys, CSRs and certificates for tests, made with `cryptography` (what a station would do)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID

from voltgate.domain.authority import CertificateAuthority

OPERATOR = "ACME Charging"

Key = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey


def make_key(kind: str = "p256") -> Key:
    """A private key: rsa2048, rsa1024, p256, p384, k256 (secp256k1) or ed25519."""
    if kind.startswith("rsa"):
        return rsa.generate_private_key(public_exponent=65537, key_size=int(kind[3:]))
    curves: dict[str, ec.EllipticCurve] = {
        "p256": ec.SECP256R1(),
        "p384": ec.SECP384R1(),
        "k256": ec.SECP256K1(),
    }
    if kind in curves:
        return ec.generate_private_key(curves[kind])
    assert kind == "ed25519"
    return ed25519.Ed25519PrivateKey.generate()


def subject(cn: str | None, o: str | None = OPERATOR) -> x509.Name:
    attributes = []
    if o is not None:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, o))
    if cn is not None:
        attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attributes)


def make_csr(
    key: Key,
    *,
    cn: str | None,
    o: str | None = OPERATOR,
    algorithm: Any = "sha256",
) -> str:
    """A PEM CSR for `key` with subject O/CN, signed with `algorithm` (a hash)."""
    digest: Any = None
    if not isinstance(key, ed25519.Ed25519PrivateKey):
        digest = {"sha256": hashes.SHA256(), "sha224": hashes.SHA224(), "sha384": hashes.SHA384()}[
            algorithm
        ]
    request = x509.CertificateSigningRequestBuilder().subject_name(subject(cn, o)).sign(key, digest)
    return request.public_bytes(serialization.Encoding.PEM).decode("ascii")


def tamper(pem: str) -> str:
    """The same CSR with one bit of its signature flipped (it still parses)."""
    der = bytearray(x509.load_pem_x509_csr(pem.encode()).public_bytes(serialization.Encoding.DER))
    der[-3] ^= 0x01
    request = x509.load_der_x509_csr(bytes(der))
    return request.public_bytes(serialization.Encoding.PEM).decode("ascii")


def client_certificate(
    authority: CertificateAuthority,
    key: Key,
    *,
    cn: str,
    o: str = OPERATOR,
    not_before: datetime,
    days: float = 30,
) -> x509.Certificate:
    """A client certificate signed by `authority`, valid from `not_before` for `days`."""
    public_key = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(subject(cn, o))
        .issuer_name(authority.certificate.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_before + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority.key.public_key()), False
        )
        .sign(authority.key, hashes.SHA256())
    )


def der(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.DER)


def write_pair(
    directory: Path, name: str, certificate: x509.Certificate, key: Key
) -> tuple[Path, Path]:
    """Write `name`.pem and `name`.key; returns their paths (for ssl.load_cert_chain)."""
    cert_path, key_path = directory / f"{name}.pem", directory / f"{name}.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


def verify_issued_by(certificate: x509.Certificate, authority: x509.Certificate) -> None:
    """Raises unless `certificate` is signed by `authority`'s key (and names it issuer)."""
    assert certificate.issuer == authority.subject
    certificate.verify_directly_issued_by(authority)


def root_certificate(cn: str, *, days: float = 365) -> str:
    """A self-signed root CA certificate as PEM (what InstallCertificate carries)."""
    key = make_key()
    name = subject(cn)
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=1))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")
