"""One reporter per output format: each turns a run's findings into the text to print.

Every reporter masks the secret values the run's inputs held (a safety net: messages are written not to
contain them in the first place).
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.judge import Run

Reporter = Callable[["Run"], str]
FORMATS = ("text", "json", "github")
"""Each is the module of this package of the same name, imported when a run is printed in that format."""


def reporter(fmt: str) -> Reporter:
    """The reporter of format ``fmt`` (one of ``FORMATS``)."""
    if fmt not in FORMATS:
        raise KeyError(fmt)
    report: Reporter = import_module(f"generator.report.{fmt}").report
    return report


__all__ = ["FORMATS", "Reporter", "reporter"]
