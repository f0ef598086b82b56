"""``FILE:LINE:COL: severity RULE-ID: message (docs: URL)``, one line per finding, then a count."""

from __future__ import annotations

from generator.judge import Run
from generator.report.mask import masked, ordered
from generator.schema.rules import Severity


def report(run: Run) -> str:
    lines = [
        f"{f.where}: {f.severity.value} {f.rule_id}: {masked(f.message, run.secrets)} (docs: {f.docs_url})"
        for f in ordered(run.findings)
    ]
    errors = sum(f.severity == Severity.ERROR for f in run.findings)
    warnings = len(run.findings) - errors
    silenced = f", {run.silenced} silenced" if run.silenced else ""
    if run.findings:
        lines.append(f"{errors} error(s), {warnings} warning(s){silenced}")
    elif run.inputs:
        lines.append(f"{run.inputs} file(s) OK{silenced}")
    return "\n".join(lines) + ("\n" if lines else "")
