"""The values-file page: every key of the values file, read from its JSON Schema (the same document editors
and `schema` get), section by section."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from generator.docs.views import anchor, cell
from generator.render.jsonschema import values_schema
from generator.schema.rules import RULES

Schema = dict[str, Any]


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
_NAMES = {"boolean": "boolean", "integer": "integer", "string": "string", "number": "number"}


def yaml_flow(value: Any) -> str:
    """``value`` as YAML flow text, the way a user would write it in a values file."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {yaml_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(yaml_flow(v) for v in value) + "]"
    if isinstance(value, str) and _PLAIN.match(value) and value.lower() not in _YAML_WORDS:
        return value
    return json.dumps(value)


class _Walker:
    def __init__(self, schema: Schema) -> None:
        self.defs: dict[str, Schema] = schema.get("$defs", {})

    def resolve(self, node: Schema) -> Schema:
        ref = node.get("$ref")
        return self.defs[ref.rsplit("/", 1)[-1]] if isinstance(ref, str) else node

    def section_of(self, node: Schema) -> tuple[Schema | None, bool]:
        """(the section's schema, whether null is allowed) for a key holding a nested section."""
        options = node.get("anyOf", [node])
        nullable = any(o.get("type") == "null" for o in options)
        for option in options:
            target = self.resolve(option)
            if target.get("type") == "object" and "properties" in target:
                return target, nullable
        return None, nullable

    def type_text(self, node: Schema) -> str:
        node = {**self.resolve(node), **{k: v for k, v in node.items() if k != "$ref"}}
        if "anyOf" in node:
            parts = [self.type_text(o) for o in node["anyOf"] if o.get("type") != "null"]
            nullable = len(parts) < len(node["anyOf"])
            return " or ".join(parts) + (" or `null`" if nullable else "")
        if "enum" in node:
            return "one of " + ", ".join(f"`{v}`" for v in node["enum"])
        kind = node.get("type")
        if kind == "array" and "prefixItems" in node:
            return "[" + ", ".join(self.type_text(i) for i in node["prefixItems"]) + "]"
        if kind == "array":
            return f"list of {self.type_text(node.get('items', {}))}{_limits(node)}"
        if kind == "object" and "additionalProperties" in node:
            return f"map of string to {self.type_text(node['additionalProperties'])}"
        if node.get("description") == "host:port":
            return "`host:port` string"
        return _NAMES.get(str(kind), str(kind)) + _limits(node)

    def walk(self, model: Schema, path: str, description: str) -> list[ValuesSection]:
        keys: list[ValuesKey] = []
        nested: list[ValuesSection] = []
        required = set(model.get("required", ()))
        for name, node in model.get("properties", {}).items():
            key_path = f"{path}.{name}" if path else name
            section, nullable = self.section_of(node)
            if section is not None:
                kind = f"section, see [{key_path}](#{anchor(key_path)})" + (" or `null`" if nullable else "")
                nested += self.walk(section, key_path, node.get("description", ""))
            else:
                kind = self.type_text(node)
            keys.append(
                ValuesKey(
                    path=key_path,
                    type=cell(kind),
                    default=cell(_default(node, name in required, section is not None)),
                    description=cell(node.get("description", "")),
                    example=cell(f"`{yaml_flow(node['example'])}`" if "example" in node else ""),
                )
            )
        title, section_anchor = (f"`{path}`", anchor(path)) if path else ("Top-level keys", "top-level-keys")
        return [ValuesSection(title, section_anchor, description, tuple(keys)), *nested]


def _limits(node: Schema) -> str:
    parts = []
    if "minimum" in node:
        parts.append(f"≥ {node['minimum']}")
    if "maximum" in node:
        parts.append(f"≤ {node['maximum']}")
    if "minItems" in node:
        parts.append(f"at least {node['minItems']}")
    if "maxLength" in node:
        parts.append(f"at most {node['maxLength']} long")
    if "pattern" in node:
        parts.append(f"matching `{node['pattern']}`")
    return f" ({', '.join(parts)})" if parts else ""


def _default(node: Schema, required: bool, section: bool) -> str:
    if required:
        return "required"
    if "default" not in node:
        return "see its keys" if section else ""
    if node["default"] is None:
        return "unset"
    return f"`{yaml_flow(node['default'])}`"


def values_file_view(example: str) -> ValuesFileView:
    schema = values_schema()
    return ValuesFileView(
        sections=tuple(_Walker(schema).walk(schema, "", schema.get("description", ""))),
        schema_findings=tuple((r.id, r.summary) for r in RULES if r.category in ("schema", "input", "conf")),
        schema_example=example,
    )
