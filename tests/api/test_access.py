"""API keys, users and login tokens over real HTTP: shown once, stored hashed, revocable,
roles applied at once, failed password logins throttled per address."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from tests.api.conftest import Api, data, error
from voltgate.domain.access import Role
from voltgate.domain.ports import Repositories
from voltgate.domain.services.access import LOGIN_FAILURE_LIMIT
from voltgate.storage import tables
from voltgate.storage.repositories import SqlRepositories

LIFETIME_S = 600


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """A short login token lifetime, to see it in `expiresAt`."""
    return {"login_token_lifetime": LIFETIME_S}


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


async def stored_rows(api: Api, table: Any) -> list[tuple[Any, ...]]:
    """Every row of `table` as the database holds it."""

    def read(repos: Repositories) -> list[tuple[Any, ...]]:
        assert isinstance(repos, SqlRepositories)
        return [tuple(row) for row in repos.connection.execute(select(table))]

    return await api.csms.database.run(read)


async def test_api_key_is_shown_once_and_stored_as_its_sha256(api: Api) -> None:
    """The created key is in the create answer only; storage holds its SHA-256 and first
    characters, never the key itself."""
    created = data(await api.post("/api/v1/api-keys", json={"name": "ci", "role": "OPERATOR"}), 201)
    secret = created["key"]
    assert secret.startswith("vg_") and len(secret) >= 40
    assert created["prefix"] == secret[:8] and created["role"] == "OPERATOR"

    listed = data(await api.get("/api/v1/api-keys"))["items"]
    assert secret not in str(listed)
    assert data(await api.get(f"/api/v1/api-keys/{created['id']}"))["name"] == "ci"
    rows = await stored_rows(api, tables.api_keys)
    assert all(secret not in str(row) for row in rows)
    assert hashlib.sha256(secret.encode()).digest() in [bytes(row[3]) for row in rows]

    me = data(await api.client.get("/api/v1/auth/me", headers=bearer(secret)))
    assert me == {"kind": "API_KEY", "id": created["id"], "name": "ci", "role": "OPERATOR"}


async def test_revoked_key_is_refused_at_once(api: Api) -> None:
    """After DELETE /api-keys/{id}, the key gets 401 invalid_token; it stays listed as
    revoked, and revoking again is harmless."""
    created = data(await api.post("/api/v1/api-keys", json={"name": "old", "role": "VIEWER"}), 201)
    assert (await api.client.get("/api/v1/stations", headers=bearer(created["key"]))).is_success

    assert (await api.delete(f"/api/v1/api-keys/{created['id']}")).status_code == 204
    refused = await api.client.get("/api/v1/stations", headers=bearer(created["key"]))
    assert error(refused, 401)["code"] == "UNAUTHENTICATED"
    assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]
    assert (await api.delete(f"/api/v1/api-keys/{created['id']}")).status_code == 204
    shown = data(await api.get(f"/api/v1/api-keys/{created['id']}"))
    assert shown["active"] is False and shown["revokedAt"] is not None


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer vg_not-a-key",
        "Bearer vgt_not-a-token",
        "Bearer something-else",
        "Basic dXNlcjpwYXNz",
        "Bearer " + "x" * 5000,
    ],
)
async def test_missing_or_bad_credentials_get_401_with_bearer_challenge(
    api: Api, header: str | None
) -> None:
    """RFC 6750 §3: an unauthenticated request is answered 401 with WWW-Authenticate:
    Bearer, whatever it sent instead of a valid key."""
    headers = {} if header is None else {"Authorization": header}
    response = await api.client.get("/api/v1/stations", headers=headers)
    assert error(response, 401)["code"] == "UNAUTHENTICATED"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


async def create_user(api: Api, name: str, role: str, password: str = "a-long-password") -> Any:
    body = {
        "name": name,
        "email": f"{name.lower()}@example.com",
        "role": role,
        "password": password,
    }
    return data(await api.post("/api/v1/users", json=body), 201)


async def login(api: Api, login: str, password: str) -> httpx.Response:
    return await api.post("/api/v1/auth/token", None, json={"login": login, "password": password})


async def test_user_logs_in_by_name_or_email_and_gets_an_expiring_token(api: Api) -> None:
    """POST /auth/token with the name or email in any letter case returns a vgt_ token
    valid for login_token_lifetime; it authenticates as the user with the user's role."""
    user = await create_user(api, "Alice", "OPERATOR")
    assert set(user) >= {"id", "name", "email", "role", "active", "createdAt"}
    assert "password" not in str(user)

    before = datetime.now(UTC)
    by_email = data(await login(api, "ALICE@example.com", "a-long-password"))
    by_name = data(await login(api, "alice", "a-long-password"))
    expires = datetime.fromisoformat(by_name["expiresAt"])
    assert by_name["expiresAt"].endswith("Z")
    assert before + timedelta(seconds=LIFETIME_S - 5) < expires
    assert expires < datetime.now(UTC) + timedelta(seconds=LIFETIME_S + 5)
    assert by_email["token"].startswith("vgt_") and by_email["token"] != by_name["token"]

    me = data(await api.client.get("/api/v1/auth/me", headers=bearer(by_name["token"])))
    assert me == {"kind": "USER", "id": user["id"], "name": "Alice", "role": "OPERATOR"}
    rows = await stored_rows(api, tables.login_tokens)
    assert len(rows) == 2 and all(by_name["token"] not in str(row) for row in rows)


async def test_wrong_password_and_unknown_user_get_the_same_401(api: Api) -> None:
    """A failed login says nothing about which part was wrong."""
    await create_user(api, "Bob", "VIEWER")
    wrong = error(await login(api, "bob", "not-the-password"), 401)
    unknown = error(await login(api, "nobody", "not-the-password"), 401)
    assert wrong == unknown


async def test_role_change_and_disabling_apply_to_existing_tokens(api: Api) -> None:
    """A login token takes its role from the user at every request: a demoted user loses
    access at once, a disabled user's tokens stop working, and they cannot log in."""
    user = await create_user(api, "Carol", "ADMIN")
    token = data(await login(api, "carol", "a-long-password"))["token"]
    assert (await api.client.get("/api/v1/users", headers=bearer(token))).status_code == 200

    data(await api.patch(f"/api/v1/users/{user['id']}", json={"role": "VIEWER"}))
    assert error(await api.client.get("/api/v1/users", headers=bearer(token)), 403)
    assert (await api.client.get("/api/v1/stations", headers=bearer(token))).status_code == 200

    assert (await api.delete(f"/api/v1/users/{user['id']}")).status_code == 204
    error(await api.client.get("/api/v1/stations", headers=bearer(token)), 401)
    error(await login(api, "carol", "a-long-password"), 401)
    assert data(await api.get(f"/api/v1/users/{user['id']}"))["active"] is False


async def test_new_password_ends_login_tokens(api: Api) -> None:
    """Changing a user's password revokes the tokens issued with the old one."""
    user = await create_user(api, "Dave", "VIEWER")
    token = data(await login(api, "dave", "a-long-password"))["token"]
    data(await api.patch(f"/api/v1/users/{user['id']}", json={"password": "another-password"}))
    error(await api.client.get("/api/v1/stations", headers=bearer(token)), 401)
    error(await login(api, "dave", "a-long-password"), 401)
    assert data(await login(api, "dave", "another-password"))["token"]


async def test_logout_revokes_only_the_token_used(api: Api) -> None:
    """DELETE /auth/token ends the login token of the request and no other; an API key
    cannot log out (409)."""
    await create_user(api, "Erin", "VIEWER")
    first = data(await login(api, "erin", "a-long-password"))["token"]
    second = data(await login(api, "erin", "a-long-password"))["token"]
    response = await api.client.delete("/api/v1/auth/token", headers=bearer(first))
    assert response.status_code == 204
    error(await api.client.get("/api/v1/auth/me", headers=bearer(first)), 401)
    assert (await api.client.get("/api/v1/auth/me", headers=bearer(second))).status_code == 200
    assert error(await api.delete("/api/v1/auth/token", role=Role.VIEWER), 409)


async def test_user_names_and_emails_are_unique_in_any_case(api: Api) -> None:
    """A second user with the same name or email (any letter case) is refused with 409."""
    first = await create_user(api, "Frank", "VIEWER")
    body = {"name": "FRANK", "role": "VIEWER", "password": "a-long-password"}
    assert error(await api.post("/api/v1/users", json=body), 409)["code"] == "ALREADY_EXISTS"
    body = {"name": "Frank2", "email": "FRANK@example.com", "role": "VIEWER", "password": "x" * 9}
    assert error(await api.post("/api/v1/users", json=body), 409)["code"] == "ALREADY_EXISTS"
    other = await create_user(api, "Grace", "VIEWER")
    patch = {"email": first["email"].upper()}
    assert error(await api.patch(f"/api/v1/users/{other['id']}", json=patch), 409)


async def test_short_passwords_and_unknown_fields_are_refused(api: Api) -> None:
    """422 names the field; the password itself is never echoed."""
    body = {"name": "Heidi", "role": "VIEWER", "password": "Pw-1234"}
    problem = error(await api.post("/api/v1/users", json=body), 422)
    assert problem["details"][0]["location"] == "body.password"
    assert "Pw-1234" not in str(problem)
    body = {"name": "Heidi", "role": "VIEWER", "password": "long-enough", "admin": True}
    assert error(await api.post("/api/v1/users", json=body), 422)["details"][0]["location"] == (
        "body.admin"
    )


async def test_failed_logins_are_throttled_per_address(api: Api) -> None:
    """After LOGIN_FAILURE_LIMIT failures from one address, further logins from it get 429
    with Retry-After, even with the right password; another address logs in as usual."""
    await create_user(api, "Ivan", "VIEWER")
    for _ in range(LOGIN_FAILURE_LIMIT):
        error(await login(api, "ivan", "wrong-password"), 401)
    throttled = await login(api, "ivan", "a-long-password")
    assert error(throttled, 429)["code"] == "TOO_MANY_REQUESTS"
    assert int(throttled.headers["Retry-After"]) > 0

    transport = httpx.AsyncHTTPTransport(local_address="127.0.0.2")
    async with httpx.AsyncClient(base_url=str(api.client.base_url), transport=transport) as other:
        response = await other.post(
            "/api/v1/auth/token", json={"login": "ivan", "password": "a-long-password"}
        )
    assert data(response)["token"].startswith("vgt_")
