"""`check` on tests/examples/conf/: every sample states its findings in `# expect:` lines (none: clean)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator.judge import judge_input
from generator.schema.versions import parse_target
from generator.sources.conf import read_conf
from generator.sources.kind import text_kind
from tests.realserver.binaries import require
from tests.realserver.processes import quick_load_check, replace_dir_directive
from tests.support import expected_exit, expected_findings, reported_findings, run_main

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted(p for p in (ROOT / "tests/examples/conf").iterdir() if p.is_file())
EXPECT_TARGET = re.compile(r"^# expect-target: (\S+)$", re.M)
EXPECT_STDERR = re.compile(r"^# expect-stderr: (.+)$", re.M)
STRONG = "Zq8vN3kP7wR2tY6uI1oA5sD9fG4hJ0lKxCvB"


_run = run_main


def _target_args(text: str) -> list[str]:
    match = EXPECT_TARGET.search(text)
    return ["--redis-version", match[1]] if match else []


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_samples_report_exactly_their_stated_findings(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = path.read_text()
    expected = expected_findings(text)
    status, out, err = _run(capsys, "check", *_target_args(text), str(path))
    assert status == expected_exit(text, expected), out + err
    assert reported_findings(out, path) == expected, out + err
    for stated in EXPECT_STDERR.findall(text):
        assert f"{path}:{stated}" in err


def test_a_syntax_error_names_the_place_never_the_line(capsys: pytest.CaptureFixture[str]) -> None:
    path = ROOT / "tests/examples/conf/syntax-error.conf"
    status, out, err = _run(capsys, "check", str(path))
    assert status == 2
    assert out.startswith(f"{path}:4:13: error conf.syntax: unbalanced quotes (docs: ")
    assert "SECRET" not in out + err


def test_secrets_never_appear_in_any_format(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    secret = 'Weak pass"word-TopSecret'
    conf = tmp_path / "redis.conf"
    escaped = secret.replace('"', '\\"')
    conf.write_text(f'requirepass "{escaped}"\nmasterauth "{escaped}"\nuser app on >Short-TopSecret ~* +@all\n')
    sentinel = tmp_path / "sentinel.conf"
    sentinel.write_text(f'sentinel monitor m 10.0.0.1 6379 2\nsentinel auth-pass m "{escaped}"\n')
    for fmt in ("text", "json", "github"):
        status, out, err = _run(capsys, "check", "--format", fmt, str(conf), str(sentinel))
        assert status == 1, err
        assert "auth.password-strength" in out
        assert "TopSecret" not in out + err


def test_json_format(capsys: pytest.CaptureFixture[str]) -> None:
    path = ROOT / "tests/examples/conf/allkeys-lru.conf"
    status, out, _ = _run(capsys, "check", "--format", "json", str(path))
    assert status == 1
    assert [(r["line"], r["column"], r["rule"]) for r in json.loads(out)] == [(7, 3, "memory.noeviction")]


def test_github_format_annotates_the_line(capsys: pytest.CaptureFixture[str]) -> None:
    path = ROOT / "tests/examples/conf/allkeys-lru.conf"
    _, out, _ = _run(capsys, "check", "--format", "github", str(path))
    assert out.startswith(f"::error file={path},line=7,col=3,title=memory.noeviction::")


def test_absolute_includes_are_followed_in_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    included = tmp_path / "conf.d" / "persistence.conf"
    included.parent.mkdir()
    included.write_text("# overrides the main file's appendonly no\n  appendonly yes\nmaxmemory-policy volatile-lru\n")
    main_conf = tmp_path / "redis.conf"
    main_conf.write_text(
        f"requirepass {STRONG}\nmaxmemory 1gb\nappendonly no\ninclude {included}\nmaxmemory-policy noeviction\n"
    )
    status, out, err = _run(capsys, "check", str(main_conf))
    assert (status, out, err) == (0, "1 file(s) OK\n", "")
    included.write_text('rename-command EVAL ""\n')
    status, out, _ = _run(capsys, "check", str(main_conf))
    assert status == 1
    assert f"{included}:1:1: error commands.required" in out
    assert f"{main_conf}:3:1: error persistence.aof" in out


def test_includes_that_cannot_be_followed_are_notes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conf = tmp_path / "redis.conf"
    conf.write_text(
        f"requirepass {STRONG}\nappendonly yes\nmaxmemory 1gb\ninclude local.conf\n"
        f"include {tmp_path}/missing.conf\ninclude /etc/redis/conf.d/*.conf\ninclude {conf}\n"
    )
    status, out, err = _run(capsys, "check", str(conf))
    assert (status, out) == (0, "1 file(s) OK\n")
    notes = err.splitlines()
    assert [n.split(": note: ")[0] for n in notes] == [f"{conf}:{line}:1" for line in (4, 5, 6, 7)]
    assert "working directory" in notes[0]
    assert "does not exist here" in notes[1]
    assert "glob" in notes[2]
    assert "includes itself" in notes[3]


def test_syntax_error_in_an_included_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    included = tmp_path / "secret.conf"
    included.write_text("\nrequirepass 'Leaky-TopSecret\n")
    conf = tmp_path / "redis.conf"
    conf.write_text(f"include {included}\n")
    status, out, err = _run(capsys, "check", str(conf))
    assert status == 2
    assert out.startswith(f"{included}:2:13: error conf.syntax: unbalanced quotes")
    assert "TopSecret" not in out + err


def test_unreadable_file_and_bad_version_are_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, "check", "/nonexistent/redis.conf")
    assert status == 2
    assert out.startswith("/nonexistent/redis.conf: error input.unreadable: cannot read")
    status, _, err = _run(capsys, "check", "--redis-version", "5.0", str(SAMPLES[0]))
    assert status == 2
    assert "--redis-version: 5.0 is older than the oldest known line" in err


def test_file_kinds_are_recognised_by_content() -> None:
    kinds = {
        "REDIS_URL=redis://redis:6379\nexport NODE_ENV=production\n": "dotenv",
        "appendonly yes\nsave 3600 1\n": "conf",
        "sentinel monitor mymaster 10.0.0.1 6379 2\nport 26379\n": "conf",
        "services:\n  redis:\n    image: redis\n": "yaml",
        "# only a comment\n": None,
    }
    assert {text: text_kind(text) for text in kinds} == kinds
    assert text_kind("# only a comment\n", "redis.conf") == "conf"


def test_conf_source_gives_findings_and_notes(tmp_path: Path) -> None:
    conf = tmp_path / "redis.conf"
    conf.write_text("appendonly yes\nappenddirname aof\ninclude rel.conf\n")
    run = judge_input("redis.conf", lambda: read_conf(conf, "redis.conf", parse_target("6.2")))
    assert {f.rule_id for f in run.findings} >= {"version.directive", "memory.maxmemory"}
    assert [str(n.where) for n in run.notes] == ["redis.conf:3:1"]


def test_exit_status_through_python_dash_m() -> None:
    def status(*files: str) -> int:
        args = [sys.executable, "-m", "generator", "check", *files]
        return subprocess.run(args, cwd=ROOT, capture_output=True, timeout=60, check=False).returncode

    conf = "tests/examples/conf"
    assert status(f"{conf}/generated-standalone.conf") == 0
    assert status(f"{conf}/allkeys-lru.conf") == 1
    assert status(f"{conf}/syntax-error.conf") == 2


@pytest.mark.server
def test_the_clean_sample_loads_in_real_redis_and_directive_errors_match_6_2(tmp_path: Path) -> None:
    """What `check` calls clean, Redis 7.0 loads; what it calls a version.directive error, 6.2 refuses."""
    text = replace_dir_directive((ROOT / "tests/examples/conf/generated-standalone.conf").read_text(), tmp_path)
    conf = tmp_path / "redis.conf"
    conf.write_text(text)
    loaded = quick_load_check(require("redis-7.0"), conf)
    assert loaded.ok, loaded.output
    refused = quick_load_check(require("redis-6.2"), conf)
    assert not refused.ok
    assert refused.error_line == text.splitlines().index("appenddirname appendonlydir") + 1
