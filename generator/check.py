"""`check`: existing redis.conf / sentinel.conf files (and Infisical `.env` files) -> findings at line:column.

A config file is parsed with Redis's own quoting rules (``conf_syntax``), turned into the same
``EffectiveConfig`` that `validate` and `audit` judge, and run through every rule of scope ``conf``.

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

from generator.check_helm import check_helm_values, is_helm_values
from generator.checks import EffectiveConfig, Setting, run_config_checks
from generator.conf_syntax import ConfLine, ConfSyntaxError, parse_conf
from generator.findings import Finding, Location
from generator.validate import UnreadableFileError
from schema.rules import Scope
from schema.versions import ServerTarget

MAX_INCLUDE_DEPTH = 8
_GLOB_CHARS = frozenset("*?[")
_SECRET_DIRECTIVES = frozenset(
    {"requirepass", "masterauth", "primaryauth", "user", "tls-key-file-pass", "tls-client-key-file-pass"}
)
_SECRET_SENTINEL = frozenset({"auth-pass", "sentinel-pass"})


@dataclass(frozen=True)
class Note:
    """A remark that is not a finding: something `check` did not look at, and why."""

    where: Location
    text: str

    def __str__(self) -> str:
        return f"{self.where}: note: {self.text}"


@dataclass
class CheckResult:
    findings: list[Finding] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


def is_env_file(path: Path) -> bool:
    """``.env``, ``*.env`` and ``.env.*`` (``.env.example``, ``.env.prod``) are Infisical env files."""
    name = path.name
    return name == ".env" or name.endswith(".env") or name.startswith(".env.")


def _read_text(path: Path, display: str) -> str:
    try:
        return path.read_bytes().decode("utf-8", "surrogateescape")
    except OSError as error:
        raise UnreadableFileError(f"{display}: cannot read: {error.strerror or type(error).__name__}") from None


def _is_secret(line: ConfLine) -> bool:
    if line.name == "sentinel":
        return bool(line.args) and line.args[0].lower() in _SECRET_SENTINEL
    return line.name in _SECRET_DIRECTIVES


@dataclass
class _Loader:
    notes: list[Note]
    open_files: list[Path] = field(default_factory=list)

    def load(self, path: Path, display: str, text: str) -> list[Setting]:
        """The settings of ``text`` (read from ``path``) and of the includes it follows, in Redis's order."""
        try:
            lines = parse_conf(text)
        except ConfSyntaxError as error:
            where = Location(display, error.line, error.column)
            raise UnreadableFileError(f"{where}: error conf.syntax: {error.reason}") from None
        self.open_files.append(path.resolve())
        settings: list[Setting] = []
        for line in lines:
            where = Location(display, line.line, line.column)
            settings.append(Setting(line.name, line.args, where, _is_secret(line)))
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
            text = _read_text(target, str(target))
        except UnreadableFileError:
            self.notes.append(Note(where, f"include {line.args[0]} not followed: cannot read it here"))
            return []
        return self.load(target, str(target), text)


def check_conf(path: Path, display: str, target: ServerTarget | None = None) -> CheckResult:
    """Judge one redis.conf / sentinel.conf. Raises UnreadableFileError (unreadable file, syntax error)."""
    result = CheckResult()
    settings = _Loader(result.notes).load(path, display, _read_text(path, display))
    cfg = EffectiveConfig.of(settings, Location(display, 1, 1), target=target)
    result.findings = run_config_checks(cfg, Scope.CONF)
    return result


def check_env(path: Path, display: str) -> CheckResult:
    """Judge an Infisical `.env` as Infisical's start-up validation reads its Redis variables."""
    from generator.env_check import check_infisical_env, parse_dotenv
    from generator.env_findings import env_findings

    text = _read_text(path, display)
    problems = check_infisical_env(text)

    def locate(line: int) -> Location:
        return Location(display, line, 1) if line else Location(display)

    return CheckResult(env_findings(parse_dotenv(text).assignments, problems, locate))


def check_path(path: Path, display: str, target: ServerTarget | None = None) -> CheckResult:
    """Dispatch by file name: Infisical `.env`, Helm values (`.yaml`), else redis.conf / sentinel.conf."""
    if is_env_file(path):
        return check_env(path, display)
    if is_helm_values(path):
        return CheckResult(check_helm_values(path, display, _read_text(path, display)))
    return check_conf(path, display, target)
