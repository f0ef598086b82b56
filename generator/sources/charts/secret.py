"""A Kubernetes Secret with Infisical's variables (``stringData`` or base64 ``data``): judged like the `.env`
it mirrors, each variable at its key."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from generator.formats.dotenv import EnvAssignment
from generator.shapes.env import EnvFacts
from generator.shapes.finding import Location
from generator.sources.charts.config import Reader


def _decoded(value: Any) -> str | None:
    try:
        return base64.b64decode(str(value), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def secret_env(reader: Reader) -> EnvFacts:
    data = reader.document.data
    entries: list[tuple[str, str, Location]] = []
    for section in ("data", "stringData"):  # stringData wins over data for the same key
        block = data.get(section)
        for name, value in block.items() if isinstance(block, dict) else []:
            text = _decoded(value) if section == "data" else ("" if value is None else str(value))
            if text is not None:
                entries.append((str(name), text, reader.at((section, str(name)), key=True)))
    assignments = [EnvAssignment(where.line or 1, name, value) for name, value, where in entries]
    by_line = {where.line: where for _, _, where in entries}
    kind_at = reader.at(("kind",))

    def locate(line: int) -> Location:
        return by_line.get(line, kind_at)

    if any(name.startswith("REDIS_") for name, _, _ in entries):
        return EnvFacts(tuple(assignments), locate, kind_at)
    # No Redis variable: with Infisical's chart and its bundled Redis, REDIS_URL comes from the chart itself.
    return EnvFacts(tuple(assignments), locate, kind_at, not_judged=frozenset({"env.infisical-startup"}))
