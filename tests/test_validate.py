"""`validate` on tests/examples/{valid,invalid}/: every invalid file states its findings in `# expect:` lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support import ROOT, expected_exit, expected_findings, reported_findings, run_main

VALID = sorted([*(ROOT / "tests/examples/valid").glob("*.yaml"), *(ROOT / "examples").glob("*.yaml")])
INVALID = sorted((ROOT / "tests/examples/invalid").glob("*.yaml"))
_run = run_main


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_files_have_no_errors(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(capsys, "validate", "--format", "json", str(path))
    assert status == 0, out + err
    assert all(f["severity"] == "warning" for f in json.loads(out or "[]"))


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_files_report_exact_positions(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = path.read_text()
    expected = expected_findings(text)
    assert expected, f"{path.name} states no '# expect:' lines"
    status, out, err = _run(capsys, "validate", str(path))
    assert status == expected_exit(text, expected), out + err
    assert reported_findings(out + err, path) == expected


def test_every_finding_line_links_its_docs(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, "validate", str(ROOT / "tests/examples/invalid/eviction-and-aof.yaml"))
    assert status == 1
    lines = out.splitlines()[:-1]
    assert lines and all("(docs: https://" in line and "/reference/rules/" in line for line in lines)
    assert out.splitlines()[-1] == "2 error(s), 2 warning(s)"


def test_json_format_carries_the_same_findings(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(ROOT / "tests/examples/invalid/eviction-and-aof.yaml")
    status, out, _ = _run(capsys, "validate", "--format", "json", path)
    records = json.loads(out)
    assert status == 1
    assert {(r["line"], r["column"], r["rule"]) for r in records} >= {
        (12, 21, "memory.noeviction"),
        (9, 8, "persistence.aof"),
    }
    assert all(set(r) == {"file", "line", "column", "severity", "rule", "message", "docs"} for r in records)


def test_secret_values_are_never_echoed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    secret = "S3cr3t-Value-Nobody-Should-See"
    values = tmp_path / "v.yaml"
    values.write_text(
        f"mode: standalone\nredis_version: '7.0'\nauth:\n  password: {secret}\n"
        f"  sentinel_password: {{env: {secret}}}\nbogus: {secret}\n"
    )
    for fmt in ("text", "json", "github"):
        _, out, err = _run(capsys, "validate", "--format", fmt, str(values))
        assert secret not in out + err
    dup = tmp_path / "dup.yaml"
    dup.write_text(f"auth:\n  password: {secret}\n  password: {secret}2\n")
    status, out, err = _run(capsys, "validate", str(dup))
    assert status == 2 and secret not in out + err


def test_unreadable_file_and_misuse_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, out, _ = _run(capsys, "validate", str(tmp_path / "missing.yaml"))
    assert status == 2 and "error input.unreadable: cannot read" in out
    assert _run(capsys, "validate")[0] == 2
    assert _run(capsys, "validate", "--format", "xml", str(VALID[0]))[0] == 2
