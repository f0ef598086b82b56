"""Source: Helm values files and Kubernetes Secrets; the chart modules live in ``generator.sources.charts``."""

from generator.sources.charts import CHART_MANAGED_RULES, helm_from_text, read_helm

__all__ = ["CHART_MANAGED_RULES", "helm_from_text", "read_helm"]
