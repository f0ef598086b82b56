"""Debian's `promtool` on the generated alert rules: `check rules` on every file, and `test rules` unit tests that
put each alert on both sides of its threshold (and of its `for:` duration).

Each case is one promtool test group with its own input series: a healthy baseline (the exporter is scraped,
Redis answers, config metrics are on) changed in one place. Every alert of the file is evaluated in every
case: the case's alert must fire (with exactly its labels and annotations) or stay quiet, and all others
must stay quiet.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from generator.render.alerts import AlertProfile, default_job, prometheus_rule_manifest, prometheus_rules
from generator.schema.alerts import ALERTS, CLUSTER_SLOTS, alert_figures
from generator.schema.values import Deployment
from tests.realserver.binaries import missing
from tests.test_alerts import EXAMPLES, load_example

INSTANCE = "redis-0:9121"
END = "10m"
"""Evaluation time of every case: past the longest `for:` (5m) and inside the counters' 10m window."""


def promtool() -> Path:
    found = shutil.which("promtool")
    if found is None:
        missing("promtool not found; install it with: apt-get install prometheus")
    return Path(found)


def _run_promtool(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(promtool()), *map(str, args)], capture_output=True, text=True, timeout=60, check=False)


def _series(metric: str, **labels: str) -> str:
    inner = ", ".join(f"{name}={json.dumps(value)}" for name, value in labels.items())
    return f"{metric}{{{inner}}}"


@dataclass(frozen=True)
class Case:
    """One side of one alert's edge: the series changed from the baseline, and whether the alert fires."""

    alert: str
    title: str
    series: dict[str, str | None]
    """Series selector -> promtool values; ``None`` removes a baseline series."""
    fires: bool
    labels: dict[str, str] = field(default_factory=dict)
    """Labels of the firing alert besides rule_id and severity (the result series' labels)."""


def _baseline(job: str, appendfsync: str) -> dict[str, str | None]:
    return {
        _series("up", job=job, instance=INSTANCE): "1x20",
        _series("redis_up", job=job, instance=INSTANCE): "1x20",
        _series("redis_config_key_value", job=job, instance=INSTANCE, key="appendfsync", value=appendfsync): "1x20",
    }


def _cases(dep: Deployment, job: str) -> list[Case]:
    fig = alert_figures(dep, job)
    on = {"job": job, "instance": INSTANCE}
    threshold = int(fig["memory_alert"])
    maxmemory = int(fig["maxmemory"])
    appendfsync = fig["appendfsync"]
    other_fsync = "always" if appendfsync != "always" else "everysec"
    baseline_fsync = _series("redis_config_key_value", **on, key="appendfsync", value=appendfsync)

    def flag(alert: str, metric: str, bad: str, good: str) -> list[Case]:
        return [
            Case(alert, f"{metric}={bad}", {_series(metric, **on): f"{bad}x20"}, True, on),
            Case(alert, f"{metric}={good}", {_series(metric, **on): f"{good}x20"}, False),
        ]

    def config(alert: str, key: str, bad: str, good: str) -> list[Case]:
        bad_labels = {**on, "key": key, "value": bad}
        return [
            Case(alert, f"{key}={bad!r}", {_series("redis_config_key_value", **bad_labels): "1x20"}, True, bad_labels),
            Case(
                alert, f"{key}={good!r}", {_series("redis_config_key_value", **on, key=key, value=good): "1x20"}, False
            ),
        ]

    def counter(alert: str, metric: str) -> list[Case]:
        return [
            Case(alert, "counter grew by one", {_series(metric, **on): "5x4 6x15"}, True, on),
            Case(alert, "counter above zero but flat", {_series(metric, **on): "5x20"}, False),
        ]

    info = {**on, "maxmemory_policy": "noeviction", "role": "master", "redis_version": "7.0.15"}
    link = {**on, "master_host": "10.0.0.11", "master_port": "6379"}
    master = {**on, "master_address": "10.0.0.11:6379", "master_name": fig["master_name"]}
    other = {**master, "master_name": "another-set"}
    quorum = {**on, "master_name": fig["master_name"]}
    sentinels, replicas = int(fig["sentinels"]), int(fig["replicas"])
    masters = int(fig["cluster_masters"])
    sentinel_info = {**on, "maxmemory_policy": "", "role": "", "redis_mode": "sentinel"}
    table: dict[str, Callable[[], list[Case]]] = {
        "RedisDown": lambda: flag("RedisDown", "redis_up", "0", "1"),
        "RedisExporterDown": lambda: flag("RedisExporterDown", "up", "0", "1"),
        "RedisNotScraped": lambda: [
            Case(
                "RedisNotScraped",
                "only another job is scraped",
                {_series("up", **on): None, _series("up", job="other", instance=INSTANCE): "1x20"},
                True,
                {"job": job},
            ),
            Case("RedisNotScraped", "the job is scraped", {}, False),
        ],
        "RedisExporterWithoutConfigMetrics": lambda: [
            Case("RedisExporterWithoutConfigMetrics", "no config metrics", {baseline_fsync: None}, True, on),
            Case("RedisExporterWithoutConfigMetrics", "config metrics", {}, False),
            Case(
                "RedisExporterWithoutConfigMetrics",
                "a Sentinel (has no config metrics)",
                {baseline_fsync: None, _series("redis_sentinel_masters", **on): "1x20"},
                False,
            ),
        ],
        "RedisAofOff": lambda: flag("RedisAofOff", "redis_aof_enabled", "0", "1"),
        "RedisAppendfsyncChanged": lambda: [
            Case(
                "RedisAppendfsyncChanged",
                f"appendfsync {other_fsync}",
                {
                    baseline_fsync: None,
                    _series("redis_config_key_value", **on, key="appendfsync", value=other_fsync): "1x20",
                },
                True,
                {**on, "key": "appendfsync", "value": other_fsync},
            ),
            Case("RedisAppendfsyncChanged", f"appendfsync {appendfsync}", {}, False),
        ],
        "RedisSnapshotsOff": lambda: config("RedisSnapshotsOff", "save", "", "3600 1"),
        "RedisAofAutoRewriteOff": lambda: [
            Case(
                "RedisAofAutoRewriteOff",
                "percentage 0",
                {_series("redis_config_value", **on, key="auto-aof-rewrite-percentage"): "0x20"},
                True,
                {**on, "key": "auto-aof-rewrite-percentage"},
            ),
            Case(
                "RedisAofAutoRewriteOff",
                "percentage 1",
                {_series("redis_config_value", **on, key="auto-aof-rewrite-percentage"): "1x20"},
                False,
            ),
        ],
        "RedisFsyncPausedDuringRewrite": lambda: config(
            "RedisFsyncPausedDuringRewrite", "no-appendfsync-on-rewrite", "yes", "no"
        ),
        "RedisAofWriteFailed": lambda: flag("RedisAofWriteFailed", "redis_aof_last_write_status", "0", "1"),
        "RedisAofRewriteFailed": lambda: flag("RedisAofRewriteFailed", "redis_aof_last_bgrewrite_status", "0", "1"),
        "RedisRdbSaveFailed": lambda: flag("RedisRdbSaveFailed", "redis_rdb_last_bgsave_status", "0", "1"),
        "RedisEvictionPolicyChanged": lambda: [
            Case(
                "RedisEvictionPolicyChanged",
                "volatile-lru",
                {_series("redis_instance_info", **{**info, "maxmemory_policy": "volatile-lru"}): "1x20"},
                True,
                {**info, "maxmemory_policy": "volatile-lru"},
            ),
            Case("RedisEvictionPolicyChanged", "noeviction", {_series("redis_instance_info", **info): "1x20"}, False),
            Case(
                "RedisEvictionPolicyChanged",
                "a Sentinel (no policy)",
                {_series("redis_instance_info", **sentinel_info): "1x20"},
                False,
            ),
        ],
        "RedisMaxmemoryChanged": lambda: [
            Case(
                "RedisMaxmemoryChanged",
                "one byte less",
                {_series("redis_config_maxmemory", **on): f"{maxmemory - 1}x20"},
                True,
                on,
            ),
            Case("RedisMaxmemoryChanged", "unlimited", {_series("redis_config_maxmemory", **on): "0x20"}, True, on),
            Case(
                "RedisMaxmemoryChanged",
                "as deployed",
                {_series("redis_config_maxmemory", **on): f"{maxmemory}x20"},
                False,
            ),
        ],
        "RedisMemoryNearMaxmemory": lambda: [
            Case(
                "RedisMemoryNearMaxmemory",
                "threshold + 1",
                {_series("redis_memory_used_bytes", **on): f"{threshold + 1}x20"},
                True,
                on,
            ),
            Case(
                "RedisMemoryNearMaxmemory",
                "at the threshold",
                {_series("redis_memory_used_bytes", **on): f"{threshold}x20"},
                False,
            ),
        ],
        "RedisKeysEvicted": lambda: counter("RedisKeysEvicted", "redis_evicted_keys_total"),
        "RedisRejectedConnections": lambda: counter("RedisRejectedConnections", "redis_rejected_connections_total"),
        "RedisReplicaLinkDown": lambda: [
            Case("RedisReplicaLinkDown", "link down", {_series("redis_master_link_up", **link): "0x20"}, True, link),
            Case("RedisReplicaLinkDown", "link up", {_series("redis_master_link_up", **link): "1x20"}, False),
        ],
        "RedisMasterWithoutReplica": lambda: [
            Case(
                "RedisMasterWithoutReplica",
                "master, 0 replicas",
                {_series("redis_connected_slaves", **on): "0x20", _series("redis_instance_info", **info): "1x20"},
                True,
                on,
            ),
            Case(
                "RedisMasterWithoutReplica",
                "master, 1 replica",
                {_series("redis_connected_slaves", **on): "1x20", _series("redis_instance_info", **info): "1x20"},
                False,
            ),
            Case(
                "RedisMasterWithoutReplica",
                "replica, 0 replicas",
                {
                    _series("redis_connected_slaves", **on): "0x20",
                    _series("redis_instance_info", **{**info, "role": "slave"}): "1x20",
                },
                False,
            ),
        ],
        "RedisClusterMasterWithoutReplica": lambda: [
            Case(
                "RedisClusterMasterWithoutReplica",
                "master, 0 replicas",
                {_series("redis_connected_slaves", **on): "0x20", _series("redis_instance_info", **info): "1x20"},
                True,
                on,
            ),
            Case(
                "RedisClusterMasterWithoutReplica",
                "master, 1 replica",
                {_series("redis_connected_slaves", **on): "1x20", _series("redis_instance_info", **info): "1x20"},
                False,
            ),
            Case(
                "RedisClusterMasterWithoutReplica",
                "replica, 0 replicas",
                {
                    _series("redis_connected_slaves", **on): "0x20",
                    _series("redis_instance_info", **{**info, "role": "slave"}): "1x20",
                },
                False,
            ),
        ],
        "RedisClusterTooFewMasters": lambda: [
            Case(
                "RedisClusterTooFewMasters",
                "one master short",
                {_series("redis_cluster_size", **on): f"{masters - 1}x20"},
                True,
                on,
            ),
            Case(
                "RedisClusterTooFewMasters",
                "all masters",
                {_series("redis_cluster_size", **on): f"{masters}x20"},
                False,
            ),
        ],
        "RedisSentinelMasterNotOk": lambda: [
            Case(
                "RedisSentinelMasterNotOk",
                "master sdown",
                {_series("redis_sentinel_master_status", **{**master, "master_status": "sdown"}): "0x20"},
                True,
                {**master, "master_status": "sdown"},
            ),
            Case(
                "RedisSentinelMasterNotOk",
                "master ok",
                {_series("redis_sentinel_master_status", **{**master, "master_status": "ok"}): "1x20"},
                False,
            ),
            Case(
                "RedisSentinelMasterNotOk",
                "another master set down",
                {_series("redis_sentinel_master_status", **{**other, "master_status": "sdown"}): "0x20"},
                False,
            ),
        ],
        "RedisSentinelNoQuorum": lambda: [
            Case(
                "RedisSentinelNoQuorum",
                "NOQUORUM",
                {_series("redis_sentinel_master_ckquorum_status", **quorum, message="NOQUORUM 1 usable"): "0x20"},
                True,
                quorum,
            ),
            Case(
                "RedisSentinelNoQuorum",
                "OK",
                {_series("redis_sentinel_master_ckquorum_status", **quorum, message="OK 3 usable"): "1x20"},
                False,
            ),
        ],
        "RedisSentinelMissingSentinels": lambda: [
            Case(
                "RedisSentinelMissingSentinels",
                "one Sentinel short",
                {_series("redis_sentinel_master_ok_sentinels", **master): f"{sentinels - 1}x20"},
                True,
                master,
            ),
            Case(
                "RedisSentinelMissingSentinels",
                "all Sentinels",
                {_series("redis_sentinel_master_ok_sentinels", **master): f"{sentinels}x20"},
                False,
            ),
        ],
        "RedisSentinelMissingReplicas": lambda: [
            Case(
                "RedisSentinelMissingReplicas",
                "one replica short",
                {_series("redis_sentinel_master_ok_slaves", **master): f"{replicas - 1}x20"},
                True,
                master,
            ),
            Case(
                "RedisSentinelMissingReplicas",
                "all replicas",
                {_series("redis_sentinel_master_ok_slaves", **master): f"{replicas}x20"},
                False,
            ),
        ],
        "RedisClusterStateNotOk": lambda: flag("RedisClusterStateNotOk", "redis_cluster_state", "0", "1"),
        "RedisClusterSlotsNotOk": lambda: [
            Case(
                "RedisClusterSlotsNotOk",
                "one slot short",
                {_series("redis_cluster_slots_ok", **on): f"{CLUSTER_SLOTS - 1}x20"},
                True,
                on,
            ),
            Case(
                "RedisClusterSlotsNotOk",
                "all slots",
                {_series("redis_cluster_slots_ok", **on): f"{CLUSTER_SLOTS}x20"},
                False,
            ),
        ],
        "RedisTlsDemandsClientCertificates": lambda: config(
            "RedisTlsDemandsClientCertificates", "tls-auth-clients", "yes", "no"
        ),
    }
    assert set(table) == {alert.name for alert in ALERTS}, "every declared alert needs its edge cases here"
    return [case for cases in table.values() for case in cases()]


def _expand(template: str, labels: dict[str, str]) -> str:
    return re.sub(r"\{\{ \$labels\.(\w+) \}\}", lambda m: labels[m.group(1)], template)


def _hold_minutes(hold: str) -> int:
    match = re.fullmatch(r"(\d+)([sm])", hold)
    assert match is not None, hold
    return int(match[1]) if match[2] == "m" else 0


def _test_group(case: Case, rules: list[dict[str, Any]], job: str, appendfsync: str) -> dict[str, Any]:
    series = {**_baseline(job, appendfsync), **case.series}
    checks: list[dict[str, Any]] = []
    for rule in rules:
        expected: list[dict[str, Any]] = []
        if rule["alert"] == case.alert and case.fires:
            # An empty label value is no label at all in Prometheus (`value=""` matches a series without one).
            labels = {k: v for k, v in {**case.labels, **rule["labels"]}.items() if v != ""}
            annotations = {name: _expand(text, labels) for name, text in rule["annotations"].items()}
            expected = [{"exp_labels": labels, "exp_annotations": annotations}]
            hold = _hold_minutes(rule["for"])
            if hold >= 1:  # not yet firing one minute before `for:` has passed
                checks.append({"eval_time": f"{hold - 1}m", "alertname": rule["alert"], "exp_alerts": []})
        checks.append({"eval_time": END, "alertname": rule["alert"], "exp_alerts": expected})
    return {
        "name": f"{case.alert}: {case.title}",
        "interval": "1m",
        "input_series": [{"series": s, "values": v} for s, v in series.items() if v is not None],
        "alert_rule_test": checks,
    }


def _write_yaml(path: Path, data: Any) -> None:
    yaml = YAML(typ="safe")
    yaml.default_flow_style = False
    yaml.width = 4096
    with path.open("w", encoding="utf-8") as out:
        yaml.dump(data, out)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_promtool_checks_every_generated_rules_file(path: Path, tmp_path: Path) -> None:
    dep = load_example(path)
    rules_file = tmp_path / "prometheus-rules.yaml"
    rules_file.write_text(prometheus_rules(dep), encoding="utf-8")
    manifest = YAML(typ="safe").load(prometheus_rule_manifest(dep))
    spec_file = tmp_path / "from-manifest.yaml"
    _write_yaml(spec_file, {"groups": manifest["spec"]["groups"]})
    proc = _run_promtool("check", "rules", rules_file, spec_file)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("SUCCESS") == 2, proc.stdout


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_promtool_unit_tests_cover_every_threshold_edge(path: Path, tmp_path: Path) -> None:
    dep = load_example(path)
    job = default_job(dep)
    text = prometheus_rules(dep, AlertProfile())
    (tmp_path / "rules.yaml").write_text(text, encoding="utf-8")
    rules = [rule for group in YAML(typ="safe").load(text)["groups"] for rule in group["rules"]]
    in_file = {rule["alert"] for rule in rules}
    cases = [case for case in _cases(dep, job) if case.alert in in_file]
    assert {case.alert for case in cases} == in_file
    assert all(
        any(c.fires for c in cases if c.alert == a) and any(not c.fires for c in cases if c.alert == a) for a in in_file
    )
    tests = [_test_group(case, rules, job, dep.persistence.appendfsync) for case in cases]
    _write_yaml(tmp_path / "tests.yaml", {"rule_files": ["rules.yaml"], "evaluation_interval": "1m", "tests": tests})
    proc = subprocess.run(
        [str(promtool()), "test", "rules", "tests.yaml"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-6000:]
    assert "SUCCESS" in proc.stdout
