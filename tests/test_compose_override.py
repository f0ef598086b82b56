"""A compose project with an override file: `docker compose` without ``-f`` merges docker-compose.override.yml onto
docker-compose.yml, so `check` judges the merge, each finding in the file that writes the value. The merge is held
to Debian's real docker-compose (`docker-compose config`) on pairs written the ways people write them."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from generator.cli.main import main
from generator.formats.yaml import parse_yaml
from generator.sources.compose.merge import merge, project_pair
from tests.realserver.binaries import missing

BASE = """\
services:
  redis:
    image: redis:7.2
    command: redis-server --save 60 1
    environment:
      - LOG_LEVEL=notice
      - KEEP=base
    ports:
      - "6379:6379"
    volumes:
      - redis_data:/data
      - ./conf:/usr/local/etc/redis
  app:
    image: infisical/infisical:latest-postgres
    environment:
      REDIS_URL: redis://redis:6379
volumes:
  redis_data:
"""

PAIRS = {
    "command replaced, environment merged by name across forms": """\
services:
  redis:
    command: ["redis-server", "--appendonly", "yes", "--appendfsync", "no"]
    environment:
      LOG_LEVEL: warning
      EXTRA: "1"
""",
    "volume replaced by its target, port appended": """\
services:
  redis:
    volumes:
      - redis_aof:/data
    ports:
      - "127.0.0.1:6380:6379"
volumes:
  redis_aof:
""",
    "a service only the override has, and a changed image": """\
services:
  redis:
    image: valkey/valkey:8.1
  sentinel:
    image: redis:7.2
    command: redis-sentinel /etc/sentinel.conf
""",
}


def _compose_config(folder: Path) -> dict[str, Any]:
    binary = shutil.which("docker-compose")
    if binary is None:
        missing("docker-compose not found; install it with: apt-get install docker-compose")
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")}
    done = subprocess.run([binary, "config"], cwd=folder, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    loaded: dict[str, Any] = YAML(typ="safe").load(done.stdout)
    return loaded


def _env(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    return dict(str(item).split("=", 1) for item in value or [])


def _targets(volumes: Any) -> set[str]:
    found = set()
    for entry in volumes or []:
        parts = str(entry).split(":")
        found.add(entry["target"] if isinstance(entry, dict) else parts[1] if len(parts) > 1 else parts[0])
    return found


def _command(value: Any) -> list[str]:
    return value if isinstance(value, list) else str(value).split()


def _write_pair(folder: Path, override: str) -> None:
    folder.mkdir()
    (folder / "conf").mkdir()
    (folder / "docker-compose.yml").write_text(BASE)
    (folder / "docker-compose.override.yml").write_text(override)


@pytest.mark.parametrize("override", PAIRS.values(), ids=list(PAIRS))
def test_the_merge_is_what_docker_compose_runs(override: str, tmp_path: Path) -> None:
    folder = tmp_path / "project"
    _write_pair(folder, override)
    theirs = _compose_config(folder)["services"]
    ours = merge(parse_yaml(BASE), parse_yaml(override)).data["services"]
    assert set(ours) == set(theirs)
    for name, service in theirs.items():
        mine = ours[name]
        assert mine.get("image") == service.get("image"), name
        assert _command(mine.get("command", [])) == _command(service.get("command", [])), name
        assert _env(mine.get("environment")) == _env(service.get("environment")), name
        assert _targets(mine.get("volumes")) == _targets(service.get("volumes")), name
        assert len(mine.get("ports", [])) == len(service.get("ports", [])), name


def test_each_value_is_located_in_the_file_that_writes_it() -> None:
    override = PAIRS["command replaced, environment merged by name across forms"]
    merged = merge(parse_yaml(BASE), parse_yaml(override))
    assert merged.origins[("services", "redis", "command")] == (1, ("services", "redis", "command"))
    assert merged.origins[("services", "redis", "environment", "LOG_LEVEL")] == (
        1,
        ("services", "redis", "environment", "LOG_LEVEL"),
    )
    assert merged.origins[("services", "redis", "environment", "KEEP")] == (
        0,
        ("services", "redis", "environment", 1),
    )
    assert merged.origin(("services", "redis", "image", "nowhere")) == ((0, ("services", "redis", "image")), 1)


def test_only_the_files_docker_compose_reads_by_default_make_a_pair(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text(BASE)
    (tmp_path / "docker-compose.prod.yml").write_text(BASE)
    assert project_pair(tmp_path / "docker-compose.yml") is None  # no override beside it
    (tmp_path / "docker-compose.override.yml").write_text(PAIRS["volume replaced by its target, port appended"])
    pair = (tmp_path / "docker-compose.yml", tmp_path / "docker-compose.override.yml")
    assert project_pair(tmp_path / "docker-compose.yml") == pair
    assert project_pair(tmp_path / "docker-compose.override.yml") == pair
    assert project_pair(tmp_path / "docker-compose.prod.yml") is None  # run with -f: docker compose reads it alone


def test_check_judges_the_merge_from_either_file_and_reports_each_finding_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "project"
    _write_pair(folder, PAIRS["command replaced, environment merged by name across forms"])
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / "docker-compose.yml").write_text(BASE)
    assert main(["check", str(alone)]) == 1
    assert "persistence.aof" in capsys.readouterr().out  # the project file alone saves snapshots only

    outputs = []
    for target in (folder, folder / "docker-compose.yml", folder / "docker-compose.override.yml"):
        main(["check", str(target)])
        captured = capsys.readouterr()
        assert "judged together with" in captured.err
        outputs.append(captured.out)
    assert "persistence.aof" not in outputs[0]  # the override turns AOF on
    assert outputs[0] == outputs[1] == outputs[2]
    findings = [line for line in outputs[0].splitlines() if ": error " in line or ": warning " in line]
    assert findings and len(findings) == len(set(findings))
    fsync = next(line for line in findings if "persistence.appendfsync" in line)
    assert fsync.startswith(f"{folder / 'docker-compose.override.yml'}:3:"), fsync  # in the override's command
