"""`voltgate ca ...` and `voltgate station security`, run in-process with click's runner."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from voltgate.cli import cli


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.mark.parametrize(
    "command", [["ca"], ["ca", "init"], ["ca", "show"], ["station", "security"]]
)
def test_every_security_command_has_help(runner: CliRunner, command: list[str]) -> None:
    """`--help` explains each command."""
    result = runner.invoke(cli, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.output


def test_ca_init_next_to_the_sqlite_database(runner: CliRunner, tmp_path: Path) -> None:
    """Without --dir, the CA goes to voltgate-ca next to the database; keys are 0600; a
    second run keeps everything; `ca show` describes it."""
    url = f"sqlite:///{tmp_path / 'voltgate.db'}"
    first = runner.invoke(
        cli,
        ["ca", "init", "--database-url", url, "--operator-name", "ACME", "--server-name", "csms"],
    )
    assert first.exit_code == 0, first.output
    directory = tmp_path / "voltgate-ca"
    assert f"certificate authority in {directory}" in first.output
    assert "created ca.key" in first.output
    assert "operator_name='ACME'" in first.output
    assert stat.S_IMODE((directory / "ca.key").stat().st_mode) == 0o600
    again = runner.invoke(cli, ["ca", "init", "--database-url", url])
    assert again.exit_code == 0
    assert "nothing to do" in again.output
    shown = runner.invoke(cli, ["ca", "show", "--database-url", url])
    assert shown.exit_code == 0, shown.output
    assert "CN=ACME Voltgate CA,O=ACME" in shown.output
    assert "server.pem: CN=csms,O=ACME" in shown.output


def test_ca_show_without_a_ca_says_what_to_do(runner: CliRunner, tmp_path: Path) -> None:
    """An empty directory is an error that names the fix."""
    result = runner.invoke(cli, ["ca", "show", "--dir", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "run voltgate ca init" in result.output


def test_ca_with_an_exposed_key_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    """A CA key others can read is reported with the command that fixes it."""
    directory = tmp_path / "ca"
    assert runner.invoke(cli, ["ca", "init", "--dir", str(directory)]).exit_code == 0
    (directory / "ca.key").chmod(0o640)
    result = runner.invoke(cli, ["ca", "show", "--dir", str(directory)])
    assert result.exit_code == 1
    assert "chmod 600" in result.output


def test_station_security_shows_and_sets_the_minimum(runner: CliRunner, tmp_path: Path) -> None:
    """Raise the minimum profile offline, see it, lower it again with a warning."""
    url = f"sqlite:///{tmp_path / 'voltgate.db'}"
    assert runner.invoke(cli, ["station", "add", "CP-1", "--database-url", url]).exit_code == 0
    shown = runner.invoke(cli, ["station", "security", "CP-1", "--database-url", url])
    assert shown.exit_code == 0, shown.output
    assert "minimum profile   0" in shown.output
    assert "last connection   never" in shown.output
    raised = runner.invoke(
        cli, ["station", "security", "CP-1", "--min-profile", "3", "--database-url", url]
    )
    assert raised.exit_code == 0, raised.output
    assert "minimum security profile of CP-1 is now 3" in raised.output
    assert "minimum profile   3" in raised.output
    lowered = runner.invoke(
        cli, ["station", "security", "CP-1", "--min-profile", "1", "--database-url", url]
    )
    assert "warning: lowered from 3" in lowered.output
    bad = runner.invoke(
        cli, ["station", "security", "CP-1", "--min-profile", "4", "--database-url", url]
    )
    assert bad.exit_code == 2
    unknown = runner.invoke(cli, ["station", "security", "NOPE", "--database-url", url])
    assert unknown.exit_code == 1
    assert "no station 'NOPE'" in unknown.output
