"""Golden files: every artifact rendered from tests/examples/valid/*.yaml, byte for byte.

After reading the diff, refresh with:  UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_golden.py
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from generator.judge import validate_file
from generator.render.artifacts import deployment_artifacts
from generator.render.secrets import PLACEHOLDERS

ROOT = Path(__file__).resolve().parent.parent
VALID = sorted((ROOT / "tests/examples/valid").glob("*.yaml"))
GOLDEN = ROOT / "tests/golden"
REFRESH = "UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_golden.py"


def _render(path: Path) -> dict[str, str]:
    label = path.relative_to(ROOT).as_posix()
    checked = validate_file(path, label)
    assert checked.deployment is not None
    return deployment_artifacts(checked.deployment, label, PLACEHOLDERS)


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_rendered_artifacts_match_golden_files(path: Path) -> None:
    rendered = _render(path)
    folder = GOLDEN / path.stem
    if os.environ.get("UPDATE_GOLDEN") == "1":
        for old in folder.rglob("*"):
            if old.is_file():
                old.unlink()
        for name, text in rendered.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert on_disk == set(rendered), f"golden files differ in names; after review run: {REFRESH}"
    diffs: list[str] = []
    for name, text in rendered.items():
        golden = (folder / name).read_text(encoding="utf-8")
        if golden != text:
            diffs.extend(
                difflib.unified_diff(
                    golden.splitlines(), text.splitlines(), f"golden/{name}", f"rendered/{name}", lineterm=""
                )
            )
    assert not diffs, "\n".join([*diffs, f"after review run: {REFRESH}"])
