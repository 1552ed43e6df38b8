"""What every `voltgate` command shares: settings from options, the event loop, the root group.

Every option that is also a setting can be given as `VOLTGATE_<NAME>` in the environment;
an option given on the command line wins. Settings are built once, here, and passed down.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime
from typing import Any, TypeVar

import click
from pydantic import ValidationError

from voltgate import __version__
from voltgate.config import Settings
from voltgate.domain.services import Services

T = TypeVar("T")

database_url_option = click.option(
    "--database-url",
    help="Storage URL: sqlite:///voltgate.db (default, embedded) or "
    "postgresql+asyncpg://user@host/db. Env: VOLTGATE_DATABASE_URL.",
)


def build_settings(**options: Any) -> Settings:
    """Settings from the environment, overridden by the options given on the command line."""
    given = {name: value for name, value in options.items() if value is not None}
    try:
        return Settings(**given)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'settings'}: {e['msg']}"
            for e in error.errors()
        )
        raise click.UsageError(f"invalid settings: {problems}") from None


def with_services(database_url: str | None, use: Callable[[Services], Awaitable[T]]) -> T:
    """Run `use(services)` on the database of `database_url`, for the offline commands
    (it migrates the database first, like `serve`)."""
    from voltgate.app import open_services  # the whole server stack: imported when needed

    settings = build_settings(database_url=database_url)

    async def main() -> T:
        async with open_services(settings) as (_, _, services):
            return await use(services)

    return run_async(main)


def event_loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's event loop where it is installed (not on Windows), else asyncio's own.

    uvloop runs the same asyncio code on a loop written in C over libuv: measured ~7-13 µs
    less server CPU per MeterValues at saturation (docs/adr/0003-hot-path.md).
    """
    try:
        import uvloop
    except ImportError:  # pragma: no cover - installed wherever the platform allows
        return None
    return uvloop.new_event_loop


def run_async(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run `main` on a fresh event loop; Ctrl-C and SIGTERM end it by cancellation."""

    async def guarded() -> T:
        task = asyncio.current_task()
        assert task is not None
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, task.cancel)
        return await main()

    try:
        with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
            return runner.run(guarded())
    except asyncio.CancelledError:
        raise SystemExit(0) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="voltgate")
def cli() -> None:
    """Voltgate: charging station management system (OCPP 1.6J and 2.0.1, REST API, tools).

    Start with `voltgate serve`; stations connect to ws://HOST:9000/ocpp/{stationId}.
    """


def when(at: datetime | None) -> str:
    return "-" if at is None else at.strftime("%Y-%m-%dT%H:%M:%SZ")


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
