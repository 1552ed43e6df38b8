"""CSR checks, client certificate checks and the CSMS CA: pure functions over real crypto."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtensionOID, NameOID

from tests.certificates import (
    OPERATOR,
    client_certificate,
    der,
    make_csr,
    make_key,
    subject,
    tamper,
    verify_issued_by,
)
from voltgate.domain.authority import CertificateAuthority, KeyType
from voltgate.domain.certificates import (
    CertificateIdentity,
    ClientCertificateProblem,
    InvalidCsr,
    check_client_certificate,
    check_csr,
    expected_common_name,
    signing_key,
)

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def authority() -> CertificateAuthority:
    return CertificateAuthority.create(OPERATOR, now=NOW)


@pytest.mark.parametrize(
    ("kind", "description"),
    [("rsa2048", "RSA-2048"), ("p256", "EC-secp256r1"), ("p384", "EC-secp384r1")],
)
def test_valid_csr_is_accepted_rsa_and_ecdsa_a00_fr_502_503(kind: str, description: str) -> None:
    """RSA >= 2048 bits and ECDSA P-256/P-384 with O = operator, CN = station pass."""
    checked = check_csr(
        make_csr(make_key(kind), cn="CP-1"), common_name="CP-1", organization=OPERATOR
    )
    assert (checked.common_name, checked.organization, checked.key_description) == (
        "CP-1",
        OPERATOR,
        description,
    )


@pytest.mark.parametrize(
    ("csr", "reason"),
    [
        ("not a csr", "not a PEM-encoded"),
        (
            "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----",
            "not a PEM",
        ),
        (make_csr(make_key("rsa1024"), cn="CP-1"), "RSA key of 1024 bits"),
        (make_csr(make_key("k256"), cn="CP-1"), "curve secp256k1"),
        (make_csr(make_key("ed25519"), cn="CP-1"), "key type"),
        (make_csr(make_key("p256"), cn="CP-1", algorithm="sha224"), "signature hash sha224"),
        (make_csr(make_key("p256"), cn="CP-2"), "CN is 'CP-2'"),
        (make_csr(make_key("p256"), cn=None), "CN is None"),
        (make_csr(make_key("p256"), cn="CP-1", o="Someone Else"), "O is 'Someone Else'"),
        (make_csr(make_key("p256"), cn="CP-1", o=None), "O is None"),
        (tamper(make_csr(make_key("p256"), cn="CP-1")), "signature does not match"),
    ],
    ids=[
        "garbage",
        "truncated",
        "rsa-1024",
        "secp256k1",
        "ed25519",
        "sha224",
        "wrong-cn",
        "no-cn",
        "wrong-o",
        "no-o",
        "bad-signature",
    ],
)
def test_invalid_csr_is_refused_with_its_reason_a02_fr_12(csr: str, reason: str) -> None:
    """Every broken or foreign CSR is refused, and the reason says which rule it broke."""
    with pytest.raises(InvalidCsr) as refused:
        check_csr(csr, common_name="CP-1", organization=OPERATOR)
    assert reason in refused.value.reason


def test_serial_identity_needs_the_booted_serial_number_a00_fr_511() -> None:
    """With `client_cert_identity = serial`, CN must be the serial from BootNotification."""
    assert expected_common_name(CertificateIdentity.STATION_ID, "CP-1", "SN-9") == "CP-1"
    assert expected_common_name(CertificateIdentity.SERIAL, "CP-1", "SN-9") == "SN-9"
    assert expected_common_name(CertificateIdentity.SERIAL, "CP-1", None) is None
    with pytest.raises(InvalidCsr, match="serial number is not known"):
        check_csr(make_csr(make_key(), cn="SN-9"), common_name=None, organization=OPERATOR)


def test_same_csr_has_the_same_signing_key() -> None:
    """A resent CSR (A02.FR.17) is recognised; another CSR or station is new."""
    pem = make_csr(make_key(), cn="CP-1")
    first = check_csr(pem, common_name="CP-1", organization=OPERATOR)
    again = check_csr(pem + "\n", common_name="CP-1", organization=OPERATOR)
    other = check_csr(make_csr(make_key(), cn="CP-1"), common_name="CP-1", organization=OPERATOR)
    assert signing_key("CP-1", first) == signing_key("CP-1", again)
    assert signing_key("CP-1", first) != signing_key("CP-1", other)
    assert signing_key("CP-1", first) != signing_key("CP-2", first)


def test_ca_signs_station_certificate_with_the_csr_subject_a00_fr_5xx(
    authority: CertificateAuthority,
) -> None:
    """The issued certificate chains to the CA, keeps the CSR's subject and key, is no CA,
    has a Key Usage and no Extended Key Usage (A00.FR.508-514)."""
    key = make_key("rsa2048")
    checked = check_csr(make_csr(key, cn="CP-1"), common_name="CP-1", organization=OPERATOR)
    public_key = checked.request.public_key()
    assert isinstance(public_key, rsa.RSAPublicKey)
    issued = authority.issue(checked.request.subject, public_key, now=NOW, validity_days=365)
    verify_issued_by(issued, authority.certificate)
    assert issued.subject == subject("CP-1")
    assert issued.public_key().public_numbers() == key.public_key().public_numbers()  # type: ignore[union-attr]
    assert issued.not_valid_after_utc == NOW + timedelta(days=365)
    assert issued.not_valid_before_utc < NOW
    constraints = issued.extensions.get_extension_for_class(x509.BasicConstraints).value
    assert constraints.ca is False
    usage = issued.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.key_encipherment and not usage.key_cert_sign
    with pytest.raises(x509.ExtensionNotFound):
        issued.extensions.get_extension_for_oid(ExtensionOID.EXTENDED_KEY_USAGE)


def test_ca_certificate_is_a_root_of_the_operator(authority: CertificateAuthority) -> None:
    """The CA is self-signed, may sign leaves only (path length 0), and names the operator."""
    certificate = authority.certificate
    verify_issued_by(certificate, certificate)
    constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
    assert (constraints.ca, constraints.path_length) == (True, 0)
    assert authority.organization == OPERATOR
    assert isinstance(authority.key, ec.EllipticCurvePrivateKey)


def test_server_certificate_names_the_csms_host_a00_fr_510() -> None:
    """A server certificate has CN = the first host name and every name as subjectAltName."""
    rsa_ca = CertificateAuthority.create(OPERATOR, now=NOW, key_type=KeyType.RSA)
    key, certificate = rsa_ca.issue_server(["csms.example.com", "127.0.0.1"], now=NOW)
    verify_issued_by(certificate, rsa_ca.certificate)
    cn = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert cn == "csms.example.com"
    assert names.get_values_for_type(x509.DNSName) == ["csms.example.com"]
    assert [str(ip) for ip in names.get_values_for_type(x509.IPAddress)] == ["127.0.0.1"]
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    with pytest.raises(ValueError, match="host name"):
        rsa_ca.issue_server([], now=NOW)


def test_issued_certificate_never_outlives_its_ca(authority: CertificateAuthority) -> None:
    """Validity is capped at the CA's own expiry."""
    key = make_key()
    issued = authority.issue(subject("CP-1"), key.public_key(), now=NOW, validity_days=36500)  # type: ignore[arg-type]
    assert issued.not_valid_after_utc == authority.certificate.not_valid_after_utc


@pytest.mark.parametrize(
    ("cn", "o", "start", "problem"),
    [
        ("CP-1", OPERATOR, NOW - timedelta(days=1), None),
        ("CP-1", OPERATOR, NOW - timedelta(days=31), ClientCertificateProblem.EXPIRED),
        ("CP-1", OPERATOR, NOW + timedelta(days=1), ClientCertificateProblem.NOT_YET_VALID),
        (
            "CP-1",
            "Someone Else",
            NOW - timedelta(days=1),
            ClientCertificateProblem.WRONG_ORGANIZATION,
        ),
        ("CP-2", OPERATOR, NOW - timedelta(days=1), ClientCertificateProblem.WRONG_COMMON_NAME),
    ],
    ids=["good", "expired", "not-yet-valid", "wrong-o", "wrong-cn"],
)
def test_client_certificate_must_be_the_operators_and_this_stations_a00_fr_404_405(
    authority: CertificateAuthority,
    cn: str,
    o: str,
    start: datetime,
    problem: ClientCertificateProblem | None,
) -> None:
    """Profile 3: valid now (A00.FR.407), O = operator (A00.FR.404), CN = station (A00.FR.405)."""
    certificate = client_certificate(authority, make_key(), cn=cn, o=o, not_before=start)
    found = check_client_certificate(
        der(certificate), common_name="CP-1", organization=OPERATOR, now=NOW
    )
    assert found is problem


def test_unreadable_client_certificate_is_refused() -> None:
    """Bytes that are not a certificate never admit anyone."""
    found = check_client_certificate(b"junk", common_name="CP-1", organization=OPERATOR, now=NOW)
    assert found is ClientCertificateProblem.UNREADABLE
