"""Check a `.env` the way Infisical's start-up validation reads its Redis variables (see schema/env_vars.py).

The parser is a small one of our own, python-dotenv's reading of the common subset: ``NAME=value`` lines,
optional ``export``, ``#`` comment lines, single- and double-quoted values on one line. Where docker compose
reads a line differently (``#`` or ``$`` in a value) that is reported too. Messages never contain the value of
a variable Infisical treats as secret (REDIS_URL, passwords): only its name and line.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from schema.env_vars import CONNECTION_VARS, ENV_VAR_NAMES, HOST_PORT, EnvVar, env_var

_ASSIGNMENT = re.compile(r"(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=[ \t]*(.*)")
_DOUBLE_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_DB_PATH = re.compile(r"(/[0-9]*)?")
_SHOWABLE = re.compile(r"[A-Za-z0-9._:\[\]-]{1,64}")
MISSING_CONNECTION = "Either REDIS_URL, REDIS_SENTINEL_HOSTS or REDIS_CLUSTER_HOSTS must be defined."
"""Infisical's own start-up error when none of the connection variables is set."""


@dataclass(frozen=True)
class EnvProblem:
    line: int
    """1-based line of the `.env`; 0 for the file as a whole."""
    name: str
    """The variable concerned; empty when the line has none."""
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.name + ': ' if self.name else ''}{self.message}"


@dataclass(frozen=True)
class EnvAssignment:
    line: int
    name: str
    value: str


@dataclass(frozen=True)
class ParsedEnv:
    assignments: tuple[EnvAssignment, ...]
    problems: tuple[EnvProblem, ...]

    @property
    def values(self) -> dict[str, str]:
        """Name to value; a name set twice keeps its last value, as every dotenv loader does."""
        return {a.name: a.value for a in self.assignments}


def _unescape(content: str, quote: str) -> str:
    out: list[str] = []
    chars = iter(content)
    for char in chars:
        if char != "\\":
            out.append(char)
            continue
        nxt = next(chars, "")
        if nxt in ("\\", quote) or (quote == '"' and nxt == "'"):
            out.append(nxt)
        elif quote == '"' and nxt in _DOUBLE_ESCAPES:
            out.append(_DOUBLE_ESCAPES[nxt])
        else:
            out.append(char + nxt)
    return "".join(out)


def _closing_quote(rest: str, quote: str) -> int:
    """Index of the quote that closes ``rest[0]``, skipping backslash pairs; -1 when there is none."""
    i = 1
    while i < len(rest):
        if rest[i] == "\\":
            i += 2
        elif rest[i] == quote:
            return i
        else:
            i += 1
    return -1


def _parse_value(line: int, name: str, rest: str) -> tuple[str | None, list[EnvProblem]]:
    def problem(message: str) -> tuple[str | None, list[EnvProblem]]:
        return None, [EnvProblem(line, name, message)]

    if rest[:1] in ("'", '"'):
        quote = rest[0]
        end = _closing_quote(rest, quote)
        if end < 0:
            return problem("the quoted value has no closing quote on its line (values must stay on one line)")
        after = rest[end + 1 :].strip()
        if after and not after.startswith("#"):
            return problem("text follows the closing quote")
        value = _unescape(rest[1:end], quote)
        if quote == "'" and ("\\\\" in rest[1:end] or "\\'" in rest[1:end]):
            message = "\\\\ or \\' inside single quotes: docker compose keeps the backslash, python-dotenv drops it"
            return value, [EnvProblem(line, name, message)]
        if quote == "'" and "${" in value:
            return value, [EnvProblem(line, name, "python-dotenv expands ${...} even inside single quotes")]
        if quote == '"' and "$" in value:
            return value, [
                EnvProblem(line, name, "$ inside double quotes is expanded by docker compose; use single quotes")
            ]
        return value, []
    value = re.sub(r"\s+#.*", "", rest).rstrip()
    problems = []
    if "#" in value:
        problems.append(EnvProblem(line, name, "unquoted #: docker compose cuts the value there; quote the value"))
    if "$" in value:
        problems.append(EnvProblem(line, name, "unquoted $ is expanded by docker compose; single-quote the value"))
    return value, problems


def parse_dotenv(text: str) -> ParsedEnv:
    """The assignments of a `.env`, and the lines that could not be read the same by every loader."""
    assignments: list[EnvAssignment] = []
    problems: list[EnvProblem] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _ASSIGNMENT.fullmatch(stripped)
        if match is None:
            problems.append(EnvProblem(number, "", "neither a comment nor a NAME=value line"))
            continue
        name = match[1]
        value, found = _parse_value(number, name, match[2])
        problems += found
        if value is not None:
            assignments.append(EnvAssignment(number, name, value))
    return ParsedEnv(tuple(assignments), tuple(problems))


def _shown(var: EnvVar, value: str, fallback: str) -> str:
    """``value`` quoted for a message, unless it could be (or contain) a secret."""
    return repr(value) if not var.secret and _SHOWABLE.fullmatch(value) else fallback


def _url_problems(value: str) -> list[str]:
    scheme, sep, _ = value.partition("://")
    if not sep or scheme.lower() not in ("redis", "rediss"):
        return ["must start with redis:// or rediss://"]
    credentials = value.split("://", 1)[1].rpartition("@")[0]
    for char, code in (("/", "%2F"), ("?", "%3F"), ("#", "%23")):
        if char in credentials:
            return [f"has {char} in the credentials, which ends them there: write it as {code}"]
    if "#" in value:
        return ["contains #, which ends the URL there"]
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number from 0 to 65535
    except ValueError:
        return ["cannot be parsed: the port is not a number from 0 to 65535, or the host has a stray bracket"]
    problems = []
    if not parts.hostname:
        problems.append("has no host (a : or @ in the password must be percent-encoded: %3A, %40)")
    if not _DB_PATH.fullmatch(parts.path):
        problems.append("has a path other than a database number: write / in the password as %2F")
    if _BAD_PERCENT.search(parts.netloc):
        problems.append("has a % not followed by two hex digits, which stops Infisical at start-up: write % as %25")
    return problems


def _host_problems(var: EnvVar, value: str) -> list[str]:
    problems = []
    for index, entry in enumerate((e.strip() for e in value.split(",")), start=1):
        what = f"entry {index} ({_shown(var, entry, 'not shown')})"
        if not entry:
            problems.append(f"entry {index} is empty (a stray comma)")
        elif "://" in entry:
            problems.append(f"{what} has a scheme; host lists take host:port only")
        elif entry.startswith("[") or entry.count(":") > 1:
            problems.append(f"{what} is an IPv6 literal, which Infisical's host lists do not support")
        elif ":" not in entry:
            problems.append(f"{what} has no port; Infisical crashes at start-up on it")
        elif not HOST_PORT.fullmatch(entry):
            problems.append(f"{what} is not host:port with a numeric port")
        elif not 1 <= int(entry.rsplit(":", 1)[1]) <= 65535:
            problems.append(f"{what} has a port outside 1-65535")
    return problems


def _value_problems(var: EnvVar, value: str) -> list[str]:
    shown = _shown(var, value, "this value")
    if var.kind == "url":
        return _url_problems(value)
    if var.kind == "host-list":
        return _host_problems(var, value)
    if var.kind == "boolean-strict" and value not in ("true", "false"):
        return [f"must be exactly true or false, not {shown}; anything else stops Infisical at start-up"]
    if var.kind == "boolean-true" and value not in ("true", "false"):
        return [f"only the literal true turns it on; Infisical reads {shown} as false"]
    return []


def _precedence_problems(latest: dict[str, EnvAssignment]) -> list[EnvProblem]:
    problems = []
    if "REDIS_URL" in latest:
        for name in ("REDIS_USERNAME", "REDIS_PASSWORD"):
            if name in latest:
                message = "not applied when REDIS_URL is set: put the credentials in the URL"
                problems.append(EnvProblem(latest[name].line, name, message))
        ignored = [n for n in ("REDIS_CLUSTER_HOSTS", "REDIS_SENTINEL_HOSTS") if n in latest]
        winner = "REDIS_URL"
    else:
        ignored = (
            ["REDIS_SENTINEL_HOSTS"] if "REDIS_CLUSTER_HOSTS" in latest and "REDIS_SENTINEL_HOSTS" in latest else []
        )
        winner = "REDIS_CLUSTER_HOSTS"
    problems += [EnvProblem(latest[n].line, n, f"ignored: {winner} is set and wins") for n in ignored]
    return problems


def check_assignments(assignments: Sequence[EnvAssignment]) -> list[EnvProblem]:
    """Infisical's start-up validation of its Redis variables, given as assignments in file order."""
    problems: list[EnvProblem] = []
    latest: dict[str, EnvAssignment] = {}
    for assignment in assignments:
        name = assignment.name
        if name in latest:
            message = f"set again (first on line {latest[name].line}); the last one wins"
            problems.append(EnvProblem(assignment.line, name, message))
        if name.startswith("REDIS_") and name not in ENV_VAR_NAMES:
            close = difflib.get_close_matches(name, sorted(ENV_VAR_NAMES), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            problems.append(EnvProblem(assignment.line, name, f"not read by Infisical{hint}"))
        latest[name] = assignment
    # Infisical trims every value and treats an empty one as unset.
    latest = {n: a for n, a in latest.items() if n in ENV_VAR_NAMES and a.value.strip()}
    for name, assignment in latest.items():
        for message in _value_problems(env_var(name), assignment.value.strip()):
            problems.append(EnvProblem(assignment.line, name, message))
    if not any(name in latest for name in CONNECTION_VARS):
        problems.append(EnvProblem(0, "", MISSING_CONNECTION))
    problems += _precedence_problems(latest)
    return sorted(problems, key=lambda p: p.line)


def check_infisical_env(text: str) -> list[EnvProblem]:
    """Every problem Infisical (or the loader in front of it) would have with this `.env`, by line."""
    parsed = parse_dotenv(text)
    return sorted([*parsed.problems, *check_assignments(parsed.assignments)], key=lambda p: p.line)
