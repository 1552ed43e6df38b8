"""The REST API over real HTTP: the real server (`csms`, on SQLite and PostgreSQL) with real
stations (the `ocpp` package's clients), and an httpx client holding one API key per role."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import csms, settings_overrides
from voltgate.app import Csms
from voltgate.domain.access import Role

__all__ = ["Api", "api", "csms", "settings_overrides"]


@dataclass
class Api:
    """An HTTP client of the running server and an API key for each role."""

    client: httpx.AsyncClient
    keys: dict[Role, str]
    csms: Csms

    def auth(self, role: Role | None) -> dict[str, str]:
        """The Authorization header of `role`'s key (none for None)."""
        return {} if role is None else {"Authorization": f"Bearer {self.keys[role]}"}

    async def call(
        self, method: str, path: str, role: Role | None = Role.ADMIN, **kwargs: Any
    ) -> httpx.Response:
        """`method` `path` as `role`."""
        headers = {**self.auth(role), **kwargs.pop("headers", {})}
        return await self.client.request(method, path, headers=headers, **kwargs)

    async def get(self, path: str, role: Role | None = Role.ADMIN, **kw: Any) -> httpx.Response:
        return await self.call("GET", path, role, **kw)

    async def post(self, path: str, role: Role | None = Role.ADMIN, **kw: Any) -> httpx.Response:
        return await self.call("POST", path, role, **kw)

    async def patch(self, path: str, role: Role | None = Role.ADMIN, **kw: Any) -> httpx.Response:
        return await self.call("PATCH", path, role, **kw)

    async def put(self, path: str, role: Role | None = Role.ADMIN, **kw: Any) -> httpx.Response:
        return await self.call("PUT", path, role, **kw)

    async def delete(self, path: str, role: Role | None = Role.ADMIN, **kw: Any) -> httpx.Response:
        return await self.call("DELETE", path, role, **kw)


@asynccontextmanager
async def client_of(csms: Csms) -> AsyncIterator[Api]:
    """A client of `csms`'s HTTP port, with a fresh API key per role (made as `voltgate
    apikey create` makes them)."""
    keys = {}
    for role in Role:
        issued = await csms.services.access.create_api_key(f"test {role.value}", role)
        keys[role] = issued.secret
    base = f"http://127.0.0.1:{csms.api_port}"
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        yield Api(client, keys, csms)


@pytest.fixture
async def api(csms: Csms) -> AsyncIterator[Api]:
    """A client of `csms` (`client_of`)."""
    async with client_of(csms) as client:
        yield client


def data(response: httpx.Response, status: int = 200) -> Any:
    """The `data` of a successful answer, after checking its status."""
    assert response.status_code == status, response.text
    return response.json()["data"]


def error(response: httpx.Response, status: int) -> dict[str, Any]:
    """The `error` of a failed answer, after checking its status and shape."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    problem: dict[str, Any] = body["error"]
    return problem
