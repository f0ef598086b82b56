"""Helm chart values as written: the chart they belong to, where that chart's section starts, and the place of
every key. The chart rules (``generator/rules/charts.py``) judge this shape; the redis.conf the pods would run
is an ``EffectiveConfig`` beside it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.formats.yaml import YamlDocument, YamlPath
from generator.schema.charts import ChartFacts, KeyTree
from generator.schema.rules import Scope
from generator.shapes.finding import Location


@dataclass(frozen=True)
class ChartValues:
    file: str
    document: YamlDocument
    chart: ChartFacts
    base: YamlPath
    """Where the chart's own values start (``("redis",)`` inside Infisical's chart)."""
    keys: KeyTree
    """The keys the file may have, from its top (an empty tree: not checked)."""
    scope: Scope = Scope.CONF
    not_judged: frozenset[str] = field(default=frozenset())

    def raw(self, path: YamlPath) -> Any:
        """The value at ``path`` under the chart's section, or None."""
        node = self.document.data
        for part in (*self.base, *path):
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    def written(self, path: YamlPath) -> bool:
        node = self.document.data
        for part in (*self.base, *path):
            if not isinstance(node, dict) or part not in node:
                return False
            node = node[part]
        return True

    def at(self, path: YamlPath) -> Location:
        """The value at ``path`` under the chart's section (or the nearest key above it in the file)."""
        return self._location(self.document.positions.of_value((*self.base, *path)))

    def key_at(self, path: YamlPath) -> Location:
        return self._location(self.document.positions.of_key((*self.base, *path)))

    def _location(self, found: tuple[int, int] | None) -> Location:
        return Location(self.file, *(found or (1, 1)))
