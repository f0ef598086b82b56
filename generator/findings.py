"""Findings are data: where, how bad, which rule, what. Reporters turn lists of them into text."""

from __future__ import annotations

from dataclasses import dataclass

from schema.project import DOCS_URL, rule_docs_url
from schema.rules import RULES_BY_ID, Severity

SCHEMA_DOCS = f"{DOCS_URL}reference/values-file/"

SCHEMA_FINDINGS: dict[str, str] = {
    "schema.yaml": "The file is not valid YAML.",
    "schema.unknown-key": "A key the values file does not have.",
    "schema.type": "A value of the wrong type or outside the allowed values.",
    "schema.missing": "A required key is missing.",
}
"""Finding ids that are about the values file's shape rather than a rule of the catalogue."""


@dataclass(frozen=True, order=True)
class Location:
    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.file
        return f"{self.file}:{self.line}:{self.column or 1}"


@dataclass(frozen=True)
class Finding:
    where: Location
    severity: Severity
    rule_id: str
    message: str

    @property
    def docs_url(self) -> str:
        if self.rule_id in RULES_BY_ID:
            return rule_docs_url(self.rule_id)
        return SCHEMA_DOCS

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.where.file, self.where.line or 0, self.where.column or 0, self.rule_id)


def rule_finding(rule_id: str, where: Location, message: str) -> Finding:
    """A finding of a catalogue rule, at the rule's own severity."""
    return Finding(where, RULES_BY_ID[rule_id].severity, rule_id, message)


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == Severity.ERROR for f in findings)
