"""Instructions of a command, counted by callgrind: what `instructions.py` and
`loop_instructions.py` both measure with.

Instruction counts are repeatable for the same code and inputs whatever else the machine is
doing, unlike CPU time on the shared 2-core VM; the kernel's work (system calls, fsync) is
not counted. Needs valgrind (Debian package ``valgrind``).
"""

from __future__ import annotations

import itertools
import subprocess
from collections.abc import Sequence
from pathlib import Path

_runs = itertools.count(1)


def instructions(argv: Sequence[str], out: Path, *, per_thread: bool = False) -> dict[int, int]:
    """Run `argv` under callgrind, its output files in `out`; the instructions it executed.

    Returns {callgrind's thread number: instructions} with `per_thread`
    (``--separate-threads=yes``, threads numbered from 1 in the order they started),
    else {0: instructions of the whole process}.
    """
    prefix = out / f"run{next(_runs)}"
    command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={prefix}.%p"]
    if per_thread:
        command.append("--separate-threads=yes")
    command.extend(argv)
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    counts: dict[int, int] = {}
    for path in out.glob(f"{prefix.name}.*"):
        _pid, _, number = path.name.removeprefix(f"{prefix.name}.").partition("-")
        if per_thread and not number:
            continue  # the process's own file beside the per-thread ones
        thread = int(number) if per_thread else 0
        for line in path.read_text().splitlines():
            if line.startswith("summary:"):
                counts[thread] = int(line.split()[1])
    if not counts:
        raise RuntimeError(f"callgrind wrote no summary for {' '.join(argv)}")
    return counts
