"""The redis.conf a chart's data pods would run, from its values: the chart's defaults, its config texts (each
setting at its line and column inside the values file), a directive map (redis-ha), extra flags, disabled
commands, the AOF switch, the password and TLS. The chart writes ports, passwords, TLS files and replication
itself, so only what the values control is judged."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.formats.conf import ConfSyntaxError, parse_conf
from generator.formats.yaml import YamlDocument, YamlPath
from generator.schema.charts import AOF_SWITCH, BITNAMI_REDIS_CLUSTER, ChartFacts
from generator.schema.secrets import is_secret_directive
from generator.shapes.config import Setting
from generator.shapes.finding import Location, rule_finding
from generator.sources.base import InputError


def get(data: Any, path: YamlPath) -> Any:
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def written(data: Any, path: YamlPath) -> bool:
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return False
        data = data[part]
    return True


class Reader:
    """A values file with the place of every key, and the chart section it is read under."""

    def __init__(self, document: YamlDocument, text: str, display: str, base: YamlPath = ()) -> None:
        self.document = document
        self.lines = text.split("\n")
        self.display = display
        self.base = base

    def get(self, path: YamlPath) -> Any:
        return get(self.document.data, (*self.base, *path))

    def written(self, path: YamlPath) -> bool:
        return written(self.document.data, (*self.base, *path))

    def at(self, path: YamlPath, *, key: bool = False) -> Location:
        positions = self.document.positions
        full = (*self.base, *path)
        found = positions.of_key(full) if key else positions.of_value(full)
        return Location(self.display, *(found or (1, 1)))

    def first_key(self) -> Location:
        """The first key of the file: where a finding about the file as a whole points."""
        tops = [place for path, place in self.document.positions.keys.items() if len(path) == 1]
        return Location(self.display, *(min(tops) if tops else (1, 1)))

    def conf_text(self, path: YamlPath) -> Iterator[Setting]:
        """The settings of a redis.conf text at ``path``, each at its line and column in the values file."""
        text = self.get(path)
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

    def conf_map(self, path: YamlPath) -> Iterator[Setting]:
        """A directive -> value map (redis-ha's ``redis.config``), each setting at its value."""
        entries = self.get(path)
        for name, value in entries.items() if isinstance(entries, dict) else []:
            items = value if isinstance(value, list) else [value]
            for item in items:
                text = ("yes" if item else "no") if isinstance(item, bool) else str(item if item is not None else "")
                try:
                    parsed = parse_conf(f"{name} {text}") if text.strip() else []
                except ConfSyntaxError:
                    parsed = []
                args = parsed[0].args if parsed else ("",)
                name_text = str(name)
                where = self.at((*path, name_text))
                yield Setting(name_text, args, where, is_secret_directive(name_text, args))

    def flags(self, path: YamlPath) -> Iterator[Setting]:
        """Extra flags as ``redis-server`` reads its arguments (the chart passes each item as one): an item
        starting with ``--`` opens a directive (``"--maxmemory-policy allkeys-lru"`` is a whole one), the items
        after it up to the next ``--`` are its values (``["--maxmemory-policy", "allkeys-lru"]``)."""
        items = self.get(path)
        groups: list[tuple[int, str, list[str]]] = []
        for index, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, str | int | float) or isinstance(item, bool):
                continue
            text = str(item)
            if text.startswith("--"):
                groups.append((index, text[2:], []))
            elif groups:
                groups[-1][2].append(text)
        for index, head, values in groups:
            try:
                parsed = parse_conf(head)
            except ConfSyntaxError:
                continue
            for line in parsed:
                args = (*line.args, *values)
                yield Setting(line.name, args, self.at((*path, index)), is_secret_directive(line.name, args))

    def disabled(self, path: YamlPath) -> Iterator[Setting]:
        items = self.get(path)
        for index, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, str):
                yield Setting("rename-command", (item, ""), self.at((*path, index)))


def section_at(chart: ChartFacts, reader: Reader) -> Location:
    """Where a finding about a setting the values do not write points: the config text (or map) key when the
    file has one, else the chart's section key (``redis:``), else the file's first key."""
    for path in (*chart.conf_texts, *((chart.config_map,) if chart.config_map else ())):
        if reader.written(path):
            return reader.at(path, key=True)
    if reader.base and written(reader.document.data, reader.base):
        return Location(reader.display, *(reader.document.positions.of_key(reader.base) or (1, 1)))
    return reader.first_key()


def auth_on(chart: ChartFacts, reader: Reader) -> bool:
    enabled = reader.get(chart.password_enabled)
    return chart.auth_default if enabled is None else enabled is not False


Role = str
"""``primary`` (Bitnami ``master`` / ``primary``), ``replica``, or ``all`` (a chart with one kind of data pod)."""


def roles(chart: ChartFacts, reader: Reader) -> list[Role]:
    """The kinds of data pod the values run: standalone, primary and replicas, or (with Sentinel) the replica-only
    StatefulSet of Bitnami's chart."""
    if chart.default_architecture is None:
        return ["all"]
    written = reader.get(("architecture",))
    architecture = written if isinstance(written, str) else chart.default_architecture
    if architecture == "standalone":
        return ["primary"]
    if reader.get(("sentinel", "enabled")) is True:
        return ["sentinel-node"]
    return ["primary", "replica"]


def _of_role(paths: tuple[tuple[str, ...], ...], role: Role) -> list[tuple[str, ...]]:
    """The paths a pod of ``role`` reads: shared ones, and its own section's."""
    if role == "all":
        return list(paths)
    own = "replica" if role in ("replica", "sentinel-node") else None
    picked = [
        p
        for p in paths
        if p[0] not in ("master", "primary", "replica")
        or p[0] == own
        or (own is None and p[0] in ("master", "primary"))
    ]
    if role == "sentinel-node":  # replica.configuration first: commonConfiguration wins there
        picked.sort(key=lambda p: p[0] != "replica")
    return picked


def settings(chart: ChartFacts, reader: Reader, default_at: Location, role: Role = "all") -> list[Setting]:
    """The settings a data pod of ``role`` runs with, in the order it applies them (later wins)."""
    replaced = reader.get(chart.implicit_unless) not in (None, "")
    implicit_at = reader.at(chart.implicit_unless, key=True) if replaced else default_at
    found = [
        Setting(name, tuple(value.split()) if value else ("",), implicit_at)
        for name, value in chart.implicit
        if not replaced or (name == "appendonly" and chart.config_map is None)
    ]
    if chart.config_map is not None and not replaced:
        found += reader.conf_map(chart.config_map)
    for path in _of_role(chart.conf_texts, role):
        found += reader.conf_text(path)
    switch = reader.get(AOF_SWITCH)
    if chart is BITNAMI_REDIS_CLUSTER and isinstance(switch, str):
        found.append(Setting("appendonly", (switch,), reader.at(AOF_SWITCH)))
    for path in _of_role(chart.extra_flags, role):
        found += reader.flags(path)
    for path in _of_role(chart.disabled_commands, role):
        found += reader.disabled(path)
    password = reader.get(chart.password)
    if auth_on(chart, reader) and isinstance(password, str | int) and str(password):
        found.append(Setting("requirepass", (str(password),), reader.at(chart.password), secret=True))
    tls = reader.get(("tls",))
    if isinstance(tls, dict) and tls.get("enabled") is True:
        auth_clients = tls.get("authClients", True) is not False
        where = reader.at(("tls", "authClients" if "authClients" in tls else "enabled"))
        found += [
            Setting("tls-port", ("6379",), reader.at(("tls", "enabled"))),
            Setting("tls-auth-clients", ("yes" if auth_clients else "no",), where),
        ]
    return found
