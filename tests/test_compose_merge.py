"""The docker-compose guide, followed as a new user would: its own commands and files, a compose file shaped like
Infisical's, `docker-compose config` on the result, the real server started with the effective command, and a
BullMQ client connecting with `REDIS_URL` from `.env` exactly as Infisical does.

The compose file below is written here from what Infisical's `docker-compose.prod.yml` is known to do (facts:
`backend`, `db` and `redis` on a network called `infisical`; an untagged `redis` image publishing `6379:6379`
with `ALLOW_EMPTY_PASSWORD=yes` and a `/data` volume), not copied from it.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.realserver.binaries import find, missing
from tests.realserver.node_client import NodeClient
from tests.realserver.processes import RedisServer, replace_dir_directive
from tests.support import ROOT

GUIDE = ROOT / "docs/guides/docker-compose.md"
COMPOSE = "docker-compose.prod.yml"
GENERATED = "redis/docker-compose.redis.yaml"

INFISICAL_COMPOSE = """\
services:
  db:
    image: postgres:14-alpine
    restart: always
    env_file: .env
    volumes:
      - pg_data:/var/lib/postgresql/data
    networks:
      - infisical

  redis:
    image: redis
    restart: always
    env_file: .env
    environment:
      - ALLOW_EMPTY_PASSWORD=yes
    ports:
      - 6379:6379
    volumes:
      - redis_data:/data
    networks:
      - infisical

  backend:
    image: infisical/infisical:latest-postgres
    restart: unless-stopped
    depends_on:
      - db
      - redis
    env_file: .env
    ports:
      - 80:8080
    environment:
      - NODE_ENV=production
    networks:
      - infisical

volumes:
  pg_data:
    driver: local
  redis_data:
    driver: local

networks:
  infisical:
"""

INFISICAL_ENV = """\
ENCRYPTION_KEY=0123456789abcdef0123456789abcdef
AUTH_SECRET=not-a-real-secret
POSTGRES_PASSWORD=infisical
POSTGRES_USER=infisical
POSTGRES_DB=infisical
DB_CONNECTION_URI=postgres://${POSTGRES_USER}:${POSTGRES_PASSWORD}@db:5432/${POSTGRES_DB}
REDIS_URL=redis://redis:6379
SITE_URL=http://localhost:8080
"""


# --- the guide's own blocks ----------------------------------------------------------------------------------


def _sections(page: str) -> dict[str, str]:
    """``## N. Title`` sections of the guide by their number."""
    parts = re.split(r"^## (\d+)\. .*$", page, flags=re.MULTILINE)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def _blocks(section: str, lang: str) -> list[tuple[str, str]]:
    """(title, body) of each fenced block of one language, at any indentation."""
    found = []
    pattern = re.compile(rf"^( *)```{lang}(?: title=\"([^\"]+)\")?\n(.*?)^\1```", re.MULTILINE | re.DOTALL)
    for match in pattern.finditer(section):
        indent = len(match[1])
        body = "".join(line[indent:] for line in match[3].splitlines(keepends=True))
        found.append((match[2] or "", body))
    return found


@pytest.fixture(scope="module")
def guide() -> dict[str, str]:
    return _sections(GUIDE.read_text(encoding="utf-8"))


def _run_shell(script: str, cwd: Path) -> None:
    """Run a block from the page with bash; `infisical-redis` is this checkout's `python -m generator`."""
    bindir = cwd / ".bin"
    bindir.mkdir(exist_ok=True)
    shim = bindir / "infisical-redis"
    shim.write_text(f'#!/bin/sh\nPYTHONPATH={ROOT} exec {sys.executable} -m generator "$@"\n')
    shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}"}
    for name in [n for n in env if n.startswith("REDIS_")]:
        del env[name]
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"{script}\n{result.stdout}{result.stderr}"


# --- the merge the guide describes -----------------------------------------------------------------------------


def replace_redis_service(compose_text: str, generated_text: str) -> str:
    """Step 4 of the guide: delete the stock `redis` service, paste the generated one in its place, keep the
    top-level volumes and networks it names."""
    yaml = YAML()
    compose = yaml.load(compose_text)
    generated = yaml.load(generated_text)
    compose["services"]["redis"] = generated["services"]["redis"]
    for section in ("volumes", "networks"):
        for name in generated.get(section) or {}:
            if compose.get(section) is None:
                compose[section] = {}
            if name not in compose[section]:
                compose[section][name] = generated[section][name]
    out = io.StringIO()
    yaml.dump(compose, out)
    return out.getvalue()


def _docker_compose() -> str:
    binary = shutil.which("docker-compose")
    if binary is None:
        missing("docker-compose not found; install it with: apt-get install docker-compose")
        raise AssertionError("unreachable")
    return binary


def compose_config(directory: Path, *files: str) -> dict[str, Any]:
    """`docker-compose config` of the files (with `.env` of the directory), as data."""
    args = [_docker_compose(), *(arg for name in files for arg in ("-f", name)), "config"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("REDIS_")}
    result = subprocess.run(args, cwd=directory, env=env, capture_output=True, text=True, check=False, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    config: dict[str, Any] = YAML(typ="safe").load(result.stdout)
    return config


def _networks(service: dict[str, Any]) -> set[str]:
    return set(service.get("networks") or ())  # a list of names, or a map keyed by name


def service_problems(config: dict[str, Any], env: dict[str, str]) -> list[str]:
    """What is wrong with the `redis` service of an effective compose config, for Infisical."""
    redis, backend = config["services"]["redis"], config["services"]["backend"]
    problems = []
    if redis.get("ports"):
        problems.append(f"publishes {redis['ports']}")
    if not _networks(redis) & _networks(backend):
        problems.append(f"no network shared with backend ({_networks(redis)} vs {_networks(backend)})")
    image = str(redis.get("image", ""))
    tag = image.rpartition(":")[2] if ":" in image.rpartition("/")[2] else ""
    if not tag or tag == "latest":
        problems.append(f"image {image!r} is not pinned to a line")
    volumes = [
        str(v) if not isinstance(v, dict) else f"{v.get('source')}:{v.get('target')}" for v in redis.get("volumes", [])
    ]
    if not any(v.startswith("redis_data:/data") for v in volumes):
        problems.append(f"no named volume at /data: {volumes}")
    command = redis.get("command") or []
    if not command or not str(command[0]).endswith("-server") or not any(str(c).endswith(".conf") for c in command):
        problems.append(f"command does not run a config file: {command}")
    password = env.get("INFISICAL_REDIS_PASSWORD", "")
    if not password or command[-2:] != ["--requirepass", password]:
        problems.append("the password does not come from the environment (--requirepass ${INFISICAL_REDIS_PASSWORD})")
    return problems


def _dotenv(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line and not line.startswith("#"))
    return {key: value for key, value in pairs}


# --- the tests ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def followed(guide: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A folder like Infisical's, after steps 1 to 4 of the guide."""
    folder = tmp_path_factory.mktemp("infisical")
    (folder / COMPOSE).write_text(INFISICAL_COMPOSE)
    (folder / ".env").write_text(INFISICAL_ENV)
    [(title, values)] = _blocks(guide["1"], "yaml")
    assert title == "redis-values.yaml"
    (folder / title).write_text(values)
    for step in ("2", "3"):
        for _, script in _blocks(guide[step], "sh"):
            _run_shell(script, folder)
    (folder / COMPOSE).write_text(replace_redis_service(INFISICAL_COMPOSE, (folder / GENERATED).read_text()))
    yield folder


def test_guide_embeds_the_generated_service(guide: dict[str, str]) -> None:
    """The page shows the file `build` writes for the example, and the example is the page's values file."""
    assert '--8<-- "build/standalone/docker-compose.redis.yaml"' in guide["4"]
    [(_, values)] = _blocks(guide["1"], "yaml")
    page_values = YAML(typ="safe").load(values)
    example = YAML(typ="safe").load((ROOT / "examples/standalone.yaml").read_text())
    assert {k: v for k, v in page_values.items() if k != "ignore_rules"} == {
        k: v for k, v in example.items() if k in page_values and k != "ignore_rules"
    }


def test_stock_compose_and_an_override_keep_the_problems(followed: Path) -> None:
    """The negative controls: Infisical's stock service, and the generated file used as an override (`-f a -f b`
    merges lists, so the stock port stays), are both reported."""
    env = _dotenv(followed / ".env")
    stock = followed / "stock.yml"
    stock.write_text(INFISICAL_COMPOSE)
    problems = service_problems(compose_config(followed, stock.name), env)
    assert any("publishes" in p for p in problems) and any("not pinned" in p for p in problems), problems
    override = service_problems(compose_config(followed, stock.name, GENERATED), env)
    assert any("publishes" in p for p in override), override


def test_merged_file_is_right_for_infisical(followed: Path) -> None:
    env = _dotenv(followed / ".env")
    password = env["INFISICAL_REDIS_PASSWORD"]
    assert env["REDIS_URL"] == f"redis://:{password}@redis:6379"
    assert re.fullmatch(r"[A-Za-z0-9]{32,}", password)
    assert not any(password in p.read_text() for p in followed.rglob("*") if p.is_file() and p.name != ".env")
    config = compose_config(followed, COMPOSE)
    assert service_problems(config, env) == []
    assert set(config["services"]) == {"db", "redis", "backend"}


def test_check_judges_the_merged_file_clean_and_the_stock_one_not(guide: dict[str, str], followed: Path) -> None:
    """Step 6's `infisical-redis check docker-compose.prod.yml .env`; Infisical's stock file is the negative control."""
    [command] = [
        c for _, block in _blocks(guide["6"], "sh") for c in block.splitlines() if "infisical-redis check" in c
    ]
    _run_shell(command, followed)
    stock = followed / "stock-check"
    stock.mkdir(exist_ok=True)
    (stock / COMPOSE).write_text(INFISICAL_COMPOSE)
    (stock / ".env").write_text(INFISICAL_ENV)
    with pytest.raises(AssertionError) as failed:
        _run_shell(command, stock)
    for rule in ("persistence.aof", "network.published", "version.image-tag"):
        assert rule in str(failed.value), str(failed.value)


@pytest.mark.server
@pytest.mark.node
def test_bullmq_job_survives_kill_9_on_the_merged_service(
    followed: Path, node_client: NodeClient, tmp_path: Path
) -> None:
    """The server started as the merged service would start it: the generated redis.conf, then the command's
    options; its `dir /data` pointed at a temp dir (the volume). Infisical's client from `REDIS_URL` in `.env`."""
    binary = find("redis-7.0")
    if binary is None:
        missing("redis-server 7.0 not found; install it with: apt-get install redis-server")
        raise AssertionError("unreachable")
    config = compose_config(followed, COMPOSE)
    command = [str(c) for c in config["services"]["redis"]["command"]]
    conf = tmp_path / "redis.conf"
    conf.write_text(replace_dir_directive((followed / "redis.conf").read_text(), tmp_path))
    env = _dotenv(followed / ".env")
    with RedisServer(binary, conf, workdir=tmp_path, extra_args=tuple(command[2:])) as server:
        url = env["REDIS_URL"].replace("@redis:6379", f"@127.0.0.1:{server.port}")
        queued = node_client.run("enqueue", "--queue", "secret-sync", "--count", "200", env={"REDIS_URL": url})
        assert queued.ok, queued.describe()
        wrong = node_client.run(
            "ping", "--timeout-ms", "3000", env={"REDIS_URL": url.replace(env["INFISICAL_REDIS_PASSWORD"], "x")}
        )
        assert not wrong.ok  # the password really is the one from .env
        server.kill9()
        server.start()
        counted = node_client.run("count", "--queue", "secret-sync", env={"REDIS_URL": url})
        assert counted.ok, counted.describe()
        assert counted.data["waiting"] == 200, counted.data
