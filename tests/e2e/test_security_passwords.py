"""Basic auth password rotation over a live connection (A01), and brute-force throttling."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from ocpp.routing import on
from ocpp.v16 import ChargePoint as ChargePoint16
from ocpp.v16 import call_result as result16
from ocpp.v201 import ChargePoint as ChargePoint201
from ocpp.v201 import call_result
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from tests.e2e.conftest import PASSWORD, ProvisionStation, basic_auth, raw_station, station_url
from tests.e2e.security_support import refused_count
from voltgate.app import Csms
from voltgate.domain.errors import CommandFailed, CommandTimedOut, StationOffline


class Station201(ChargePoint201):
    """A 2.0.1 station that answers SetVariables with `verdict` and keeps what it was sent."""

    verdict = "Accepted"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.received: list[dict[str, Any]] = []

    @on("SetVariables")
    async def on_set_variables(
        self, set_variable_data: list[dict[str, Any]], **_: Any
    ) -> call_result.SetVariables:
        self.received += set_variable_data
        return call_result.SetVariables(
            set_variable_result=[
                {
                    "attribute_status": self.verdict,
                    "component": data["component"],
                    "variable": data["variable"],
                }
                for data in set_variable_data
            ]
        )


class Station16(ChargePoint16):
    """A 1.6 station that accepts ChangeConfiguration and keeps what it was sent."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.received: list[tuple[str, str]] = []

    @on("ChangeConfiguration")
    async def on_change_configuration(
        self, key: str, value: str, **_: Any
    ) -> result16.ChangeConfiguration:
        self.received.append((key, value))
        return result16.ChangeConfiguration(status="Accepted")


@asynccontextmanager
async def serving(station: Any) -> AsyncIterator[None]:
    task = asyncio.create_task(station.start())
    try:
        yield
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def status(csms: Csms, station_id: str, password: str, protocol: str = "ocpp2.0.1") -> int:
    """101 when `password` admits the station, else the refusal's HTTP status."""
    try:
        async with connect(
            station_url(csms, station_id),
            subprotocols=[protocol],  # type: ignore[list-item]
            additional_headers=basic_auth(station_id, password),
            open_timeout=5,
        ):
            return 101
    except InvalidStatus as refused:
        return refused.response.status_code


async def test_rotated_password_replaces_the_old_one_once_accepted_a01_fr_03(
    csms: Csms, provision: ProvisionStation
) -> None:
    """SetVariables SecurityCtrlr.BasicAuthPassword with a fresh passwordString; once the
    station answers Accepted, the old password is refused and the new one admits it."""
    await provision("CP-1")
    async with raw_station(csms, "CP-1", subprotocols=["ocpp2.0.1"]) as ws:
        station = Station201("CP-1", ws, response_timeout=10)
        async with serving(station):
            rotation = await csms.services.security.rotate_password("CP-1")
    assert rotation.accepted
    (data,) = station.received
    assert (data["component"], data["variable"]) == (
        {"name": "SecurityCtrlr"},
        {"name": "BasicAuthPassword"},
    )
    new_password = data["attribute_value"]
    assert re.fullmatch(r"[A-Za-z0-9]{16,40}", new_password)  # A00.FR.205
    assert await status(csms, "CP-1", PASSWORD) == 401
    assert await status(csms, "CP-1", new_password) == 101


async def test_rejected_rotation_keeps_the_old_password_a01_fr_04(
    csms: Csms, provision: ProvisionStation
) -> None:
    """A station that answers Rejected keeps its password: the old one still works."""
    await provision("CP-1")
    async with raw_station(csms, "CP-1", subprotocols=["ocpp2.0.1"]) as ws:
        station = Station201("CP-1", ws, response_timeout=10)
        station.verdict = "Rejected"
        async with serving(station):
            rotation = await csms.services.security.rotate_password("CP-1")
    assert not rotation.accepted
    offered = station.received[0]["attribute_value"]
    assert await status(csms, "CP-1", PASSWORD) == 101
    assert await status(csms, "CP-1", offered) == 401


async def test_16_authorization_key_rotation_security_whitepaper_a01(
    csms: Csms, provision: ProvisionStation
) -> None:
    """1.6: ChangeConfiguration AuthorizationKey with 20 random bytes in hex; Accepted
    makes it the only valid password."""
    await provision("CP-16")
    async with raw_station(csms, "CP-16") as ws:
        station = Station16("CP-16", ws, response_timeout=10)
        async with serving(station):
            assert (await csms.services.security.rotate_password("CP-16")).accepted
    ((key, value),) = station.received
    assert key == "AuthorizationKey"
    assert re.fullmatch(r"[0-9a-f]{40}", value)
    assert await status(csms, "CP-16", PASSWORD, "ocpp1.6") == 401
    assert await status(csms, "CP-16", value, "ocpp1.6") == 101


async def test_rotation_needs_a_connected_station(csms: Csms, provision: ProvisionStation) -> None:
    """An offline station cannot be given a password; nothing changes."""
    await provision("CP-1")
    with pytest.raises(StationOffline):
        await csms.services.security.rotate_password("CP-1")
    assert await status(csms, "CP-1", PASSWORD) == 101


@pytest.mark.parametrize("settings_overrides", [{"call_timeout": 0.3}])
async def test_unanswered_rotation_keeps_the_old_password(
    csms: Csms, provision: ProvisionStation
) -> None:
    """A station that never answers SetVariables keeps its password (the call times out)."""
    await provision("CP-1")
    async with raw_station(csms, "CP-1", subprotocols=["ocpp2.0.1"]):
        with pytest.raises(CommandTimedOut):
            await csms.services.security.rotate_password("CP-1")
    assert await status(csms, "CP-1", PASSWORD) == 101


@pytest.mark.parametrize(
    "settings_overrides", [{"auth_failure_limit": 3, "auth_failure_window": 300}]
)
async def test_repeated_failures_from_one_address_are_throttled(
    csms: Csms, provision: ProvisionStation
) -> None:
    """After 3 failed authentications from 127.0.0.1, even a correct password from there gets
    429 with Retry-After; the station connecting from 127.0.0.2 is not affected."""
    await provision("CP-1")
    await provision("CP-2")
    assert [await status(csms, "CP-1", "guess") for _ in range(3)] == [401] * 3
    with pytest.raises(InvalidStatus) as throttled:
        async with connect(
            station_url(csms, "CP-1"),
            subprotocols=["ocpp2.0.1"],  # type: ignore[list-item]
            additional_headers=basic_auth("CP-1", PASSWORD),
            open_timeout=5,
        ):
            pass
    response = throttled.value.response
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 300
    async with connect(
        station_url(csms, "CP-2"),
        subprotocols=["ocpp2.0.1"],  # type: ignore[list-item]
        additional_headers=basic_auth("CP-2", PASSWORD),
        open_timeout=5,
        local_addr=("127.0.0.2", 0),
    ) as ws:
        assert ws.subprotocol == "ocpp2.0.1"
    assert refused_count(csms, "throttled") == 1
    assert refused_count(csms, "unauthorized") == 3


@pytest.mark.parametrize(
    "answer",
    [
        '[4, "{id}", "InternalError", "storage full", {{}}]',
        '[3, "{id}", {{"setVariableResult": "Accepted"}}]',  # breaks the response schema
    ],
    ids=["callerror", "invalid-callresult"],
)
async def test_failed_rotation_keeps_the_old_password(
    csms: Csms, provision: ProvisionStation, answer: str
) -> None:
    """A CALLERROR, or an answer that breaks the SetVariables response schema, fails the
    rotation with CommandFailed; the old password stays valid (A01.FR.04)."""
    await provision("CP-1")
    async with raw_station(csms, "CP-1", subprotocols=["ocpp2.0.1"]) as ws:

        async def station() -> None:
            kind, unique_id, action, _ = json.loads(await ws.recv())
            assert (kind, action) == (2, "SetVariables")
            await ws.send(answer.format(id=unique_id))

        task = asyncio.create_task(station())
        with pytest.raises(CommandFailed):
            await csms.services.security.rotate_password("CP-1")
        await task
    assert await status(csms, "CP-1", PASSWORD) == 101
