"""Firmware and diagnostics commands (1.6 Firmware Management §5.9/5.19 and the Security
Whitepaper's signed firmware and logs; 2.0.1 blocks L and N): update firmware, publish it to
a local controller, fetch logs, ask for or clear what a station stores about a customer.

Where 2.0.1 asks for a requestId (UpdateFirmware, GetLog, PublishFirmware,
CustomerInformation) it is the command's id, so the notifications that follow
(FirmwareStatusNotification, LogStatusNotification, NotifyCustomerInformation ...) name the
command they belong to.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from voltgate.domain.commands.certificates import CertificateHash


@dataclass(frozen=True, slots=True)
class UpdateFirmware:
    """Download the firmware at `location` from `retrieve_at` and install it (2.0.1: from
    `install_at`). With a signing certificate and signature it is a signed update (1.6
    SignedUpdateFirmware, 2.0.1 L01), which the station verifies before installing."""

    NAME: ClassVar[str] = "update-firmware"
    location: str
    retrieve_at: datetime
    install_at: datetime | None = None
    retries: int | None = None
    retry_interval_s: int | None = None
    signing_certificate: str | None = None
    signature: str | None = None

    @property
    def signed(self) -> bool:
        """True for a signed update (a certificate or a signature was given)."""
        return self.signing_certificate is not None or self.signature is not None


@dataclass(frozen=True, slots=True)
class PublishFirmware:
    """2.0.1 only (L03): a local controller downloads the firmware at `location` (MD5
    `checksum`) and serves it to the stations behind it."""

    NAME: ClassVar[str] = "publish-firmware"
    location: str
    checksum: str
    retries: int | None = None
    retry_interval_s: int | None = None


@dataclass(frozen=True, slots=True)
class UnpublishFirmware:
    """2.0.1 only (L04): stop serving the firmware with MD5 `checksum`."""

    NAME: ClassVar[str] = "unpublish-firmware"
    checksum: str


class LogType(enum.StrEnum):
    """A diagnostics log, or the security log (security events)."""

    DIAGNOSTICS = "DIAGNOSTICS"
    SECURITY = "SECURITY"


@dataclass(frozen=True, slots=True)
class GetLog:
    """Upload a log to `location` (1.6: GetDiagnostics for a diagnostics log, the
    whitepaper's GetLog for the security log; 2.0.1 GetLog, N01), covering `oldest_at` to
    `latest_at` when given."""

    NAME: ClassVar[str] = "get-log"
    log_type: LogType
    location: str
    oldest_at: datetime | None = None
    latest_at: datetime | None = None
    retries: int | None = None
    retry_interval_s: int | None = None


@dataclass(frozen=True, slots=True)
class CustomerInformation:
    """2.0.1 only (N09): report and/or clear what the station stores about one customer,
    named by exactly one of an identifier, an id token or a certificate (N09.FR.04)."""

    NAME: ClassVar[str] = "customer-information"
    report: bool
    clear: bool
    customer_identifier: str | None = None
    id_tag: str | None = None
    certificate: CertificateHash | None = None
