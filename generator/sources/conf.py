"""Source: an existing redis.conf / sentinel.conf -> its effective settings, each at its line and column.

A config file is parsed with Redis's own quoting rules (``generator.formats.conf``) into the same
``EffectiveConfig`` that values files and live servers give.

``include`` lines: Redis applies an included file where the ``include`` line stands. An include with an
absolute path is followed when the file can be read here, and its settings are judged in place (at their
own file:line:col). A relative path is resolved by Redis against the server's working directory at
start-up, which this tool cannot know, so it is not followed; neither is a glob pattern (7.0+), a file
that cannot be read here, or a loop. Each such include is reported as a note (not a finding): check
that file with its own `check` run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.formats.conf import ConfLine, ConfSyntaxError, parse_conf
from generator.schema.secrets import is_secret_directive, secret_values
from generator.schema.versions import ServerTarget
from generator.shapes.config import EffectiveConfig, Setting
from generator.shapes.finding import Location, rule_finding
from generator.sources.base import InputError, Note, SourceResult, inline_ignores, read_text

MAX_INCLUDE_DEPTH = 8
_GLOB_CHARS = frozenset("*?[")


@dataclass
class _Loader:
    notes: list[Note]
    secrets: set[str]
    open_files: list[Path] = field(default_factory=list)

    def load(self, path: Path, display: str, text: str) -> list[Setting]:
        """The settings of ``text`` (read from ``path``) and of the includes it follows, in Redis's order."""
        try:
            lines = parse_conf(text)
        except ConfSyntaxError as error:
            where = Location(display, error.line, error.column)
            raise InputError(rule_finding("conf.syntax", where, error.reason)) from None
        self.open_files.append(path.resolve())
        settings: list[Setting] = []
        for line in lines:
            where = Location(display, line.line, line.column)
            secret = is_secret_directive(line.name, line.args)
            self.secrets.update(secret_values(line.name, line.args))
            settings.append(Setting(line.name, line.args, where, secret))
            if line.name == "include":
                settings += self._include(line, where)
        self.open_files.pop()
        return settings

    def _include(self, line: ConfLine, where: Location) -> list[Setting]:
        if len(line.args) != 1:
            self.notes.append(Note(where, "include takes exactly one file name; Redis refuses this line"))
            return []
        target = Path(line.args[0])
        reason = None
        if not target.is_absolute():
            reason = "a relative path is resolved against the server's working directory at start-up"
        elif _GLOB_CHARS & set(line.args[0]):
            reason = "glob patterns are not expanded here"
        elif target.resolve() in self.open_files:
            reason = "it includes itself (Redis would recurse until it fails)"
        elif len(self.open_files) > MAX_INCLUDE_DEPTH:
            reason = f"more than {MAX_INCLUDE_DEPTH} nested includes"
        elif not target.is_file():
            reason = "the file does not exist here"
        if reason is not None:
            self.notes.append(Note(where, f"include {line.args[0]} not followed: {reason}; check it separately"))
            return []
        try:
            text = read_text(target, str(target))
        except InputError:
            self.notes.append(Note(where, f"include {line.args[0]} not followed: cannot read it here"))
            return []
        return self.load(target, str(target), text)


def read_conf(path: Path, display: str, target: ServerTarget | None = None) -> SourceResult:
    text = read_text(path, display)
    return conf_from_text(path, display, text, target)


def conf_from_text(path: Path, display: str, text: str, target: ServerTarget | None = None) -> SourceResult:
    result = SourceResult(ignored=inline_ignores(text))
    settings = _Loader(result.notes, result.secrets).load(path, display, text)
    result.subjects.append(EffectiveConfig.of(settings, Location(display, 1, 1), target=target))
    return result
