"""Firmware, diagnostics and certificate bodies: update or publish firmware, fetch a log,
customer information, install / delete / list certificates."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from voltgate.api import command_enums as e
from voltgate.api.command_bodies.types import Count, Url, text
from voltgate.api.conventions import ApiModel, IdTag, UtcDateTime, to_domain
from voltgate.domain import commands as c

Pem = Annotated[
    str,
    Field(
        max_length=5500,
        pattern=r"^-----BEGIN CERTIFICATE-----[^\x00]+-----END CERTIFICATE-----\s*$",
    ),
]
"""A PEM certificate (OCPP: at most 5500 characters)."""

Checksum = Annotated[str, Field(pattern=r"^[0-9a-fA-F]{32}$")]
"""An MD5 checksum in hex."""


class UpdateFirmwareIn(ApiModel):
    """Download firmware from `location` at `retrieveDateTime` and install it (at
    `installDateTime`). `signingCertificate` and `signature` make it a signed update (1.6:
    SignedUpdateFirmware, which alone has an install time)."""

    location: Url
    retrieve_date_time: UtcDateTime
    install_date_time: UtcDateTime | None = None
    retries: Count | None = None
    retry_interval: Count | None = None
    signing_certificate: Pem | None = None
    signature: Annotated[str, text(800)] | None = None

    def command(self) -> c.Command:
        return c.UpdateFirmware(
            self.location,
            self.retrieve_date_time,
            self.install_date_time,
            self.retries,
            self.retry_interval,
            self.signing_certificate,
            self.signature,
        )


class PublishFirmwareIn(ApiModel):
    """2.0.1: a local controller serves the firmware at `location` (MD5 `checksum`)."""

    location: Url
    checksum: Checksum
    retries: Count | None = None
    retry_interval: Count | None = None

    def command(self) -> c.Command:
        return c.PublishFirmware(self.location, self.checksum, self.retries, self.retry_interval)


class UnpublishFirmwareIn(ApiModel):
    """2.0.1: stop serving the firmware with this MD5 checksum."""

    checksum: Checksum

    def command(self) -> c.Command:
        return c.UnpublishFirmware(self.checksum)


class GetLogIn(ApiModel):
    """Upload a log to `remoteLocation`, between the two times when given."""

    log_type: e.LogType
    remote_location: Url
    oldest_timestamp: UtcDateTime | None = None
    latest_timestamp: UtcDateTime | None = None
    retries: Count | None = None
    retry_interval: Count | None = None

    def command(self) -> c.Command:
        return c.GetLog(
            to_domain(c.LogType, self.log_type),
            self.remote_location,
            self.oldest_timestamp,
            self.latest_timestamp,
            self.retries,
            self.retry_interval,
        )


class CertificateHashIn(ApiModel):
    """Identifies an installed certificate: hex hashes of its issuer's name and key, and its
    serial number in hex."""

    hash_algorithm: e.HashAlgorithm
    issuer_name_hash: Annotated[str, Field(pattern=r"^[0-9a-fA-F]{1,128}$")]
    issuer_key_hash: Annotated[str, Field(pattern=r"^[0-9a-fA-F]{1,128}$")]
    serial_number: Annotated[str, Field(pattern=r"^[0-9a-fA-F]{1,40}$")]

    def value(self) -> c.CertificateHash:
        return c.CertificateHash(
            to_domain(c.HashAlgorithm, self.hash_algorithm),
            self.issuer_name_hash,
            self.issuer_key_hash,
            self.serial_number,
        )


class CustomerInformationIn(ApiModel):
    """2.0.1: report and/or clear what the station stores about a customer, named by exactly
    one of `customerIdentifier`, `idTag` and `customerCertificate`."""

    report: bool
    clear: bool
    customer_identifier: Annotated[str, text(64)] | None = None
    id_tag: IdTag | None = None
    customer_certificate: CertificateHashIn | None = None

    def command(self) -> c.Command:
        certificate = self.customer_certificate
        return c.CustomerInformation(
            self.report,
            self.clear,
            self.customer_identifier,
            self.id_tag,
            None if certificate is None else certificate.value(),
        )


class InstallCertificateIn(ApiModel):
    """Install a root certificate (PEM)."""

    certificate_type: e.CertificateKind
    certificate: Pem

    def command(self) -> c.Command:
        kind = to_domain(c.CertificateKind, self.certificate_type)
        return c.InstallCertificate(kind, self.certificate)


class DeleteCertificateIn(ApiModel):
    """Delete an installed certificate."""

    certificate_hash_data: CertificateHashIn

    def command(self) -> c.Command:
        return c.DeleteCertificate(self.certificate_hash_data.value())


class GetInstalledCertificatesIn(ApiModel):
    """List installed certificates of these kinds (2.0.1: none, all; 1.6: exactly one)."""

    certificate_type: list[e.CertificateKind] = Field(default_factory=list, max_length=5)

    def command(self) -> c.Command:
        kinds = (to_domain(c.CertificateKind, kind) for kind in self.certificate_type)
        return c.GetInstalledCertificates(tuple(kinds))
