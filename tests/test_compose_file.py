"""The generated docker-compose service: the image of the target line, the generated config, a data volume."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from generator.judge import validate_file
from generator.render.compose import COMPOSE_FILE, compose_files
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
    assert service["command"] == [f"{product}-server", conf]  # the entrypoint chowns /data only for this form
    assert f"./redis.conf:{conf}:ro" in service["volumes"]
    assert f"redis_data:{dep.persistence.dir}" in service["volumes"]
    assert "ports" not in service
    aliases = service.get("networks", {}).get("default", {}).get("aliases", [])
    assert aliases == ([] if dep.endpoint.host == "redis" else [dep.endpoint.host])


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
    result = subprocess.run([binary, "-f", str(file), "config", "-q"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
