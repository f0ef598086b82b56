"""Which source reads a file: decided from its content, not its name (a swarm `.env-example` is a `.env`,
a `values-prod.yml` may be a compose file). One function per decision, so adding a kind is one entry."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.formats.yaml import YamlLoadError, parse_yaml
from generator.schema.versions import REDIS_DIRECTIVES, ServerTarget
from generator.shapes.finding import Location, rule_finding
from generator.sources.base import InputError, SourceResult
from generator.sources.conf import conf_from_text
from generator.sources.dotenv import dotenv_from_text

_ENV_LINE = re.compile(r"(?:export\s+)?[A-Za-z_][A-Za-z0-9_.]*\s*=")
_YAML_KEY = re.compile(r"(?:---\s*$|[\"']?[A-Za-z_][\w.\-/\"']*:(?:\s|$))")
_CONF_EXTRA = frozenset({"include", "rename-command", "loadmodule", "sentinel", "user", "save", "slaveof", "bind"})

YamlRouter = Callable[[Any, str, str], SourceResult | None]
"""(parsed data, text, display) -> the source's result, or None when the document is not of its kind."""
YAML_KINDS: list[YamlRouter] = []
"""YAML sources in the order they are tried; each recognises its documents positively."""


def _meaningful(text: str) -> list[str]:
    return [s for s in (line.strip() for line in text.split("\n")) if s and not s.startswith("#")]


_GENERIC_WORDS = frozenset({"include", "user", "bind", "save", "port", "dir", "set", "set-proc-title"})
"""Directive names other formats use as words too (a Makefile's ``include``): alone they do not make a redis.conf."""
_BY_SUFFIX = {".conf": "conf", ".env": "dotenv", ".yaml": "yaml", ".yml": "yaml"}
"""Only for a file whose content does not decide (nothing but comments, or only generic words): its suffix."""


def text_kind(text: str, name: str = "") -> str | None:
    """``dotenv``, ``conf``, ``yaml`` or None, from the lines of ``text`` (the name's suffix only when they do
    not decide)."""
    return _content_kind(text) or _BY_SUFFIX.get(Path(name).suffix.lower())


def _content_kind(text: str) -> str | None:
    lines = _meaningful(text)
    if not lines:
        return None
    env = sum(bool(_ENV_LINE.match(line)) for line in lines)
    if env / len(lines) >= 0.8:
        return "dotenv"
    # Directives stand at the start of their line; indented ones are a YAML block's text (a ConfigMap's redis.conf).
    top = [line for line in text.split("\n") if line[:1] and not line[:1].isspace() and not line.startswith("#")]
    top = top or lines
    words = [line.split(None, 1)[0].lower() for line in top]
    conf = sum(word in REDIS_DIRECTIVES or word in _CONF_EXTRA for word in words)
    specific = sum(word in REDIS_DIRECTIVES and word not in _GENERIC_WORDS for word in words)
    if conf / len(top) >= 0.5 and (specific or "sentinel" in words):
        return "conf"
    if _YAML_KEY.match(lines[0]) or lines[0].startswith(("- ", "{", "[")):
        return "yaml"
    return None


def read_any(path: Path, display: str, text: str, target: ServerTarget | None = None) -> SourceResult:
    """The result of the source that recognises ``text``; ``input.kind`` when none does."""
    kind = text_kind(text, display)
    if kind == "dotenv":
        return dotenv_from_text(text, display, path)
    if kind == "conf":
        return conf_from_text(path, display, text, target)
    if kind == "yaml":
        return _read_yaml(text, display, target)
    raise InputError(
        rule_finding(
            "input.kind",
            Location(display, 1, 1),
            "not a file `check` knows: a redis.conf, sentinel.conf, Infisical .env, Kubernetes Secret, Helm "
            "values of a known chart, docker-compose file or values file",
        )
    )


def _read_yaml(text: str, display: str, target: ServerTarget | None = None) -> SourceResult:
    try:
        data = parse_yaml(text).data
    except YamlLoadError as error:
        if "single document" in error.reason:  # Kubernetes manifests, judged document by document
            from generator.sources.helm import helm_from_text

            return helm_from_text(text, display, target)
        raise InputError(
            rule_finding("schema.yaml", Location(display, error.line, error.column), error.reason)
        ) from None
    for router in YAML_KINDS:
        result = router(data, text, display)
        if result is not None:
            return result
    from generator.sources.helm import helm_from_text

    return helm_from_text(text, display, target)  # says plainly when it is no chart it knows


def _values_router(data: Any, text: str, display: str) -> SourceResult | None:
    if isinstance(data, dict) and "mode" in data and "redis_version" in data:
        from generator.sources.values import values_from_text

        return values_from_text(text, display)
    return None


def _compose_router(data: Any, text: str, display: str) -> SourceResult | None:
    if isinstance(data, dict) and isinstance(data.get("services"), dict):
        from generator.sources.compose import compose_router

        return compose_router(data, text, display)
    return None


YAML_KINDS.append(_values_router)
YAML_KINDS.append(_compose_router)
