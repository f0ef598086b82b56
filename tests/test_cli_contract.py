"""The contract users rely on: every problem is a finding (text, json, github), no traceback ever, hostile input
ends fast with exit 2 and bounded memory, and one bad file never hides the findings of the others."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.rules import engine
from generator.rules.engine import Hit, predicate
from generator.shapes.config import EffectiveConfig
from tests.support import ROOT, run_main

GOOD_CONF = "appendonly yes\nmaxmemory 1gb\nmaxmemory-policy noeviction\nrequirepass " + "A1" * 20 + "\n"
HOSTILE_SECONDS = 10
HOSTILE_MEMORY = 512 * 1024 * 1024


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """The CLI in its own process, with an address-space limit: hostile input must not grow without bound."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (HOSTILE_MEMORY, HOSTILE_MEMORY))

    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=HOSTILE_SECONDS,
        preexec_fn=limit,
        check=False,
    )


def _alias_bomb(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


HOSTILE = {
    "alias-bomb.yaml": (_alias_bomb(), "schema.yaml", "alias bomb"),
    "deep.yaml": ("a:\n" + "".join("  " * i + "b:\n" for i in range(1, 120)), "schema.yaml", "nested deeper"),
    "deep-flow.yaml": ("[" * 5000 + "]" * 5000 + "\n", "schema.yaml", "nested deeper"),
    "latin1.yaml": ("mode: standalone\nredis_version: 'caf\u00e9'\n", "input.unreadable", "not UTF-8"),
}


def _write_hostile(tmp_path: Path, name: str) -> Path:
    text = HOSTILE[name][0]
    path = tmp_path / name
    if name == "latin1.yaml":
        path.write_bytes(text.encode("latin-1"))
    else:
        path.write_text(text)
    return path


@pytest.mark.parametrize("name", sorted(HOSTILE))
@pytest.mark.parametrize("command", ["validate", "check"])
def test_hostile_files_end_fast_as_findings(tmp_path: Path, name: str, command: str) -> None:
    path = _write_hostile(tmp_path, name)
    result = _cli(command, "--format", "json", str(path))
    assert result.returncode == 2, result.stdout + result.stderr
    records = json.loads(result.stdout)
    rule, words = HOSTILE[name][1], HOSTILE[name][2]
    assert [(r["rule"], words in r["message"]) for r in records] == [(rule, True)]
    assert "Traceback" not in result.stderr


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "big.conf"
    with big.open("wb") as handle:
        handle.truncate(64 * 1024 * 1024)  # sparse: costs no disk, would cost memory if read
    result = _cli("check", str(big))
    assert result.returncode == 2
    assert "error input.unreadable: cannot read: larger than the 4 MiB limit" in result.stdout


@pytest.mark.parametrize("special", ["fifo", "/dev/zero", "directory"])
def test_special_files_are_refused_without_blocking(tmp_path: Path, special: str) -> None:
    if special == "fifo":
        target = tmp_path / "redis.conf"
        os.mkfifo(target)
    elif special == "directory":
        target = tmp_path
    else:
        target = Path(special)
    result = _cli("validate", str(target))
    assert result.returncode == 2
    assert "error input.unreadable: cannot read:" in result.stdout


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_a_yaml_error_is_a_finding_in_every_format(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(ROOT / "tests/examples/invalid/broken-yaml.yaml")
    status, out, err = run_main(capsys, "validate", "--format", fmt, path)
    assert status == 2
    assert "schema.yaml" in out
    assert err == ""
    if fmt == "json":
        assert [r["rule"] for r in json.loads(out)] == ["schema.yaml"]
    if fmt == "github":
        assert out.startswith(f"::error file={path},line=")


@pytest.fixture
def crashing_rule() -> Iterator[None]:
    """A predicate that fails as a bug would: the run must report it for that file and judge the others."""

    @predicate("env.infisical-startup", EffectiveConfig)
    def explode(cfg: EffectiveConfig) -> Iterator[Hit]:
        if any(s.name == "explode" for s in cfg.settings):
            raise KeyError("boom")
        yield from ()

    yield
    entries = engine.REGISTRY["env.infisical-startup"]
    engine.REGISTRY["env.infisical-startup"] = [e for e in entries if e.judge is not explode]


def test_a_crash_on_one_file_loses_no_other_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], crashing_rule: None
) -> None:
    bad = tmp_path / "bad.conf"
    bad.write_text("appendonly yes\nloglevel notice\nexplode yes\n")
    other = tmp_path / "other.conf"
    other.write_text("appendonly no\n")
    status, out, err = run_main(capsys, "check", str(bad), str(other))
    assert status == 2
    assert f"{bad}: error input.crash: the tool failed on this file (KeyError at explode); please report it" in out
    assert f"{other}:1:1: error persistence.aof" in out
    assert "Traceback" not in out + err


def test_validate_says_when_all_is_well(capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(p) for p in sorted((ROOT / "examples").glob("*.yaml"))[:3]]
    status, out, _ = run_main(capsys, "validate", *files)
    assert status == 0
    assert out.splitlines()[-1].startswith("3 file(s) OK")


def test_check_walks_a_folder_and_names_what_it_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "redis.conf").write_text(GOOD_CONF)
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / ".env").write_text("REDIS_URL=redis://:Zq8vN3kP7wR2tY6uI1oA5sD9fG4hJ0lK@redis:6379\n")
    (tmp_path / "notes.txt").write_text("Some prose about the deployment.\n")
    status, out, err = run_main(capsys, "check", str(tmp_path))
    assert status == 0, out + err
    assert out.strip() == "2 file(s) OK"
    assert f"{tmp_path / 'notes.txt'}: note: skipped: not a kind of file check knows" in err


def test_inline_and_command_line_silencing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conf = tmp_path / "redis.conf"
    conf.write_text("# infisical-redis: ignore persistence.aof\nappendonly no\nmaxmemory 1gb\n")
    status, out, _ = run_main(capsys, "check", str(conf))
    assert "persistence.aof" not in out
    assert ", 1 silenced" in out
    status, out, _ = run_main(capsys, "check", "--ignore", "auth.required", str(conf))
    assert "auth.required" not in out
    assert status == 0
    assert run_main(capsys, "check", "--ignore", "no.such-rule", str(conf))[0] == 2


def test_version_and_command_name(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_main(capsys, "--version")
    assert status == 0 and out.split()[-1]
    result = subprocess.run(
        [sys.executable, "-m", "generator", "validate", "--format", "xml", "x"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("usage: python -m generator validate")


def test_masking_hides_secrets_that_stand_alone_and_spares_words_that_contain_them() -> None:
    from generator.report.mask import masked

    secrets = {"infisical", "S3cret-Value-1"}
    assert masked("password S3cret-Value-1 is weak", secrets) == "password *** is weak"
    assert masked("'infisical' is a published password", secrets) == "'***' is a published password"
    assert masked("run infisical-redis migrate-aof", secrets) == "run infisical-redis migrate-aof"


def test_check_on_a_build_folder_finds_only_the_missing_passwords(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert run_main(capsys, "build", "-f", str(ROOT / "examples/sentinel.yaml"), "-o", str(out))[0] == 0
    status, report, err = run_main(capsys, "check", "--format", "json", str(out))
    assert status == 1
    assert {r["rule"] for r in json.loads(report)} == {"auth.placeholder"}
    assert "prometheus-rule.yaml: note: skipped: a Kubernetes PrometheusRule" in err


def test_a_folder_of_other_programs_files_is_skipped_not_judged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only files positively recognised are judged in a walk: a Makefile's `include`, a Debian copyright file
    (almost YAML), a sysctl.conf of comments, a text with a form feed are named as skipped, never errors."""
    (tmp_path / "Makefile").write_text("include ../Makefile.common\n\nbuild:\n\tgo build ./...\n")
    (tmp_path / "copyright").write_text("Format: https://example.org/copyright\nUpstream-Name: x\n\nFiles: *\n")
    (tmp_path / "sysctl.conf").write_text("# kernel.printk = 3 4 1 3\n")
    (tmp_path / "notes.txt").write_text("Some text\n\x0c\nmore text\n")
    (tmp_path / "redis.conf").write_text(GOOD_CONF)
    status, out, err = run_main(capsys, "check", str(tmp_path))
    assert (status, out.strip()) == (0, "1 file(s) OK"), out + err
    assert err.count("note: skipped") == 4
    assert "input.crash" not in out + err
