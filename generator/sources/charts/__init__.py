"""Source: Helm values files and Kubernetes Secrets.

A values file is identified positively (``identify``) as Bitnami ``redis`` / ``redis-cluster`` / ``valkey``,
``redis-ha`` or Infisical's chart (its ``redis:`` section), then turned into three kinds of subject: the values
as written (``ChartValues``: unknown keys, volumes, architecture, images), the redis.conf the data pods would run
(``EffectiveConfig``, at the line and column where each setting is written) and the server image
(``ImageReference``). What a pod runs with when the values say nothing comes from ``schema/charts.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.formats.dotenv import EnvAssignment
from generator.formats.yaml import YamlDocument, YamlLoadError, parse_yaml
from generator.schema.charts import ChartFacts
from generator.schema.secrets import is_secret_env, secret_values
from generator.schema.versions import ServerTarget, match_target
from generator.shapes.chart import ChartValues
from generator.shapes.config import EffectiveConfig
from generator.shapes.env import EnvFacts
from generator.shapes.finding import Location
from generator.shapes.image import ImageReference
from generator.sources.base import Note, SourceResult, inline_ignores, read_text, unparsable
from generator.sources.charts.config import Reader, auth_on, get, roles, section_at, settings
from generator.sources.charts.identify import identify, not_a_chart
from generator.sources.charts.secret import secret_env

CHART_MANAGED_RULES = frozenset({"network.exposed", "tls.ca", "auth.sentinel-rewrite"})
"""Not judged: the chart writes these settings itself."""


def read_helm(path: Path, display: str, target: ServerTarget | None = None) -> SourceResult:
    return helm_from_text(read_text(path, display), display, target)


def _image(chart: ChartFacts, reader: Reader) -> ImageReference | None:
    """The server image when the values set its tag; without one the chart's own pinned tag runs."""
    slot = chart.images[0] if chart.images else None
    image = reader.get(slot.path) if slot else None
    if slot is None or not isinstance(image, dict):
        return None
    tag = image.get("tag")
    if isinstance(tag, bool) or not isinstance(tag, str | int | float) or not str(tag):
        return None
    repository = image.get("repository")
    name = repository if isinstance(repository, str) and repository else slot.default_repository
    return ImageReference(f"{name}:{tag}", reader.at((*slot.path, "tag")))


def _target(chart: ChartFacts, image: ImageReference | None) -> ServerTarget | None:
    matched = image.line if image is not None else None
    if matched is not None:
        return matched.requested or matched.line
    if image is None and chart.default_line is not None:
        return match_target(ServerTarget("redis", *chart.default_line)).line
    return None


def _chart_env(document: YamlDocument, display: str) -> EnvFacts | None:
    """``infisical.env`` of Infisical's chart (a list of ``{name, value}`` rendered into the pod's ``env:``): only
    part of Infisical's environment (REDIS_URL comes from the chart or its Secret), so start-up completeness and
    ``auth.required`` are not judged on it."""
    entries = get(document.data, ("infisical", "env"))
    if not isinstance(entries, list):
        return None
    positions = document.positions
    assignments: list[EnvAssignment] = []
    places: dict[int, Location] = {}
    for index, entry in enumerate(entries, start=1):
        if isinstance(entry, dict) and isinstance(entry.get("name"), str) and isinstance(entry.get("value"), str):
            place = positions.of_value(("infisical", "env", index - 1, "value"))
            places[index] = Location(display, *(place or (1, 1)))
            assignments.append(EnvAssignment(index, entry["name"], entry["value"]))
    origin = Location(display, *(positions.of_key(("infisical", "env")) or (1, 1)))
    return EnvFacts(
        tuple(assignments),
        lambda line: places.get(line, origin),
        origin,
        not_judged=frozenset({"env.infisical-startup", "auth.required"}),
    )


def _config_map(reader: Reader, result: SourceResult, target: ServerTarget | None) -> bool:
    """A Kubernetes ConfigMap: each ``data`` entry that reads as a redis.conf or sentinel.conf is judged as one,
    at its lines inside the ConfigMap."""
    from generator.sources.kind import text_kind

    data = reader.get(("data",))
    entries = [(str(k), v) for k, v in data.items()] if isinstance(data, dict) else []
    judged = False
    for name, text in entries:
        if not isinstance(text, str) or text_kind(text, name) != "conf":
            continue
        found = list(reader.conf_text(("data", name)))
        result.secrets |= {v for s in found for v in secret_values(s.name, s.args)}
        result.subjects.append(EffectiveConfig.of(found, reader.at(("data", name), key=True), target=target))
        judged = True
    return judged


def judge_manifest(
    document: YamlDocument, text: str, display: str, result: SourceResult, target: ServerTarget | None
) -> bool:
    """Adds the subjects of a Kubernetes Secret or ConfigMap to ``result``; False for any other document."""
    data: Any = document.data
    kind = data.get("kind") if isinstance(data, dict) else None
    if kind == "Secret":
        env = secret_env(Reader(document, text, display))
        result.subjects.append(env)
        result.secrets |= {a.value for a in env.assignments if is_secret_env(a.name) and a.value}
        return True
    if kind == "ConfigMap":
        return _config_map(Reader(document, text, display), result, target)
    return False


def helm_from_text(text: str, display: str, target: ServerTarget | None = None) -> SourceResult:
    """``target`` (``check --redis-version``) wins over the line the values' image names."""
    try:
        document = parse_yaml(text)
    except YamlLoadError as error:
        if "single document" in error.reason:  # Kubernetes manifests: several documents
            from generator.sources.charts.manifests import manifests_from_text

            return manifests_from_text(text, display, target)
        raise unparsable(display, error) from None
    result = SourceResult(ignored=inline_ignores(text))
    data: Any = document.data
    if isinstance(data, dict) and data.get("kind") in ("Secret", "ConfigMap"):
        if not judge_manifest(document, text, display, result, target):
            raise not_a_chart(display, "a ConfigMap with no redis.conf or sentinel.conf in its data")
        return result
    found = identify(data, display)
    chart, base = found.chart, found.base
    reader = Reader(document, text, display, base)
    result.subjects.append(ChartValues(display, document, chart, base, found.keys))
    chart_env = _chart_env(document, display) if base else None
    if chart_env is not None:
        result.subjects.append(chart_env)
        result.secrets |= {a.value for a in chart_env.assignments if is_secret_env(a.name) and a.value}
    if base and reader.get(("enabled",)) is False:
        return result  # Infisical's bundled Redis is off: its Redis is judged elsewhere
    existing = reader.get(("existingConfigmap",)) if chart.default_architecture else None
    if isinstance(existing, str) and existing:
        message = f"the redis.conf comes from the ConfigMap {existing!r} (existingConfigmap): check that ConfigMap"
        result.notes.append(Note(reader.at(("existingConfigmap",)), message))
        return result
    absent = section_at(chart, reader)
    per_role = [settings(chart, reader, absent, role) for role in roles(chart, reader)]
    result.secrets |= {v for role in per_role for s in role for v in secret_values(s.name, s.args)}
    not_judged = set(CHART_MANAGED_RULES)
    absent_at: dict[str, Location] = {}
    if not auth_on(chart, reader):
        switch = chart.password_enabled
        absent_at["requirepass"] = reader.at(switch, key=True) if reader.written(switch) else absent
    else:
        not_judged.add("auth.required")  # the chart sets a password (a random one when none is given)
    image = _image(chart, reader)
    if image is not None:
        result.subjects.append(image)
    for role_settings in per_role:
        line = target or _target(chart, image)
        result.subjects.append(
            EffectiveConfig.of(
                role_settings, absent, target=line, absent_at=absent_at, not_judged=not_judged, kind="redis"
            )
        )
    return result
