"""`build`'s work: a values file judged, then rendered into its files (``deployment_outputs``); and the project's
own build: every example in ``examples/`` into ``build/<example>/`` and the reference pages of the docs site into
``docs/reference/``, generated from the same renderings (never rendered twice)."""

from __future__ import annotations

import argparse
from pathlib import Path

from generator.judge import Run, validate_file
from generator.render.artifacts import deployment_artifacts, relative_label
from generator.render.output import MANIFEST, Example, Rendered
from generator.render.secrets import PLACEHOLDERS, SecretValues
from generator.shapes.finding import Finding, has_errors

EXAMPLES = "examples"
BUILD = "build"
DOCS_REFERENCE = "docs/reference"
MANAGED_DIRS = (BUILD, DOCS_REFERENCE)
"""Directories `build` owns entirely: a file there that it no longer renders is stale."""
PROJECT_MARKERS = ("mkdocs.yml", EXAMPLES, "schema", "generator")


class NotACheckoutError(Exception):
    """`build` without ``-f`` renders the project's own examples, which only exist in its checkout."""


class InvalidValuesError(Exception):
    """A values file has errors; nothing was written."""

    def __init__(self, run: Run) -> None:
        super().__init__("the values file has errors")
        self.run = run


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


def project_outputs(parser: argparse.ArgumentParser, root: Path | None = None) -> Rendered:
    """Everything the repository commits: build/<example>/ for every example, and the reference docs (whose CLI
    page describes ``parser``)."""
    from generator.docs import reference_pages  # the docs pages: never needed by build -f

    root = root or project_root()
    files: dict[Path, str] = {}
    warnings: list[Finding] = []
    examples: list[Example] = []
    for values_file in sorted((root / EXAMPLES).glob("*.yaml")):
        out = root / BUILD / values_file.stem
        rendered = deployment_outputs(values_file, out, PLACEHOLDERS, root)
        files.update(rendered.files)
        warnings.extend(rendered.warnings)
        if rendered.deployment is None:  # deployment_outputs raises before this can happen
            raise ValueError(f"{values_file}: no deployment")
        names = tuple(path.relative_to(out).as_posix() for path in rendered.files)
        relative = f"{EXAMPLES}/{values_file.name}"
        examples.append(Example(values_file, rendered.deployment, names, relative, f"{BUILD}/{values_file.stem}"))
    for name, text in reference_pages(root, examples, parser).items():
        files[root / DOCS_REFERENCE / name] = text
    return Rendered(files, warnings, tuple(root / d for d in MANAGED_DIRS))
