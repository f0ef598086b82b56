"""Source: Helm values files -> the redis.conf a Bitnami `redis` / `redis-cluster` pod (or the Redis bundled
with Infisical's chart) would run, judged by the same rules as a config file, at the line and column of the
values file where each setting is written.

The chart writes ports, passwords, TLS files and replication itself, so only what the values control is
judged: the config texts, extra flags, disabled commands, the AOF switch, `auth.enabled`, a literal password
and `tls.authClients`. What a pod runs with when the values say nothing comes from schema/charts.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from generator.formats.conf import ConfSyntaxError, parse_conf
from generator.formats.dotenv import EnvAssignment
from generator.formats.yaml import YamlDocument, YamlLoadError, YamlPath, parse_yaml
from generator.schema.charts import AOF_SWITCH, BITNAMI_REDIS, BITNAMI_REDIS_CLUSTER, INFISICAL_SUBCHART, ChartFacts
from generator.schema.secrets import is_secret_directive, is_secret_env, secret_values
from generator.schema.versions import ServerTarget
from generator.shapes.config import EffectiveConfig, Setting
from generator.shapes.env import EnvFacts
from generator.shapes.finding import Location, rule_finding
from generator.shapes.image import ImageReference
from generator.sources.base import InputError, SourceResult, inline_ignores, read_text

CHART_MANAGED_RULES = frozenset({"network.exposed", "tls.ca", "auth.sentinel-rewrite"})
"""Not judged: the chart writes these settings itself."""


def _get(data: Any, path: YamlPath) -> Any:
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


_BITNAMI_REDIS_KEYS = frozenset({"commonConfiguration", "master", "replica", "architecture", "sentinel", "auth"})
_CLUSTER_KEYS = frozenset({"configmap", "useAOFPersistence", "defaultConfigOverride"})


def _not_a_chart(display: str, message: str) -> InputError:
    return InputError(rule_finding("input.kind", Location(display, 1, 1), message))


def _detect(data: Any, display: str) -> tuple[ChartFacts, YamlPath]:
    if not isinstance(data, dict):
        raise _not_a_chart(display, "not a Helm values file (no mapping of keys)")
    if "mode" in data and "redis_version" in data:
        raise _not_a_chart(display, "a deployment values file: judge it with `validate`")
    sub = data.get("redis")
    if isinstance(data.get("cluster"), dict) or (isinstance(sub, dict) and _CLUSTER_KEYS & set(sub)):
        return BITNAMI_REDIS_CLUSTER, ()
    if isinstance(sub, dict) and ("infisical" in data or (_BITNAMI_REDIS_KEYS | {"enabled"}) & set(sub)):
        return BITNAMI_REDIS, INFISICAL_SUBCHART
    if _BITNAMI_REDIS_KEYS & set(data):
        return BITNAMI_REDIS, ()
    raise _not_a_chart(
        display,
        "not values of a chart `check` knows (Bitnami redis, redis-cluster, Infisical's chart) nor a Kubernetes Secret",
    )


def _secret_env(reader: _Reader) -> EnvFacts:
    """A Kubernetes Secret with Infisical's variables in ``stringData``: judged like the `.env` it mirrors."""
    data = reader.document.data.get("stringData")
    entries = data.items() if isinstance(data, dict) else []
    keys = {str(name): reader.at(("stringData", str(name)), key=True) for name, _ in entries}
    assignments = [EnvAssignment(keys[str(name)].line or 1, str(name), str(value)) for name, value in entries]
    by_line = {where.line: where for where in keys.values()}

    def locate(line: int) -> Location:
        return by_line.get(line, reader.at(("kind",)))

    return EnvFacts(tuple(assignments), locate, reader.at(("kind",)))


class _Reader:
    def __init__(self, document: YamlDocument, lines: list[str], display: str) -> None:
        self.document = document
        self.lines = lines
        self.display = display

    def at(self, path: YamlPath, *, key: bool = False) -> Location:
        positions = self.document.positions
        found = positions.of_key(path) if key else positions.of_value(path)
        return Location(self.display, *(found or (1, 1)))

    def conf_text(self, path: YamlPath) -> Iterator[Setting]:
        """The settings of a redis.conf text at ``path``, each at its line and column in the values file."""
        text = _get(self.document.data, path)
        if not isinstance(text, str) or not text.strip():
            return
        start = self.at(path)
        try:
            conf_lines = parse_conf(text)
        except ConfSyntaxError as error:
            message = f"{error.reason} (line {error.line} of the text)"
            raise InputError(rule_finding("conf.syntax", start, message)) from None
        indicator = self.lines[start.line - 1][(start.column or 1) - 1 :][:1] if start.line else ""
        literal_block = indicator == "|"
        indent = self._block_indent(start.line or 1, text) if literal_block else 0
        for line in conf_lines:
            if literal_block:
                where = Location(self.display, (start.line or 1) + line.line, indent + line.column)
            else:  # a one-line or folded scalar: point at the value
                where = start
            yield Setting(line.name, line.args, where, is_secret_directive(line.name, line.args))

    def _block_indent(self, indicator_line: int, text: str) -> int:
        """Indentation of a literal block's first non-blank line (0 when the file does not line up)."""
        for offset, content in enumerate(text.split("\n"), start=1):
            if content.strip():
                index = indicator_line - 1 + offset
                raw = self.lines[index] if index < len(self.lines) else ""
                return len(raw) - len(raw.lstrip(" "))
        return 0

    def flags(self, path: YamlPath) -> Iterator[Setting]:
        items = _get(self.document.data, path)
        for index, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, str) and item.startswith("--"):
                try:
                    parsed = parse_conf(item[2:])
                except ConfSyntaxError:
                    continue
                for line in parsed:
                    yield Setting(line.name, line.args, self.at((*path, index)))

    def disabled(self, path: YamlPath) -> Iterator[Setting]:
        items = _get(self.document.data, path)
        for index, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, str):
                yield Setting("rename-command", (item, ""), self.at((*path, index)))


def _settings(chart: ChartFacts, base: YamlPath, reader: _Reader) -> list[Setting]:
    data = reader.document.data
    origin = Location(reader.display, 1, 1)
    replaced = _get(data, (*base, *chart.implicit_unless)) not in (None, "")
    settings = [
        Setting(
            name,
            tuple(value.split()) if value else ("",),
            reader.at((*base, *chart.implicit_unless), key=True) if replaced else origin,
        )
        for name, value in chart.implicit
        if not replaced or name == "appendonly"
    ]
    for path in chart.conf_texts:
        settings += reader.conf_text((*base, *path))
    switch = _get(data, (*base, *AOF_SWITCH))
    if chart is BITNAMI_REDIS_CLUSTER and isinstance(switch, str):
        settings.append(Setting("appendonly", (switch,), reader.at((*base, *AOF_SWITCH))))
    for path in chart.extra_flags:
        settings += reader.flags((*base, *path))
    for path in chart.disabled_commands:
        settings += reader.disabled((*base, *path))
    password = _get(data, (*base, *chart.password))
    if isinstance(password, str) and password:
        settings.append(Setting("requirepass", (password,), reader.at((*base, *chart.password)), secret=True))
    tls = _get(data, (*base, "tls"))
    if isinstance(tls, dict) and tls.get("enabled") is True:
        auth_clients = tls.get("authClients", True) is not False
        where = reader.at((*base, "tls", "authClients" if "authClients" in tls else "enabled"))
        settings += [
            Setting("tls-port", ("6379",), reader.at((*base, "tls", "enabled"))),
            Setting("tls-auth-clients", ("yes" if auth_clients else "no",), where),
        ]
    return settings


def _image(data: Any, base: YamlPath, reader: _Reader) -> ImageReference | None:
    """The chart's ``image`` (``repository`` and ``tag``, as Bitnami's charts spell it) when the values set a
    tag; without one the chart's own pinned tag runs, which its version decides."""
    image = _get(data, (*base, "image"))
    if not isinstance(image, dict) or not isinstance(image.get("repository"), str):
        return None
    tag = image.get("tag")
    if not isinstance(tag, str | int | float) or not str(tag):
        return None
    return ImageReference(f"{image['repository']}:{tag}", reader.at((*base, "image", "tag")))


def read_helm(path: Path, display: str, target: ServerTarget | None = None) -> SourceResult:
    return helm_from_text(read_text(path, display), display, target)


def helm_from_text(text: str, display: str, target: ServerTarget | None = None) -> SourceResult:
    """``target`` (``check --redis-version``) wins over the line the values' image names."""
    try:
        document = parse_yaml(text)
    except YamlLoadError as error:
        raise InputError(
            rule_finding("schema.yaml", Location(display, error.line, error.column), error.reason)
        ) from None
    reader = _Reader(document, text.split("\n"), display)
    result = SourceResult(ignored=inline_ignores(text))
    if isinstance(document.data, dict) and document.data.get("kind") == "Secret":
        env = _secret_env(reader)
        result.subjects.append(env)
        result.secrets |= {a.value for a in env.assignments if is_secret_env(a.name) and a.value}
        return result
    chart, base = _detect(document.data, display)
    if base and _get(document.data, (*base, "enabled")) is False:
        return result  # Infisical's bundled Redis is off: its Redis is judged elsewhere
    texts = [(*base, *path) for path in chart.conf_texts if _get(document.data, (*base, *path)) is not None]
    absent = reader.at(texts[0], key=True) if texts else Location(display, 1, 1)
    settings = _settings(chart, base, reader)
    result.secrets |= {v for s in settings for v in secret_values(s.name, s.args)}
    auth_off = _get(document.data, (*base, *chart.password_enabled)) is False
    not_judged = set(CHART_MANAGED_RULES)
    absent_at: dict[str, Location] = {}
    if auth_off:
        absent_at["requirepass"] = reader.at((*base, *chart.password_enabled))
    else:
        not_judged.add("auth.required")  # the chart sets a password (a random one when none is given)
    image = _image(document.data, base, reader)
    if image is not None:
        result.subjects.append(image)
        matched = image.line
        if target is None and matched is not None:
            target = matched.requested or matched.line
    cfg = EffectiveConfig.of(settings, absent, target=target, absent_at=absent_at, not_judged=not_judged)
    result.subjects.append(cfg)
    return result
