"""The `.env` syntax: reading it as python-dotenv and docker compose do, and writing values both read back.

The parser is a small one of our own, python-dotenv's reading of the common subset: ``NAME=value`` lines,
optional ``export``, ``#`` comment lines (and `` #`` comments after an unquoted value, as compose cuts them),
single- and double-quoted values on one line. A ``$`` that docker compose would expand without the file
saying so (not ``$$``, not ``${...}``) is reported too. Messages never contain the value of
a variable Infisical treats as secret (REDIS_URL, passwords): only its name and line.

Quoting rule: docker compose (compose-go) and python-dotenv must both read every value back exactly.

* Bare when the value is non-empty and made only of letters, digits and ``_.,:/@%+=~-``: neither parser gives
  these a meaning (no ``#`` comment, no ``$`` expansion, no whitespace to trim).
* Otherwise in single quotes, where neither parser expands ``$`` or reads escapes, provided the value
  has no ``'``, no ``\\\\`` and does not end in ``\\`` (python-dotenv unescapes ``\\\\`` and ``\\'``
  there, compose does not).
* Otherwise, when it has a ``'`` but no ``"``, ``\\`` or ``$``: in double quotes.
* Anything else is refused with a ValueError that names the variable, never the value: a newline or another
  character ``str.isprintable`` rejects, ``${`` (python-dotenv expands ``${NAME}`` even inside single
  quotes), or a ``'`` together with ``"``, ``\\`` or ``$``.
"""

import re
from typing import NamedTuple

_ASSIGNMENT = re.compile(r"(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=[ \t]*(.*)")
_DOUBLE_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


class EnvProblem(NamedTuple):
    line: int
    """1-based line of the `.env`; 0 for the file as a whole."""
    name: str
    """The variable concerned; empty when the line has none."""
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.name + ': ' if self.name else ''}{self.message}"


class EnvAssignment(NamedTuple):
    line: int
    name: str
    value: str


class ParsedEnv(NamedTuple):
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
        if quote == '"' and stray_dollar(value):
            return value, [EnvProblem(line, name, _DOLLAR)]
        return value, []
    value = re.sub(r"\s+#.*", "", rest).rstrip()  # a # after a space starts a comment, as in docker compose
    problems = []
    if stray_dollar(value):
        problems.append(EnvProblem(line, name, _DOLLAR))
    return value, problems


_DOLLAR = (
    "docker compose reads a $ here as the start of a variable: write $$ for a literal $ (or single-quote the "
    "value); ${NAME} is read as a variable on purpose"
)
_STRAY_DOLLAR = re.compile(r"\$(?![{$])")


def stray_dollar(value: str) -> bool:
    """A ``$`` that docker compose would expand without the file saying so: not ``$$`` (a literal dollar) and not
    ``${...}`` (interpolation written on purpose, unknown until compose runs)."""
    return bool(_STRAY_DOLLAR.search(value.replace("$$", "")))


def interpolated(value: str) -> bool:
    """The value holds ``${...}``: docker compose fills it in, so it is unknown at check time."""
    return "${" in value.replace("$$", "")


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


_BARE = re.compile(r"[A-Za-z0-9_.,:/@%+=~-]+")


def dotenv_value(value: str, name: str = "value") -> str:
    """``value`` as the right-hand side of a `.env` line that compose and python-dotenv read back exactly."""
    if not value.isprintable():
        raise ValueError(f"{name} contains a newline or another non-printable character; a .env line cannot hold it")
    if _BARE.fullmatch(value):
        return value
    if "${" in value:
        raise ValueError(f"{name} contains ${{, which python-dotenv expands inside any quotes")
    if "'" not in value and "\\\\" not in value and not value.endswith("\\"):
        return f"'{value}'"
    if not any(char in value for char in '"\\$'):
        return f'"{value}"'
    raise ValueError(
        f"{name} contains a single quote together with a double quote, a backslash or a dollar sign; "
        "no quoting reads that back the same in docker compose and python-dotenv"
    )
