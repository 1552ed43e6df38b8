"""Notifications and Security Whitepaper messages are stored; dead connections are closed."""

from __future__ import annotations

import asyncio
import base64
import json
import os
from datetime import UTC, datetime

import pytest
from ocpp.v16 import call

from tests.e2e.conftest import PASSWORD, ProvisionStation, charge_point, raw_station
from tests.e2e.test_handshake import boot
from voltgate.app import Csms

CSR = "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----"


async def test_notifications_are_stored_as_station_events(
    csms: Csms, provision: ProvisionStation
) -> None:
    """Every inbound 1.6 notification is answered and kept, with its content."""
    await provision("CP-1")
    async with charge_point(csms, "CP-1") as cp:
        await cp.call(call.BootNotification(charge_point_vendor="ACME", charge_point_model="X1"))
        transfer = await cp.call(
            call.DataTransfer(vendor_id="com.acme", message_id="temp", data="41")
        )
        assert transfer.status == "UnknownVendorId"
        await cp.call(call.DiagnosticsStatusNotification(status="Uploaded"))
        await cp.call(call.FirmwareStatusNotification(status="Downloading"))
        await cp.call(call.FirmwareStatusNotification(status="Installed"))
        await cp.call(
            call.SecurityEventNotification(
                type="FirmwareUpdated", timestamp="2026-11-20T10:00:00Z", tech_info="v2"
            )
        )
        await cp.call(call.LogStatusNotification(status="Uploading", request_id=7))
        await cp.call(
            call.SignedFirmwareStatusNotification(status="SignatureVerified", request_id=3)
        )
        signed = await cp.call(call.SignCertificate(csr=CSR))
        assert signed.status == "Rejected"  # no certificate authority configured on this node
    events = await csms.services.events.list_for_station("CP-1")
    kinds = sorted(event.kind for event in events)
    assert kinds == sorted(
        [
            "DataTransfer",
            "DiagnosticsStatusNotification",
            "FirmwareStatusNotification",
            "FirmwareStatusNotification",
            "SecurityEventNotification",
            "LogStatusNotification",
            "SignedFirmwareStatusNotification",
            "SignCertificate",
        ]
    )
    security = next(e for e in events if e.kind == "SecurityEventNotification")
    assert security.at == datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    assert security.payload["type"] == "FirmwareUpdated"
    transfer_event = next(e for e in events if e.kind == "DataTransfer")
    assert transfer_event.payload == {"vendorId": "com.acme", "messageId": "temp", "data": "41"}


@pytest.mark.parametrize("settings_overrides", [{"ping_interval": 0.2, "ping_timeout": 0.3}])
async def test_dead_connection_is_closed_by_ping_deadline(
    csms: Csms, provision: ProvisionStation
) -> None:
    """A station that stops answering WebSocket pings is disconnected and marked offline."""
    await provision("CP-1")
    reader, writer = await asyncio.open_connection("127.0.0.1", csms.ocpp_port)
    key = base64.b64encode(os.urandom(16)).decode()
    auth = base64.b64encode(f"CP-1:{PASSWORD}".encode()).decode()
    writer.write(
        (
            "GET /ocpp/CP-1 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Sec-WebSocket-Protocol: ocpp1.6\r\nAuthorization: Basic {auth}\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 101")
    station = await csms.services.stations.get("CP-1")
    assert station is not None and station.connected
    # Never answer a ping: the server must give up within ping_interval + ping_timeout.
    async with asyncio.timeout(5):
        while True:
            station = await csms.services.stations.get("CP-1")
            assert station is not None
            if not station.connected:
                break
            await asyncio.sleep(0.1)
    assert csms.links.get("CP-1") is None
    writer.close()


async def test_repeated_notification_is_new_but_retry_is_not(
    csms: Csms, provision: ProvisionStation
) -> None:
    """A status repeated under a new message id is new; the same id after a reconnect is a retry."""
    await provision("CP-1")
    downloading = '[2, "fw-1", "FirmwareStatusNotification", {"status": "Downloading"}]'
    async with raw_station(csms, "CP-1") as ws:
        await boot(ws)
        for frame in (downloading, downloading.replace("fw-1", "fw-2")):
            await ws.send(frame)
            assert json.loads(await ws.recv())[0] == 3
    async with raw_station(csms, "CP-1") as ws:  # reconnect and retry the first one
        await ws.send(downloading)
        assert json.loads(await ws.recv())[0] == 3
    events = await csms.services.events.list_for_station("CP-1", kind="FirmwareStatusNotification")
    assert len(events) == 2
