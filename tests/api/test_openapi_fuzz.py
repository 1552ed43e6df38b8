"""Property-based fuzzing of the whole OpenAPI document (schemathesis) against a live server.

Every operation gets generated requests as an admin (who may call everything). Each answer
must not be a 5xx, must have a documented status and content type, and its body must match
the documented schema. The server runs in its own thread and event loop, because
schemathesis sends blocking requests.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import BACKENDS
from voltgate.app import running
from voltgate.config import Settings
from voltgate.domain.access import Role
from voltgate.testing.postgres import fresh_database

EXAMPLES_PER_OPERATION = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@contextmanager
def live_server(backend: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Voltgate on free loopback ports in a thread; yields its base URL and an admin key."""
    ready = threading.Event()
    box: dict[str, Any] = {}

    async def serve(url: str) -> None:
        settings = Settings(host="127.0.0.1", ocpp_port=0, api_port=0, database_url=url)
        async with running(settings) as node:
            issued = await node.services.access.create_api_key("fuzz", Role.ADMIN)
            stop = asyncio.Event()
            box.update(
                url=f"http://127.0.0.1:{node.api_port}",
                key=issued.secret,
                stop=stop,
                loop=asyncio.get_running_loop(),
            )
            ready.set()
            await stop.wait()

    async def main() -> None:
        if backend == "sqlite":
            await serve(f"sqlite:///{tmp_path / 'fuzz.db'}")
        else:
            async with fresh_database() as url:
                await serve(url)

    def run() -> None:
        try:
            asyncio.run(main())
        except BaseException as problem:  # handed to the test's thread below
            box["error"] = problem
        finally:
            ready.set()

    thread = threading.Thread(target=run, name="voltgate-fuzz")
    thread.start()
    ready.wait(timeout=60)
    try:
        if "error" in box:
            raise box["error"]
        yield box["url"], box["key"]
    finally:
        if "loop" in box:
            box["loop"].call_soon_threadsafe(box["stop"].set)
        thread.join(timeout=60)


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_operation_survives_generated_requests(backend: str, tmp_path: Path) -> None:
    """No generated request gets a 5xx, an undocumented status or content type, or a body
    that does not match the documented schema."""
    with live_server(backend, tmp_path) as (base_url, key):
        schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
        headers = {"Authorization": f"Bearer {key}"}
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 25
        for operation in operations:

            @settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy())
            def check(case: schemathesis.Case) -> None:
                case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS)

            check()
