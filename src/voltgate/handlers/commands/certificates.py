"""Certificate management in both versions: the 1.6 Security Whitepaper's
InstallCertificate / DeleteCertificate / GetInstalledCertificateIds and 2.0.1 M03-M05.
1.6 knows two kinds of certificate, 2.0.1 five, and they spell the CSMS's root differently.
"""

from __future__ import annotations

from voltgate.domain import commands as c
from voltgate.domain.errors import InvalidCommand
from voltgate.handlers.commands.common import Builder, Payload, refuse
from voltgate.ocpp.errors import OcppVersion

KIND_16 = {
    c.CertificateKind.CSMS_ROOT: "CentralSystemRootCertificate",
    c.CertificateKind.MANUFACTURER_ROOT: "ManufacturerRootCertificate",
}
INSTALL_201 = {
    c.CertificateKind.CSMS_ROOT: "CSMSRootCertificate",
    c.CertificateKind.MANUFACTURER_ROOT: "ManufacturerRootCertificate",
    c.CertificateKind.V2G_ROOT: "V2GRootCertificate",
    c.CertificateKind.MO_ROOT: "MORootCertificate",
}
LIST_201 = {**INSTALL_201, c.CertificateKind.V2G_CERTIFICATE_CHAIN: "V2GCertificateChain"}
_ONLY_16 = "1.6 knows only CSMS_ROOT and MANUFACTURER_ROOT certificates"


def certificate_hash(certificate: c.CertificateHash) -> Payload:
    """CertificateHashDataType, the same in both versions."""
    return {
        "hashAlgorithm": certificate.algorithm.value,
        "issuerNameHash": certificate.issuer_name_hash,
        "issuerKeyHash": certificate.issuer_key_hash,
        "serialNumber": certificate.serial_number,
    }


def install_16(command: c.InstallCertificate, context: c.BuildContext) -> tuple[str, Payload]:
    """Whitepaper "Install CA certificate in a Charge Point"."""
    if command.kind not in KIND_16:
        refuse(OcppVersion.V16, command.NAME, _ONLY_16)
    payload = {"certificateType": KIND_16[command.kind], "certificate": command.certificate}
    return "InstallCertificate", payload


def install_201(command: c.InstallCertificate, context: c.BuildContext) -> tuple[str, Payload]:
    """M05: a root certificate; the V2G chain comes with CertificateSigned instead."""
    if command.kind not in INSTALL_201:
        raise InvalidCommand("a V2G certificate chain is not installed as a root certificate")
    payload = {"certificateType": INSTALL_201[command.kind], "certificate": command.certificate}
    return "InstallCertificate", payload


def delete(command: c.DeleteCertificate, context: c.BuildContext) -> tuple[str, Payload]:
    """Whitepaper "Delete a certificate", M04: the same message in both versions."""
    return "DeleteCertificate", {"certificateHashData": certificate_hash(command.certificate)}


def installed_16(
    command: c.GetInstalledCertificates, context: c.BuildContext
) -> tuple[str, Payload]:
    """Whitepaper "Retrieve list of available certificates": one kind per request."""
    if len(command.kinds) != 1:
        refuse(OcppVersion.V16, command.NAME, "1.6 lists exactly one kind of certificate")
    if command.kinds[0] not in KIND_16:
        refuse(OcppVersion.V16, command.NAME, _ONLY_16)
    return "GetInstalledCertificateIds", {"certificateType": KIND_16[command.kinds[0]]}


def installed_201(
    command: c.GetInstalledCertificates, context: c.BuildContext
) -> tuple[str, Payload]:
    """M03: no kind lists them all."""
    payload: Payload = {}
    if command.kinds:
        payload["certificateType"] = [LIST_201[kind] for kind in command.kinds]
    return "GetInstalledCertificateIds", payload


V16: dict[type, Builder] = {
    c.InstallCertificate: install_16,
    c.DeleteCertificate: delete,
    c.GetInstalledCertificates: installed_16,
}
V201: dict[type, Builder] = {
    c.InstallCertificate: install_201,
    c.DeleteCertificate: delete,
    c.GetInstalledCertificates: installed_201,
}
