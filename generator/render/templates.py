"""The Jinja environment: templates lay out text, views (plain objects) carry every decision."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
"""``generator/templates``: a link to the checkout's ``templates/``, and package data in the wheel."""


def _yaml_scalar(value: Any) -> str:
    """A YAML scalar that means exactly ``value``: JSON's quoting is valid YAML for strings, numbers, bools."""
    return json.dumps(value, ensure_ascii=False)


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
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
