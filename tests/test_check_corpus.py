"""`check` on the corpus of chart values, Secrets, `.env` files and Sentinel configs (tests/examples/charts/,
env/, sentinel/): every file states each finding it must produce in `# expect: LINE:COL severity RULE` lines
(compared as sets) and its exit code (`# expect-exit: N`, else derived from the findings)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import ROOT, expected_exit, expected_findings, reported_findings, run_main

CORPUS = sorted(
    path for folder in ("charts", "env", "sentinel") for path in (ROOT / "tests/examples" / folder).iterdir()
)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus_file_reports_exactly_its_stated_findings(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = path.read_text()
    expected = expected_findings(text)
    status, out, err = run_main(capsys, "check", str(path))
    assert reported_findings(out, path) == expected, out + err
    assert status == expected_exit(text, expected), out + err
