"""`voltgate simulate`: run simulated OCPP 1.6 or 2.0.1 stations against a CSMS.

The command only maps options onto a `SimulationConfig`, runs a `Simulation` with a progress
line on stderr, and prints the summary table on stdout (so `> summary.txt` keeps only the
result). Ctrl-C stops the run cleanly and still prints the summary; a second Ctrl-C aborts.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import sys
from pathlib import Path
from typing import Any

import click

from voltgate.simulator.config import SUPPORTED_VERSIONS, ConfigError, SimulationConfig
from voltgate.simulator.link import ConnectFailed
from voltgate.simulator.progress import ProgressReporter, format_summary
from voltgate.simulator.runner import Simulation
from voltgate.simulator.stats import Stats


@click.command("simulate")
@click.option(
    "--url",
    required=True,
    help="CSMS OCPP endpoint; stations connect to URL/<id>, e.g. ws://127.0.0.1:9000/ocpp.",
)
@click.option(
    "--stations",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Number of stations to simulate.",
)
@click.option(
    "--protocol",
    "--version",
    "version",
    type=click.Choice(SUPPORTED_VERSIONS),
    default="1.6",
    show_default=True,
    help=(
        "OCPP version the stations speak: 1.6 (subprotocol ocpp1.6: StartTransaction, "
        "MeterValues, StopTransaction) or 2.0.1 (subprotocol ocpp2.0.1: TransactionEvent "
        "Started/Updated/Ended, device model reports)."
    ),
)
@click.option(
    "--password",
    default=None,
    help="HTTP Basic auth password (user name = station id); none by default. A 2.0.1 "
    "station connects with the one the CSMS sets (BasicAuthPassword) from then on.",
)
@click.option(
    "--id-prefix",
    default="SIM-",
    show_default=True,
    help="Station id prefix; ids are PREFIX00001, PREFIX00002, ...",
)
@click.option(
    "--connectors",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Connectors per station.",
)
@click.option(
    "--meter-interval",
    type=float,
    default=10.0,
    show_default=True,
    help="Seconds between meter values in a transaction (1.6 MeterValues, 2.0.1 "
    "TransactionEvent Updated).",
)
@click.option(
    "--heartbeat-interval",
    type=float,
    default=None,
    help="Seconds between Heartbeats [default: the interval from BootNotification.conf].",
)
@click.option(
    "--transaction-seconds",
    type=float,
    default=120.0,
    show_default=True,
    help="Mean transaction length in seconds (+-25%).",
)
@click.option(
    "--idle-seconds",
    type=float,
    default=60.0,
    show_default=True,
    help="Mean idle seconds of a connector between transactions (+-50%).",
)
@click.option(
    "--id-tag",
    "id_tags",
    multiple=True,
    help=(
        "idTag for local starts, one transaction at a time each (repeat for several) "
        "[default: one per connector, PREFIXTAG-00001, PREFIXTAG-00002, ...]."
    ),
)
@click.option(
    "--duration",
    type=float,
    default=None,
    help="Seconds to run, ramp-up included [default: until Ctrl-C].",
)
@click.option(
    "--ramp",
    type=float,
    default=50.0,
    show_default=True,
    help="New connections per second while starting (0 = all at once).",
)
@click.option(
    "--seed",
    type=int,
    default=None,
    help="Seed for every random choice, to repeat a run [default: random, see the report].",
)
@click.option(
    "--progress-seconds",
    type=click.FloatRange(min=0, min_open=True),
    default=2.0,
    show_default=True,
    help="Seconds between the status notifications of a job the CSMS asked for "
    "(firmware update: Downloading, Downloaded, Installing, Installed; log upload).",
)
@click.option(
    "--validate/--no-validate",
    default=True,
    show_default=True,
    help="Check payloads in both directions against the official OCPP JSON schemas.",
)
@click.option(
    "--report-json",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Write the final statistics as JSON to this file.",
)
def simulate(report_json: Path | None, **options: Any) -> None:
    """Simulate OCPP 1.6 or 2.0.1 charging stations against a CSMS.

    Each station connects over WebSocket, boots, reports its connectors, sends heartbeats
    and runs transactions with realistic meter values, and answers the CSMS's commands.
    A progress line goes to stderr and a summary table to stdout.

    \b
    Examples:
      voltgate simulate --url ws://127.0.0.1:9000/ocpp --stations 50
      voltgate simulate --url ws://127.0.0.1:9000/ocpp --protocol 2.0.1 --password SECRET
    """
    options["id_tags"] = tuple(options["id_tags"])
    try:
        config = SimulationConfig(**options)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    try:
        simulation, elapsed = asyncio.run(_run(config))
    except ConnectFailed as exc:
        raise click.ClickException(str(exc)) from None
    stats = simulation.stats
    click.echo(format_summary(stats, elapsed))
    if report_json is not None:
        report = {"config": {**config.describe(), "seed": simulation.seed}, "elapsed_s": elapsed}
        report_json.write_text(json.dumps({**report, **stats.to_json()}, indent=2) + "\n")
    if stats.ever_connected == 0:
        raise click.ClickException(f"no station could connect to {config.url}")


async def _run(config: SimulationConfig) -> tuple[Simulation, float]:
    """Run the simulation with a live progress line; Ctrl-C or SIGTERM ends it cleanly."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()

    def on_signal() -> None:
        click.echo("\nstopping (press Ctrl-C again to abort)...", err=True)
        stop.set()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)  # the next signal falls through to Python

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, on_signal)
    simulation = Simulation(config, stats=Stats(config.stations))
    reporter = ProgressReporter(simulation.stats, sys.stderr, tty=sys.stderr.isatty())
    progress = asyncio.create_task(reporter.run())
    try:
        await simulation.run(stop)
    finally:
        progress.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await progress
        reporter.finish()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    return simulation, reporter.elapsed_s
