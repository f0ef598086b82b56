"""`check` on Helm values: the generated ones pass every rule but the password placeholder; others are judged
at the line of the values file (the samples with `# expect:` lines live in tests/examples/conf/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support import ROOT, run_main

GENERATED = sorted(p for p in (ROOT / "build").glob("*/helm/*.yaml") if not p.name.startswith("prometheus"))
"""Helm values and Secrets (the PrometheusRule beside them is no input of `check`)."""


@pytest.mark.parametrize("path", GENERATED, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_generated_helm_files_only_lack_real_passwords(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_main(capsys, "check", "--format", "json", str(path))
    assert status in (0, 1), err
    assert {finding["rule"] for finding in json.loads(out or "[]")} <= {"auth.placeholder"}


def test_a_deployment_values_file_is_judged_as_validate_judges_it(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(ROOT / "examples/standalone.yaml")
    checked = run_main(capsys, "check", path)
    validated = run_main(capsys, "validate", path)
    assert checked == validated
    assert checked[0] == 0


def test_an_unknown_yaml_file_is_a_clean_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text("replicaCount: 3\n")
    status, out, _ = run_main(capsys, "check", str(other))
    assert status == 2 and "error input.kind: not values of a chart" in out


def test_a_broken_config_text_names_its_place_not_its_content(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    values = tmp_path / "values.yaml"
    values.write_text('architecture: standalone\ncommonConfiguration: |\n  requirepass "S3cretValue\n')
    status, out, err = run_main(capsys, "check", str(values))
    assert status == 2
    assert f"{values}:2:22: error conf.syntax: unbalanced quotes" in out
    assert "S3cretValue" not in out + err
