"""GitHub Actions workflow commands: an annotation on the offending line per finding."""

from __future__ import annotations

from generator.judge import Run
from generator.report.mask import masked, ordered
from generator.schema.rules import Severity


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _escape(text).replace(":", "%3A").replace(",", "%2C")


def report(run: Run) -> str:
    out = []
    for f in ordered(run.findings):
        level = "error" if f.severity == Severity.ERROR else "warning"
        place = f"file={_property(f.where.file)}"
        if f.where.line is not None:
            place += f",line={f.where.line},col={f.where.column or 1}"
        message = _escape(f"{masked(f.message, run.secrets)} ({f.docs_url})")
        out.append(f"::{level} {place},title={f.rule_id}::{message}")
    return "\n".join(out) + ("\n" if out else "")
