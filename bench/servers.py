"""The servers under test, each a separate process pinned to its own core.

`ServerProcess` starts a command, pins it (and any thread it starts later) to the server core,
waits until the OCPP port accepts connections, and reads its CPU time and peak memory from
/proc through psutil. `voltgate_server` prepares a fresh database first (a temporary SQLite
file, or a PostgreSQL database it creates and drops) with the tokens the simulator presents.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil

BENCH_DIR = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
POSTGRES_BENCH_DB = "voltgate_bench"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_plan() -> tuple[set[int] | None, set[int] | None]:
    """(server cores, load generator cores): one core each when there are at least two."""
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        return None, None
    return {cores[0]}, set(cores[1:])


@dataclass
class CpuSample:
    at: float
    cpu_s: float  # user + system seconds, children included


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    total = times.user + times.system
    for child in process.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            child_times = child.cpu_times()
            total += child_times.user + child_times.system
    return float(total)


class ServerProcess:
    """A server under test running as a child process."""

    def __init__(self, name: str, command: Sequence[str], port: int, cores: set[int] | None):
        self.name = name
        self.port = port
        log_fd, self.log_path = tempfile.mkstemp(prefix=f"bench-{name}-", suffix=".log")
        try:
            self._popen = subprocess.Popen(
                list(command), stdout=log_fd, stderr=subprocess.STDOUT, start_new_session=True
            )
        finally:
            os.close(log_fd)  # the child has its own copy
        self.process = psutil.Process(self._popen.pid)
        if cores is not None:
            # Before the server starts its threads, so they inherit the affinity.
            self.process.cpu_affinity(sorted(cores))

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._popen.poll() is not None:
                raise RuntimeError(f"{self.name} exited early; see {self.log_path}:\n{self.tail()}")
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), 0.5),
            ):
                return
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not open port {self.port}; see {self.log_path}")

    def cpu(self) -> CpuSample:
        return CpuSample(time.perf_counter(), cpu_seconds(self.process))

    def peak_rss_mb(self) -> float:
        """Peak resident memory (VmHWM) of the server process, in MiB."""
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return float(self.process.memory_info().rss) / 2**20

    def rss_mb(self) -> float:
        return float(self.process.memory_info().rss) / 2**20

    def tail(self, lines: int = 20) -> str:
        return "\n".join(Path(self.log_path).read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self._popen.poll() is None:
            self._popen.send_signal(signal.SIGTERM)
            try:
                self._popen.wait(15)
            except subprocess.TimeoutExpired:
                self._popen.kill()
                self._popen.wait()


# The minimal ocpp-package central system of each protocol.
BASELINES = {"1.6": "baseline_ocpp_server.py", "2.0.1": "baseline_ocpp201_server.py"}


@contextlib.contextmanager
def baseline_server(cores: set[int] | None, protocol: str = "1.6") -> Iterator[ServerProcess]:
    port = free_port()
    command = [sys.executable, str(BENCH_DIR / BASELINES[protocol]), "--port", str(port)]
    server = ServerProcess("baseline", command, port, cores)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def _run(command: Sequence[str], stdin: str | None = None) -> None:
    result = subprocess.run(list(command), input=stdin, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")


def _psql(sql: str) -> None:
    _run(["psql", POSTGRES_ADMIN_URL, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql])


@contextlib.contextmanager
def database(kind: str) -> Iterator[str]:
    """A fresh, empty database URL of `kind` ("sqlite" or "postgres"), removed afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="voltgate-bench-") as directory:
            yield f"sqlite:///{directory}/voltgate.db"
        return
    if kind != "postgres":
        raise ValueError(f"unknown database {kind!r}: use sqlite or postgres")
    _psql(f"DROP DATABASE IF EXISTS {POSTGRES_BENCH_DB} WITH (FORCE)")
    _psql(f"CREATE DATABASE {POSTGRES_BENCH_DB}")
    try:
        yield f"postgresql+asyncpg://postgres@127.0.0.1:5432/{POSTGRES_BENCH_DB}"
    finally:
        _psql(f"DROP DATABASE IF EXISTS {POSTGRES_BENCH_DB} WITH (FORCE)")


def postgres_backends() -> list[psutil.Process]:
    """The PostgreSQL server processes, whose CPU belongs to 'durable storage' too."""
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        name = process.info.get("name") or ""
        if name.startswith("postgres"):
            found.append(process)
    return found


@contextlib.contextmanager
def voltgate_server(
    kind: str, cores: set[int] | None, id_tags: Sequence[str]
) -> Iterator[ServerProcess]:
    """`voltgate serve` on a fresh database of `kind`, with `id_tags` provisioned."""
    voltgate = str(VENV_BIN / "voltgate")
    with database(kind) as url:
        _run([voltgate, "db", "upgrade", "--database-url", url])
        provision = [sys.executable, str(BENCH_DIR / "provision.py"), "--database-url", url]
        _run(provision, stdin="\n".join(id_tags))
        port, api_port = free_port(), free_port()
        command = [
            voltgate, "serve",
            "--host", "127.0.0.1",
            "--ocpp-port", str(port),
            "--api-port", str(api_port),
            "--database-url", url,
            "--unknown-stations", "accept",
            "--allow-unauthenticated",
            "--log-level", "warning",
        ]  # fmt: skip
        server = ServerProcess(f"voltgate-{kind}", command, port, cores)
        try:
            server.wait_ready()
            yield server
        finally:
            server.stop()
