"""Masking secret values out of report text."""

from __future__ import annotations

from collections.abc import Iterable

from generator.shapes.finding import Finding

MASK = "***"
MIN_SECRET = 4
"""Shorter values are not masked: they would blank out ordinary words ("yes", port numbers)."""


def masked(text: str, secrets: Iterable[str]) -> str:
    for secret in sorted((s for s in secrets if len(s) >= MIN_SECRET), key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: f.sort_key)
