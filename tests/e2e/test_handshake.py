"""The WebSocket handshake: station identity, Basic auth (profile 1), subprotocol choice."""

from __future__ import annotations

import json
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.e2e.conftest import PASSWORD, ProvisionStation, basic_auth, raw_station, station_url
from voltgate.app import Csms

BOOT = {"chargePointVendor": "ACME", "chargePointModel": "X1"}


async def boot(ws: Any, unique_id: str = "b1") -> list[Any]:
    await ws.send(json.dumps([2, unique_id, "BootNotification", BOOT]))
    reply: list[Any] = json.loads(await ws.recv())
    return reply


async def refused_status(csms: Csms, station_id: str, headers: dict[str, str]) -> int:
    with pytest.raises(InvalidStatus) as refused:
        async with connect(
            station_url(csms, station_id),
            subprotocols=["ocpp1.6"],  # type: ignore[list-item]
            additional_headers=headers,
            open_timeout=5,
        ):
            pass
    return refused.value.response.status_code


async def test_provisioned_station_with_its_password_boots(
    csms: Csms, provision: ProvisionStation
) -> None:
    """A provisioned station that presents its password is admitted and its boot Accepted."""
    await provision("CP-1")
    async with raw_station(csms, "CP-1") as ws:
        assert ws.subprotocol == "ocpp1.6"
        kind, unique_id, payload = await boot(ws)
        assert (kind, unique_id, payload["status"], payload["interval"]) == (
            3,
            "b1",
            "Accepted",
            300,
        )


async def test_wrong_password_is_refused_with_401(csms: Csms, provision: ProvisionStation) -> None:
    """A wrong password and a missing password are both refused before the upgrade (401)."""
    await provision("CP-1")
    assert await refused_status(csms, "CP-1", basic_auth("CP-1", "not-the-password")) == 401
    assert await refused_status(csms, "CP-1", {}) == 401
    assert await refused_status(csms, "CP-1", basic_auth("CP-2", PASSWORD)) == 401


async def test_unknown_station_is_refused_with_404(csms: Csms) -> None:
    """With the default policy a station id that was never provisioned gets 404."""
    assert await refused_status(csms, "NOBODY", basic_auth("NOBODY", PASSWORD)) == 404


async def test_wrong_path_is_404(csms: Csms) -> None:
    """Only {ocpp_path}/{stationId} is a station URL."""
    with pytest.raises(InvalidStatus) as refused:
        async with connect(
            f"ws://127.0.0.1:{csms.ocpp_port}/elsewhere/CP-1",
            subprotocols=["ocpp1.6"],  # type: ignore[list-item]
            open_timeout=5,
        ):
            pass
    assert refused.value.response.status_code == 404


async def test_unsupported_subprotocol_is_closed(csms: Csms, provision: ProvisionStation) -> None:
    """Offering no version we speak ends without a subprotocol, then closes (OCPP-J 1.6 §4.1.2)."""
    await provision("CP-1")
    async with raw_station(csms, "CP-1", subprotocols=["ocpp1.5"]) as ws:
        assert ws.subprotocol is None
        with pytest.raises(ConnectionClosed):
            await ws.recv()
        assert ws.close_code == 1002


async def test_station_preference_order_is_honoured(
    csms: Csms, provision: ProvisionStation
) -> None:
    """Among several offers the first one we support wins."""
    await provision("CP-1")
    async with raw_station(csms, "CP-1", subprotocols=["ocpp1.5", "ocpp1.6"]) as ws:
        assert ws.subprotocol == "ocpp1.6"


@pytest.mark.parametrize("offered", [True, False], ids=["deflate-offered", "not-offered"])
async def test_websocket_compression_is_negotiated_when_offered(
    csms: Csms, provision: ProvisionStation, offered: bool
) -> None:
    """OCPP-J 2.0.1 part 4 §3.3: the CSMS SHALL support RFC 7692 (permessage-deflate); for
    a station it is optional. A station that offers it gets it and talks OCPP through
    compressed frames; one that does not gets plain frames."""
    await provision("CP-1")
    async with connect(
        station_url(csms, "CP-1"),
        subprotocols=["ocpp2.0.1"],  # type: ignore[list-item]
        additional_headers=basic_auth("CP-1", PASSWORD),
        compression="deflate" if offered else None,
        open_timeout=5,
    ) as ws:
        assert ws.response is not None
        extensions = ws.response.headers.get("Sec-WebSocket-Extensions", "")
        assert ("permessage-deflate" in extensions) is offered
        boot = {"reason": "PowerUp", "chargingStation": {"model": "X2", "vendorName": "ACME"}}
        await ws.send(json.dumps([2, "b1", "BootNotification", boot]))
        kind, unique_id, payload = json.loads(await ws.recv())
        assert (kind, unique_id, payload["status"]) == (3, "b1", "Accepted")


async def test_new_connection_replaces_the_old_one(csms: Csms, provision: ProvisionStation) -> None:
    """A second authenticated connection of the same station closes the first."""
    await provision("CP-1")
    async with raw_station(csms, "CP-1") as first:
        await boot(first)
        async with raw_station(csms, "CP-1") as second:
            with pytest.raises(ConnectionClosed):
                await first.recv()
            assert first.close_code == 4000
            assert (await boot(second, "b2"))[2]["status"] == "Accepted"


async def test_failed_attempt_does_not_disturb_live_connection(
    csms: Csms, provision: ProvisionStation
) -> None:
    """A connection attempt with a bad password leaves the station's live socket alone."""
    await provision("CP-1")
    async with raw_station(csms, "CP-1") as live:
        await boot(live)
        assert await refused_status(csms, "CP-1", basic_auth("CP-1", "guess")) == 401
        await live.send(json.dumps([2, "h1", "Heartbeat", {}]))
        assert json.loads(await live.recv())[0] == 3


@pytest.mark.parametrize("settings_overrides", [{"unknown_stations": "pending"}])
async def test_pending_policy_registers_unknown_station(csms: Csms) -> None:
    """Under the pending policy a new station is admitted, answered Pending, and kept connected."""
    async with raw_station(csms, "NEW-1") as ws:
        assert (await boot(ws))[2]["status"] == "Pending"
        await ws.send(json.dumps([2, "h1", "Heartbeat", {}]))
        kind, _, code, *_ = json.loads(await ws.recv())
        assert (kind, code) == (4, "SecurityError")
    # Trust on first use: the password it presented is now required.
    assert await refused_status(csms, "NEW-1", basic_auth("NEW-1", "another")) == 401


@pytest.mark.parametrize("settings_overrides", [{"allow_unauthenticated": True}])
async def test_profile_zero_only_when_allowed(csms: Csms, provision: ProvisionStation) -> None:
    """A station provisioned without a password connects only where profile 0 is allowed."""
    await provision("OPEN-1", password=None)
    async with raw_station(csms, "OPEN-1", password=None) as ws:
        assert (await boot(ws))[2]["status"] == "Accepted"


async def test_station_without_password_refused_by_default(
    csms: Csms, provision: ProvisionStation
) -> None:
    """By default a station must authenticate, even one provisioned without a password."""
    await provision("OPEN-1", password=None)
    assert await refused_status(csms, "OPEN-1", {}) == 401
