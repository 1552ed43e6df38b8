"""Commands to stations as each OCPP version spells them (`domain.commands.CommandDialect`).

`v16` and `v201` map the version-neutral commands to their version's action and payload
and read the station's answer; `common` holds what both share (schema checks, statuses).
"""

from __future__ import annotations

from voltgate.domain.commands import CommandDialect
from voltgate.handlers.commands.v16 import V16Commands
from voltgate.handlers.commands.v201 import V201Commands
from voltgate.ocpp.errors import OcppVersion

__all__ = ["V16Commands", "V201Commands", "command_dialects"]


def command_dialects() -> dict[str, CommandDialect]:
    """The dialect of every version we speak, by subprotocol name (as stored on stations)."""
    return {str(OcppVersion.V16): V16Commands(), str(OcppVersion.V201): V201Commands()}
