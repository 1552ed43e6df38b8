"""The CSMS's own certificate authority: create it, and issue certificates with it.

Pure cryptography, no files: `gateway.pki` stores and loads the keys. The CSO may act as
certificate authority for its own hierarchy (2.0.1 A00.FR.601, 1.6 Whitepaper A00.FR.601);
A02.FR.04 recommends a dedicated CA server instead, so the CA is kept behind this one class
and its key never leaves the node's CA directory.

Certificate profile (A00.FR.501-514): SHA-256 signatures (A00.FR.506), ECDSA P-256 keys by
default or RSA 3072 (A00.FR.505: ECDSA or RSA-PSS; RSA certificates are signed with
PKCS#1 v1.5, which every TLS stack verifies), a serial number (A00.FR.508), O = the
operator (A00.FR.509), Key Usage set (A00.FR.512) and no Extended Key Usage (A00.FR.514).
"""

from __future__ import annotations

import enum
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

# A station's clock may run a little behind ours; a certificate valid only from "now"
# would be refused by it for those seconds (A02.FR.08 switches once `not_before` passed).
BACKDATE = timedelta(minutes=5)
CA_VALIDITY_DAYS = 3650
SERVER_VALIDITY_DAYS = 365
RSA_BITS = 3072

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


class KeyType(enum.StrEnum):
    """Key algorithm of a certificate the CSMS creates for itself."""

    EC = "ec"  # ECDSA on NIST P-256
    RSA = "rsa"  # RSA 3072


def new_private_key(key_type: KeyType) -> PrivateKey:
    """A fresh private key of `key_type`."""
    if key_type is KeyType.RSA:
        return rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    return ec.generate_private_key(ec.SECP256R1())


def _key_usage(*, ca: bool, key_encipherment: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=key_encipherment,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


@dataclass(frozen=True, slots=True)
class CertificateAuthority:
    """A CA key and its self-signed certificate."""

    key: PrivateKey
    certificate: x509.Certificate

    @classmethod
    def create(
        cls, operator_name: str, *, now: datetime, key_type: KeyType = KeyType.EC
    ) -> CertificateAuthority:
        """A new root CA for the operator's hierarchy (A00.FR.601)."""
        key = new_private_key(key_type)
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, operator_name),
                x509.NameAttribute(NameOID.COMMON_NAME, f"{operator_name} Voltgate CA"),
            ]
        )
        certificate = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - BACKDATE)
            .not_valid_after(now + timedelta(days=CA_VALIDITY_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_key_usage(ca=True, key_encipherment=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
            .sign(key, hashes.SHA256())
        )
        return cls(key, certificate)

    @property
    def organization(self) -> str | None:
        """The O of the CA's subject."""
        values = self.certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
        value = values[0].value if values else None
        return value if isinstance(value, str) else None

    def certificate_pem(self) -> str:
        """The CA certificate, PEM."""
        return certificate_pem(self.certificate)

    def issue(
        self,
        subject: x509.Name,
        public_key: rsa.RSAPublicKey | ec.EllipticCurvePublicKey,
        *,
        now: datetime,
        validity_days: int,
        dns_names: Sequence[str] = (),
    ) -> x509.Certificate:
        """Sign a leaf certificate for `subject` and `public_key`.

        Args:
            subject: the certificate's subject (for stations: the CSR's, already checked).
            public_key: the subject's key.
            now: the CSMS clock (aware UTC).
            validity_days: how long the certificate is valid from `now`.
            dns_names: subjectAltName entries (server certificates only: A00.FR.511 says a
                station certificate SHOULD NOT have them). IP addresses become IP entries.
        """
        not_after = min(now + timedelta(days=validity_days), self.certificate.not_valid_after_utc)
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.certificate.subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - BACKDATE)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                _key_usage(ca=False, key_encipherment=isinstance(public_key, rsa.RSAPublicKey)),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), False
            )
        )
        if dns_names:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([_general_name(name) for name in dns_names]), False
            )
        return builder.sign(self.key, hashes.SHA256())

    def issue_server(
        self,
        names: Sequence[str],
        *,
        now: datetime,
        key_type: KeyType = KeyType.EC,
        validity_days: int = SERVER_VALIDITY_DAYS,
    ) -> tuple[PrivateKey, x509.Certificate]:
        """A key and certificate for the CSMS's TLS port: CN = the first name (its FQDN,
        A00.FR.510), all names in subjectAltName (allowed for the CSMS, A00.FR.511)."""
        if not names:
            raise ValueError("a server certificate needs at least one host name")
        key = new_private_key(key_type)
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, self.organization or names[0]),
                x509.NameAttribute(NameOID.COMMON_NAME, names[0]),
            ]
        )
        certificate = self.issue(
            subject,
            key.public_key(),
            now=now,
            validity_days=validity_days,
            dns_names=names,
        )
        return key, certificate


def certificate_pem(certificate: x509.Certificate) -> str:
    """A certificate, PEM (A00.FR.507)."""
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


def _general_name(name: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)
