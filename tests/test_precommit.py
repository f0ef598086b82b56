"""The hooks of `.pre-commit-hooks.yaml`, installed and run by the real pre-commit (from PyPI) the way users get
them: `pre-commit try-repo` against a git repository of this project, and the README's `.pre-commit-config.yaml`
pasted into a user's repository. pre-commit installs the project into its own environment (dependencies from
PyPI, through pip's cache)."""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.venvs import ROOT, run, user_env

pytestmark = pytest.mark.install

PROJECT_FILES = (
    ".pre-commit-hooks.yaml",
    "pyproject.toml",
    "README.md",
    "build-backend",
    "generator",
    "schema",
    "templates",
)
"""What pre-commit needs of this repository: the hook list and what `pip install .` builds."""

GOOD_VALUES = (
    'mode: standalone\nredis_version: "7.0"\nauth: {password: {env: REDIS_PASSWORD}}\nignore_rules: [ha.failover]\n'
)
BAD_VALUES = GOOD_VALUES.replace("standalone", "standlone")
STOCK_CONF = "# stock\nappendonly no\nmaxmemory-policy allkeys-lru\n"
GOOD_CONF = (
    "appendonly yes\nmaxmemory 1gb\nmaxmemory-policy noeviction\nrequirepass Z8kq2Vn5Lr7Tw1Yp4Hs6Jd9Fb3Gm0Xc2Qe5Ua8\n"
)


def _git(cwd: Path, *args: str) -> str:
    done = run(["git", "-c", "user.name=test", "-c", "user.email=test@127.0.0.1", *args], cwd)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _ignore_caches(folder: str, names: list[str]) -> set[str]:
    return {n for n in names if n == "__pycache__" or n.endswith(".egg-info")}


@dataclass(frozen=True)
class PreCommit:
    repo: Path
    """A git repository of this project: the working tree's files, committed."""
    rev: str
    env: dict[str, str]

    def __call__(self, cwd: Path, *args: str) -> tuple[int, str]:
        done = run([sys.executable, "-m", "pre_commit", *args], cwd, self.env)
        return done.returncode, done.stdout + done.stderr


@pytest.fixture(scope="module")
def pre_commit(tmp_path_factory: pytest.TempPathFactory) -> PreCommit:
    repo = tmp_path_factory.mktemp("infisical-redis-config")
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, symlinks=True, ignore=_ignore_caches)
        else:
            shutil.copy2(source, repo / name)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "the working tree")
    env = user_env() | {"PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home"))}
    return PreCommit(repo, _git(repo, "rev-parse", "HEAD"), env)


@pytest.fixture
def user_repo(tmp_path: Path) -> Iterator[Path]:
    """A user's repository with a values file and a redis.conf under deploy/redis/, committed."""
    (tmp_path / "deploy" / "redis").mkdir(parents=True)
    (tmp_path / "deploy" / "redis" / "values.yaml").write_text(GOOD_VALUES, encoding="utf-8")
    (tmp_path / "deploy" / "redis" / "redis.conf").write_text(STOCK_CONF, encoding="utf-8")
    (tmp_path / "docker-compose.yaml").write_text("services:\n  web:\n    image: nginx\n", encoding="utf-8")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "deploy")
    yield tmp_path


def test_try_repo_runs_both_hooks_on_the_files_they_take(pre_commit: PreCommit, user_repo: Path) -> None:
    """One `try-repo` (each one installs the project into a fresh pre-commit store) with every hook."""
    (user_repo / "deploy" / "redis" / "bad.yaml").write_text(BAD_VALUES, encoding="utf-8")
    files = ["deploy/redis/values.yaml", "deploy/redis/bad.yaml", "deploy/redis/redis.conf"]
    status, out = pre_commit(user_repo, "try-repo", str(pre_commit.repo), "--files", *files)
    assert status == 1, out
    assert re.search(r"validate Infisical Redis values files\.+Failed", out), out
    assert "deploy/redis/bad.yaml:1:7: error " in out
    assert "deploy/redis/values.yaml:" not in out
    assert "deploy/redis/redis.conf:2:1: error persistence.aof:" in out
    assert "deploy/redis/redis.conf:3:1: error memory.noeviction:" in out


def readme_config() -> str:
    """The `.pre-commit-config.yaml` the README offers for pasting."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(repos:\n.*?)```", readme, re.S)
    assert len(blocks) == 1, "README.md should show one ```yaml block starting with 'repos:'"
    return str(blocks[0])


def test_the_readme_config_runs_both_hooks_on_their_files_only(pre_commit: PreCommit, user_repo: Path) -> None:
    config = readme_config()
    assert re.search(r"^\s+rev: v\d+\.\d+\.\d+\s", config, re.M), "pin a release tag under rev:"
    config = re.sub(r"(?m)^(\s+- repo:) \S+", rf"\1 {pre_commit.repo}", config)
    config = re.sub(r"(?m)^(\s+rev:) \S+", rf"\1 {pre_commit.rev}", config)
    (user_repo / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    _git(user_repo, "add", ".")
    status, out = pre_commit(user_repo, "run", "--all-files")
    assert status == 1, out
    assert re.search(r"validate Infisical Redis values files\.+Passed", out), out
    assert "deploy/redis/redis.conf:3:1: error memory.noeviction:" in out
    assert "docker-compose.yaml" not in out  # not a values file: the snippet's files: keeps it out
    (user_repo / "deploy" / "redis" / "redis.conf").write_text(GOOD_CONF, encoding="utf-8")
    status, out = pre_commit(user_repo, "run", "--all-files")
    assert status == 0, out
