"""One reporter per output format; each takes the findings of a run and returns the text to print."""

from __future__ import annotations

import json
from collections.abc import Callable

from generator.findings import Finding
from schema.rules import Severity


def text_report(findings: list[Finding]) -> str:
    """``FILE:LINE:COL: severity RULE-ID: message (docs: URL)``, one line each, then a count."""
    lines = [
        f"{f.where}: {f.severity.value} {f.rule_id}: {f.message} (docs: {f.docs_url})"
        for f in sorted(findings, key=lambda f: f.sort_key)
    ]
    errors = sum(f.severity == Severity.ERROR for f in findings)
    warnings = len(findings) - errors
    if findings:
        lines.append(f"{errors} error(s), {warnings} warning(s)")
    return "\n".join(lines) + ("\n" if lines else "")


def json_report(findings: list[Finding]) -> str:
    records = [
        {
            "file": f.where.file,
            "line": f.where.line,
            "column": f.where.column,
            "severity": f.severity.value,
            "rule": f.rule_id,
            "message": f.message,
            "docs": f.docs_url,
        }
        for f in sorted(findings, key=lambda f: f.sort_key)
    ]
    return json.dumps(records, indent=2) + "\n"


def github_report(findings: list[Finding]) -> str:
    """GitHub Actions workflow commands: annotations on the offending line."""
    out = []
    for f in sorted(findings, key=lambda f: f.sort_key):
        level = "error" if f.severity == Severity.ERROR else "warning"
        place = f"file={f.where.file}"
        if f.where.line is not None:
            place += f",line={f.where.line},col={f.where.column or 1}"
        message = f"{f.message} ({f.docs_url})".replace("%", "%25").replace("\n", "%0A")
        out.append(f"::{level} {place},title={f.rule_id}::{message}")
    return "\n".join(out) + ("\n" if out else "")


REPORTERS: dict[str, Callable[[list[Finding]], str]] = {
    "text": text_report,
    "json": json_report,
    "github": github_report,
}
