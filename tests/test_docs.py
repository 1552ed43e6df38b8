"""The documentation names what the code has."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from voltgate.config import Settings

ROOT = Path(__file__).resolve().parents[1]
SWITCHES_HEADING = "## Installation and run-time switches"


def test_every_setting_is_documented() -> None:
    """docs/settings.md has a row for each Settings field."""
    text = (ROOT / "docs" / "settings.md").read_text()
    assert [name for name in Settings.model_fields if f"`{name}`" not in text] == []


def test_documented_settings_exist() -> None:
    """docs/settings.md documents no setting that the code does not have (the install and
    run-time switches at its end are environment variables, not settings)."""
    text = (ROOT / "docs" / "settings.md").read_text()
    text = text.split(SWITCHES_HEADING)[0]
    rows = [
        line.split("|")[1].strip().strip("`")
        for line in text.splitlines()
        if line.startswith("| `")
    ]
    assert sorted(set(rows) - set(Settings.model_fields)) == []


@pytest.mark.parametrize(
    ("module", "heading"),
    [
        ("voltgate.handlers.v16", "## OCPP 1.6J — messages from the station"),
        ("voltgate.handlers.v201", "## OCPP 2.0.1 — messages from the station"),
    ],
)
def test_ocpp_coverage_lists_exactly_the_handled_actions(module: str, heading: str) -> None:
    """docs/ocpp-coverage.md marks as handled precisely the actions each router handles."""
    router = importlib.import_module(module).router

    text = (ROOT / "docs" / "ocpp-coverage.md").read_text()
    section = text.split(heading)[1].split("\n## ")[0]
    handled = {
        line.split("|")[1].strip().split(" ")[0]
        for line in section.splitlines()
        if line.startswith("| ") and "| handled |" in line
    }
    assert handled == set(router.actions)
