"""The monitoring page: every Prometheus alert with what it means for Infisical's queues, its fix and its rule;
the rules no metric can show; and the generated alert files of every example, embedded from `build/`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from generator.render.alerts import MANIFEST_FILE, RULES_FILE, metrics_job
from generator.render.templates import render_template
from generator.schema.alerts import ALERTS, COUNTER_WINDOW, EXPORTER_CONFIG_FLAG, UNWATCHED, catalogue_rule, fill_text
from generator.schema.modes import Mode
from generator.schema.sizing import MEMORY_ALERT_SHARE, TIERS, memory_alert_threshold
from generator.schema.units import GIB, format_redis_memory
from generator.schema.values import KubernetesSettings

_LABEL_TEMPLATE = re.compile(r"\{\{ \$labels\.(\w+) \}\}")

PAGE = "monitoring.md"
"""The page's file name under ``docs/reference/``."""

DISPLAY_FIGURES: dict[str, str] = {
    "job": 'job="<job>"',
    "maxmemory": "<maxmemory in bytes>",
    "maxmemory_text": "<maxmemory>",
    "memory_alert": f"<{MEMORY_ALERT_SHARE:.0%} of maxmemory, in bytes>",
    "memory_alert_share": f"{MEMORY_ALERT_SHARE:.0%}",
    "appendfsync": "<the deployment's appendfsync>",
    "cluster_slots": "16384",
    "window": COUNTER_WINDOW,
    "master_name": "<sentinel.master_name>",
    "sentinels": "<number of Sentinels>",
    "replicas": "<number of replicas>",
    "cluster_masters": "<number of masters>",
}
"""How an expression's deployment figures read on the page (the files themselves carry the numbers)."""


@dataclass(frozen=True)
class AlertView:
    name: str
    rule_id: str
    rule_summary: str
    severity: str
    hold: str
    modes: str
    expr: str
    summary: str
    meaning: str
    action: str
    needs_config_metrics: bool


@dataclass(frozen=True)
class ThresholdRow:
    tier: str
    maxmemory: str
    threshold: str


@dataclass(frozen=True)
class UnwatchedRow:
    rule_id: str
    summary: str
    reason: str


@dataclass(frozen=True)
class EmbeddedFile:
    example: str
    path: str


@dataclass(frozen=True)
class MonitoringView:
    exporter_flag: str
    default_job: str
    rules_file: str
    manifest_file: str
    memory_share: str
    alerts: tuple[AlertView, ...]
    thresholds: tuple[ThresholdRow, ...]
    unwatched: tuple[UnwatchedRow, ...]
    rules_files: tuple[EmbeddedFile, ...]
    manifests: tuple[EmbeddedFile, ...]


def _modes(modes: frozenset[Mode]) -> str:
    if modes == frozenset(Mode):
        return "all"
    return ", ".join(mode.value for mode in Mode if mode in modes)


def _bytes(size: int) -> str:
    return f"{size} bytes ({size / GIB:.2f} GiB)"


def monitoring_view(example_names: Sequence[str] = ()) -> MonitoringView:
    """The page's content; ``example_names`` are the examples whose built alert files the page embeds."""
    alerts = tuple(
        AlertView(
            name=alert.name,
            rule_id=alert.rule_id,
            rule_summary=catalogue_rule(alert.rule_id).summary,
            severity=alert.severity,
            hold=alert.hold,
            modes=_modes(alert.modes) + (f" ({alert.when.text})" if alert.when else ""),
            expr=fill_text(alert.expr, DISPLAY_FIGURES),
            summary=_LABEL_TEMPLATE.sub(r"<\1>", fill_text(alert.summary, DISPLAY_FIGURES)),
            meaning=alert.meaning,
            action=fill_text(alert.action, DISPLAY_FIGURES),
            needs_config_metrics=alert.config_metrics,
        )
        for alert in ALERTS
    )
    thresholds = tuple(
        ThresholdRow(tier=tier.name, maxmemory=format_redis_memory(tier.maxmemory), threshold=_bytes(limit))
        for tier in TIERS.values()
        for limit in [memory_alert_threshold(tier.maxmemory)]
    )
    unwatched = tuple(
        UnwatchedRow(rule_id=rule_id, summary=catalogue_rule(rule_id).summary, reason=reason)
        for rule_id, reason in UNWATCHED.items()
    )
    return MonitoringView(
        exporter_flag=EXPORTER_CONFIG_FLAG,
        default_job=metrics_job(KubernetesSettings().release),
        rules_file=RULES_FILE,
        manifest_file=MANIFEST_FILE,
        memory_share=f"{MEMORY_ALERT_SHARE:.0%}",
        alerts=alerts,
        thresholds=thresholds,
        unwatched=unwatched,
        rules_files=tuple(EmbeddedFile(name, f"build/{name}/{RULES_FILE}") for name in example_names),
        manifests=tuple(EmbeddedFile(name, f"build/{name}/{MANIFEST_FILE}") for name in example_names),
    )


def monitoring_page(example_names: Sequence[str] = ()) -> str:
    """Markdown of ``docs/reference/monitoring.md``. The embedded files must exist under ``build/`` (snippets
    check their paths), so pass only examples `build` has written alert files for."""
    return render_template("docs/monitoring.md.j2", view=monitoring_view(example_names))
