"""`check` for Helm values files: the redis.conf a Bitnami `redis` / `redis-cluster` pod (or the Redis bundled
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

from generator.checks import CONFIG_CHECKS, EffectiveConfig, Setting
from generator.conf_syntax import ConfSyntaxError, parse_conf
from generator.findings import Finding, Location, rule_finding
from generator.validate import UnreadableFileError
from generator.yaml_source import YamlDocument, YamlLoadError, YamlPath, parse_yaml
from schema.charts import AOF_SWITCH, BITNAMI_REDIS, BITNAMI_REDIS_CLUSTER, INFISICAL_SUBCHART, ChartFacts
from schema.rules import RULES_BY_ID, Scope

CHART_MANAGED_RULES = frozenset({"auth.required", "network.exposed", "tls.ca", "auth.sentinel-rewrite"})
"""Judged from the chart's own keys below, or not at all: the chart writes these settings itself."""


def is_helm_values(path: Path) -> bool:
    return path.suffix in (".yaml", ".yml")


def _get(data: Any, path: YamlPath) -> Any:
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


_BITNAMI_REDIS_KEYS = frozenset({"commonConfiguration", "master", "replica", "architecture", "sentinel", "auth"})
_CLUSTER_KEYS = frozenset({"configmap", "useAOFPersistence", "defaultConfigOverride"})


def _detect(data: Any, display: str) -> tuple[ChartFacts, YamlPath]:
    if not isinstance(data, dict):
        raise UnreadableFileError(f"{display}: not a Helm values file (no mapping of keys)")
    if "mode" in data and "redis_version" in data:
        raise UnreadableFileError(f"{display}: a deployment values file: judge it with `validate`")
    sub = data.get("redis")
    if isinstance(data.get("cluster"), dict) or (isinstance(sub, dict) and _CLUSTER_KEYS & set(sub)):
        return BITNAMI_REDIS_CLUSTER, ()
    if isinstance(sub, dict) and ("infisical" in data or (_BITNAMI_REDIS_KEYS | {"enabled"}) & set(sub)):
        return BITNAMI_REDIS, INFISICAL_SUBCHART
    if _BITNAMI_REDIS_KEYS & set(data):
        return BITNAMI_REDIS, ()
    raise UnreadableFileError(
        f"{display}: not values of a chart `check` knows (Bitnami redis, redis-cluster, Infisical's chart) "
        "nor a Kubernetes Secret"
    )


def _check_secret(reader: _Reader) -> list[Finding]:
    """A Kubernetes Secret with Infisical's variables in ``stringData``: judged like the `.env` it mirrors."""
    from generator.env_check import EnvAssignment, check_assignments
    from generator.env_findings import env_findings

    data = reader.document.data.get("stringData")
    entries = data.items() if isinstance(data, dict) else []
    keys = {str(name): reader.at(("stringData", str(name)), key=True) for name, _ in entries}
    assignments = [EnvAssignment(keys[str(name)].line or 1, str(name), str(value)) for name, value in entries]
    by_line = {where.line: where for where in keys.values()}

    def locate(line: int) -> Location:
        return by_line.get(line, reader.at(("kind",)))

    return env_findings(assignments, check_assignments(assignments), locate)


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
            raise UnreadableFileError(
                f"{start}: error conf.syntax: {error.reason} (line {error.line} of the text)"
            ) from None
        indicator = self.lines[start.line - 1][(start.column or 1) - 1 :][:1] if start.line else ""
        literal_block = indicator == "|"
        indent = self._block_indent(start.line or 1, text) if literal_block else 0
        for line in conf_lines:
            if literal_block:
                where = Location(self.display, (start.line or 1) + line.line, indent + line.column)
            else:  # a one-line or folded scalar: point at the value
                where = start
            yield Setting(line.name, line.args, where, line.name in ("requirepass", "masterauth", "user"))

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


def check_helm_values(path: Path, display: str, text: str) -> list[Finding]:
    """Raises UnreadableFileError for YAML errors and files that are not values of a known chart."""
    try:
        document = parse_yaml(text)
    except YamlLoadError as error:
        where = Location(display, error.line, error.column) if error.line else Location(display)
        raise UnreadableFileError(f"{where}: error schema.yaml: {error.reason}") from None
    reader = _Reader(document, text.split("\n"), display)
    if isinstance(document.data, dict) and document.data.get("kind") == "Secret":
        return _check_secret(reader)
    chart, base = _detect(document.data, display)
    if base and _get(document.data, (*base, "enabled")) is False:
        return []  # Infisical's bundled Redis is off: its Redis is judged elsewhere
    texts = [(*base, *path) for path in chart.conf_texts if _get(document.data, (*base, *path)) is not None]
    absent = reader.at(texts[0], key=True) if texts else Location(display, 1, 1)
    cfg = EffectiveConfig.of(_settings(chart, base, reader), absent)  # absent directives: point at the text
    findings = [
        finding
        for rule_id, predicate in CONFIG_CHECKS.items()
        if Scope.CONF in RULES_BY_ID[rule_id].scopes and rule_id not in CHART_MANAGED_RULES
        for finding in predicate(cfg)
    ]
    if _get(document.data, (*base, *chart.password_enabled)) is False:
        findings.append(
            rule_finding(
                "auth.required",
                reader.at((*base, *chart.password_enabled)),
                f"{'.'.join(chart.password_enabled)} is false: the chart starts Redis without a password",
            )
        )
    return findings
