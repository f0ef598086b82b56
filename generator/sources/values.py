"""Source: a deployment values file -> the values file itself (with its shape errors) and the Redis / Sentinel
configs `build` would write from it, each directive at the key that sets it.

The model is built from the data less the keys with shape errors, so one misspelt key does not hide the
findings the rest of the file still gets. Light on purpose (runs in pre-commit hooks): no Jinja, no mkdocs.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from generator.formats.yaml import YamlLoadError, YamlPath, parse_yaml
from generator.render.conf_model import conf_files
from generator.render.secrets import PLACEHOLDERS
from generator.schema.rules import RULES_BY_ID, Scope, Severity
from generator.schema.secrets import PASSWORD_SOURCE_KEYS
from generator.schema.values import MANAGED_DIRECTIVES, Deployment
from generator.shapes.config import EffectiveConfig, Setting
from generator.shapes.finding import Location
from generator.shapes.values import ShapeError, ValuesFile
from generator.sources.base import SourceResult, read_text, unparsable

MAX_REPAIRS = 50
EXTENSION_PREFIX = "x-"
"""Top-level keys starting with ``x-`` are the user's own (YAML anchors to merge elsewhere), as in compose."""


def read_values(path: Path, display: str) -> SourceResult:
    return values_from_text(read_text(path, display), display)


def values_from_text(text: str, display: str) -> SourceResult:
    try:
        document = parse_yaml(text)
    except YamlLoadError as error:
        raise unparsable(display, error) from None
    errors, deployment = build_model(document.data)
    values = ValuesFile(display, document, errors, deployment)
    result = SourceResult(subjects=[values, *generated_configs(values)])
    for path in PASSWORD_SOURCE_KEYS:
        literal = values.raw(path)
        if isinstance(literal, str | int | float) and not isinstance(literal, bool):
            result.secrets.add(str(literal))
    if deployment is not None:
        result.ignored = {r for r in deployment.ignore_rules if _ignorable(r)}
    return result


def _ignorable(rule_id: str) -> bool:
    rule = RULES_BY_ID.get(rule_id)
    return rule is not None and rule.severity is Severity.WARNING


def build_model(data: Any) -> tuple[tuple[ShapeError, ...], Deployment | None]:
    """The shape errors of ``data``, and the model built from it less the keys those errors are at."""
    if not isinstance(data, dict):
        what = "empty" if data is None else "not a mapping of keys"
        return (ShapeError((), "not_a_mapping", f"the file is {what}"),), None
    work = {k: v for k, v in data.items() if not str(k).startswith(EXTENSION_PREFIX)}
    first: tuple[ShapeError, ...] | None = None
    for _ in range(MAX_REPAIRS):
        try:
            deployment = Deployment.model_validate(work)
        except ValidationError as error:
            found = tuple(
                ShapeError(tuple(p for p in e["loc"] if isinstance(p, str | int)), e["type"], e["msg"])
                for e in error.errors(include_input=False, include_url=False)
            )
            if first is None:  # repairs remove keys: from a copy, the document keeps its data
                first, work = found, copy.deepcopy(work)
            if not any(_drop(work, e.path) for e in found if e.kind != "missing"):
                return first, None
            continue
        return first or (), deployment
    return first or (), None


def _drop(data: Any, path: YamlPath) -> bool:
    """Removes the deepest existing node on ``path``; False when nothing could be removed."""
    parent, last = None, None
    node = data
    for part in path:
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            parent, last = node, part
            node = node[part]  # type: ignore[index]
        else:
            break
    if parent is None:
        return False
    del parent[last]  # type: ignore[arg-type]
    return True


def generated_configs(values: ValuesFile) -> list[EffectiveConfig]:
    """The configs `build` writes, each directive at the values key it comes from."""
    dep = values.deployment
    if dep is None:
        return []
    if dep.mode != "standalone" and getattr(dep, dep.mode) is None:
        return []  # mode.section says why
    try:
        target = dep.target
    except ValueError:
        return []  # version.supported says why
    absent_at = _OwnerLocations(values)
    at = _Locations(values)
    configs = []
    for conf in conf_files(dep, PLACEHOLDERS):
        settings = [Setting(d.name, d.args, at[d.source], d.secret) for d in conf.directives()]
        configs.append(
            EffectiveConfig.of(
                settings, Location(values.file, 1, 1), scope=Scope.VALUES, target=target, absent_at=absent_at
            )
        )
    return configs


class _Locations(dict[YamlPath, Location]):
    """Values-file key a directive comes from -> where to point at it (asked once per key of a file)."""

    def __init__(self, values: ValuesFile) -> None:
        super().__init__()
        self.file = values

    def __missing__(self, source: YamlPath) -> Location:
        values = self.file
        if not source:
            found = Location(values.file, 1, 1)
        elif source[0] == "extra_directives":  # the directive's name is the key
            found = values.key_at(source)
        else:
            found = values.at(source)
        self[source] = found
        return found


class _OwnerLocations(Mapping[str, Location]):
    """A managed directive's name -> the key that would set it, found when a rule asks: most configs set them."""

    def __init__(self, values: ValuesFile) -> None:
        self.file = values

    def __getitem__(self, name: str) -> Location:
        return self.file.at(tuple(MANAGED_DIRECTIVES[name].split(".")))

    def __iter__(self) -> Iterator[str]:
        return iter(MANAGED_DIRECTIVES)

    def __len__(self) -> int:
        return len(MANAGED_DIRECTIVES)
