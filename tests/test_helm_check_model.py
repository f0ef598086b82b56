"""`check`'s model of how each chart assembles a pod's config (generator/sources/charts/: the chart's default
config text, include order, per-role blocks, extra flags, redis-cluster's `useAOFPersistence`) against the
truth: the values rendered through the real chart, each data pod's config assembled as its start script does
(tests/realserver/chart_pod.py) and loaded by a real server, whose `CONFIG GET` gives what the pod runs with.

For every pod, the key settings `check` computes (appendonly, appendfsync, maxmemory-policy, maxmemory, save)
equal the server's. The values files are small and realistic (Bitnami `redis` 18.14.1 and 23.1.1, `redis-cluster`
13.0.5, and Infisical's chart 1.7.5 with its bundled `redis`); their images are pinned to a 7.0 tag so the
Debian server CI installs runs them (the config assembly is the same for every tag of a chart version).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pytest

from generator.schema.units import parse_redis_memory
from generator.shapes.config import EffectiveConfig
from generator.sources.detect import read_any
from tests.helm_charts import Render, chart_dir, render_texts
from tests.realserver.binaries import require
from tests.realserver.chart_pod import ChartPod, chart_pods, lay_out
from tests.realserver.fixtures import ServerFactory
from tests.realserver.ports import free_port
from tests.realserver.processes import Auth

PASSWORD: Final = "model-check-pw-1"
REDIS_70: Final = 'image: {repository: bitnamilegacy/redis, tag: "7.0.11-debian-11-r12"}\n'
CLUSTER_70: Final = 'image: {repository: bitnamilegacy/redis-cluster, tag: "7.0.11-debian-11-r27"}\n'

VALUES: Final[dict[str, tuple[str, str, str]]] = {
    # name: (chart, version, values text)
    "common-and-master": (
        "redis",
        "18.14.1",
        REDIS_70
        + f"""architecture: standalone
auth: {{password: {PASSWORD}}}
commonConfiguration: |-
  appendonly yes
  appendfsync everysec
  save ""
  save 900 1
  maxmemory 1gb
  maxmemory-policy noeviction
master:
  configuration: |-
    appendfsync always
    maxmemory 2gb
""",
    ),
    "replica-overrides-common": (
        "redis",
        "18.14.1",
        REDIS_70
        + f"""architecture: replication
auth: {{password: {PASSWORD}}}
commonConfiguration: |-
  appendonly yes
  maxmemory 512mb
  maxmemory-policy noeviction
replica:
  replicaCount: 1
  configuration: |-
    maxmemory-policy allkeys-lru
    save 60 100
    appendonly no
""",
    ),
    "chart-defaults": ("redis", "18.14.1", REDIS_70 + f"architecture: standalone\nauth: {{password: {PASSWORD}}}\n"),
    "extra-flags": (
        "redis",
        "23.1.1",
        REDIS_70
        + f"""architecture: replication
auth: {{password: {PASSWORD}}}
commonConfiguration: |-
  appendonly yes
  maxmemory-policy noeviction
master:
  extraFlags: ["--maxmemory-policy allkeys-lru", "--maxmemory 300mb"]
replica:
  replicaCount: 1
  extraFlags: ["--maxmemory-policy", "volatile-lru", "--appendfsync", "no"]
""",
    ),
    "sentinel-common-wins": (
        "redis",
        "23.1.1",
        REDIS_70
        + 'sentinel: {enabled: true, image: {repository: bitnamilegacy/redis-sentinel, tag: "7.0.11-debian-11-r10"}}\n'
        + f"""auth: {{password: {PASSWORD}}}
commonConfiguration: |-
  appendonly yes
  appendfsync everysec
  maxmemory-policy noeviction
replica:
  replicaCount: 3
  configuration: |-
    appendfsync always
    maxmemory-policy allkeys-lru
    maxmemory 700mb
""",
    ),
    "infisical-chart-bundled": (
        "infisical-standalone",
        "1.7.5",
        f"""redis:
  enabled: true
  architecture: standalone
  image: {{repository: bitnamilegacy/redis, tag: "7.0.11-debian-11-r12"}}
  auth: {{password: {PASSWORD}}}
  commonConfiguration: |-
    appendonly yes
    appendfsync everysec
    maxmemory-policy volatile-lru
  master:
    configuration: |-
      maxmemory-policy noeviction
      maxmemory 800mb
      save ""
""",
    ),
    "cluster-aof-switch": (
        "redis-cluster",
        "13.0.5",
        CLUSTER_70
        + f"""password: {PASSWORD}
redis:
  useAOFPersistence: "yes"
  configmap: |-
    appendonly no
    maxmemory 1gb
    maxmemory-policy noeviction
    save ""
""",
    ),
}

KEY_SETTINGS: Final = ("appendonly", "appendfsync", "maxmemory-policy", "maxmemory", "save")


def model_configs(name: str, tmp_path: Path) -> list[EffectiveConfig]:
    """What `check` computes for the values file: one EffectiveConfig per kind of data pod, in the model's order
    (primary, replica; or the Sentinel nodes; or the cluster's nodes)."""
    path = tmp_path / f"{name}.values.yaml"
    path.write_text(VALUES[name][2])
    result = read_any(path, path.name, path.read_text())
    return [s for s in result.subjects if isinstance(s, EffectiveConfig)]


def model_save(cfg: EffectiveConfig) -> str:
    """The snapshot schedule Redis (7.0+) builds from the model's `save` lines: the first line replaces the
    default schedule, `save ""` clears it, every other line adds its pairs."""
    lines = cfg.all("save")
    if not lines:
        return cfg.value("save")
    pairs: list[str] = []
    for setting in lines:
        pairs = [] if setting.args in ((), ("",)) else [*pairs, *setting.args]
    return " ".join(pairs)


def model_settings(cfg: EffectiveConfig) -> dict[str, str]:
    return {
        "appendonly": cfg.value("appendonly"),
        "appendfsync": cfg.value("appendfsync"),
        "maxmemory-policy": cfg.value("maxmemory-policy"),
        "maxmemory": str(parse_redis_memory(cfg.value("maxmemory") or "0")),
        "save": model_save(cfg),
    }


def _role(pod: ChartPod) -> str:
    """The model's role for a rendered StatefulSet."""
    if pod.chart == "redis-cluster":
        return "all"
    return {"master": "primary", "replicas": "replica", "node": "sentinel-node"}[pod.statefulset.rsplit("-", 1)[1]]


def server_settings(pod: ChartPod, factory: ServerFactory, workdir: Path) -> dict[str, str]:
    port = free_port()
    placed = lay_out(pod, workdir, port=port, password=PASSWORD)
    server = factory("redis-7.0", placed.conf_path, port=port, extra_args=list(placed.args), auth=Auth(PASSWORD))
    found = {}
    for name in KEY_SETTINGS:
        _, value = server.cli("CONFIG", "GET", name).split("\n", 1)
        found[name] = value
    server.stop()
    return found


@pytest.mark.server
@pytest.mark.parametrize("name", list(VALUES))
def test_check_computes_the_settings_the_rendered_pods_run_with(
    name: str, server_factory: ServerFactory, tmp_path: Path
) -> None:
    require("redis-7.0")
    chart, version, text = VALUES[name]
    render = Render.of(render_texts(chart_dir(chart, version), text, release="cache", namespace="data"))
    pods = chart_pods(render)
    models = model_configs(name, tmp_path)
    assert len(models) == len(pods), f"check models {len(models)} kinds of data pod, the render has {len(pods)}"
    order = {"primary": 0, "sentinel-node": 0, "all": 0, "replica": 1}
    for pod, model in zip(sorted(pods, key=lambda p: order[_role(p)]), models, strict=True):
        real = server_settings(pod, server_factory, tmp_path / pod.statefulset)
        assert model_settings(model) == real, f"{name}: {pod.statefulset} ({_role(pod)})"
