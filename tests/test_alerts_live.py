"""The generated alert rules on real processes: Redis servers from the generated configs, Debian's
redis_exporter scraping each one, and Debian's Prometheus evaluating the generated rules files.

Standalone (job ``standalone``): a good server, one whose eviction policy was changed with CONFIG SET, one
whose AOF was switched off with CONFIG SET, one filled past the memory threshold. Sentinel (job
``sentinel``): a master, its replica and one of three Sentinels, the master then killed. Cluster (job
``cluster``): a node that holds no slots. Each must fire exactly its alerts (through ``/api/v1/alerts``), the
good server none. The rules are rendered with a test profile (``for: 0s``); scrape and evaluation run every
second. Every metric, label and config key the alerts use must appear in the real exporters' output.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pytest

from generator.render.alerts import AlertProfile, prometheus_rules
from generator.render.secrets import generate_password
from generator.schema.alerts import ALERTS
from generator.schema.sizing import memory_alert_threshold
from generator.schema.values import Deployment
from tests.realserver.fixtures import ServerFactory
from tests.realserver.generated import artifacts, example_deployment
from tests.realserver.ports import free_port
from tests.realserver.processes import Auth, RedisServer, replace_dir_directive
from tests.realserver.prometheus import Prometheus, RedisExporter

pytestmark = pytest.mark.server

TARGET: Final = "redis-7.0"  # the examples target Redis 7.0
TEST_MAXMEMORY: Final = "16mb"
"""The standalone deployment's maxmemory here: small enough to fill past the alert threshold in a moment."""
SETTLE_TIMEOUT_S: Final = 30.0
STABLE_FOR_S: Final = 3.0
FILL_SCRIPT: Final = (
    "for i = 1, tonumber(ARGV[2]) do redis.call('SET', ARGV[1] .. i, string.rep('x', tonumber(ARGV[3]))) end"
)

Firing = set[tuple[str, str, str]]


@dataclass
class Watched:
    job: str
    name: str
    server: RedisServer
    exporter: RedisExporter
    expected: frozenset[str]


def _start(factory: ServerFactory, conf: str, auth: Auth, *extra: str) -> RedisServer:
    server = factory(TARGET, "", port=free_port(), auth=auth, extra_args=extra, start=False)
    server.conf_path.write_text(replace_dir_directive(conf, server.dir))
    return server.start()


def _fill_past(server: RedisServer, threshold: int, maxmemory: int) -> int:
    """Write 256 KiB batches of keys until used memory is above ``threshold`` (and still below maxmemory)."""
    batch = 0
    used = int(server.info("memory")["used_memory"])
    while used <= threshold:
        server.cli("EVAL", FILL_SCRIPT, "0", f"fill:{batch}:", "32", "8192")
        batch += 1
        used = int(server.info("memory")["used_memory"])
    assert used < maxmemory, f"filled to {used} bytes, not below maxmemory {maxmemory}"
    return used


def _wait_link_up(replica: RedisServer, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if replica.info("replication").get("master_link_status") == "up":
            return
        time.sleep(0.05)
    pytest.fail(f"replica never linked to its master:\n{replica.log_text()[-3000:]}")


def _wait_sentinel_sees_replica(sentinel: RedisServer, master_name: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        reply = sentinel.cli("SENTINEL", "MASTER", master_name, check=False).splitlines()
        if dict(zip(reply[0::2], reply[1::2], strict=False)).get("num-slaves") == "1":
            return
        time.sleep(0.1)
    pytest.fail(f"the Sentinel never saw the replica:\n{sentinel.log_text()[-3000:]}")


@pytest.fixture
def exporters() -> Iterator[list[RedisExporter]]:
    started: list[RedisExporter] = []
    try:
        yield started
    finally:
        for exporter in reversed(started):
            exporter.stop()


def _watch(
    exporters: list[RedisExporter], job: str, name: str, server: RedisServer, password: str, *expected: str
) -> Watched:
    exporter = RedisExporter(server.port, password, workdir=server.dir / "exporter")
    exporter.workdir.mkdir()
    exporters.append(exporter.start())
    return Watched(job, name, server, exporter, frozenset(expected))


def _standalone(
    factory: ServerFactory, exporters: list[RedisExporter], password: str
) -> tuple[Deployment, list[Watched]]:
    dep = example_deployment("standalone", {"memory": {"maxmemory": TEST_MAXMEMORY}})
    conf = artifacts(dep, {"REDIS_PASSWORD": password})["redis.conf"]
    auth = Auth(password)
    good, evicting, aof_off, full = (_start(factory, conf, auth) for _ in range(4))
    evicting.cli("CONFIG", "SET", "maxmemory-policy", "allkeys-lru")
    aof_off.cli("CONFIG", "SET", "appendonly", "no")
    _fill_past(full, memory_alert_threshold(dep.maxmemory_bytes), dep.maxmemory_bytes)
    return dep, [
        _watch(exporters, "standalone", "good", good, password),
        _watch(exporters, "standalone", "evicting", evicting, password, "RedisEvictionPolicyChanged"),
        _watch(exporters, "standalone", "aof-off", aof_off, password, "RedisAofOff"),
        _watch(exporters, "standalone", "nearly-full", full, password, "RedisMemoryNearMaxmemory"),
    ]


def _sentinel(
    factory: ServerFactory, exporters: list[RedisExporter], password: str
) -> tuple[Deployment, list[Watched]]:
    """A master, its replica and one of the deployment's three Sentinels; then the master is killed. One Sentinel
    of three cannot reach the quorum of two, so no failover happens and every alert below stays true."""
    ports = [free_port(), free_port()]
    sentinel_ports = [free_port() for _ in range(3)]
    dep = example_deployment(
        "sentinel",
        {
            "sentinel": {
                "nodes": [f"127.0.0.1:{port}" for port in ports],
                "sentinels": [f"127.0.0.1:{port}" for port in sentinel_ports],
                "down_after_ms": 1000,
            }
        },
    )
    assert dep.sentinel is not None
    sentinel_password = generate_password()
    files = artifacts(dep, {"REDIS_PASSWORD": password, "REDIS_SENTINEL_PASSWORD": sentinel_password})
    auth = Auth(password)
    master = factory(TARGET, "", port=ports[0], auth=auth, extra_args=["--repl-diskless-sync-delay", "0"], start=False)
    master.conf_path.write_text(replace_dir_directive(files["redis-master.conf"], master.dir))
    master.start()
    replica = factory(TARGET, "", port=ports[1], auth=auth, start=False)
    replica.conf_path.write_text(replace_dir_directive(files["redis-replica.conf"], replica.dir))
    replica.start()
    sentinel = factory(TARGET, "", sentinel=True, port=sentinel_ports[0], auth=Auth(sentinel_password), start=False)
    sentinel.conf_path.write_text(replace_dir_directive(files["sentinel.conf"], sentinel.dir))
    sentinel.start()
    _wait_link_up(replica)
    _wait_sentinel_sees_replica(sentinel, dep.sentinel.master_name)
    watched = [
        _watch(exporters, "sentinel", "killed-master", master, password, "RedisDown"),
        _watch(exporters, "sentinel", "orphaned-replica", replica, password, "RedisReplicaLinkDown"),
        _watch(
            exporters,
            "sentinel",
            "lonely-sentinel",
            sentinel,
            sentinel_password,
            "RedisSentinelMasterNotOk",
            "RedisSentinelNoQuorum",
            "RedisSentinelMissingSentinels",
        ),
    ]
    master.kill9()
    return dep, watched


def _cluster(factory: ServerFactory, exporters: list[RedisExporter], password: str) -> tuple[Deployment, list[Watched]]:
    ports = [free_port() for _ in range(6)]
    dep = example_deployment("cluster", {"cluster": {"nodes": [f"127.0.0.1:{port}" for port in ports]}})
    conf = artifacts(dep, {"REDIS_PASSWORD": password})["redis-cluster-node.conf"]
    node = factory(TARGET, "", port=ports[0], auth=Auth(password), start=False)
    node.conf_path.write_text(replace_dir_directive(conf, node.dir))
    node.start()
    expected = (
        "RedisClusterStateNotOk",
        "RedisClusterSlotsNotOk",
        "RedisClusterMasterWithoutReplica",
        "RedisClusterTooFewMasters",
    )
    return dep, [_watch(exporters, "cluster", "node-without-slots", node, password, *expected)]


_SELECTOR = re.compile(r"\b([a-z_]+)\{([^}]*)\}")
_MATCHER = re.compile(r"(\w+)\s*(?:=~|!~|!=|=)\s*\"([^\"]*)\"")
_SAMPLE = re.compile(r"^(\w+)(?:\{(.*)\})? ", re.MULTILINE)


def _exposed(metrics_text: str) -> dict[str, set[str]]:
    """Metric name -> label names and ``key=...`` values (of config metrics) seen in an exporter's output."""
    seen: dict[str, set[str]] = {}
    for name, labels in _SAMPLE.findall(metrics_text):
        found = seen.setdefault(name, set())
        for label, value in _MATCHER.findall(labels):
            found.add(label)
            if label == "key":
                found.add(f"key={value}")
    return seen


def _unknown_to_the_exporter(exposed: dict[str, set[str]]) -> list[str]:
    """Metric names, label names and config keys the alert expressions use but no real exporter showed."""
    unknown: list[str] = []
    for alert in ALERTS:
        for metric, matchers in _SELECTOR.findall(alert.expr):
            if metric == "up":  # Prometheus's own per-target metric
                continue
            if metric not in exposed:
                unknown.append(f"{alert.name}: metric {metric}")
                continue
            for label, value in _MATCHER.findall(matchers.replace("$job", "")):
                wanted = f"key={value}" if label == "key" else label
                if wanted not in exposed[metric]:
                    unknown.append(f"{alert.name}: {metric} has no {wanted}")
    return unknown


def _describe(prometheus: Prometheus, watched: list[Watched], firing: Firing) -> str:
    lines = [f"firing: {sorted(firing)}"]
    for w in watched:
        lines.append(f"{w.job}/{w.name} = {w.exporter.address} (redis {w.server.port}) expects {sorted(w.expected)}")
    lines.append(
        f"targets: {[(t['labels'], t['health'], t['lastError']) for t in prometheus.api('targets')['activeTargets']]}"
    )
    lines.append(prometheus.log_text()[-3000:])
    return "\n".join(lines)


def test_each_bad_server_fires_exactly_its_alerts(
    server_factory: ServerFactory, exporters: list[RedisExporter], tmp_path: Path
) -> None:
    started = time.monotonic()
    password = generate_password()
    deployments: dict[str, Deployment] = {}
    watched: list[Watched] = []
    for job, setup in (("standalone", _standalone), ("sentinel", _sentinel), ("cluster", _cluster)):
        dep, servers = setup(server_factory, exporters, password)
        deployments[job] = dep
        watched += servers
    exposed: dict[str, set[str]] = {}
    for w in watched:
        if w.server.running:
            for name, labels in _exposed(w.exporter.metrics()).items():
                exposed.setdefault(name, set()).update(labels)
    assert _unknown_to_the_exporter(exposed) == []
    rule_files = []
    for job, dep in deployments.items():
        path = tmp_path / f"{job}.rules.yaml"
        path.write_text(prometheus_rules(dep, AlertProfile(job=job, hold="0s")))
        rule_files.append(path)
    jobs = {job: [w.exporter.address for w in watched if w.job == job] for job in deployments}
    expected: Firing = {(w.job, w.exporter.address, alert) for w in watched for alert in w.expected}

    workdir = tmp_path / "prometheus"
    workdir.mkdir()
    with Prometheus(jobs, rule_files, workdir).start() as prometheus:
        deadline = time.monotonic() + SETTLE_TIMEOUT_S
        firing: Firing = set()
        stable_since: float | None = None
        while time.monotonic() < deadline:
            firing = prometheus.firing()
            if firing == expected:
                stable_since = stable_since or time.monotonic()
                if time.monotonic() - stable_since >= STABLE_FOR_S:
                    break
            else:
                stable_since = None
            time.sleep(0.25)
        assert firing == expected, _describe(prometheus, watched, firing)
    assert time.monotonic() - started < 60
