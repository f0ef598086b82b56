"""Findings are data: where, how bad, which rule, what. Reporters turn lists of them into text."""

from typing import NamedTuple

from generator.schema.project import rule_docs_url
from generator.schema.rules import RULES_BY_ID, Severity


class Location(NamedTuple):
    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.file
        return f"{self.file}:{self.line}:{self.column or 1}"


class Finding(NamedTuple):
    """One problem of one input. ``rule_id`` is always an id of the catalogue (``schema.rules``)."""

    where: Location
    severity: Severity
    rule_id: str
    message: str

    @property
    def docs_url(self) -> str:
        return rule_docs_url(self.rule_id)

    @property
    def blocking(self) -> bool:
        """The input could not be judged (exit 2)."""
        return RULES_BY_ID[self.rule_id].blocking

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.where.file, self.where.line or 0, self.where.column or 0, self.rule_id, self.message)


def rule_finding(rule_id: str, where: Location, message: str) -> Finding:
    """A finding of a catalogue rule, at the rule's own severity."""
    return Finding(where, RULES_BY_ID[rule_id].severity, rule_id, message)


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == Severity.ERROR for f in findings)
