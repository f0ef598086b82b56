"""Which source reads a file: decided from its content, not its name (a swarm `.env-example` is a `.env`,
a `values-prod.yml` may be a compose file). One function per decision, so adding a kind is one entry."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.formats.yaml import YamlLoadError, parse_yaml
from generator.schema.versions import ServerTarget
from generator.shapes.finding import Location, rule_finding
from generator.sources.base import InputError, SourceResult, unparsable
from generator.sources.conf import conf_from_text
from generator.sources.dotenv import dotenv_from_text
from generator.sources.kind import text_kind

YamlRouter = Callable[[Any, str, str], SourceResult | None]
"""(parsed data, text, display) -> the source's result, or None when the document is not of its kind."""
YAML_KINDS: list[YamlRouter] = []
"""YAML sources in the order they are tried; each recognises its documents positively."""


def read_any(path: Path, display: str, text: str, target: ServerTarget | None = None) -> SourceResult:
    """The result of the source that recognises ``text``; ``input.kind`` when none does."""
    kind = text_kind(text, display)
    if kind == "dotenv":
        return dotenv_from_text(text, display, path)
    if kind == "conf":
        return conf_from_text(path, display, text, target)
    if kind == "yaml":
        return _read_yaml(text, display, target)
    raise InputError(
        rule_finding(
            "input.kind",
            Location(display, 1, 1),
            "not a file `check` knows: a redis.conf, sentinel.conf, Infisical .env, Kubernetes Secret, Helm "
            "values of a known chart, docker-compose file or values file",
        )
    )


def _read_yaml(text: str, display: str, target: ServerTarget | None = None) -> SourceResult:
    try:
        data = parse_yaml(text).data
    except YamlLoadError as error:
        if "single document" in error.reason:  # Kubernetes manifests, judged document by document
            from generator.sources.charts import helm_from_text

            return helm_from_text(text, display, target)
        raise unparsable(display, error) from None
    for router in YAML_KINDS:
        result = router(data, text, display)
        if result is not None:
            return result
    from generator.sources.charts import helm_from_text

    return helm_from_text(text, display, target)  # says plainly when it is no chart it knows


def _values_router(data: Any, text: str, display: str) -> SourceResult | None:
    if isinstance(data, dict) and "mode" in data and "redis_version" in data:
        from generator.sources.values import values_from_text

        return values_from_text(text, display)
    return None


def _compose_router(data: Any, text: str, display: str) -> SourceResult | None:
    if isinstance(data, dict) and isinstance(data.get("services"), dict):
        from generator.sources.compose import compose_router

        return compose_router(data, text, display)
    return None


YAML_KINDS.append(_values_router)
YAML_KINDS.append(_compose_router)
