"""One reporter per output format: each turns a run's findings into the text to print.

Every reporter masks the secret values the run's inputs held (a safety net: messages are written not to
contain them in the first place).
"""

from __future__ import annotations

from collections.abc import Callable

from generator.judge import Run
from generator.report import github, json, text

Reporter = Callable[[Run], str]
REPORTERS: dict[str, Reporter] = {"text": text.report, "json": json.report, "github": github.report}
FORMATS = tuple(REPORTERS)

__all__ = ["FORMATS", "REPORTERS", "Reporter"]
