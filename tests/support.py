"""Helpers shared by the CLI tests: run the command line in-process, and read `# expect:` annotations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
Position = tuple[int, int, str, str]
"""(line, column, severity, rule id) of one finding."""

_EXPECT = re.compile(r"^# expect: (\d+):(\d+) (error|warning) (\S+)$", re.M)
_EXPECT_EXIT = re.compile(r"^# expect-exit: (\d)$", re.M)


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of ``python -m generator ARGS``, run in this process."""
    status = main(list(args))
    out = capsys.readouterr()
    return status, out.out, out.err


def expected_findings(text: str) -> set[Position]:
    """The findings a sample file states in its ``# expect: LINE:COL severity RULE`` lines."""
    return {(int(line), int(col), sev, rule) for line, col, sev, rule in _EXPECT.findall(text)}


def expected_exit(text: str, findings: set[Position]) -> int:
    """``# expect-exit: N`` when stated, else 2 with a blocking finding (the input could not be judged), 1 with
    an error among ``findings``, else 0."""
    from generator.schema.rules import RULES_BY_ID

    match = _EXPECT_EXIT.search(text)
    if match:
        return int(match[1])
    if any(RULES_BY_ID[rule].blocking for _, _, _, rule in findings):
        return 2
    return 1 if any(severity == "error" for _, _, severity, _ in findings) else 0


def reported_findings(output: str, path: Path | str) -> set[Position]:
    """The findings a text report gives for ``path``."""
    pattern = re.compile(rf"^{re.escape(str(path))}:(\d+):(\d+): (error|warning) (\S+): ", re.M)
    return {(int(line), int(col), sev, rule) for line, col, sev, rule in pattern.findall(output)}
