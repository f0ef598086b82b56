"""Infisical's Redis variables -> findings: its start-up validation (rule env.infisical-startup) and leftover
password placeholders (auth.placeholder). Shared by `check` for `.env` files and Kubernetes Secrets."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from generator.env_check import EnvAssignment, EnvProblem
from generator.findings import Finding, Location, rule_finding
from schema.env_vars import ENV_VARS
from schema.fields import PLACEHOLDER_PREFIX

SECRET_VARS = frozenset(var.name for var in ENV_VARS if var.secret)
"""Infisical variables that carry a password (REDIS_URL carries it inside the URL)."""


def env_findings(
    assignments: Sequence[EnvAssignment], problems: Sequence[EnvProblem], locate: Callable[[int], Location]
) -> list[Finding]:
    """``locate(line)``: where a line of the variables stands in the file (0: the file as a whole)."""
    findings = []
    for problem in problems:
        message = f"{problem.name}: {problem.message}" if problem.name else problem.message
        findings.append(rule_finding("env.infisical-startup", locate(problem.line), message))
    for assignment in assignments:
        if assignment.name in SECRET_VARS and PLACEHOLDER_PREFIX in assignment.value:
            message = f"{assignment.name} still holds the generator's password placeholder"
            findings.append(rule_finding("auth.placeholder", locate(assignment.line), message))
    return findings
