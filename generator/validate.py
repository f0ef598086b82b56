"""`validate`: a values file -> findings with the line and column of the offending key or value.

Light on purpose (runs in pre-commit hooks): pydantic, ruamel.yaml and our own modules; no Jinja, no mkdocs.
"""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from generator.checks import DEPLOYMENT_CHECKS, EffectiveConfig, Setting, run_config_checks
from generator.conf_model import conf_files
from generator.findings import Finding, Location, rule_finding
from generator.secrets import PLACEHOLDERS
from generator.yaml_source import Positions, YamlDocument, YamlLoadError, YamlPath, load_yaml_file
from schema.rules import RULES_BY_ID, Scope, Severity
from schema.values import MANAGED_DIRECTIVES, Deployment


class UnreadableFileError(Exception):
    """The file cannot be read or parsed at all (exit status 2); the message is safe to print."""


@dataclass(frozen=True)
class Validated:
    deployment: Deployment | None
    findings: list[Finding]


def _model_at(path: YamlPath) -> type[BaseModel] | None:
    """The pydantic model whose keys live at ``path`` (list indices skipped)."""
    model: type[BaseModel] = Deployment
    for part in path:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return None
        found = _model_in(field.annotation)
        if found is None:
            return None
        model = found
    return model


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is not None:
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None


def _at(file: str, position: tuple[int, int] | None) -> Location:
    if position is None:
        return Location(file, 1, 1)
    return Location(file, position[0], position[1])


def _schema_finding(error: Any, file: str, positions: Positions) -> Finding:
    loc: YamlPath = tuple(part for part in error["loc"] if isinstance(part, str | int))
    kind: str = error["type"]
    if kind.startswith("rule:"):
        rule_id = kind.removeprefix("rule:")
        return rule_finding(rule_id, _at(file, positions.of_value(loc)), error["msg"])
    if kind == "extra_forbidden":
        model = _model_at(loc[:-1])
        known = list(model.model_fields) if model else []
        hint = difflib.get_close_matches(str(loc[-1]), known, n=1)
        message = f"unknown key '{loc[-1]}'" + (f"; did you mean '{hint[0]}'?" if hint else "")
        return Finding(_at(file, positions.of_key(loc)), Severity.ERROR, "schema.unknown-key", message)
    dotted = ".".join(str(p) for p in loc) or "file"
    if kind == "missing":
        parent = positions.of_key(loc[:-1]) if len(loc) > 1 else None
        return Finding(_at(file, parent), Severity.ERROR, "schema.missing", f"{dotted} is required")
    return Finding(_at(file, positions.of_value(loc)), Severity.ERROR, "schema.type", f"{dotted}: {error['msg']}")


def _directive_location(source: YamlPath, file: str, positions: Positions) -> Location:
    if not source:
        return Location(file, 1, 1)
    if source[0] == "extra_directives":  # the directive's name is the key
        return _at(file, positions.of_key(source))
    return _at(file, positions.of_value(source))


def _generated_findings(dep: Deployment, file: str, positions: Positions) -> list[Finding]:
    """The config rules, judged on exactly the directives `build` would write."""
    found: list[Finding] = []
    for conf in conf_files(dep, PLACEHOLDERS):
        settings = [
            Setting(d.name, d.args, _directive_location(d.source, file, positions), d.secret) for d in conf.directives()
        ]
        absent_at = {
            name: _at(file, positions.of_value(tuple(owner.split(".")))) for name, owner in MANAGED_DIRECTIVES.items()
        }
        cfg = EffectiveConfig.of(settings, Location(file, 1, 1), target=dep.target, absent_at=absent_at)
        found.extend(run_config_checks(cfg, Scope.VALUES))
    return found


def _ignored(dep: Deployment, file: str, positions: Positions) -> tuple[set[str], list[Finding]]:
    ignored: set[str] = set()
    problems: list[Finding] = []
    for index, rule_id in enumerate(dep.ignore_rules):
        where = _at(file, positions.of_value(("ignore_rules", index)))
        known = RULES_BY_ID.get(rule_id)
        if known is None:
            hint = difflib.get_close_matches(rule_id, RULES_BY_ID, n=1)
            message = f"no rule '{rule_id}'" + (f"; did you mean '{hint[0]}'?" if hint else "")
            problems.append(Finding(where, Severity.ERROR, "schema.type", message))
        elif known.severity == Severity.ERROR:
            problems.append(
                Finding(where, Severity.ERROR, "schema.type", f"'{rule_id}' is an error: it cannot be ignored")
            )
        else:
            ignored.add(rule_id)
    return ignored, problems


def validate_document(document: YamlDocument, file: str) -> Validated:
    positions = document.positions
    if not isinstance(document.data, dict):
        what = "empty" if document.data is None else "not a mapping of keys"
        return Validated(None, [Finding(Location(file, 1, 1), Severity.ERROR, "schema.type", f"the file is {what}")])
    try:
        dep = Deployment.model_validate(document.data)
    except ValidationError as error:
        return Validated(None, [_schema_finding(e, file, positions) for e in error.errors(include_input=False)])
    found = _generated_findings(dep, file, positions)
    for rule_id, predicate in DEPLOYMENT_CHECKS.items():
        if Scope.VALUES in RULES_BY_ID[rule_id].scopes:
            found.extend(
                rule_finding(v.rule_id, _at(file, positions.of_value(v.path)), v.message) for v in predicate(dep)
            )
    ignored, problems = _ignored(dep, file, positions)
    unique = {(f.rule_id, f.where, f.message): f for f in [*found, *problems] if f.rule_id not in ignored}
    return Validated(dep, sorted(unique.values(), key=lambda f: f.sort_key))


def validate_file(path: Path, display: str | None = None) -> Validated:
    """Raises UnreadableFileError when the file cannot be read or is not YAML."""
    file = display or str(path)
    try:
        document = load_yaml_file(path)
    except UnicodeDecodeError as error:
        raise UnreadableFileError(f"{file}: cannot read: not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise UnreadableFileError(f"{file}: cannot read: {error.strerror or type(error).__name__}") from None
    except YamlLoadError as error:
        where = Location(file, error.line, error.column) if error.line else Location(file)
        raise UnreadableFileError(f"{where}: error schema.yaml: {error.reason}") from None
    return validate_document(document, file)
