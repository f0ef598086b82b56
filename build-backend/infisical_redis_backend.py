"""The project's build backend: setuptools, run on a copy of the sources in a temporary folder.

setuptools writes ``build/lib``, ``build/bdist.*`` and ``*.egg-info`` into the folder it builds. In this
checkout ``build/`` is committed output (the rendered examples), so a plain ``pip install .`` would dirty it and
make ``build --check`` fail. Building a copy leaves the checkout untouched. The copy holds what the wheel and
the sdist need: the metadata files, ``generator/`` and the folders its links ``generator/schema`` and
``generator/templates`` point to. Editable installs build in place (they must point at the checkout); their
``*.egg-info`` is ignored by git and they write nothing under ``build/``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from setuptools import build_meta as _setuptools

COPIED = ("pyproject.toml", "README.md", "LICENSE", "generator", "schema", "templates", "build-backend")
"""What a build needs, relative to the project folder (missing entries are skipped)."""

MANIFEST = "include build-backend/*.py\n"
"""Written into the copy: an sdist must carry this backend, or no wheel can be built from it."""

SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")

ConfigSettings = dict[str, Any] | None


@contextmanager
def _in_copy() -> Iterator[Path]:
    """Work in a temporary copy of the project; the links inside ``generator/`` stay links."""
    source = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="infisical-redis-build-") as temp:
        copy = Path(temp) / source.name
        copy.mkdir()
        for name in COPIED:
            path = source / name
            if path.is_dir():
                shutil.copytree(path, copy / name, symlinks=True, ignore=SKIPPED)
            elif path.is_file():
                shutil.copy2(path, copy / name)
        (copy / "MANIFEST.in").write_text(MANIFEST, encoding="utf-8")
        os.chdir(copy)
        try:
            yield copy
        finally:
            os.chdir(source)


def _copied(hook: Callable[..., Any], *args: Any) -> Any:
    with _in_copy():
        return hook(*args)


def _absolute(folder: str) -> str:
    """Folders the frontend names are relative to the project folder, not to the copy."""
    return str(Path(folder).resolve())


def get_requires_for_build_wheel(config_settings: ConfigSettings = None) -> list[str]:
    return list(_copied(_setuptools.get_requires_for_build_wheel, config_settings))


def get_requires_for_build_sdist(config_settings: ConfigSettings = None) -> list[str]:
    return list(_copied(_setuptools.get_requires_for_build_sdist, config_settings))


def prepare_metadata_for_build_wheel(metadata_directory: str, config_settings: ConfigSettings = None) -> str:
    return str(_copied(_setuptools.prepare_metadata_for_build_wheel, _absolute(metadata_directory), config_settings))


def build_wheel(
    wheel_directory: str, config_settings: ConfigSettings = None, metadata_directory: str | None = None
) -> str:
    metadata = None if metadata_directory is None else _absolute(metadata_directory)
    return str(_copied(_setuptools.build_wheel, _absolute(wheel_directory), config_settings, metadata))


def build_sdist(sdist_directory: str, config_settings: ConfigSettings = None) -> str:
    return str(_copied(_setuptools.build_sdist, _absolute(sdist_directory), config_settings))


# Editable installs point at the checkout itself: setuptools works in place.
get_requires_for_build_editable = _setuptools.get_requires_for_build_editable
prepare_metadata_for_build_editable = _setuptools.prepare_metadata_for_build_editable
build_editable = _setuptools.build_editable
