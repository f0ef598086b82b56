"""The generated docker-compose service: the image of the target line, the generated config, a data volume."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from generator.judge import validate_file
from generator.render.compose import COMPOSE_FILE, compose_files, compose_password_env
from generator.schema.env_vars import ENV_VARS
from generator.schema.values import Deployment
from tests.realserver.binaries import missing
from tests.support import ROOT

STANDALONE = sorted(
    p
    for p in [*(ROOT / "examples").glob("*.yaml"), *(ROOT / "tests/examples/valid").glob("*.yaml")]
    if "mode: standalone" in p.read_text()
)


def _deployment(path: Path) -> Deployment:
    checked = validate_file(path)
    assert checked.deployment is not None
    return checked.deployment


@pytest.mark.parametrize("path", STANDALONE, ids=lambda p: p.stem)
def test_service_runs_the_generated_config_on_a_volume(path: Path) -> None:
    dep = _deployment(path)
    service = YAML(typ="safe").load(compose_files(dep)[COMPOSE_FILE])["services"]["redis"]
    target = dep.target
    product = "valkey" if target.family == "valkey" else "redis"
    assert service["image"].split(":") == [
        "valkey/valkey" if product == "valkey" else "redis",
        f"{target.major}.{target.minor}",
    ]
    conf = f"/usr/local/etc/{product}/{product}.conf"
    # The entrypoint chowns /data only when the command starts with the server binary.
    assert service["command"][:2] == [f"{product}-server", conf]
    if dep.auth.enabled and dep.auth.username == "default":  # the password from Infisical's .env
        env = compose_password_env(dep.auth.password.env)
        assert not env.startswith("REDIS_") and env not in {var.name for var in ENV_VARS}  # Infisical reads .env
        assert service["command"][2:] == ["--requirepass", f"${{{env}:?set {env} in .env}}"]
    else:  # no password, or an ACL user's password, which only its `user` line in the file can carry
        assert service["command"][2:] == []
    assert f"./redis.conf:{conf}:ro" in service["volumes"]
    assert f"redis_data:{dep.persistence.dir}" in service["volumes"]
    assert "ports" not in service
    networks = service["networks"]
    if dep.endpoint.host == "redis":
        assert networks == ["infisical"]  # Infisical's backend sits on this network, not on `default`
    else:
        assert networks == {"infisical": {"aliases": [dep.endpoint.host]}}


def test_only_standalone_deployments_get_a_compose_service() -> None:
    for name in ("sentinel", "cluster"):
        assert compose_files(_deployment(ROOT / "examples" / f"{name}.yaml")) == {}
    assert (ROOT / "build/standalone" / COMPOSE_FILE).is_file()


@pytest.mark.parametrize("path", STANDALONE, ids=lambda p: p.stem)
def test_docker_compose_accepts_the_service(path: Path, tmp_path: Path) -> None:
    binary = shutil.which("docker-compose")
    if binary is None:
        missing("docker-compose not found; install it with: apt-get install docker-compose")
    file = tmp_path / COMPOSE_FILE
    file.write_text(compose_files(_deployment(path))[COMPOSE_FILE])
    env = {k: v for k, v in os.environ.items() if not k.startswith("REDIS_")}
    args = [binary, "-f", str(file), "config", "-q"]
    password = {"INFISICAL_REDIS_PASSWORD": "x" * 40}
    result = subprocess.run(args, capture_output=True, text=True, check=False, env={**env, **password})
    assert result.returncode == 0, result.stdout + result.stderr
    if "--requirepass" in file.read_text():  # without the password in the environment, compose refuses to start
        unset = subprocess.run(args, capture_output=True, text=True, check=False, env=env)
        assert unset.returncode != 0 and "set INFISICAL_REDIS_PASSWORD in .env" in unset.stderr
