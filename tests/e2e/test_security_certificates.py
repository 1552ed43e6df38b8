"""SignCertificate -> CertificateSigned round trips with independent 2.0.1 and 1.6 stations
(the `ocpp` package's ChargePoints), and the other certificate messages of 2.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID
from ocpp.routing import on
from ocpp.v16 import ChargePoint as ChargePoint16
from ocpp.v16 import call as call16
from ocpp.v16 import call_result as result16
from ocpp.v201 import ChargePoint as ChargePoint201
from ocpp.v201 import call, call_result
from structlog.testing import capture_logs

from tests.certificates import OPERATOR, make_csr, make_key, verify_issued_by
from tests.e2e.conftest import ProvisionStation, raw_station
from tests.e2e.security_support import eventually, init_ca
from voltgate.app import Csms
from voltgate.domain.certificates import Delivery, IssuedCertificate
from voltgate.gateway import pki


class Station201(ChargePoint201):
    """A 2.0.1 station that keeps every CertificateSigned it gets and answers `verdict`."""

    verdict = "Accepted"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.certificates: asyncio.Queue[tuple[str, str | None]] = asyncio.Queue()

    @on("CertificateSigned")
    async def on_certificate_signed(
        self, certificate_chain: str, certificate_type: str | None = None, **_: Any
    ) -> call_result.CertificateSigned:
        await self.certificates.put((certificate_chain, certificate_type))
        return call_result.CertificateSigned(status=self.verdict)


class Station16(ChargePoint16):
    """A 1.6 station with the Security Whitepaper's CertificateSigned."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.certificates: asyncio.Queue[str] = asyncio.Queue()

    @on("CertificateSigned")
    async def on_certificate_signed(
        self, certificate_chain: str, **_: Any
    ) -> result16.CertificateSigned:
        await self.certificates.put(certificate_chain)
        return result16.CertificateSigned(status="Accepted")


@asynccontextmanager
async def serving(station: Any) -> AsyncIterator[None]:
    task = asyncio.create_task(station.start())
    try:
        yield
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


@asynccontextmanager
async def station_201(csms: Csms, station_id: str) -> AsyncIterator[Station201]:
    async with raw_station(csms, station_id, subprotocols=["ocpp2.0.1"]) as ws:
        cp = Station201(station_id, ws, response_timeout=10)
        async with serving(cp):
            boot = await cp.call(
                call.BootNotification(
                    charging_station={"model": "X1", "vendor_name": "ACME"}, reason="PowerUp"
                )
            )
            assert boot.status == "Accepted"
            yield cp


@pytest.fixture
def ca_dir(tmp_path: Path) -> Path:
    return init_ca(tmp_path / "ca")


@pytest.fixture
def settings_overrides(
    request: pytest.FixtureRequest, ca_dir: Path, tmp_path: Path
) -> dict[str, Any]:
    """The CSMS CA in `ca_dir`; `indirect` "no-ca" points at an empty directory instead."""
    if getattr(request, "param", None) == "no-ca":
        return {"ca_dir": tmp_path / "empty", "operator_name": OPERATOR}
    return {"ca_dir": ca_dir, "operator_name": OPERATOR}


def ca_certificate(ca_dir: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate((ca_dir / pki.CA_CERT).read_bytes())


def leaf(chain: str) -> x509.Certificate:
    certificates = x509.load_pem_x509_certificates(chain.encode())
    assert len(certificates) == 1  # our CA is the root the station already trusts
    return certificates[0]


async def delivered(csms: Csms, station_id: str) -> list[IssuedCertificate]:
    async def probe() -> list[IssuedCertificate] | None:
        issued = await csms.services.security.certificates(station_id)
        return issued if issued and all(c.delivery is not None for c in issued) else None

    return await eventually(probe)


@pytest.mark.parametrize("kind", ["rsa2048", "p256"])
async def test_csr_round_trip_201_a03(
    csms: Csms, provision: ProvisionStation, ca_dir: Path, kind: str
) -> None:
    """2.0.1: a CSR (RSA or ECDSA) is Accepted (A03.FR.11); CertificateSigned follows with a
    ChargingStationCertificate for the station's own key, signed by the CSMS CA, with
    O = operator and CN = station id; the station's Accepted is stored."""
    await provision("CP-1")
    key = make_key(kind)
    async with station_201(csms, "CP-1") as cp:
        answer = await cp.call(call.SignCertificate(csr=make_csr(key, cn="CP-1")))
        assert answer.status == "Accepted"
        chain, certificate_type = await asyncio.wait_for(cp.certificates.get(), 10)
        (stored,) = await delivered(csms, "CP-1")  # the station's answer, stored
    certificate = leaf(chain)
    verify_issued_by(certificate, ca_certificate(ca_dir))
    assert certificate_type == "ChargingStationCertificate"  # A03.FR.14
    assert certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "CP-1"
    assert certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == (
        OPERATOR
    )
    assert certificate.public_key() == key.public_key()
    assert (stored.serial_number, stored.delivery) == (
        f"{certificate.serial_number:x}",
        Delivery.ACCEPTED,
    )


async def test_csr_round_trip_16_security_whitepaper_a02(
    csms: Csms, provision: ProvisionStation, ca_dir: Path
) -> None:
    """1.6 + Security Whitepaper: SignCertificate.req Accepted, then CertificateSigned.req
    with the certificate chain signed by the CSMS CA."""
    await provision("CP-16")
    key = make_key("p256")
    async with raw_station(csms, "CP-16") as ws:
        cp = Station16("CP-16", ws, response_timeout=10)
        async with serving(cp):
            await cp.call(call16.BootNotification(charge_point_vendor="A", charge_point_model="B"))
            answer = await cp.call(call16.SignCertificate(csr=make_csr(key, cn="CP-16")))
            assert answer.status == "Accepted"
            chain = await asyncio.wait_for(cp.certificates.get(), 10)
            (stored,) = await delivered(csms, "CP-16")
    certificate = leaf(chain)
    verify_issued_by(certificate, ca_certificate(ca_dir))
    assert certificate.public_key() == key.public_key()
    assert stored.delivery is Delivery.ACCEPTED


async def test_invalid_csr_is_rejected_with_its_reason_a03_fr_12(
    csms: Csms, provision: ProvisionStation
) -> None:
    """A CSR for another station, with a weak key, or unreadable, is Rejected with reason
    code InvalidCSR (appendix 5) and nothing is issued."""
    await provision("CP-1")
    async with station_201(csms, "CP-1") as cp:
        for csr in (
            make_csr(make_key(), cn="CP-2"),
            make_csr(make_key("rsa1024"), cn="CP-1"),
            make_csr(make_key(), cn="CP-1", o="Someone Else"),
            "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----",
        ):
            answer = await cp.call(call.SignCertificate(csr=csr))
            assert answer.status == "Rejected"
            assert answer.status_info["reason_code"] == "InvalidCSR"
    assert await csms.services.security.certificates("CP-1") == []
    events = await csms.services.events.list_for_station("CP-1", kind="SignCertificate")
    assert len(events) == 4  # every request is kept, refused ones too


async def test_resent_csr_gets_the_same_certificate_a03_fr_17(
    csms: Csms, provision: ProvisionStation
) -> None:
    """A station that resends its CSR (it missed CertificateSigned) gets the certificate
    already issued: one certificate, delivered twice."""
    await provision("CP-1")
    csr = make_csr(make_key(), cn="CP-1")
    async with station_201(csms, "CP-1") as cp:
        chains = []
        for _ in range(2):
            assert (await cp.call(call.SignCertificate(csr=csr))).status == "Accepted"
            chains.append((await asyncio.wait_for(cp.certificates.get(), 10))[0])
        assert len(await delivered(csms, "CP-1")) == 1
    assert chains[0] == chains[1]


async def test_station_rejecting_the_certificate_is_recorded_a03_fr_07(
    csms: Csms, provision: ProvisionStation
) -> None:
    """When the station answers CertificateSigned with Rejected, that is stored and logged;
    the connection is not disturbed."""
    await provision("CP-1")
    async with station_201(csms, "CP-1") as cp:
        cp.verdict = "Rejected"
        with capture_logs() as logs:
            answer = await cp.call(call.SignCertificate(csr=make_csr(make_key(), cn="CP-1")))
            assert answer.status == "Accepted"
            await asyncio.wait_for(cp.certificates.get(), 10)
            (stored,) = await delivered(csms, "CP-1")
        # The failed follow-up is logged and the connection serves on.
        assert any(e["event"] == "follow-up failed" for e in logs)
        assert (await cp.call(call.Heartbeat())).current_time
    assert stored.delivery is Delivery.REJECTED


async def test_v2g_certificate_is_rejected_without_a_15118_pki(
    csms: Csms, provision: ProvisionStation
) -> None:
    """A CSR for an ISO 15118 V2G certificate is Rejected with NotEnabled: our CA is no V2G
    root (A02.FR.12)."""
    await provision("CP-1")
    async with station_201(csms, "CP-1") as cp:
        answer = await cp.call(
            call.SignCertificate(
                csr=make_csr(make_key(), cn="CP-1"), certificate_type="V2GCertificate"
            )
        )
    assert (answer.status, answer.status_info["reason_code"]) == ("Rejected", "NotEnabled")


@pytest.mark.parametrize("settings_overrides", ["no-ca"], indirect=True)
async def test_node_without_ca_rejects_csrs_with_not_enabled(
    csms: Csms, provision: ProvisionStation
) -> None:
    """Before `voltgate ca init`, SignCertificate is Rejected (NotEnabled), never Accepted
    with a certificate that cannot come."""
    await provision("CP-1")
    assert csms.services.security.authority is None
    async with station_201(csms, "CP-1") as cp:
        answer = await cp.call(call.SignCertificate(csr=make_csr(make_key(), cn="CP-1")))
    assert (answer.status, answer.status_info["reason_code"]) == ("Rejected", "NotEnabled")
    assert "voltgate ca init" in answer.status_info["additional_info"]


async def test_15118_certificate_requests_fail_with_not_enabled_m06_fr_04(
    csms: Csms, provision: ProvisionStation
) -> None:
    """Get15118EVCertificate and GetCertificateStatus answer Failed with reason NotEnabled
    (no ISO 15118 PKI, no OCSP responder); both requests are kept as station events."""
    await provision("CP-1")
    async with station_201(csms, "CP-1") as cp:
        ev = await cp.call(
            call.Get15118EVCertificate(
                iso15118_schema_version="urn:iso:15118:2:2013:MsgDef",
                action="Install",
                exi_request="gAA=",
            )
        )
        ocsp = await cp.call(
            call.GetCertificateStatus(
                ocsp_request_data={
                    "hash_algorithm": "SHA256",
                    "issuer_name_hash": "aa",
                    "issuer_key_hash": "bb",
                    "serial_number": "01",
                    "responder_url": "http://ocsp.example.com",
                }
            )
        )
    assert (ev.status, ev.status_info["reason_code"]) == ("Failed", "NotEnabled")
    assert (ocsp.status, ocsp.status_info["reason_code"]) == ("Failed", "NotEnabled")
    kinds = {e.kind for e in await csms.services.events.list_for_station("CP-1")}
    assert {"Get15118EVCertificate", "GetCertificateStatus"} <= kinds


async def test_security_event_is_stored_once_a04_fr_03(
    csms: Csms, provision: ProvisionStation
) -> None:
    """SecurityEventNotification is confirmed and stored with its timestamp; the same
    message retried after a reconnect is stored once."""
    await provision("CP-1")
    frame = (
        '[2, "sec-1", "SecurityEventNotification", '
        '{"type": "InvalidCsmsCertificate", "timestamp": "2026-11-20T10:00:00Z", "techInfo": "x"}]'
    )
    for _ in range(2):
        async with raw_station(csms, "CP-1", subprotocols=["ocpp2.0.1"]) as ws:
            await ws.send(
                '[2, "b", "BootNotification", {"reason": "PowerUp", '
                '"chargingStation": {"model": "X1", "vendorName": "ACME"}}]'
            )
            await ws.recv()
            await ws.send(frame)
            assert await ws.recv() == '[3,"sec-1",{}]'
    (event,) = await csms.services.events.list_for_station("CP-1", kind="SecurityEventNotification")
    assert event.payload["type"] == "InvalidCsmsCertificate"
    assert event.at is not None and event.at.isoformat() == "2026-11-20T10:00:00+00:00"
