"""The `voltgate` command: serve, db, station, token, model, transaction, command, ca,
apikey, user, simulate.

One module per command group (`base` holds what they share); importing this package
registers them all on the root group `cli`.
"""

from __future__ import annotations

import sys

from voltgate.cli import access, commands, messages, models, operations, security, serve, stations
from voltgate.cli.base import build_settings, cli, event_loop_factory, run_async
from voltgate.simulator.cli import simulate

cli.add_command(simulate)

__all__ = [
    "access",
    "build_settings",
    "cli",
    "commands",
    "event_loop_factory",
    "main",
    "messages",
    "models",
    "operations",
    "run_async",
    "security",
    "serve",
    "stations",
]


def main() -> None:
    """Entry point of the `voltgate` command."""
    cli(prog_name="voltgate")
    sys.exit(0)
