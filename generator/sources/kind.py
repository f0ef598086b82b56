"""What kind of text a file holds, from its lines: a `.env`, a redis.conf / sentinel.conf, YAML, or none of
these. Its name's suffix counts only when the content does not decide."""

from __future__ import annotations

import re
from pathlib import Path

from generator.schema.versions import REDIS_DIRECTIVES

_ENV_LINE = re.compile(r"(?:export\s+)?[A-Za-z_][A-Za-z0-9_.]*\s*=")
_YAML_KEY = re.compile(r"(?:---\s*$|[\"']?[A-Za-z_][\w.\-/\"']*:(?:\s|$))")
_CONF_EXTRA = frozenset({"include", "rename-command", "loadmodule", "sentinel", "user", "save", "slaveof", "bind"})


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
