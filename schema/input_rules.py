"""Rules about an input itself rather than about Redis: a file that cannot be read or parsed, a values file of
the wrong shape, a file `check` does not know, and the tool's own failures. They are findings like any other
(with a line, a column and a docs page); a ``blocking`` one means the file could not be judged (exit 2)."""

from __future__ import annotations

from .rule import Rule, Severity

_REPORT = "This is a bug in the tool, not in your file: please report it with the message and the version."

INPUT_RULES: tuple[Rule, ...] = (
    Rule(
        id="input.unreadable",
        severity=Severity.ERROR,
        summary="The file can be read",
        why="A file that does not exist, cannot be opened, is not UTF-8 text, is not a regular file (a FIFO or "
        "a device would block or never end) or is larger than the tool's limit cannot be judged.",
        fix="Pass a readable regular UTF-8 text file (the limit is stated in the message).",
        blocking=True,
    ),
    Rule(
        id="input.kind",
        severity=Severity.ERROR,
        summary="`check` recognises the kind of file",
        why="`check` decides from a file's content whether it is a redis.conf, a sentinel.conf, an Infisical "
        "`.env`, a Kubernetes Secret, Helm values of a chart it knows, or a docker-compose file. A file it "
        "cannot place, or Helm values of a chart it does not know, is not judged rather than judged wrongly.",
        fix="Check the file with the right tool, or pass `--kind` when the content is ambiguous.",
        blocking=True,
    ),
    Rule(
        id="input.crash",
        severity=Severity.ERROR,
        summary="The tool judged the file without failing",
        why=_REPORT,
        fix="Report it; the other files of the same run are still judged.",
        blocking=True,
    ),
    Rule(
        id="schema.yaml",
        severity=Severity.ERROR,
        summary="The file is valid YAML",
        why="A YAML syntax error, a duplicate key, an alias that expands beyond the limit (an alias bomb) or "
        "nesting deeper than the limit stops the file from being read.",
        fix="Fix the YAML at the stated line and column.",
        blocking=True,
    ),
    Rule(
        id="conf.syntax",
        severity=Severity.ERROR,
        summary="Every redis.conf line parses as Redis parses it",
        why="An unbalanced quote or a closing quote followed by text makes Redis refuse the whole file at start.",
        fix="Balance the quotes; a closing quote must be followed by a space or the end of the line.",
        blocking=True,
    ),
    Rule(
        id="schema.unknown-key",
        severity=Severity.ERROR,
        summary="Every key is one the file's format has",
        why="A misspelt key is ignored by whatever reads the file, so the setting it was meant to change keeps "
        "its default without a word.",
        fix="Use the key the message suggests, or remove it.",
    ),
    Rule(
        id="schema.type",
        severity=Severity.ERROR,
        summary="Every value has the type and range the format allows",
        why="A value of the wrong type is refused, or worse, read as something else than meant "
        '(`port: "6379"` is a string where a number is expected).',
        fix="Write the value as the reference page of the format shows.",
    ),
    Rule(
        id="schema.missing",
        severity=Severity.ERROR,
        summary="Every required key is present",
        why="Without it there is nothing to generate or judge for that part of the deployment.",
        fix="Add the key the message names.",
    ),
)
