"""The Jinja environment: templates lay out text, views (plain objects) carry every decision."""

from __future__ import annotations

import contextlib
import json
import os
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
import jinja2.bccache

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
"""``generator/templates``: a link to the checkout's ``templates/``, and package data in the wheel."""


def _yaml_scalar(value: Any) -> str:
    """A YAML scalar that means exactly ``value``: JSON's quoting is valid YAML for strings, numbers, bools."""
    return json.dumps(value, ensure_ascii=False)


class _QuietBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept between runs (a template's source hash is part of the key, so an edited template
    is compiled afresh); a cache that cannot be written is simply not used."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError):
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    directory = Path(base) / "infisical-redis" / f"jinja-{jinja2.__version__}"
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _QuietBytecodeCache(str(directory))


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        bytecode_cache=_bytecode_cache(),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["yaml"] = _yaml_scalar
    env.filters["basename"] = lambda path: PurePosixPath(path).name
    return env


def render_template(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)
