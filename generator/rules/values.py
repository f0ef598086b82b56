"""Predicates on a values file as written: its shape (``schema.*``) and the rules that judge a value before
the model could (an unsupported mode, an unknown server line, a password written literally)."""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from generator.formats.yaml import YamlPath
from generator.rules.engine import Hit, predicate
from generator.schema.modes import MODES, SUPPORTED_MODES
from generator.schema.rules import RULES_BY_ID, Severity
from generator.schema.secrets import PASSWORD_SOURCE_KEYS
from generator.schema.values import MANAGED_DIRECTIVES, Deployment
from generator.schema.versions import resolve_target
from generator.shapes.values import ShapeError, ValuesFile


def _model_at(path: YamlPath) -> type[BaseModel] | None:
    """The pydantic model whose keys live at ``path`` (list indices skipped)."""
    model: type[BaseModel] = Deployment
    for part in path:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        found = _model_in(field.annotation) if field is not None else None
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


def _judged_elsewhere(values: ValuesFile, error: ShapeError) -> bool:
    """Errors at a key a rule below judges itself (so each problem is said once, under its rule)."""
    if error.path[:1] == ("mode",) and values.raw(("mode",)) in MODES:
        return True
    return any(error.path[: len(key)] == key and _literal(values.raw(key)) for key in PASSWORD_SOURCE_KEYS)


def _literal(value: Any) -> bool:
    return value is not None and not isinstance(value, dict | list)


def _unknown_key(values: ValuesFile, error: ShapeError) -> Hit:
    key = str(error.path[-1])
    model = _model_at(error.path[:-1])
    present = values.raw(error.path[:-1])
    known = [
        name for name in (model.model_fields if model else ()) if not (isinstance(present, dict) and name in present)
    ]
    from difflib import get_close_matches  # only for a name that is not known

    hint = get_close_matches(key, known, n=1)
    return Hit(values.key_at(error.path), f"unknown key '{key}'" + (f"; did you mean '{hint[0]}'?" if hint else ""))


def _shape_errors(values: ValuesFile, kind: str) -> Iterator[ShapeError]:
    for error in values.errors:
        if _judged_elsewhere(values, error):
            continue
        if (
            (kind == "unknown-key" and error.kind == "extra_forbidden")
            or (kind == "missing" and error.kind == "missing")
            or (kind == "type" and error.kind not in ("extra_forbidden", "missing"))
        ):
            yield error


def _dotted(path: YamlPath) -> str:
    return ".".join(str(p) for p in path) or "file"


@predicate("schema.unknown-key", ValuesFile)
def _unknown(values: ValuesFile) -> Iterator[Hit]:
    for error in _shape_errors(values, "unknown-key"):
        yield _unknown_key(values, error)


@predicate("schema.missing", ValuesFile)
def _missing(values: ValuesFile) -> Iterator[Hit]:
    for error in _shape_errors(values, "missing"):
        yield Hit(
            values.key_at(error.path[:-1]) if len(error.path) > 1 else values.at(()),
            f"{_dotted(error.path)} is required",
        )


@predicate("schema.type", ValuesFile)
def _type(values: ValuesFile) -> Iterator[Hit]:
    for error in _shape_errors(values, "type"):
        where = values.at(error.path) if error.path else values.at(())
        yield Hit(where, f"{_dotted(error.path)}: {error.message}" if error.path else error.message)
    yield from _managed_extras(values)
    yield from _ignore_rules(values)


def _managed_extras(values: ValuesFile) -> Iterator[Hit]:
    extras = values.raw(("extra_directives",))
    for name in extras if isinstance(extras, dict) else ():
        owner = MANAGED_DIRECTIVES.get(str(name).lower())
        if owner is not None:
            yield Hit(
                values.key_at(("extra_directives", name)), f"{name} is set by `{owner}` in this file; set it there"
            )


def _ignore_rules(values: ValuesFile) -> Iterator[Hit]:
    listed = values.raw(("ignore_rules",))
    for index, rule_id in enumerate(listed if isinstance(listed, list) else []):
        if not isinstance(rule_id, str):
            continue
        known = RULES_BY_ID.get(rule_id)
        if known is None:
            from difflib import get_close_matches  # only for a name that is not known

            hint = get_close_matches(rule_id, RULES_BY_ID, n=1)
            message = f"no rule '{rule_id}'" + (f"; did you mean '{hint[0]}'?" if hint else "")
            yield Hit(values.at(("ignore_rules", index)), message)
        elif known.severity is Severity.ERROR:
            yield Hit(values.at(("ignore_rules", index)), f"'{rule_id}' is an error: a values file cannot ignore it")


@predicate("mode.supported", ValuesFile)
def _mode(values: ValuesFile) -> Iterator[Hit]:
    mode = values.raw(("mode",))
    if isinstance(mode, str) and mode in MODES and mode not in SUPPORTED_MODES:
        yield Hit(
            values.at(("mode",)),
            f"mode '{mode}' is not supported; use standalone, sentinel or cluster. For several regions run an "
            "independent Redis per region and Infisical's own replication between them",
        )


@predicate("version.supported", ValuesFile)
def _version(values: ValuesFile) -> Iterator[Hit]:
    version = values.raw(("redis_version",))
    if not isinstance(version, str):
        return  # schema.type: it must be a string
    try:
        resolve_target(version)
    except ValueError as error:
        yield Hit(values.at(("redis_version",)), str(error))


@predicate("version.newer", ValuesFile)
def _version_newer(values: ValuesFile) -> Iterator[Hit]:
    version = values.raw(("redis_version",))
    try:
        matched = resolve_target(version) if isinstance(version, str) else None
    except ValueError:
        return  # version.supported
    if matched is not None and matched.newer_than_known and matched.warning:
        yield Hit(values.at(("redis_version",)), matched.warning)


@predicate("auth.literal-password", ValuesFile)
def _literal_password(values: ValuesFile) -> Iterator[Hit]:
    for key in PASSWORD_SOURCE_KEYS:
        if _literal(values.raw(key)):
            yield Hit(
                values.at(key),
                "a password is written here literally; name where it comes from instead "
                "({env: VAR} or {secret: {name: ..., key: ...}})",
            )
