"""Where the server spends its CPU: py-spy samples during a window, summarised per function.

py-spy (`pip install py-spy`) samples the server's Python stacks from outside, with no change
to the server and little overhead. `summarize` reads its "raw" (collapsed stacks) output and
ranks functions by self time (samples where the function itself was running) and by total
time (samples where it was anywhere on the stack).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any


def find_py_spy() -> str | None:
    """py-spy on PATH or next to this Python; None when it is not installed."""
    beside = Path(sys.executable).parent / "py-spy"
    return shutil.which("py-spy") or (str(beside) if beside.exists() else None)


def record(py_spy: str, pid: int, seconds: float, output: Path) -> subprocess.Popen[bytes]:
    """Start sampling `pid` (and its threads) for `seconds`; wait on the returned process."""
    command = [
        py_spy, "record",
        "--pid", str(pid),
        "--duration", str(max(1, round(seconds))),
        "--rate", "200",
        "--format", "raw",
        "--output", str(output),
        "--nonblocking",  # do not pause the server to sample it
    ]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _short(frame: str) -> str:
    """`handle (voltgate/gateway/connection.py:88)` without the site-packages prefix."""
    name, _, where = frame.partition(" (")
    where = where.rstrip(")")
    for marker in ("site-packages/", "/src/", "/lib/python3"):
        if marker in where:
            where = where.split(marker, 1)[1]
            break
    file = where.rsplit(":", 1)[0]
    return f"{name} ({os.path.normpath(file)})"


def summarize(path: Path, top: int = 25) -> dict[str, Any]:
    """Top functions by self and by total samples, in percent of all samples."""
    self_samples: Counter[str] = Counter()
    total_samples: Counter[str] = Counter()
    count = 0
    for line in path.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if not stack or not n.isdigit():
            continue
        samples = int(n)
        frames = [_short(f) for f in stack.split(";") if not f.startswith("process ")]
        frames = [f for f in frames if not f.startswith("thread ")]
        if not frames:
            continue
        count += samples
        self_samples[frames[-1]] += samples
        for frame in set(frames):
            total_samples[frame] += samples
    share = 100.0 / count if count else 0.0
    return {
        "samples": count,
        "self": [(f, round(n * share, 1)) for f, n in self_samples.most_common(top)],
        "total": [(f, round(n * share, 1)) for f, n in total_samples.most_common(top)],
    }


def format_profile(label: str, summary: dict[str, Any]) -> str:
    lines = [f"\nprofile of {label} during saturation ({summary['samples']:,} samples)"]
    for title in ("self", "total"):
        lines.append(f"  top by {title} time:")
        lines += [f"    {pct:5.1f}%  {frame}" for frame, pct in summary[title]]
    return "\n".join(lines)
