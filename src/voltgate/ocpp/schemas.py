"""Where the official OCA JSON schemas live, and how their file names map to actions.

The schemas ship as data inside the `ocpp` distribution on PyPI (we use its data only, never its
ChargePoint): `ocpp/v16/schemas/` holds draft-04 files named `Action.json` and
`ActionResponse.json` (plus draft-06 files for the 1.6 security whitepaper actions), and
`ocpp/v201/schemas/` holds draft-06 files named `ActionRequest.json` and `ActionResponse.json`.
They are read with importlib.resources, so nothing is vendored into this repository; the
generator (`scripts/gen_models.py`) and the validators read the very same files.

Reading the data imports only the `ocpp` package's empty `__init__`, none of its I/O code.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from importlib import resources
from importlib.abc import Traversable
from typing import Any

from voltgate.ocpp.errors import OcppVersion

_PACKAGE = "ocpp"
_RESPONSE_SUFFIX = "Response"


class Direction(enum.Enum):
    """Which half of an exchange a schema describes."""

    REQUEST = "request"
    RESPONSE = "response"


@dataclass(frozen=True, slots=True)
class _Layout:
    folder: str
    request_suffix: str  # 1.6 names requests `Action.json`, 2.0.1 `ActionRequest.json`


_LAYOUTS: dict[OcppVersion, _Layout] = {
    OcppVersion.V16: _Layout(folder="v16", request_suffix=""),
    OcppVersion.V201: _Layout(folder="v201", request_suffix="Request"),
}


def schema_folder(version: OcppVersion) -> Traversable:
    """The folder of the installed `ocpp` package holding the schemas of `version`."""
    return resources.files(_PACKAGE) / _LAYOUTS[version].folder / "schemas"


def file_name(version: OcppVersion, action: str, direction: Direction) -> str:
    """The schema file name for `action`'s request or response in `version`."""
    if direction is Direction.RESPONSE:
        return f"{action}{_RESPONSE_SUFFIX}.json"
    return f"{action}{_LAYOUTS[version].request_suffix}.json"


def action_names(version: OcppVersion) -> frozenset[str]:
    """Every action of `version`: the names that have both a request and a response schema."""
    suffix = _LAYOUTS[version].request_suffix
    stems = {
        entry.name.removesuffix(".json")
        for entry in schema_folder(version).iterdir()
        if entry.name.endswith(".json")
    }
    responses = {s.removesuffix(_RESPONSE_SUFFIX) for s in stems if s.endswith(_RESPONSE_SUFFIX)}
    requests = {s.removesuffix(suffix) for s in stems - {r + _RESPONSE_SUFFIX for r in responses}}
    return frozenset(requests & responses)


def load_schema(version: OcppVersion, action: str, direction: Direction) -> dict[str, Any]:
    """The parsed JSON schema of `action`'s request or response payload in `version`.

    Raises:
        FileNotFoundError: `action` has no schema in `version`.
    """
    path = schema_folder(version) / file_name(version, action, direction)
    # utf-8-sig: tolerate a byte-order mark, which some schema exports carry.
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8-sig"))
    return schema
