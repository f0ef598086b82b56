"""`build`: render every output in memory, then write it atomically, or (``--check``) compare it with disk.

Both paths go through `project_outputs` / `deployment_outputs`, so what is checked is what is written.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator.artifacts import deployment_artifacts, relative_label
from generator.findings import Finding, has_errors
from generator.secrets import PLACEHOLDERS, SecretValues
from generator.validate import validate_file

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = "examples"
BUILD = "build"
DOCS_REFERENCE = "docs/reference"
MANAGED_DIRS = (BUILD, DOCS_REFERENCE)
"""Directories `build` owns entirely: a file there that it no longer renders is stale."""


class InvalidValuesError(Exception):
    """A values file has errors; nothing was written."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__("the values file has errors")
        self.findings = findings


@dataclass(frozen=True)
class Rendered:
    files: dict[Path, str]
    """Absolute path -> text."""
    warnings: list[Finding]
    owned_dirs: tuple[Path, ...] = ()


def deployment_outputs(values_file: Path, out_dir: Path, secrets: SecretValues, root: Path = ROOT) -> Rendered:
    """One values file -> its artifacts under ``out_dir``. Raises InvalidValuesError (and writes nothing) on errors."""
    label = relative_label(values_file, root)
    checked = validate_file(values_file, label)
    if checked.deployment is None or has_errors(checked.findings):
        raise InvalidValuesError(checked.findings)
    files = deployment_artifacts(checked.deployment, label, secrets)
    return Rendered({out_dir / name: text for name, text in files.items()}, checked.findings)


def project_outputs(root: Path = ROOT) -> Rendered:
    """Everything the repository commits: build/<example>/ for every example, and the reference docs."""
    from generator.docs_pages import reference_pages

    files: dict[Path, str] = {}
    warnings: list[Finding] = []
    for example in sorted((root / EXAMPLES).glob("*.yaml")):
        rendered = deployment_outputs(example, root / BUILD / example.stem, PLACEHOLDERS, root)
        files.update(rendered.files)
        warnings.extend(rendered.warnings)
    for name, text in reference_pages(root).items():
        files[root / DOCS_REFERENCE / name] = text
    return Rendered(files, warnings, tuple(root / d for d in MANAGED_DIRS))


def stale_files(rendered: Rendered) -> list[Path]:
    """Files whose content on disk differs from the rendering, or that the rendering no longer has."""
    stale = [path for path, text in rendered.files.items() if _read(path) != text]
    for owned in rendered.owned_dirs:
        if owned.is_dir():
            stale += [p for p in owned.rglob("*") if p.is_file() and p not in rendered.files]
    return sorted(stale)


def write_outputs(rendered: Rendered, private: bool = False) -> list[Path]:
    """Write what changed, all or nothing; remove files no longer rendered. Returns the changed paths.

    Every new file is first written in full to a temp file beside its target; only when all of them are on
    disk are they renamed into place (each rename atomic). If any write fails, the temp files and the
    directories made for them are removed and the OSError propagates: nothing was changed.
    ``private``: the files hold real passwords, so they are created readable by their owner only.
    """
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
