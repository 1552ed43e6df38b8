"""Compiled modules: which ones are, and never running one that is older than its source.

`pip install` compiles the per-message path to C with mypyc (the list is in pyproject.toml;
docs/adr/0007-compiled-hot-path.md says why). Each such module gets an extension file beside
its source, and Python imports the extension first. In a source checkout the source can
change after that (an edit, a `git pull`), and the old compiled code would go on running
unseen. So on import of `voltgate`, `use_fresh_modules` compares each compiled file with its
source: when any is older, or when `VOLTGATE_PURE_PYTHON` is set (to profile with py-spy,
say, which sees no compiled frames), every compiled module is imported from its source
instead. All of them, not only the stale ones: compiled modules call each other directly in
C, so a stale one would still run through the others. A stale install warns once; running
`pip install -e .` again compiles afresh.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

PURE_PYTHON_ENV = "VOLTGATE_PURE_PYTHON"
PACKAGE_DIR = Path(__file__).parent


def compiled_files(package_dir: Path = PACKAGE_DIR) -> dict[str, tuple[Path, Path]]:
    """The modules of the package that have a compiled file beside their source:
    module name -> (source, compiled file)."""
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    found: dict[str, tuple[Path, Path]] = {}
    for directory, _, files in os.walk(package_dir):
        for file in files:
            suffix = next((s for s in suffixes if file.endswith(s)), None)
            if suffix is None:
                continue
            source = Path(directory, file[: -len(suffix)] + ".py")
            if source.exists():
                parts = source.relative_to(package_dir.parent).with_suffix("").parts
                found[".".join(parts)] = (source, Path(directory, file))
    return found


def stale(files: dict[str, tuple[Path, Path]]) -> list[str]:
    """The modules of `files` (`compiled_files`) whose source changed after compiling."""
    return sorted(
        name
        for name, (source, compiled) in files.items()
        if source.stat().st_mtime > compiled.stat().st_mtime
    )


class _SourceFinder:
    """Finds the listed modules as their source files, ahead of the compiled files."""

    def __init__(self, sources: dict[str, Path]) -> None:
        self._sources = sources

    def find_spec(
        self, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        source = self._sources.get(name)
        if source is None:
            return None
        return importlib.util.spec_from_file_location(name, source)


def use_fresh_modules() -> None:
    """Import the compiled modules from their sources when any is stale or when
    `VOLTGATE_PURE_PYTHON` is set. Called once, by `voltgate/__init__.py`."""
    files = compiled_files()
    if not files:
        return
    if not os.environ.get(PURE_PYTHON_ENV):
        old = stale(files)
        if not old:
            return
        warnings.warn(
            f"compiled modules are older than their source ({', '.join(old)}); running "
            "plain Python. Run `pip install -e .` again to compile them.",
            RuntimeWarning,
            stacklevel=2,
        )
    sys.meta_path.insert(0, _SourceFinder({name: paths[0] for name, paths in files.items()}))
