"""Text helpers every page view shares: Markdown anchors and table cells."""

from __future__ import annotations

import re


def anchor(text: str) -> str:
    """The anchor mkdocs gives a heading (or a variable / key name) reading ``text``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def cell(text: str) -> str:
    """Text that stays inside one Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")
