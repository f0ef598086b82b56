"""The values-file page: every key of the pydantic ``Deployment`` model, walked section by section."""

from __future__ import annotations

import json
import re
import types
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from annotated_types import Ge, Le, MaxLen, MinLen
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from generator.docs_pages.views import anchor, cell
from generator.findings import SCHEMA_FINDINGS
from schema.fields import HostPort
from schema.values import Deployment


@dataclass(frozen=True)
class ValuesKey:
    path: str
    type: str
    default: str
    description: str
    example: str


@dataclass(frozen=True)
class ValuesSection:
    title: str
    anchor: str
    description: str
    keys: tuple[ValuesKey, ...]


@dataclass(frozen=True)
class ValuesFileView:
    sections: tuple[ValuesSection, ...]
    schema_findings: tuple[tuple[str, str], ...]
    schema_example: str


_PLAIN = re.compile(r"^[A-Za-z_/][A-Za-z0-9_./-]*$")
_YAML_WORDS = frozenset({"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"})


def yaml_flow(value: Any) -> str:
    """``value`` as YAML flow text, the way a user would write it in a values file."""
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {yaml_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(yaml_flow(v) for v in value) + "]"
    if isinstance(value, str) and _PLAIN.match(value) and value.lower() not in _YAML_WORDS:
        return value
    return json.dumps(value)


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(the type inside ``X | None``, whether None was allowed)."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], len(args) < len(get_args(annotation))
    return annotation, False


def _section_model(annotation: Any) -> type[BaseModel] | None:
    """The model of a nested section (``auth:``, ``tls:``), or None for a plain value."""
    inner, _ = _unwrap(annotation)
    if isinstance(inner, type) and issubclass(inner, BaseModel) and inner is not HostPort:
        return inner
    return None


def _constraints(metadata: list[Any]) -> str:
    parts: list[str] = []
    for item in metadata:
        if isinstance(item, FieldInfo):
            parts.append(_constraints(item.metadata))
        elif isinstance(item, Ge):
            parts.append(f"≥ {item.ge}")
        elif isinstance(item, Le):
            parts.append(f"≤ {item.le}")
        elif isinstance(item, MinLen):
            parts.append(f"at least {item.min_length}")
        elif isinstance(item, MaxLen):
            parts.append(f"at most {item.max_length} long")
        elif getattr(item, "pattern", None):
            parts.append(f"matching `{item.pattern}`")
    return ", ".join(p for p in parts if p)


def type_text(annotation: Any, metadata: list[Any] | None = None) -> str:
    """A reader's name for a field's type, with its allowed values and constraints."""
    limits = _constraints(metadata or [])
    suffix = f" ({limits})" if limits else ""
    inner, optional = _unwrap(annotation)
    if optional:
        return f"{type_text(inner, metadata)} or `null`"
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return type_text(args[0], [*(metadata or []), *args[1:]])
    if origin is Literal:
        return "one of " + ", ".join(f"`{a}`" for a in args)
    if origin is list:
        return f"list of {type_text(args[0])}{suffix}"
    if origin is tuple:
        return "[" + ", ".join(type_text(a) for a in args) + "]"
    if origin is dict:
        return f"map of {type_text(args[0])} to {type_text(args[1])}"
    if origin in (Union, types.UnionType):
        return " or ".join(type_text(a) for a in args)
    if annotation is HostPort:
        return "`host:port` string"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "section"
    names = {bool: "boolean", int: "integer", str: "string"}
    return names.get(annotation, getattr(annotation, "__name__", str(annotation))) + suffix


def _default_text(field: FieldInfo, section: type[BaseModel] | None) -> str:
    if field.is_required():
        return "required"
    if field.default_factory is not None:
        if section is not None and field.default_factory is section:
            return "see its keys"
        factory: Any = field.default_factory
        return f"`{yaml_flow(factory())}`"
    if field.default is None:
        return "unset"
    return f"`{yaml_flow(field.default)}`"


def _example_text(field: FieldInfo) -> str:
    extra = field.json_schema_extra
    if isinstance(extra, dict) and "example" in extra:
        return f"`{yaml_flow(extra['example'])}`"
    return ""


def _walk(model: type[BaseModel], path: str, description: str) -> list[ValuesSection]:
    keys: list[ValuesKey] = []
    nested: list[ValuesSection] = []
    for name, field in model.model_fields.items():
        key_path = f"{path}.{name}" if path else name
        section = _section_model(field.annotation)
        kind = type_text(field.annotation, field.metadata)
        if section is not None:
            optional = " or `null`" if _unwrap(field.annotation)[1] else ""
            kind = f"section, see [{key_path}](#{anchor(key_path)}){optional}"
            nested += _walk(section, key_path, field.description or "")
        keys.append(
            ValuesKey(
                path=key_path,
                type=cell(kind),
                default=cell(_default_text(field, section)),
                description=cell(field.description or ""),
                example=cell(_example_text(field)),
            )
        )
    title, section_anchor = (f"`{path}`", anchor(path)) if path else ("Top-level keys", "top-level-keys")
    own = ValuesSection(title, section_anchor, description, tuple(keys))
    return [own, *nested]


def values_file_view(example: str) -> ValuesFileView:
    return ValuesFileView(
        sections=tuple(_walk(Deployment, "", Deployment.__doc__ or "")),
        schema_findings=tuple(sorted(SCHEMA_FINDINGS.items())),
        schema_example=example,
    )
