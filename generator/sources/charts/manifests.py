"""Kubernetes manifests with several YAML documents (``---``): each Secret and ConfigMap among them is judged as
it would be on its own, at its lines in the whole file; other kinds (Deployments, Services ...) are noted."""

from __future__ import annotations

import re
from typing import Any

from generator.formats.yaml import Positions, YamlDocument, YamlLoadError, parse_yaml
from generator.schema.versions import ServerTarget
from generator.shapes.finding import Location, rule_finding
from generator.sources.base import InputError, Note, SourceResult, inline_ignores, unparsable

_SEPARATOR = re.compile(r"^---(?:[ \t].*)?$")


def _documents(text: str) -> list[tuple[int, str]]:
    """(lines before the document, its text) for each ``---``-separated document that holds something."""
    lines = text.split("\n")
    found: list[tuple[int, str]] = []
    start = 0
    for index, line in enumerate([*lines, "---"]):
        if _SEPARATOR.match(line):
            chunk = "\n".join(lines[start:index])
            if any(s.strip() and not s.lstrip().startswith("#") for s in lines[start:index]):
                found.append((start, chunk))
            start = index + 1
    return found


def _shifted(document: YamlDocument, offset: int) -> YamlDocument:
    def shift(places: dict[Any, tuple[int, int]]) -> dict[Any, tuple[int, int]]:
        return {path: (line + offset, column) for path, (line, column) in places.items()}

    return YamlDocument(document.data, Positions(shift(document.positions.keys), shift(document.positions.values)))


def manifests_from_text(text: str, display: str, target: ServerTarget | None = None) -> SourceResult:
    from generator.sources.charts import judge_manifest

    result = SourceResult(ignored=inline_ignores(text))
    judged = 0
    for offset, chunk in _documents(text):
        try:
            document = _shifted(parse_yaml(chunk), offset)
        except YamlLoadError as error:
            raise unparsable(display, error, offset) from None
        kind = document.data.get("kind") if isinstance(document.data, dict) else None
        if judge_manifest(document, text, display, result, target):
            judged += 1
        else:
            what = f"a {kind}" if isinstance(kind, str) else "a document"
            result.notes.append(Note(Location(display, offset + 1, 1), f"{what}: nothing of Redis judged in it"))
    if not judged:
        raise InputError(
            rule_finding(
                "input.kind",
                Location(display, 1, 1),
                "Kubernetes manifests with no Secret of Infisical's variables and no ConfigMap holding a redis.conf",
            )
        )
    return result
