"""`voltgate apikey` and `voltgate user` as an operator runs them: real processes, the key
printed once bootstraps the REST API of a real `voltgate serve`."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx

from tests.cli.test_cli import VOLTGATE, run, server

__all__ = ["server"]


def test_access_commands_explain_themselves() -> None:
    """`--help` works on every apikey and user command."""
    for args in (
        ["apikey", "create"],
        ["apikey", "list"],
        ["apikey", "revoke"],
        ["user", "create"],
        ["user", "list"],
        ["user", "disable"],
    ):
        result = subprocess.run(
            [*VOLTGATE, *args, "--help"], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr
        assert "Usage: voltgate" in result.stdout


def test_first_admin_key_from_the_cli_opens_the_api(
    server: tuple[int, int], database_url: str, tmp_path: Path
) -> None:
    """`apikey create` prints the key alone on stdout; the running server accepts it as
    Bearer with its role; `apikey list` never shows it; `apikey revoke` shuts it out; the
    server never logs it."""
    _, api_port = server
    created = run("apikey", "create", "--name", "bootstrap", "--role", "admin", url=database_url)
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip()
    assert key.startswith("vg_") and "\n" not in key
    assert "never shown again" in created.stderr

    base = f"http://127.0.0.1:{api_port}"
    headers = {"Authorization": f"Bearer {key}"}
    me = httpx.get(f"{base}/api/v1/auth/me", headers=headers, timeout=10)
    assert me.json()["data"]["role"] == "ADMIN"

    listed = run("apikey", "list", url=database_url)
    assert "bootstrap" in listed.stdout and key not in listed.stdout
    key_id = listed.stdout.split()[0]
    revoked = run("apikey", "revoke", key_id, url=database_url)
    assert revoked.returncode == 0, revoked.stderr
    assert httpx.get(f"{base}/api/v1/auth/me", headers=headers, timeout=10).status_code == 401
    assert key not in (tmp_path / "serve.log").read_text()


def test_user_created_on_the_cli_can_log_in(server: tuple[int, int], database_url: str) -> None:
    """`user create` makes a user who logs in over the API; `user disable` stops that."""
    _, api_port = server
    args = ["user", "create", "--name", "ops", "--email", "ops@example.com", "--role", "operator"]
    created = run(*args, "--password", "a-long-password", url=database_url)
    assert created.returncode == 0, created.stderr
    again = run(*args, "--password", "a-long-password", url=database_url)
    assert again.returncode == 1 and "already exists" in again.stderr

    base = f"http://127.0.0.1:{api_port}"
    body = {"login": "ops@example.com", "password": "a-long-password"}
    login = httpx.post(f"{base}/api/v1/auth/token", json=body, timeout=10)
    assert login.json()["data"]["user"]["role"] == "OPERATOR"

    user_id = run("user", "list", url=database_url).stdout.split()[0]
    assert run("user", "disable", user_id, url=database_url).returncode == 0
    assert httpx.post(f"{base}/api/v1/auth/token", json=body, timeout=10).status_code == 401
    assert "disabled" in run("user", "list", url=database_url).stdout
