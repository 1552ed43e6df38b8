"""The per-message path runs compiled (pyproject.toml's mypyc list), and never stale.

docs/adr/0007-compiled-hot-path.md. Under CI the install compiles, so the whole suite tests
the compiled modules; a local install made with HATCH_BUILD_NO_HOOKS=true compiles nothing,
and then only the staleness rules are checked.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

from voltgate.compiled import PURE_PYTHON_ENV, compiled_files, stale

ROOT = Path(__file__).resolve().parents[1]
SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]


def running_compiled(module: ModuleType) -> bool:
    """True when `module` was loaded from a compiled file."""
    return (module.__file__ or "").endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))


def listed_modules() -> set[str]:
    """The modules pyproject.toml tells mypyc to compile."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    hook = config["tool"]["hatch"]["build"]["targets"]["wheel"]["hooks"]["mypyc"]
    return {
        path.removeprefix("/src/").removesuffix(".py").replace("/", ".") for path in hook["include"]
    }


def test_the_listed_modules_are_the_compiled_ones_and_they_run_compiled() -> None:
    if not compiled_files() and not os.environ.get("CI"):
        pytest.skip("installed without compiling (HATCH_BUILD_NO_HOOKS)")
    assert set(compiled_files()) == listed_modules()
    if os.environ.get(PURE_PYTHON_ENV):
        pytest.skip(f"{PURE_PYTHON_ENV} is set")
    for name in sorted(listed_modules()):
        assert running_compiled(importlib.import_module(name)), name


def test_pure_python_setting_imports_every_compiled_module_from_its_source() -> None:
    names = sorted(listed_modules())
    script = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    print(importlib.import_module(name).__file__)\n"
    )
    env = {**os.environ, PURE_PYTHON_ENV: "1"}
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    files = result.stdout.split()
    assert len(files) == len(names)
    assert all(file.endswith(".py") for file in files), files


def _module(directory: Path, name: str, *, source_at: int, compiled_at: int | None) -> None:
    source = directory / f"{name}.py"
    source.write_text("VALUE = 1\n")
    os.utime(source, (source_at, source_at))
    if compiled_at is not None:
        compiled = directory / f"{name}{SUFFIX}"
        compiled.write_bytes(b"")
        os.utime(compiled, (compiled_at, compiled_at))


def test_a_compiled_file_older_than_its_source_is_stale(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    _module(package, "fresh", source_at=1_000, compiled_at=2_000)
    _module(package / "sub", "edited", source_at=3_000, compiled_at=2_000)
    _module(package, "plain", source_at=1_000, compiled_at=None)

    files = compiled_files(package)

    assert set(files) == {"pkg.fresh", "pkg.sub.edited"}
    assert stale(files) == ["pkg.sub.edited"]
