"""Security profiles 2 and 3 over real TLS sockets: TLS versions, client certificates,
the no-downgrade rule (2.0.1 part 2 §A.1.3, 1.6 Security Whitepaper §2)."""

from __future__ import annotations

import asyncio
import ssl
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from ocpp.v201 import ChargePoint as OcppChargePoint201
from ocpp.v201 import call
from structlog.testing import capture_logs
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidHandshake, InvalidStatus

from tests.certificates import OPERATOR
from tests.e2e.conftest import PASSWORD, ProvisionStation, basic_auth, raw_station, station_url
from tests.e2e.security_support import (
    client_context,
    init_ca,
    refused_count,
    station_certificate,
    tls_overrides,
    tls_station,
    wss_url,
)
from voltgate.app import Csms
from voltgate.domain.authority import CertificateAuthority
from voltgate.domain.security import SecurityProfile
from voltgate.gateway import pki

BOOT_201 = call.BootNotification(
    charging_station={"model": "X1", "vendor_name": "ACME", "serial_number": "SN-1"},
    reason="PowerUp",
)


@pytest.fixture
def ca_dir(tmp_path: Path) -> Path:
    return init_ca(tmp_path / "ca")


@pytest.fixture
def settings_overrides(request: pytest.FixtureRequest, ca_dir: Path) -> dict[str, Any]:
    """Both TLS ports and the CA; a test adds settings with indirect parametrization."""
    return tls_overrides(ca_dir, **getattr(request, "param", {}))


@pytest.fixture
def authority(ca_dir: Path) -> CertificateAuthority:
    return pki.load_authority(ca_dir)


async def boot_201(ws: Any, station_id: str) -> str:
    """Boot with the `ocpp` package's 2.0.1 ChargePoint; returns the registration status."""
    cp = OcppChargePoint201(station_id, ws, response_timeout=10)
    task = asyncio.create_task(cp.start())
    try:
        response = await cp.call(BOOT_201)
        status: str = response.status
        return status
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def handshake_error(
    url: str, context: ssl.SSLContext | None, headers: dict[str, str]
) -> Exception:
    """Connect expecting a refusal; the error the station sees."""
    with pytest.raises((InvalidHandshake, OSError)) as refused:
        async with connect(
            url,
            ssl=context,
            subprotocols=["ocpp2.0.1"],  # type: ignore[list-item]
            additional_headers=headers,
            open_timeout=5,
        ) as ws:
            await ws.recv()  # TLS 1.3 reports a refused client certificate on first read
    return refused.value


def status_of(error: Exception) -> int | None:
    return error.response.status_code if isinstance(error, InvalidStatus) else None


async def test_profile_2_station_boots_over_tls_a00_fr_312(
    csms: Csms, provision: ProvisionStation, ca_dir: Path
) -> None:
    """TLS with Basic auth: the 2.0.1 station verifies the CSMS certificate, authenticates
    with its password, boots; its connection is recorded as profile 2."""
    await provision("CP-1")
    async with tls_station(csms, "CP-1", client_context(ca_dir)) as ws:
        ssl_object = ws.transport.get_extra_info("ssl_object")
        assert ssl_object.version() in ("TLSv1.2", "TLSv1.3")
        assert await boot_201(ws, "CP-1") == "Accepted"
    record = await csms.services.security.get("CP-1")
    assert record is not None
    assert (record.last_profile, record.min_profile) == (SecurityProfile.TLS_BASIC_AUTH,) * 2


async def test_profile_2_offers_the_ocpp_cipher_suites_with_tls12_a00_fr_318(
    csms: Csms, provision: ProvisionStation, ca_dir: Path
) -> None:
    """A TLS 1.2-only station gets one of the suites A00.FR.318 names (RSA and ECDSA)."""
    await provision("CP-1")
    for suite in ("ECDHE-ECDSA-AES128-GCM-SHA256", "AES256-GCM-SHA384"):
        context = client_context(ca_dir)
        context.maximum_version = ssl.TLSVersion.TLSv1_2
        context.set_ciphers(suite)
        async with tls_station(csms, "CP-1", context) as ws:
            assert ws.transport.get_extra_info("ssl_object").cipher()[0] == suite


async def test_tls_below_1_2_is_refused_a00_fr_315(
    csms: Csms, provision: ProvisionStation, ca_dir: Path
) -> None:
    """A station that only speaks TLS 1.1 fails the handshake; the refusal is counted."""
    await provision("CP-1")
    context = client_context(ca_dir)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # ssl deprecates TLS 1.1 itself
        context.minimum_version = ssl.TLSVersion.TLSv1
        context.maximum_version = ssl.TLSVersion.TLSv1_1
    context.set_ciphers("ALL:@SECLEVEL=0")
    with capture_logs() as logs:
        error = await handshake_error(
            wss_url(csms.tls_port, "CP-1"), context, basic_auth("CP-1", PASSWORD)
        )
    assert isinstance(error, OSError)
    assert refused_count(csms, "tls_version") == 1
    assert any(e["event"] == "TLS handshake refused" and e["reason"] == "tls_version" for e in logs)


async def test_profile_2_still_needs_the_password_a00_fr_324(
    csms: Csms, provision: ProvisionStation, ca_dir: Path
) -> None:
    """TLS does not replace Basic auth on the profile 2 port: a wrong password is 401."""
    await provision("CP-1")
    error = await handshake_error(
        wss_url(csms.tls_port, "CP-1"), client_context(ca_dir), basic_auth("CP-1", "guess")
    )
    assert status_of(error) == 401


async def test_profile_3_station_with_a_good_certificate_boots_a00_fr_401(
    csms: Csms, provision: ProvisionStation, ca_dir: Path, tmp_path: Path, authority: Any
) -> None:
    """A certificate from the CSMS CA with O = operator and CN = station id admits the
    station without a password; the connection is recorded as profile 3."""
    await provision("CP-3", password=None)
    certificate = station_certificate(tmp_path, authority, cn="CP-3")
    context = client_context(ca_dir, certificate)
    async with tls_station(csms, "CP-3", context, mutual=True, password=None) as ws:
        assert await boot_201(ws, "CP-3") == "Accepted"
    record = await csms.services.security.get("CP-3")
    assert record is not None and record.last_profile is SecurityProfile.TLS_CLIENT_CERTIFICATE


async def test_profile_3_unknown_station_follows_the_unknown_stations_policy(
    csms: Csms, ca_dir: Path, tmp_path: Path, authority: Any
) -> None:
    """A valid certificate is no provisioning: with the default policy the id is unknown (404)."""
    certificate = station_certificate(tmp_path, authority, cn="NEW-1")
    error = await handshake_error(
        wss_url(csms.mtls_port, "NEW-1"), client_context(ca_dir, certificate), {}
    )
    assert status_of(error) == 404


@pytest.mark.parametrize(
    ("case", "reason"),
    [("unknown_ca", "certificate_unknown_ca"), ("expired", "certificate_expired")],
)
async def test_certificate_chain_refused_in_the_tls_handshake_a00_fr_407(
    csms: Csms,
    provision: ProvisionStation,
    ca_dir: Path,
    tmp_path: Path,
    authority: Any,
    case: str,
    reason: str,
) -> None:
    """A certificate of another CA, or an expired one, fails the TLS handshake itself; the
    refusal is logged with its reason and counted."""
    await provision("CP-3", password=None)
    if case == "unknown_ca":
        stranger = CertificateAuthority.create(OPERATOR, now=datetime.now(UTC))
        certificate = station_certificate(tmp_path, stranger, cn="CP-3")
    else:
        past = datetime.now(UTC) - timedelta(days=60)
        certificate = station_certificate(tmp_path, authority, cn="CP-3", not_before=past)
    with capture_logs() as logs:
        error = await handshake_error(
            wss_url(csms.mtls_port, "CP-3"), client_context(ca_dir, certificate), {}
        )
    assert status_of(error) is None  # no HTTP answer: the TLS layer refused
    assert refused_count(csms, reason) == 1
    refusals = [e for e in logs if e["event"] == "TLS handshake refused"]
    assert [e["reason"] for e in refusals] == [reason]
    assert (await csms.services.stations.get("CP-3")).connected is False  # type: ignore[union-attr]


async def test_mtls_port_without_client_certificate_is_refused_a00_fr_407(
    csms: Csms, provision: ProvisionStation, ca_dir: Path
) -> None:
    """The profile 3 port requires a certificate; a password is not enough."""
    await provision("CP-1")
    error = await handshake_error(
        wss_url(csms.mtls_port, "CP-1"), client_context(ca_dir), basic_auth("CP-1", PASSWORD)
    )
    assert status_of(error) is None
    assert refused_count(csms, "certificate_missing") == 1


@pytest.mark.parametrize(
    ("cn", "o", "reason"),
    [
        ("CP-OTHER", OPERATOR, "certificate_wrong_common_name"),  # A00.FR.405
        ("CP-3", "Someone Else", "certificate_wrong_organization"),  # A00.FR.404
    ],
)
async def test_certificate_of_another_station_or_owner_is_refused_with_403(
    csms: Csms,
    provision: ProvisionStation,
    ca_dir: Path,
    tmp_path: Path,
    authority: Any,
    cn: str,
    o: str,
    reason: str,
) -> None:
    """A chain-valid certificate whose CN is not this station, or whose O is not the
    operator, is refused before the upgrade (403), logged with the station id and counted."""
    await provision("CP-3", password=None)
    certificate = station_certificate(tmp_path, authority, cn=cn, o=o)
    with capture_logs() as logs:
        error = await handshake_error(
            wss_url(csms.mtls_port, "CP-3"), client_context(ca_dir, certificate), {}
        )
    assert status_of(error) == 403
    assert refused_count(csms, reason) == 1
    refusal = next(e for e in logs if e["event"] == "handshake refused: certificate")
    assert refusal["station_id"] == "CP-3"
    assert reason.removeprefix("certificate_") in refusal["detail"]


async def test_no_downgrade_after_a_profile_3_connection_a05_fr_07(
    csms: Csms, provision: ProvisionStation, ca_dir: Path, tmp_path: Path, authority: Any
) -> None:
    """Once a station connected with its certificate, its password no longer admits it:
    plain ws:// and TLS with Basic auth both get 403 before the upgrade."""
    await provision("CP-1")
    async with raw_station(csms, "CP-1"):  # profile 1 first: allowed
        pass
    certificate = station_certificate(tmp_path, authority, cn="CP-1")
    async with tls_station(csms, "CP-1", client_context(ca_dir, certificate), mutual=True):
        pass
    with capture_logs() as logs:
        plain = await handshake_error(station_url(csms, "CP-1"), None, basic_auth("CP-1", PASSWORD))
        tls_basic = await handshake_error(
            wss_url(csms.tls_port, "CP-1"), client_context(ca_dir), basic_auth("CP-1", PASSWORD)
        )
    assert (status_of(plain), status_of(tls_basic)) == (403, 403)
    assert refused_count(csms, "downgrade") == 2
    details = [e["detail"] for e in logs if e["event"] == "handshake refused: downgrade"]
    assert details == [
        "security profile 1 is below the required 3",
        "security profile 2 is below the required 3",
    ]
    # Still admitted with the certificate.
    async with tls_station(csms, "CP-1", client_context(ca_dir, certificate), mutual=True):
        pass


async def test_operator_raised_minimum_refuses_weaker_connections(
    csms: Csms, provision: ProvisionStation, ca_dir: Path
) -> None:
    """`voltgate station security ID --min-profile 2` (the service) refuses ws:// at once."""
    await provision("CP-1")
    await csms.services.security.set_minimum("CP-1", SecurityProfile.TLS_BASIC_AUTH)
    plain = await handshake_error(station_url(csms, "CP-1"), None, basic_auth("CP-1", PASSWORD))
    assert status_of(plain) == 403
    async with tls_station(csms, "CP-1", client_context(ca_dir)):
        pass


@pytest.mark.parametrize("settings_overrides", [{"min_security_profile": 2}], indirect=True)
async def test_node_floor_refuses_plain_connections(
    csms: Csms, provision: ProvisionStation
) -> None:
    """With `min_security_profile = 2` no station may use ws://, even a correct one."""
    await provision("CP-1")
    plain = await handshake_error(station_url(csms, "CP-1"), None, basic_auth("CP-1", PASSWORD))
    assert status_of(plain) == 403


@pytest.mark.parametrize("settings_overrides", [{"client_cert_identity": "serial"}], indirect=True)
async def test_serial_number_identity_a00_fr_405(
    csms: Csms, provision: ProvisionStation, ca_dir: Path, tmp_path: Path, authority: Any
) -> None:
    """With `client_cert_identity = serial`, the CN must be the serial number the station
    reported at boot (A00.FR.405); its id is then refused as CN."""
    await provision("CP-1")
    async with raw_station(csms, "CP-1", subprotocols=["ocpp2.0.1"]) as ws:
        assert await boot_201(ws, "CP-1") == "Accepted"  # reports serial SN-1
    by_id = station_certificate(tmp_path, authority, cn="CP-1", name="by-id")
    error = await handshake_error(
        wss_url(csms.mtls_port, "CP-1"), client_context(ca_dir, by_id), {}
    )
    assert status_of(error) == 403
    by_serial = station_certificate(tmp_path, authority, cn="SN-1", name="by-serial")
    async with tls_station(csms, "CP-1", client_context(ca_dir, by_serial), mutual=True):
        pass


async def test_16_station_uses_profile_3_too(
    csms: Csms, provision: ProvisionStation, ca_dir: Path, tmp_path: Path, authority: Any
) -> None:
    """The TLS ports serve OCPP 1.6 (Security Whitepaper) stations the same way."""
    await provision("CP-16", password=None)
    certificate = station_certificate(tmp_path, authority, cn="CP-16")
    context = client_context(ca_dir, certificate)
    async with tls_station(
        csms, "CP-16", context, mutual=True, password=None, subprotocols=["ocpp1.6"]
    ) as ws:
        assert ws.subprotocol == "ocpp1.6"
        await ws.send(
            '[2, "b1", "BootNotification", {"chargePointVendor": "A", "chargePointModel": "B"}]'
        )
        assert '"Accepted"' in str(await ws.recv())
    record = await csms.services.security.get("CP-16")
    assert record is not None and record.last_profile is SecurityProfile.TLS_CLIENT_CERTIFICATE
