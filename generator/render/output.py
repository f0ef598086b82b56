"""`build`: render every output in memory, then write it atomically, or (``--check``) compare it with disk.

Both paths go through `project_outputs` / `deployment_outputs`, so what is checked is what is written.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator.judge import Run, validate_file
from generator.render.artifacts import deployment_artifacts, relative_label
from generator.render.secrets import PLACEHOLDERS, SecretValues
from generator.schema.values import Deployment
from generator.shapes.finding import Finding, has_errors

EXAMPLES = "examples"
BUILD = "build"
DOCS_REFERENCE = "docs/reference"
MANAGED_DIRS = (BUILD, DOCS_REFERENCE)
"""Directories `build` owns entirely: a file there that it no longer renders is stale."""


MANIFEST = ".infisical-redis-build"
"""In a ``-o`` folder: the files the last build wrote there, one per line; only those it may change or remove."""
PROJECT_MARKERS = ("mkdocs.yml", EXAMPLES, "schema", "generator")


class InvalidValuesError(Exception):
    """A values file has errors; nothing was written."""

    def __init__(self, run: Run) -> None:
        super().__init__("the values file has errors")
        self.run = run


class NotACheckoutError(Exception):
    """`build` without ``-f`` renders the project's own examples, which only exist in its checkout."""


class UnownedFilesError(Exception):
    """Files in the output folder that an earlier build did not write; nothing was written."""

    def __init__(self, paths: list[Path]) -> None:
        super().__init__(f"{len(paths)} file(s) in the output folder were not written by build")
        self.paths = paths


def project_root(start: Path | None = None) -> Path:
    """The project checkout holding ``start`` (default: the working directory)."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if all((candidate / marker).exists() for marker in PROJECT_MARKERS):
            return candidate
    raise NotACheckoutError(
        "build without -f renders this project's own examples and runs inside its checkout only; "
        "to render your deployment pass a values file and an output folder"
    )


@dataclass(frozen=True)
class Example:
    """One committed example as `build` rendered it (the docs pages describe these, never render again)."""

    values_file: Path
    deployment: Deployment
    files: tuple[str, ...]
    """Artifact names relative to the example's build folder."""


@dataclass(frozen=True)
class Rendered:
    files: dict[Path, str]
    """Absolute path -> text."""
    warnings: list[Finding]
    owned_dirs: tuple[Path, ...] = ()
    manifest: Path | None = None
    """The manifest of a ``-o`` folder (its own entry is in ``files``)."""
    deployment: Deployment | None = None


def deployment_outputs(values_file: Path, out_dir: Path, secrets: SecretValues, root: Path | None = None) -> Rendered:
    """One values file -> its artifacts under ``out_dir``, with the folder's manifest. Raises InvalidValuesError
    (and writes nothing) on errors."""
    label = relative_label(values_file, root) if root is not None else str(values_file)
    validated = validate_file(values_file, label)
    run, deployment = validated.run, validated.deployment
    if deployment is None or has_errors(run.findings):
        raise InvalidValuesError(run)
    files = deployment_artifacts(deployment, label, secrets)
    rendered = {out_dir / name: text for name, text in files.items()}
    if root is not None:  # the committed examples: build/ is owned whole, no manifest
        return Rendered(rendered, run.findings, deployment=deployment)
    manifest = out_dir / MANIFEST
    rendered[manifest] = "".join(f"{name}\n" for name in sorted(files))
    return Rendered(rendered, run.findings, manifest=manifest, deployment=deployment)


def project_outputs(root: Path | None = None) -> Rendered:
    """Everything the repository commits: build/<example>/ for every example, and the reference docs."""
    from generator.docs import reference_pages

    root = root or project_root()
    files: dict[Path, str] = {}
    warnings: list[Finding] = []
    examples: list[Example] = []
    for values_file in sorted((root / EXAMPLES).glob("*.yaml")):
        out = root / BUILD / values_file.stem
        rendered = deployment_outputs(values_file, out, PLACEHOLDERS, root)
        files.update(rendered.files)
        warnings.extend(rendered.warnings)
        assert rendered.deployment is not None  # deployment_outputs raises when there is none
        names = tuple(path.relative_to(out).as_posix() for path in rendered.files)
        examples.append(Example(values_file, rendered.deployment, names))
    for name, text in reference_pages(root, examples).items():
        files[root / DOCS_REFERENCE / name] = text
    return Rendered(files, warnings, tuple(root / d for d in MANAGED_DIRS))


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
