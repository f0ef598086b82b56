"""`build`: what it writes for the examples, `--check`, one-file builds, secrets, and nothing half-written."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest

from generator.build import deployment_outputs, project_outputs
from generator.cli.main import build_parser, main
from generator.formats.conf import parse_conf
from generator.render.output import stale_files, write_outputs
from generator.render.secrets import PLACEHOLDERS
from generator.rules.env import check_infisical_env

ROOT = Path(__file__).resolve().parent.parent
BUILT = ROOT / "build"
CONFS = sorted(BUILT.glob("*/*.conf"))
DATA_CONFS = [p for p in CONFS if "sentinel" not in p.name]
ENVS = sorted(BUILT.glob("*/infisical.env"))
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def test_every_example_is_built() -> None:
    assert {p.parent.name for p in CONFS} == {p.stem for p in EXAMPLES}
    assert {p.parent.name for p in ENVS} == {p.stem for p in EXAMPLES}
    modes = {"standalone": "redis.conf", "sentinel": "sentinel.conf", "cluster": "redis-cluster-node.conf"}
    for example, conf in modes.items():
        assert (BUILT / example / conf).is_file()
    assert {p.name for p in (BUILT / "sentinel").glob("*.conf")} == {
        "redis-master.conf",
        "redis-replica.conf",
        "sentinel.conf",
    }


@pytest.mark.parametrize("path", DATA_CONFS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_data_node_conf_is_durable(path: Path) -> None:
    settings = {line.name: line.args for line in parse_conf(path.read_text())}
    assert settings["appendonly"] == ("yes",)
    assert settings["appendfsync"] == ("everysec",)
    assert settings["maxmemory-policy"] == ("noeviction",)
    assert settings["maxmemory"][0] not in ("0", "")


@pytest.mark.parametrize("path", ENVS, ids=lambda p: p.parent.name)
def test_every_env_passes_infisical_startup_validation(path: Path) -> None:
    assert check_infisical_env(path.read_text()) == []


def test_build_check_passes_on_the_committed_tree(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--check"]) == 0
    assert "up to date" in capsys.readouterr().out


def _project_copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    return tmp_path


def test_check_catches_hand_edits_and_leftovers(tmp_path: Path) -> None:
    root = _project_copy(tmp_path)
    rendered = project_outputs(build_parser(), root)
    assert write_outputs(rendered)
    assert stale_files(project_outputs(build_parser(), root)) == []
    edited = root / "build/standalone/redis.conf"
    edited.write_text(edited.read_text().replace("noeviction", "allkeys-lru"))
    leftover = root / "build/old-example/redis.conf"
    leftover.parent.mkdir()
    leftover.write_text("appendonly yes\n")
    assert stale_files(project_outputs(build_parser(), root)) == [leftover, edited]
    write_outputs(project_outputs(build_parser(), root))
    assert not leftover.exists() and "noeviction" in edited.read_text()


def test_one_file_build_writes_its_artifacts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["build", "-f", str(ROOT / "examples/sentinel.yaml"), "-o", str(out)]) == 0
    assert {p.name for p in out.glob("*.conf")} == {
        "redis-master.conf",
        "redis-replica.conf",
        "sentinel.conf",
    }
    assert main(["build", "-f", str(ROOT / "examples/sentinel.yaml"), "-o", str(out), "--check"]) == 0
    capsys.readouterr()


def test_invalid_values_write_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    bad = ROOT / "tests/examples/invalid/eviction-and-aof.yaml"
    assert main(["build", "-f", str(bad), "-o", str(out)]) == 1
    captured = capsys.readouterr()
    assert "memory.noeviction" in captured.out and "nothing written" in captured.err
    assert not out.exists()


def test_resolve_secrets_writes_private_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    password = "A" * 20 + "b7" * 10
    monkeypatch.setenv("REDIS_PASSWORD", password)
    out = tmp_path / "out"
    assert main(["build", "-f", str(ROOT / "examples/standalone.yaml"), "-o", str(out), "--resolve-secrets"]) == 0
    conf = (out / "redis.conf").read_text()
    assert f"requirepass {password}" in conf and "replace-me" not in conf
    assert f":{password}@" in (out / "infisical.env").read_text()
    assert stat.S_IMODE((out / "redis.conf").stat().st_mode) == 0o600
    capsys.readouterr()


def test_resolve_secrets_without_the_variable_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("REDIS_PASSWORD", raising=False)
    out = tmp_path / "out"
    status = main(["build", "-f", str(ROOT / "examples/standalone.yaml"), "-o", str(out), "--resolve-secrets"])
    assert status == 2 and not out.exists()
    assert "REDIS_PASSWORD is not set" in capsys.readouterr().err


def test_build_flags_misuse(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "-f", "x.yaml"]) == 2
    assert main(["build", "--resolve-secrets"]) == 2
    capsys.readouterr()


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.render.output as build_module

    out = tmp_path / "new" / "out"
    rendered = deployment_outputs(ROOT / "examples/sentinel.yaml", out, PLACEHOLDERS)
    real_stage = build_module._stage
    calls = 0

    def failing_stage(path: Path, text: str, mode: int) -> Path:
        nonlocal calls
        calls += 1
        if calls == len(rendered.files):  # the last file: every other one is already staged
            raise OSError(28, "No space left on device", str(path))
        return real_stage(path, text, mode)

    monkeypatch.setattr(build_module, "_stage", failing_stage)
    with pytest.raises(OSError, match="No space"):
        write_outputs(rendered)
    assert not (tmp_path / "new").exists()


def test_unwritable_output_is_a_clean_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["build", "-f", str(ROOT / "examples/standalone.yaml"), "-o", str(blocker / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("build: nothing written: cannot write") and "Traceback" not in err


def test_build_prints_its_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    values = tmp_path / "values.yaml"
    values.write_text("mode: standalone\nredis_version: '7.2'\n")
    assert main(["build", "-f", str(values), "-o", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert f"{values}:1:7: warning ha.failover" in out
    assert "wrote" in out


def test_build_keeps_its_folder_to_itself(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "redis.conf").write_text("# the user's own file\n")
    standalone = str(ROOT / "examples/standalone.yaml")
    assert main(["build", "-f", standalone, "-o", str(out)]) == 1
    captured = capsys.readouterr()
    assert "not written by build: " in captured.out and "--force" in captured.err
    assert (out / "redis.conf").read_text() == "# the user's own file\n"
    assert main(["build", "-f", standalone, "-o", str(out), "--force"]) == 0
    assert main(["build", "-f", str(ROOT / "examples/sentinel.yaml"), "-o", str(out)]) == 0
    assert not (out / "redis.conf").exists(), "a file the new render no longer produces is removed"
    assert (out / "sentinel.conf").exists()
    (out / "notes.md").write_text("kept\n")
    assert main(["build", "-f", standalone, "-o", str(out)]) == 0
    assert (out / "notes.md").read_text() == "kept\n", "files build never wrote are left alone"
    assert not (out / "sentinel.conf").exists()
    text = capsys.readouterr()
    assert ".tmp" not in text.out + text.err


def test_build_without_a_file_outside_the_checkout_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["build"]) == 2
    err = capsys.readouterr().err
    assert "runs inside its checkout only" in err and "build -f VALUES.yaml -o OUT/" in err
