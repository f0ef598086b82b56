"""Alert declarations and their rendering: every alert watches a catalogue rule, figures come from the schema, and
the rendered files for every example match their golden copies.

After reading the diff, refresh the golden files with:  UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_alerts.py
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from generator.docs.monitoring import DISPLAY_FIGURES, monitoring_page
from generator.render.alerts import AlertProfile, default_job, prometheus_rule_manifest, prometheus_rules
from generator.schema.alerts import (
    ALERTS,
    ALERTS_BY_NAME,
    UNWATCHED,
    alert_figures,
    alerts_for,
    alerts_watching,
    catalogue_rule,
)
from generator.schema.monitoring_rules import MONITORING_RULES
from generator.schema.project import rule_docs_url
from generator.schema.rules import RULES, RULES_BY_ID, Scope
from generator.schema.sizing import MEMORY_ALERT_SHARE, TIERS
from generator.schema.values import Deployment

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
GOLDEN = ROOT / "tests/golden/alerts"
REFRESH = "UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_alerts.py"
INPUT_CATEGORIES = {"input", "schema", "conf"}
"""Rules about an input file itself (unreadable, not YAML, ...), not about a server's state."""


def load_example(path: Path) -> Deployment:
    return Deployment.model_validate(YAML(typ="safe").load(path.read_text(encoding="utf-8")))


def _yaml(text: str) -> Any:
    return YAML(typ="safe").load(text)


def _rules_of(text: str) -> list[dict[str, Any]]:
    data = _yaml(text)
    groups = data["spec"]["groups"] if "spec" in data else data["groups"]
    return [rule for group in groups for rule in group["rules"]]


def test_every_alert_watches_a_catalogue_rule_that_judges_servers() -> None:
    for alert in ALERTS:
        rule = catalogue_rule(alert.rule_id)
        assert Scope.SERVER in rule.scopes, alert.name
    assert len(ALERTS_BY_NAME) == len(ALERTS)
    assert all(re.fullmatch(r"Redis[A-Z][A-Za-z]+", alert.name) for alert in ALERTS)


def test_every_server_rule_is_watched_or_says_why_not() -> None:
    watched = {alert.rule_id for alert in ALERTS}
    catalogue = {rule.id: rule for rule in (*RULES, *MONITORING_RULES)}
    server_rules = {
        rule.id for rule in catalogue.values() if Scope.SERVER in rule.scopes and rule.category not in INPUT_CATEGORIES
    }
    assert not watched & set(UNWATCHED)
    assert server_rules == watched | set(UNWATCHED)
    assert all(reason.endswith(".") for reason in UNWATCHED.values())
    assert {rule.id for rule in MONITORING_RULES} <= watched


def test_monitoring_rules_explain_themselves() -> None:
    for rule in MONITORING_RULES:
        assert rule.id.count(".") == 1 and rule.summary and rule.why.endswith((".", ")")) and rule.fix
        assert rule.scopes == {Scope.SERVER}
        assert RULES_BY_ID.get(rule.id, rule) is rule, f"{rule.id} is also a different rule of the catalogue"


def test_memory_threshold_comes_from_the_deployments_maxmemory() -> None:
    dep = load_example(ROOT / "examples/standalone.yaml")
    expr = {rule["alert"]: rule["expr"] for rule in _rules_of(prometheus_rules(dep))}
    threshold = int(TIERS["small"].maxmemory * MEMORY_ALERT_SHARE)
    assert expr["RedisMemoryNearMaxmemory"] == f'redis_memory_used_bytes{{job="redis-metrics"}} > {threshold}'
    assert expr["RedisMaxmemoryChanged"].endswith(f"!= {TIERS['small'].maxmemory}")
    small = dep.model_copy(update={"memory": dep.memory.model_copy(update={"maxmemory": "100mb"})})
    expr = {rule["alert"]: rule["expr"] for rule in _rules_of(prometheus_rules(small))}
    assert expr["RedisMemoryNearMaxmemory"].endswith(f"> {int(100 * 1024**2 * MEMORY_ALERT_SHARE)}")


def test_alerts_follow_the_mode() -> None:
    names = {path.stem: {a.name for a in alerts_for(load_example(path))} for path in EXAMPLES}
    assert "RedisReplicaLinkDown" not in names["standalone"]
    assert "RedisClusterStateNotOk" not in names["sentinel"]
    assert {"RedisReplicaLinkDown", "RedisMasterWithoutReplica"} <= names["sentinel"]
    assert {"RedisClusterStateNotOk", "RedisClusterSlotsNotOk", "RedisReplicaLinkDown"} <= names["cluster"]
    assert "RedisTlsDemandsClientCertificates" in names["standalone-tls"]
    assert "RedisTlsDemandsClientCertificates" not in names["standalone"]


def test_no_snapshots_no_snapshot_alert() -> None:
    dep = load_example(ROOT / "examples/standalone.yaml")
    off = dep.model_copy(update={"persistence": dep.persistence.model_copy(update={"snapshots": []})})
    assert "RedisSnapshotsOff" in {a.name for a in alerts_for(dep)}
    assert "RedisSnapshotsOff" not in {a.name for a in alerts_for(off)}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_rendered_rules_carry_rule_id_severity_and_runbook(path: Path) -> None:
    dep = load_example(path)
    for text in (prometheus_rules(dep), prometheus_rule_manifest(dep)):
        rules = _rules_of(text)
        assert [r["alert"] for r in rules] == [a.name for a in alerts_for(dep)]
        for rendered in rules:
            alert = ALERTS_BY_NAME[rendered["alert"]]
            assert rendered["labels"] == {"rule_id": alert.rule_id, "severity": alert.severity}
            assert rendered["annotations"]["runbook_url"] == rule_docs_url(alert.rule_id)
            assert rendered["for"] == alert.hold
            assert "$" not in rendered["expr"], rendered["expr"]
            assert f'job="{default_job(dep)}"' in rendered["expr"]
            assert "$" not in rendered["annotations"]["description"]
            summary = rendered["annotations"]["summary"]
            assert not re.search(r"\$(?!labels\.)", summary), summary


def test_profile_overrides_job_and_hold_only() -> None:
    dep = load_example(ROOT / "examples/sentinel.yaml")
    plain = _rules_of(prometheus_rules(dep))
    test = _rules_of(prometheus_rules(dep, AlertProfile(job='odd"job', hold="0s")))
    assert [r["alert"] for r in plain] == [r["alert"] for r in test]
    for before, after in zip(plain, test, strict=True):
        assert after["for"] == "0s"
        assert after["expr"] == before["expr"].replace('job="redis-metrics"', 'job="odd\\"job"')
        assert after["labels"] == before["labels"]


def test_figures_are_the_deployments() -> None:
    dep = load_example(ROOT / "examples/sentinel.yaml")
    figures = alert_figures(dep, "j")
    assert figures["maxmemory"] == str(dep.maxmemory_bytes) == str(TIERS["medium"].maxmemory)
    assert figures["appendfsync"] == dep.persistence.appendfsync
    assert figures["job"] == 'job="j"'


def test_manifest_is_a_prometheus_rule() -> None:
    dep = load_example(ROOT / "examples/cluster.yaml")
    data = _yaml(prometheus_rule_manifest(dep, namespace="infisical", labels={"release": "kube-prometheus-stack"}))
    assert data["apiVersion"] == "monitoring.coreos.com/v1" and data["kind"] == "PrometheusRule"
    assert data["metadata"]["namespace"] == "infisical"
    assert data["metadata"]["labels"]["release"] == "kube-prometheus-stack"
    assert data["spec"]["groups"] == _yaml(prometheus_rules(dep))["groups"]


def test_rendering_is_deterministic() -> None:
    dep = load_example(ROOT / "examples/cluster.yaml")
    assert prometheus_rules(dep) == prometheus_rules(load_example(ROOT / "examples/cluster.yaml"))


def _rendered(path: Path) -> dict[str, str]:
    dep = load_example(path)
    return {"prometheus-rules.yaml": prometheus_rules(dep), "prometheus-rule.yaml": prometheus_rule_manifest(dep)}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_rendered_alerts_match_golden_files(path: Path) -> None:
    rendered = _rendered(path)
    folder = GOLDEN / path.stem
    if os.environ.get("UPDATE_GOLDEN") == "1":
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in rendered.items():
            (folder / name).write_text(text, encoding="utf-8")
    diffs: list[str] = []
    for name, text in rendered.items():
        golden_path = folder / name
        assert golden_path.is_file(), f"no golden file {golden_path}; after review run: {REFRESH}"
        golden = golden_path.read_text(encoding="utf-8")
        diffs.extend(
            difflib.unified_diff(
                golden.splitlines(), text.splitlines(), f"golden/{name}", f"rendered/{name}", lineterm=""
            )
        )
    assert not diffs, "\n".join([*diffs, f"after review run: {REFRESH}"])


def test_monitoring_page_lists_every_alert_and_every_unwatched_rule() -> None:
    page = monitoring_page(["standalone", "cluster"])
    for alert in ALERTS:
        assert f"\n### {alert.name}\n" in page
        assert f"](rules/{alert.rule_id}.md)" in page
    for rule_id in UNWATCHED:
        assert f"[`{rule_id}`](rules/{rule_id}.md)" in page
    assert '--8<-- "build/cluster/alerts/prometheus-rules.yaml"' in page
    assert '--8<-- "build/standalone/helm/prometheus-rule.yaml"' in page
    assert "--8<--" not in monitoring_page()
    assert "$" not in page.replace("$labels", "")


def test_the_page_names_every_figure() -> None:
    dep = load_example(ROOT / "examples/sentinel.yaml")
    assert set(DISPLAY_FIGURES) == set(alert_figures(dep, "j"))


def test_alerts_watching_a_rule() -> None:
    assert [a.name for a in alerts_watching("persistence.health")] == [
        "RedisAofWriteFailed",
        "RedisAofRewriteFailed",
        "RedisRdbSaveFailed",
    ]
    assert alerts_watching("auth.required") == ()
