"""What every command shares: printing a run with the chosen reporter, and the program's name."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.judge import Run


def prog_name() -> str:
    """The command the user typed: ``infisical-redis`` for the installed script, else ``python -m generator``."""
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    return "python -m generator" if name in ("__main__.py", "", "-c") else name


def print_run(run: Run, fmt: str) -> None:
    from generator.report import reporter

    for note in run.notes:
        print(note, file=sys.stderr)
    text = reporter(fmt)(run)
    if text:
        sys.stdout.write(text)


def fail(command: str, message: str) -> None:
    print(f"{command}: {message}", file=sys.stderr)
