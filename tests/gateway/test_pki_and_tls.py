"""The CA directory on disk and the TLS server contexts (no sockets needed)."""

from __future__ import annotations

import ssl
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.certificates import OPERATOR
from voltgate.app import running
from voltgate.config import Settings
from voltgate.domain.authority import KeyType
from voltgate.gateway import pki, tls
from voltgate.gateway.tls import GatewayConfigError

NOW = datetime(2026, 6, 1, tzinfo=UTC)
FILES = ["ca.key", "ca.pem", "server-rsa.key", "server-rsa.pem", "server.key", "server.pem"]


def test_init_creates_ca_and_server_certificates_with_private_keys_0600(tmp_path: Path) -> None:
    """`voltgate ca init`: CA and two server certificates; keys 0600, directory 0700."""
    directory = tmp_path / "ca"
    report = pki.init(directory, operator_name=OPERATOR, now=NOW)
    assert sorted(report.created) == FILES
    assert sorted(p.name for p in directory.iterdir()) == FILES
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    for key in ("ca.key", "server.key", "server-rsa.key"):
        assert stat.S_IMODE((directory / key).stat().st_mode) == 0o600
    authority = pki.load_authority(directory)
    assert authority.organization == OPERATOR
    assert [c.name for c, _ in pki.server_pairs(directory)] == ["server.pem", "server-rsa.pem"]


def test_init_never_overwrites_and_completes_what_is_missing(tmp_path: Path) -> None:
    """Running init again keeps every file; a deleted server certificate is recreated by
    the existing CA."""
    directory = tmp_path / "ca"
    pki.init(directory, operator_name=OPERATOR, now=NOW)
    ca_before = (directory / "ca.pem").read_bytes()
    (directory / "server.pem").unlink()
    (directory / "server.key").unlink()
    report = pki.init(directory, operator_name="Another Name", now=NOW, key_type=KeyType.RSA)
    assert sorted(report.created) == ["server.key", "server.pem"]
    assert (directory / "ca.pem").read_bytes() == ca_before
    assert "O=" + OPERATOR in pki.describe(directory / "server.pem")


def test_ca_key_readable_by_others_is_refused_a00_fr_603(tmp_path: Path) -> None:
    """The CA key MUST be well protected: a group/world-readable key stops the server."""
    directory = tmp_path / "ca"
    pki.init(directory, operator_name=OPERATOR, now=NOW, server_certificate=False)
    (directory / "ca.key").chmod(0o644)
    with pytest.raises(pki.PkiError, match="chmod 600"):
        pki.load_authority(directory)


def test_ca_key_that_does_not_match_its_certificate_is_refused(tmp_path: Path) -> None:
    """Mixing the files of two CAs is detected at load."""
    first, second = tmp_path / "one", tmp_path / "two"
    pki.init(first, operator_name=OPERATOR, now=NOW, server_certificate=False)
    pki.init(second, operator_name=OPERATOR, now=NOW, server_certificate=False)
    (first / "ca.key").unlink()
    (second / "ca.key").rename(first / "ca.key")
    with pytest.raises(pki.PkiError, match="is not the key of"):
        pki.load_authority(first)


def test_server_context_requires_tls12_without_compression_a00_fr_313_321(
    tmp_path: Path,
) -> None:
    """Both TLS ports refuse TLS < 1.2 and compression; the profile 3 port requires a
    client certificate verified against the CA."""
    directory = tmp_path / "ca"
    pki.init(directory, operator_name=OPERATOR, now=NOW)
    pairs = pki.server_pairs(directory)
    profile2 = tls.server_context(pairs)
    profile3 = tls.server_context(pairs, client_ca=directory / pki.CA_CERT)
    for context in (profile2, profile3):
        assert context.minimum_version is ssl.TLSVersion.TLSv1_2
        assert context.options & ssl.OP_NO_COMPRESSION
    ciphers = {c["name"] for c in profile2.get_ciphers()}
    assert {"ECDHE-ECDSA-AES128-GCM-SHA256", "AES128-GCM-SHA256", "AES256-GCM-SHA384"} <= ciphers
    assert (profile2.verify_mode, profile3.verify_mode) == (ssl.CERT_NONE, ssl.CERT_REQUIRED)
    with pytest.raises(ValueError, match="server certificate"):
        tls.server_context([])


@pytest.mark.parametrize(
    "error",
    [ssl.SSLError(1, "handshake failure"), ssl.SSLEOFError(8, "EOF in violation of protocol")],
)
def test_unnamed_handshake_errors_are_counted_as_tls_handshake(error: ssl.SSLError) -> None:
    """Errors without an OpenSSL reason still get a name (tls_handshake)."""
    assert tls.classify(error).problem is tls.HandshakeProblem.OTHER


def test_verification_errors_are_named_by_their_openssl_code() -> None:
    """Expired, not yet valid and unknown issuer are told apart (X509_V_ERR codes)."""

    def verify_error(code: int, message: str) -> ssl.SSLCertVerificationError:
        error = ssl.SSLCertVerificationError(1, "certificate verify failed")
        error.verify_code = code
        error.verify_message = message
        return error

    assert tls.classify(verify_error(10, "certificate has expired")) == tls.HandshakeFailure(
        tls.HandshakeProblem.EXPIRED, "certificate has expired"
    )
    assert tls.classify(verify_error(9, "not yet valid")).problem is (
        tls.HandshakeProblem.NOT_YET_VALID
    )
    assert tls.classify(verify_error(20, "unable to get local issuer")).problem is (
        tls.HandshakeProblem.UNKNOWN_CA
    )
    assert tls.classify(verify_error(7, "signature failure")).problem is (
        tls.HandshakeProblem.INVALID_CERTIFICATE
    )


async def test_tls_port_without_certificates_is_a_clear_start_up_error(tmp_path: Path) -> None:
    """A TLS port and no server certificate: the server does not start, and says why."""
    settings = Settings(
        host="127.0.0.1",
        ocpp_port=0,
        api_port=0,
        tls_port=0,
        database_url=f"sqlite:///{tmp_path / 'v.db'}",
        ca_dir=tmp_path / "empty",
    )
    with pytest.raises(GatewayConfigError, match="voltgate ca init"):
        async with running(settings):
            pass
    half = settings.model_copy(update={"tls_cert_file": tmp_path / "x.pem"})
    with pytest.raises(GatewayConfigError, match="both tls_cert_file and tls_key_file"):
        async with running(half):
            pass
