"""Judging inputs: a source reads each one, the engine runs every rule, silenced rules are set aside. A failure
while judging one input becomes a finding for that input; the others are still judged."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from generator import tool_version
from generator.rules import judge as run_rules
from generator.shapes.finding import Finding, Location, rule_finding
from generator.sources.base import InputError, Note, SourceResult

if TYPE_CHECKING:
    from generator.schema.values import Deployment


@dataclass
class Run:
    """Everything a command reports: findings of every input, notes, what was silenced, what to mask."""

    findings: list[Finding] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    silenced: int = 0
    secrets: set[str] = field(default_factory=set)
    inputs: int = 0
    subjects: list[object] = field(default_factory=list)
    """What the sources read (a values file's model, for `build`)."""

    @property
    def exit_code(self) -> int:
        if any(f.blocking for f in self.findings):
            return 2
        return 1 if any(f.severity == "error" for f in self.findings) else 0

    def add(self, other: Run) -> None:
        """Adds ``other``'s results; a finding already reported (a file judged on its own and again through
        the compose file that mounts it) is reported once."""
        seen = {(f.rule_id, f.where, f.message) for f in self.findings}
        self.findings += [f for f in other.findings if (f.rule_id, f.where, f.message) not in seen]
        self.notes += other.notes
        self.silenced += other.silenced
        self.secrets |= other.secrets
        self.inputs += other.inputs
        self.subjects += other.subjects


def judge_input(display: str, read: Callable[[], SourceResult], ignore: Iterable[str] = ()) -> Run:
    """Read one input with ``read`` and judge it; never raises."""
    run = Run(inputs=1)
    try:
        result = read()
        findings = [*result.findings, *run_rules(result.subjects)]
    except InputError as error:
        run.findings.append(error.finding)
        return run
    except Exception as error:
        run.findings.append(crash_finding(display, error))
        return run
    silenced = set(ignore) | result.ignored
    kept = [f for f in findings if f.blocking or f.rule_id not in silenced]
    run.silenced = len(findings) - len(kept)
    unique = {(f.rule_id, f.where, f.message): f for f in kept}
    run.findings = sorted(unique.values(), key=lambda f: f.sort_key)
    run.notes = result.notes
    run.secrets = result.secrets
    run.subjects = list(result.subjects)
    return run


def crash_finding(display: str, error: BaseException) -> Finding:
    """The finding for an unexpected failure: where in the tool, never the input's content."""
    import traceback  # only when something failed: the module costs start-up time

    frames = traceback.extract_tb(error.__traceback__)
    place = f" at {frames[-1].name}" if frames else ""
    return rule_finding(
        "input.crash",
        Location(display),
        f"the tool failed on this file ({type(error).__name__}{place}); please report it with "
        f"infisical-redis {tool_version()}",
    )


class Validated(NamedTuple):
    """A values file judged: its findings, and its model when it has one."""

    run: Run
    deployment: Deployment | None

    @property
    def findings(self) -> list[Finding]:
        return self.run.findings


def validate_file(path: Path, display: str | None = None) -> Validated:
    from generator.shapes.values import ValuesFile
    from generator.sources.values import read_values

    label = display or str(path)
    run = judge_input(label, lambda: read_values(path, label))
    model = next((s.deployment for s in run.subjects if isinstance(s, ValuesFile)), None)
    return Validated(run, model)
