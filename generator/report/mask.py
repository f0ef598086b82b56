"""Masking secret values out of report text."""

from __future__ import annotations

import re
from collections.abc import Iterable

from generator.shapes.finding import Finding

MASK = "***"
MIN_SECRET = 4
"""Shorter values are not masked: they would blank out ordinary words ("yes", port numbers)."""
_WORD = r"[\w-]"


def masked(text: str, secrets: Iterable[str]) -> str:
    """``text`` (a finding's message) with every secret value that stands on its own replaced by ``***``. A
    secret that is part of a longer word is left: a password ``infisical`` must not turn the command
    ``infisical-redis`` into ``***-redis``."""
    for secret in sorted((s for s in set(secrets) if len(s) >= MIN_SECRET), key=len, reverse=True):
        text = re.sub(rf"(?<!{_WORD}){re.escape(secret)}(?!{_WORD})", MASK, text)
    return text


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: f.sort_key)
