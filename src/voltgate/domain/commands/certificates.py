"""Certificate management commands (1.6 Security Whitepaper §5 "Certificate management";
2.0.1 block M): install a root certificate, delete one, list what is installed.

The two versions name the certificate kinds differently (1.6 CentralSystemRootCertificate is
2.0.1 CSMSRootCertificate) and 1.6 knows only two; the dialects map `CertificateKind`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar


class CertificateKind(enum.StrEnum):
    """Which certificate: the CSMS's root, the manufacturer's root, and (2.0.1, ISO 15118)
    the V2G root, a mobility operator's root and the V2G certificate chain."""

    CSMS_ROOT = "CSMS_ROOT"
    MANUFACTURER_ROOT = "MANUFACTURER_ROOT"
    V2G_ROOT = "V2G_ROOT"
    MO_ROOT = "MO_ROOT"
    V2G_CERTIFICATE_CHAIN = "V2G_CERTIFICATE_CHAIN"  # listed, never installed (M03)


class HashAlgorithm(enum.StrEnum):
    """The hash of a certificate's issuer name and key (CertificateHashDataType)."""

    SHA256 = "SHA256"
    SHA384 = "SHA384"
    SHA512 = "SHA512"


@dataclass(frozen=True, slots=True)
class CertificateHash:
    """Identifies an installed certificate (the same in 1.6 and 2.0.1): hex hashes of its
    issuer's name and public key, and its serial number in hex."""

    algorithm: HashAlgorithm
    issuer_name_hash: str
    issuer_key_hash: str
    serial_number: str


@dataclass(frozen=True, slots=True)
class InstallCertificate:
    """Install a root certificate (PEM) of `kind` (M05; whitepaper "Install CA
    certificate")."""

    NAME: ClassVar[str] = "install-certificate"
    kind: CertificateKind
    certificate: str


@dataclass(frozen=True, slots=True)
class DeleteCertificate:
    """Delete the installed certificate `certificate` (M04)."""

    NAME: ClassVar[str] = "delete-certificate"
    certificate: CertificateHash


@dataclass(frozen=True, slots=True)
class GetInstalledCertificates:
    """List installed certificates of `kinds` (M03; 2.0.1: none given, all; 1.6: exactly
    one kind); their hashes are in the response."""

    NAME: ClassVar[str] = "get-installed-certificates"
    kinds: tuple[CertificateKind, ...] = ()
