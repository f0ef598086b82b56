"""What every source shares: reading a file safely, and the result it hands to the engine.

A source turns one input (a file or a server) into subjects for the rules (``generator.shapes``) plus the
findings about the input itself (unreadable, not parsable), never an exception: see ``generator.judge``.
"""

import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from generator.shapes.finding import Finding, Location, rule_finding

if TYPE_CHECKING:  # not imported at run time: reading a redis.conf needs no YAML parser
    from generator.formats.yaml import YamlLoadError

MAX_FILE_BYTES = 4 * 1024 * 1024
"""Largest file judged: a redis.conf, values file or compose file is a few kB to a few hundred kB."""

_IGNORE = re.compile(r"infisical-redis:\s*ignore\s+([A-Za-z0-9_.,\s-]+)")


class Note(NamedTuple):
    """A remark that is not a finding: something the tool did not look at, and why."""

    where: Location
    text: str

    def __str__(self) -> str:
        return f"{self.where}: note: {self.text}"


@dataclass
class SourceResult:
    """One input, ready for the engine."""

    subjects: list[Any] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    """Findings about the input itself (parse errors); the engine adds the rules' findings."""
    notes: list[Note] = field(default_factory=list)
    secrets: set[str] = field(default_factory=set)
    """Secret values seen in the input; no report may show them."""
    ignored: set[str] = field(default_factory=set)
    """Rule ids the input silences with ``# infisical-redis: ignore RULE`` comments."""


class InputError(Exception):
    """The input cannot be judged; carries the finding that says why."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


def unreadable(display: str, message: str, line: int | None = None, column: int | None = None) -> InputError:
    return InputError(rule_finding("input.unreadable", Location(display, line, column), message))


def unparsable(display: str, error: "YamlLoadError", line_offset: int = 0) -> InputError:
    """YAML the parser refused, at its line and column (``line_offset``: the document starts further down)."""
    line = error.line if not line_offset else (error.line or 1) + line_offset
    return InputError(rule_finding("schema.yaml", Location(display, line, error.column), error.reason))


def read_text(path: Path, display: str) -> str:
    """The file's text; refuses what is not a regular file, too large, or not UTF-8 (``InputError``)."""
    try:
        info = path.stat()
    except OSError as error:
        raise unreadable(display, f"cannot read: {error.strerror or type(error).__name__}") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file (a FIFO, socket or device)"
        raise unreadable(display, f"cannot read: {kind}")
    if info.st_size > MAX_FILE_BYTES:
        raise unreadable(display, f"cannot read: larger than the {MAX_FILE_BYTES // (1024 * 1024)} MiB limit")
    try:
        with path.open("rb") as handle:
            # what stat said plus a byte (a buffer of the limit's size would be allocated for every file); a file
            # that grew since, or that stat gives no size for (/proc), is read on up to the limit
            data = handle.read(info.st_size + 1)
            if len(data) > info.st_size:
                data += handle.read(MAX_FILE_BYTES + 1 - len(data))
    except OSError as error:
        raise unreadable(display, f"cannot read: {error.strerror or type(error).__name__}") from None
    if len(data) > MAX_FILE_BYTES:
        raise unreadable(display, f"cannot read: larger than the {MAX_FILE_BYTES // (1024 * 1024)} MiB limit")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise unreadable(display, f"not UTF-8 text (byte {error.start})", line, column) from None


def inline_ignores(text: str) -> set[str]:
    """Rule ids named by ``# infisical-redis: ignore RULE[, RULE]`` comments anywhere in the text."""
    found: set[str] = set()
    for match in _IGNORE.finditer(text):
        found.update(part for part in re.split(r"[\s,]+", match.group(1)) if part)
    return found
