"""Prometheus alerting rules for one deployment, from the alert declarations in ``schema/alerts.py``.

Two renderings of the same rule group: a plain rules file (``rule_files:`` of a Prometheus) and a
``monitoring.coreos.com/v1`` ``PrometheusRule`` for the Prometheus Operator. Pure functions; the YAML is emitted
deterministically (insertion order, no line folding).
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Mapping
from typing import Any, NamedTuple

from ruamel.yaml import YAML

from generator.schema.alerts import EXPORTER_CONFIG_FLAG, Alert, alert_figures, alerts_for, fill_expr, fill_text
from generator.schema.project import rule_docs_url
from generator.schema.values import Deployment

RULES_FILE = "alerts/prometheus-rules.yaml"
"""Where `build` writes the plain rules file, relative to a deployment's output directory."""
MANIFEST_FILE = "helm/prometheus-rule.yaml"
"""Where `build` writes the PrometheusRule manifest, next to the Helm values."""


class AlertProfile(NamedTuple):
    """How the rules are rendered beyond the deployment itself.

    ``job``: the Prometheus ``job`` label of the deployment's redis_exporter targets (``None``: the default,
    :func:`default_job`). ``hold``: replaces every alert's ``for:`` (tests use ``"0s"`` to see alerts fire at
    once); ``None`` keeps the declared durations.
    """

    job: str | None = None
    hold: str | None = None


PRODUCTION = AlertProfile()


def metrics_job(release: str) -> str:
    """The Bitnami chart's metrics Service of release ``release``, which is also the ``job`` label a
    ServiceMonitor gives the exporters' targets."""
    return f"{release}-metrics"


def default_job(dep: Deployment) -> str:
    """The scrape job the rules select unless a profile names another."""
    return metrics_job(dep.kubernetes.release)


def group_name(dep: Deployment) -> str:
    return f"infisical-{dep.kubernetes.release}-{dep.mode}"


def _rule(alert: Alert, figures: Mapping[str, str], profile: AlertProfile) -> dict[str, Any]:
    fig = dict(figures)
    rule = alert.rule
    description = f"{fill_text(alert.meaning, fig)} {fill_text(alert.action, fig)} Rule {rule.id}: {rule.summary}."
    return {
        "alert": alert.name,
        "expr": fill_expr(alert.expr, fig),
        "for": profile.hold if profile.hold is not None else alert.hold,
        "labels": {"rule_id": rule.id, "severity": alert.severity},
        "annotations": {
            "summary": fill_text(alert.summary, fig),
            "description": description,
            "runbook_url": rule_docs_url(rule.id),
        },
    }


def rule_groups(dep: Deployment, profile: AlertProfile = PRODUCTION) -> list[dict[str, Any]]:
    """The ``groups:`` list shared by both renderings: one group holding every alert that applies to ``dep``."""
    figures = alert_figures(dep, profile.job or default_job(dep))
    rules = [_rule(alert, figures, profile) for alert in alerts_for(dep)]
    return [{"name": group_name(dep), "rules": rules}]


def _dump(data: Any) -> str:
    """Block style, keys in insertion order, no folding, through libyaml's emitter (``ruamel.yaml.clib``): the
    pure-Python emitter took most of `build`'s time. Sequences sit at their key's indentation, as kubectl writes."""
    yaml = YAML(typ="safe", pure=False)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    yaml.width = 4096
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _header(dep: Deployment, job: str, what: str) -> str:
    needs_flag = any(alert.config_metrics for alert in alerts_for(dep))
    lines = [
        f"# {what} for the Redis behind Infisical ({dep.mode}, {dep.redis_version}, size {dep.size}).",
        "# Generated from the deployment values file and the rule catalogue; do not edit by hand.",
        f'# Every expression selects job="{job}": the scrape job of the redis_exporter targets (one per Redis node).',
    ]
    if needs_flag:
        lines.append(f"# Run redis_exporter with {EXPORTER_CONFIG_FLAG}: some alerts read the server's config.")
    return "\n".join(lines) + "\n"


def prometheus_rules(dep: Deployment, profile: AlertProfile = PRODUCTION) -> str:
    """A Prometheus rules file (``rule_files:``) with every alert that applies to ``dep``."""
    return _rules_file(dep, profile, _groups_yaml(dep, profile))


def _groups_yaml(dep: Deployment, profile: AlertProfile) -> str:
    """The ``groups:`` block, dumped once for both files (the YAML emitter is most of `build`'s time)."""
    return _dump({"groups": rule_groups(dep, profile)})


def _rules_file(dep: Deployment, profile: AlertProfile, groups_yaml: str) -> str:
    job = profile.job or default_job(dep)
    return _header(dep, job, "Prometheus alerting rules") + groups_yaml


def prometheus_rule_manifest(
    dep: Deployment,
    profile: AlertProfile = PRODUCTION,
    *,
    namespace: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> str:
    """The same rules as a Prometheus Operator ``PrometheusRule``.

    ``labels``: the metadata labels the operator's ``ruleSelector`` matches (none by default; kube-prometheus-stack
    selects ``release: <its release name>``). ``namespace``: unset leaves it to ``kubectl apply -n``.
    """
    return _manifest(dep, profile, _groups_yaml(dep, profile), namespace, labels)


def _manifest(
    dep: Deployment,
    profile: AlertProfile,
    groups_yaml: str,
    namespace: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> str:
    job = profile.job or default_job(dep)
    metadata: dict[str, Any] = {"name": f"{dep.kubernetes.release}-infisical-redis"}
    if namespace is not None:
        metadata["namespace"] = namespace
    metadata["labels"] = {"app.kubernetes.io/part-of": "infisical", **(labels or {})}
    head = {"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule", "metadata": metadata}
    # ``spec:`` comes last: the groups block nested under it is the same text, two spaces in (every level of the
    # emitter's output is indented by two)
    spec = "spec:\n" + textwrap.indent(groups_yaml, "  ")
    return _header(dep, job, "PrometheusRule (Prometheus Operator)") + _dump(head) + spec


ARTIFACT_PURPOSE: dict[str, str] = {
    RULES_FILE: "Prometheus alerting rules for this deployment (`rule_files:`), generated from the rule catalogue "
    "with its own figures; they read redis_exporter's metrics (run it with `--include-config-metrics`).",
    MANIFEST_FILE: "The same alerting rules as a `PrometheusRule` for the Prometheus Operator.",
}
"""What each alert file is for, for the example pages."""


def alert_files(dep: Deployment, profile: AlertProfile = PRODUCTION) -> dict[str, str]:
    """Relative file name -> text of both alert files `build` writes for ``dep``."""
    groups_yaml = _groups_yaml(dep, profile)
    return {RULES_FILE: _rules_file(dep, profile, groups_yaml), MANIFEST_FILE: _manifest(dep, profile, groups_yaml)}
