"""The generated reference pages of the docs site (``docs/reference/``), rendered from schema/.

Every page is a template in ``templates/docs/`` fed a view built here: plain dataclasses holding text that is
ready to print, so the templates only loop and lay out. Output is deterministic: no timestamps, fixed orders.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import json
import re
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from annotated_types import Ge, Le, MaxLen, MinLen
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from generator import errors
from generator.build import BUILD, EXAMPLES, deployment_outputs
from generator.cli import build_parser
from generator.conf_model import Role, conf_files
from generator.findings import SCHEMA_FINDINGS
from generator.render import render_template
from generator.secrets import PLACEHOLDERS
from generator.validate import validate_file
from schema import sizing
from schema.env_vars import CONNECTION_VARS, ENV_VARS, HOST_PORT, EnvVar
from schema.modes import MODES, ModeFacts
from schema.rules import RULES, Rule, Scope, Severity
from schema.units import GIB, format_kube_quantity, format_redis_memory
from schema.values import Deployment, HostPort

HELP_WIDTH = 88
"""Column width of the CLI help printed on the cli page; fixed so the page does not depend on the terminal."""

PRECEDENCE: tuple[str, ...] = ("REDIS_URL", "REDIS_CLUSTER_HOSTS", "REDIS_SENTINEL_HOSTS")
"""Which connection variable wins when several are set (derived from Infisical's code)."""
assert set(PRECEDENCE) == set(CONNECTION_VARS)

HOST_LIST_RULES: tuple[str, ...] = (
    "Entries are separated by commas, each written `host:port`.",
    "The port is required and numeric: an entry without one stops Infisical at start-up.",
    "No scheme: `redis://` and `rediss://` belong in `REDIS_URL` only; TLS has its own variables.",
    "No IPv6 literals: use a host name that resolves to the address instead.",
)

SCOPE_COMMANDS: dict[Scope, tuple[str, str]] = {
    Scope.VALUES: ("validate", "a values file (`validate`, and `build` before it renders anything)"),
    Scope.CONF: ("check", "an existing `redis.conf`, `sentinel.conf` or Infisical `.env` file (`check`)"),
    Scope.SERVER: ("audit", "a running server (`audit`)"),
}
SCOPE_ORDER: tuple[Scope, ...] = (Scope.VALUES, Scope.CONF, Scope.SERVER)

CONF_ROLE_PURPOSE: dict[Role, str] = {
    "standalone": "the config file of the one Redis server.",
    "master": "the seed config of the first master. Sentinel rewrites it after a failover: install it once, "
    "never over a running node's file.",
    "replica": "the seed config of every replica. Sentinel rewrites it after a failover: install it once, "
    "never over a running node's file.",
    "cluster-node": "the config of every cluster node. Redis keeps the cluster's own state in its "
    "`cluster-config-file`.",
    "sentinel": "the seed config of every Sentinel, which rewrites it as it runs: install it once into a "
    "writable directory.",
}
ARTIFACT_PURPOSE: dict[str, str] = {
    "infisical.env": "Infisical's Redis environment variables, with exactly the names Infisical reads.",
    "values.schema.json": "JSON Schema of the values file, for editors and CI.",
    "helm/bitnami-redis.values.yaml": "Values for the Bitnami `redis` chart (`helm install -f`).",
    "helm/bitnami-redis-cluster.values.yaml": "Values for the Bitnami `redis-cluster` chart (`helm install -f`).",
    "helm/infisical.external.values.yaml": "Values for Infisical's chart with its bundled Redis off; the "
    "connection comes from the Secret in `helm/infisical-redis.secret.yaml`.",
    "helm/infisical.bundled.values.yaml": "Values for Infisical's chart with its bundled Redis subchart, "
    "configured for durable queues.",
    "helm/infisical-redis.secret.yaml": "The Kubernetes Secret Infisical's chart loads its Redis variables from.",
}
"""What each generated file that is not a Redis / Sentinel config is for."""

LANGUAGES: dict[str, str] = {".conf": "properties", ".env": "bash", ".yaml": "yaml", ".json": "json"}
"""Code-block language of an artifact by suffix, in the order example pages list them. Pygments has no
redis.conf lexer; `properties` reads ``key value`` lines and ``#`` comments the same way."""


# --- environment variables ------------------------------------------------------------------------------


@dataclass(frozen=True)
class VariableRow:
    name: str
    anchor: str
    accepted: str
    default: str
    required: str
    modes: str
    example: str
    description: str
    secret: str


@dataclass(frozen=True)
class VariablesView:
    variables: tuple[VariableRow, ...]
    secrets: tuple[str, ...]
    precedence: tuple[str, ...]
    host_lists: tuple[str, ...]
    host_list_rules: tuple[str, ...]
    host_pattern: str


def _anchor(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _cell(text: str) -> str:
    """Text that stays inside one Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def variables_view() -> VariablesView:
    def row(var: EnvVar) -> VariableRow:
        return VariableRow(
            name=var.name,
            anchor=_anchor(var.name),
            accepted=_cell(var.accepted),
            default=f"`{var.default}`" if var.default is not None else "none",
            required=_cell(var.required),
            modes=", ".join(var.modes),
            example=var.example,
            description=var.description,
            secret="yes" if var.secret else "no",
        )

    return VariablesView(
        variables=tuple(row(var) for var in ENV_VARS),
        secrets=tuple(var.name for var in ENV_VARS if var.secret),
        precedence=PRECEDENCE,
        host_lists=tuple(var.name for var in ENV_VARS if var.kind == "host-list"),
        host_list_rules=HOST_LIST_RULES,
        host_pattern=HOST_PORT.pattern,
    )


# --- modes ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModeView:
    facts: ModeFacts
    supported: str
    variables: tuple[tuple[str, str], ...]
    """(name, anchor on the variables page)."""


def modes_view() -> tuple[ModeView, ...]:
    return tuple(
        ModeView(facts, "yes" if facts.supported else "no", tuple((v, _anchor(v)) for v in facts.env_vars))
        for facts in MODES.values()
    )


# --- rules ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleView:
    id: str
    severity: str
    summary: str
    why: str
    fix: str
    commands: str
    applies_to: tuple[str, ...]
    ignorable: bool
    blocks_build: bool


def rule_view(rule: Rule) -> RuleView:
    scopes = [scope for scope in SCOPE_ORDER if scope in rule.scopes]
    return RuleView(
        id=rule.id,
        severity=rule.severity.value,
        summary=rule.summary,
        why=rule.why,
        fix=rule.fix.replace("`", ""),
        commands=", ".join(f"`{SCOPE_COMMANDS[s][0]}`" for s in scopes),
        applies_to=tuple(SCOPE_COMMANDS[s][1] for s in scopes),
        ignorable=rule.severity == Severity.WARNING,
        blocks_build=rule.severity == Severity.ERROR and Scope.VALUES in rule.scopes,
    )


# --- sizing ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TierRow:
    name: str
    vcpu: int
    ram: str
    disk: str
    source: str
    maxmemory: str
    maxmemory_working: str
    volume: str
    cpu_request: str
    memory: str
    infisical_pods: str


@dataclass(frozen=True)
class SizingView:
    tiers: tuple[TierRow, ...]
    os_share: str
    fork_share: str
    kept_share: str
    aof_volume_factor: int
    maxmemory_step: str


def _gib(size: int) -> str:
    return f"{size / GIB:g} GiB"


def sizing_view() -> SizingView:
    kept = (1 - sizing.OS_SHARE) * (1 - sizing.FORK_SHARE)
    rows = tuple(
        TierRow(
            name=tier.name,
            vcpu=tier.vcpu,
            ram=_gib(tier.ram),
            disk=_gib(tier.disk),
            source=_cell(tier.source),
            maxmemory=format_redis_memory(tier.maxmemory),
            maxmemory_working=f"{_gib(tier.ram)} × {kept:g} = {_gib(int(tier.ram * kept))}",
            volume=format_kube_quantity(tier.volume),
            cpu_request=tier.cpu_request,
            memory=format_kube_quantity(tier.ram),
            infisical_pods=_cell(tier.infisical_pods),
        )
        for tier in sizing.TIERS.values()
    )
    return SizingView(
        tiers=rows,
        os_share=f"{sizing.OS_SHARE:g}",
        fork_share=f"{sizing.FORK_SHARE:g}",
        kept_share=f"{kept:g}",
        aof_volume_factor=sizing.AOF_VOLUME_FACTOR,
        maxmemory_step=format_redis_memory(sizing.MAXMEMORY_STEP),
    )


# --- values file ----------------------------------------------------------------------------------------


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
            kind = f"section, see [{key_path}](#{_anchor(key_path)}){optional}"
            nested += _walk(section, key_path, field.description or "")
        keys.append(
            ValuesKey(
                path=key_path,
                type=_cell(kind),
                default=_cell(_default_text(field, section)),
                description=_cell(field.description or ""),
                example=_cell(_example_text(field)),
            )
        )
    title, anchor = (f"`{path}`", _anchor(path)) if path else ("Top-level keys", "top-level-keys")
    own = ValuesSection(title, anchor, description, tuple(keys))
    return [own, *nested]


def values_file_view(example: str) -> ValuesFileView:
    return ValuesFileView(
        sections=tuple(_walk(Deployment, "", Deployment.__doc__ or "")),
        schema_findings=tuple(sorted(SCHEMA_FINDINGS.items())),
        schema_example=example,
    )


# --- command line ---------------------------------------------------------------------------------------


class _DocsHelpFormatter(argparse.HelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=HELP_WIDTH, max_help_position=30)


@dataclass(frozen=True)
class CommandView:
    name: str
    summary: str
    help: str


@dataclass(frozen=True)
class ExitCodeView:
    code: int
    name: str
    meaning: str


@dataclass(frozen=True)
class CliView:
    help: str
    commands: tuple[CommandView, ...]
    exit_codes: tuple[ExitCodeView, ...]


def _help(parser: argparse.ArgumentParser) -> str:
    parser.formatter_class = _DocsHelpFormatter
    return parser.format_help().rstrip() + "\n"


def _exit_meanings() -> dict[str, str]:
    """The docstrings under the members of `generator.errors.Exit`, read from its source."""
    meanings: dict[str, str] = {}
    tree = ast.parse(inspect.getsource(errors))
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == errors.Exit.__name__:
            body = node.body
            for stmt, following in zip(body, [*body[1:], None], strict=True):
                if (
                    isinstance(stmt, ast.Assign)
                    and isinstance(stmt.targets[0], ast.Name)
                    and isinstance(following, ast.Expr)
                    and isinstance(following.value, ast.Constant)
                    and isinstance(following.value.value, str)
                ):
                    meanings[stmt.targets[0].id] = " ".join(following.value.value.split())
    return meanings


def cli_view() -> CliView:
    parser = build_parser()
    commands: list[CommandView] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            summaries = {choice.dest: choice.help or "" for choice in action._choices_actions}
            for name, sub in action.choices.items():
                commands.append(CommandView(name, summaries.get(name, ""), _help(sub)))
    meanings = _exit_meanings()
    exit_codes = tuple(
        ExitCodeView(int(member), member.name, meanings.get(member.name, "No errors found.")) for member in errors.Exit
    )
    return CliView(_help(parser), tuple(commands), exit_codes)


# --- examples -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArtifactView:
    name: str
    path: str
    language: str
    purpose: str
    collapsed: bool


@dataclass(frozen=True)
class ExampleView:
    name: str
    description: str
    values_path: str
    artifacts: tuple[ArtifactView, ...]


def _leading_comment(text: str) -> str:
    lines: list[str] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    return " ".join(lines)


def _artifact_order(name: str) -> tuple[int, str]:
    suffixes = list(LANGUAGES)
    suffix = Path(name).suffix
    return (suffixes.index(suffix) if suffix in suffixes else len(suffixes), name)


def example_view(root: Path, values_file: Path) -> ExampleView:
    name = values_file.stem
    rendered = deployment_outputs(values_file, Path(), PLACEHOLDERS, root)
    deployment = validate_file(values_file, values_file.name).deployment
    assert deployment is not None, "deployment_outputs raises on a values file with errors"
    conf_purpose = {
        conf.filename: f"{conf.title}: {CONF_ROLE_PURPOSE[conf.role]}" for conf in conf_files(deployment, PLACEHOLDERS)
    }
    artifacts: list[ArtifactView] = []
    for relative in sorted((path.as_posix() for path in rendered.files), key=_artifact_order):
        if relative in conf_purpose:
            purpose = conf_purpose[relative]
        elif relative in ARTIFACT_PURPOSE:
            purpose = ARTIFACT_PURPOSE[relative]
        else:
            raise KeyError(f"{relative}: no purpose for this artifact in generator/docs_pages.py")
        artifacts.append(
            ArtifactView(
                name=relative,
                path=f"{BUILD}/{name}/{relative}",
                language=LANGUAGES.get(Path(relative).suffix, "text"),
                purpose=purpose,
                collapsed=relative.endswith(".json"),
            )
        )
    return ExampleView(
        name=name,
        description=_leading_comment(values_file.read_text(encoding="utf-8")),
        values_path=f"{EXAMPLES}/{values_file.name}",
        artifacts=tuple(artifacts),
    )


# --- pages ----------------------------------------------------------------------------------------------


def reference_pages(root: Path) -> dict[str, str]:
    """Every page under ``docs/reference/``: file name relative to it -> Markdown text."""
    examples = sorted((root / EXAMPLES).glob("*.yaml"))
    example_views = [example_view(root, path) for path in examples]
    pages = {
        "variables.md": render_template("docs/variables.md.j2", view=variables_view()),
        "modes.md": render_template("docs/modes.md.j2", modes=modes_view()),
        "sizing.md": render_template("docs/sizing.md.j2", view=sizing_view()),
        "values-file.md": render_template(
            "docs/values-file.md.j2", view=values_file_view(example_views[0].name if example_views else "")
        ),
        "cli.md": render_template("docs/cli.md.j2", view=cli_view()),
        "rules/index.md": render_template("docs/rules-index.md.j2", rules=[rule_view(r) for r in RULES]),
    }
    for rule in RULES:
        pages[f"rules/{rule.id}.md"] = render_template("docs/rule.md.j2", rule=rule_view(rule))
    for example in example_views:
        pages[f"examples/{example.name}.md"] = render_template("docs/example.md.j2", example=example)
    return dict(sorted(pages.items()))
