"""Rendered files in memory, then written all-or-nothing, or (``--check``) compared with disk: both paths share
one rendering, so what is checked is what is written. The project's own build is in ``generator.project``."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import NamedTuple

from generator.schema.values import Deployment
from generator.shapes.finding import Finding

MANIFEST = ".infisical-redis-build"
"""In a ``-o`` folder: the files the last build wrote there, one per line; only those it may change or remove."""


class UnownedFilesError(Exception):
    """Files in the output folder that an earlier build did not write; nothing was written."""

    def __init__(self, paths: list[Path]) -> None:
        super().__init__(f"{len(paths)} file(s) in the output folder were not written by build")
        self.paths = paths


class Example(NamedTuple):
    """One committed example as `build` rendered it (the docs pages describe these, never render again)."""

    values_file: Path
    deployment: Deployment
    files: tuple[str, ...]
    """Artifact names relative to the example's build folder."""
    values_path: str
    """The values file, relative to the project's root."""
    build_dir: str
    """The example's build folder, relative to the project's root."""


class Rendered(NamedTuple):
    files: dict[Path, str]
    """Absolute path -> text."""
    warnings: list[Finding]
    owned_dirs: tuple[Path, ...] = ()
    manifest: Path | None = None
    """The manifest of a ``-o`` folder (its own entry is in ``files``)."""
    deployment: Deployment | None = None


def stale_files(rendered: Rendered) -> list[Path]:
    """Files whose content on disk differs from the rendering, or that the rendering no longer has."""
    stale = [path for path, text in rendered.files.items() if _read(path) != text]
    for owned in rendered.owned_dirs:
        if owned.is_dir():
            stale += [p for p in owned.rglob("*") if p.is_file() and p not in rendered.files]
    stale += [p for p in _previously_written(rendered) if p.is_file() and p not in rendered.files]
    return sorted(set(stale))


def _previously_written(rendered: Rendered) -> list[Path]:
    if rendered.manifest is None:
        return []
    text = _read(rendered.manifest) or ""
    folder = rendered.manifest.parent
    names = [line.strip() for line in text.split("\n") if line.strip()]
    return [folder / name for name in names if ".." not in Path(name).parts and not Path(name).is_absolute()]


def unowned_files(rendered: Rendered) -> list[Path]:
    """Files ``rendered`` would overwrite that no earlier build wrote (a ``-o`` folder only)."""
    if rendered.manifest is None:
        return []
    owned = set(_previously_written(rendered)) | {rendered.manifest}
    return sorted(p for p, text in rendered.files.items() if p not in owned and p.exists() and _read(p) != text)


def write_outputs(rendered: Rendered, private: bool = False, force: bool = False) -> list[Path]:
    """Write what changed, all or nothing; remove files no longer rendered. Returns the changed paths.

    Every new file is first written in full to a temp file beside its target; only when all of them are on
    disk are they renamed into place (each rename atomic). If any write fails, the temp files and the
    directories made for them are removed and the OSError propagates: nothing was changed.
    ``private``: the files hold real passwords, so they are created readable by their owner only.
    """
    unowned = [] if force else unowned_files(rendered)
    if unowned:
        raise UnownedFilesError(unowned)
    changed = stale_files(rendered)
    made_dirs: list[Path] = []
    staged: list[tuple[Path, Path]] = []
    try:
        for path in changed:
            if path in rendered.files:
                made_dirs += _make_parents(path.parent)
                staged.append((_stage(path, rendered.files[path], 0o600 if private else 0o644), path))
    except BaseException:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
        for directory in reversed(made_dirs):
            directory.rmdir()
        raise
    for temp, path in staged:
        temp.replace(path)
    for path in changed:
        if path not in rendered.files:
            path.unlink()
    return changed


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError, UnicodeDecodeError):
        return None


def _make_parents(directory: Path) -> list[Path]:
    """Create ``directory`` and its missing parents; return the ones this call made, outermost first."""
    missing = [d for d in (directory, *directory.parents) if not d.exists()]
    for d in reversed(missing):
        d.mkdir()
    return list(reversed(missing))


def _stage(path: Path, text: str, mode: int) -> Path:
    """``text`` written and flushed to a temp file next to ``path``; the caller renames it into place."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temp = Path(name)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp
