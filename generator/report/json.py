"""A JSON list of findings, one object each: file, line, column, severity, rule, message, docs."""

from __future__ import annotations

import json

from generator.judge import Run
from generator.report.mask import masked, ordered


def report(run: Run) -> str:
    records = [
        {
            "file": f.where.file,
            "line": f.where.line,
            "column": f.where.column,
            "severity": f.severity.value,
            "rule": f.rule_id,
            "message": masked(f.message, run.secrets),
            "docs": f.docs_url,
        }
        for f in ordered(run.findings)
    ]
    return json.dumps(records, indent=2) + "\n"
