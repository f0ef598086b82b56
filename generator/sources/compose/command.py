"""How a compose service starts its server: the words of ``command:`` / ``entrypoint:`` (string or list form,
also inside ``sh -c "..."`` scripts), the server program among them, and its ``--name value`` flags as
settings, each at the line and column of the compose file where the flag is written.

Compose interpolation (``${VAR}``, ``${VAR:-default}``, ``$VAR``) and shell expansion inside scripts are
unknown at check time: a flag whose value uses them is reported as unknown, never read as a literal
(``$$`` is compose's literal ``$``)."""

from __future__ import annotations

import re
import shlex
from bisect import bisect_right
from dataclasses import dataclass, field
from posixpath import basename

from generator.schema.secrets import is_secret_directive
from generator.shapes.config import Setting
from generator.shapes.finding import Location

SERVER_PROGRAMS = frozenset({"redis-server", "valkey-server", "redis-stack-server"})
SENTINEL_PROGRAMS = frozenset({"redis-sentinel", "valkey-sentinel"})
SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh"})
_SHELL_BREAKS = frozenset({";", "&&", "||", "|", "&", ">", ">>", "<", "(", ")", "2>&1", "\n"})
_COMPOSE_VAR = re.compile(r"\$(?:\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*|\()")
"""Compose interpolation; ``$(`` is no interpolation compose accepts: unknown, never a literal."""
SHELL_VARIABLE = re.compile(r"\$+(?:\{|\(|[A-Za-z_0-9@*#?!-])")
_DEFAULT = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?::?[-=])([^}]*)\}|\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*")
NOT_CONFIG_FLAGS = frozenset({"--version", "-v", "--help", "-h", "--test-memory", "--check-system"})


def compose_value(text: str) -> str | None:
    """A compose string as the container sees it, or None when compose interpolates it at run time."""
    if _COMPOSE_VAR.search(text.replace("$$", "")):
        return None
    return text.replace("$$", "$")


def with_defaults(text: str) -> str:
    """``text`` with each interpolation replaced by its default (empty when it has none): for ports, paths and
    network names, where the default is the best guess there is."""
    return _DEFAULT.sub(lambda m: m.group(1) or "", text.replace("$$", "\0")).replace("\0", "$")


class TextCursor:
    """Finds the words of a value in the raw text of the file, in order, to give each its line and column."""

    def __init__(self, text: str, display: str) -> None:
        self.text = text
        self.display = display
        self.starts = [0]
        for index, char in enumerate(text):
            if char == "\n":
                self.starts.append(index + 1)

    def offset(self, line: int, column: int) -> int:
        return self.starts[min(line, len(self.starts)) - 1] + column - 1

    def location(self, offset: int) -> Location:
        line = bisect_right(self.starts, offset)
        return Location(self.display, line, offset - self.starts[line - 1] + 1)

    def find(self, needle: str, offset: int, limit: int = 4000) -> int | None:
        if not needle:
            return None
        found = self.text.find(needle, offset, offset + limit)
        return None if found < 0 else found


@dataclass(frozen=True)
class Word:
    text: str
    where: Location
    offset: int
    unknown: bool = False


def _shell_words(script: str) -> list[str]:
    lexer = shlex.shlex(script, posix=True, punctuation_chars=";&|<>()")
    lexer.whitespace_split = True
    return list(lexer)


def _locate(words: list[str], cursor: TextCursor, start: int, shell: bool) -> list[Word]:
    located: list[Word] = []
    position = start
    for word in words:
        found = cursor.find(word, position)
        here = found if found is not None else position
        unknown = bool(SHELL_VARIABLE.search(word)) if shell else compose_value(word) is None
        text = word if shell else (word.replace("$$", "$") if not unknown else word)
        located.append(Word(text, cursor.location(here), here, unknown))
        if found is not None:
            position = found + len(word)
    return located


def command_words(value: object, positions: list[tuple[int, int]], cursor: TextCursor) -> list[Word]:
    """The words of a ``command:`` / ``entrypoint:`` value (string, or list with each item's position)."""
    if isinstance(value, str):
        try:
            raw = shlex.split(value)
        except ValueError:
            return []
        start = cursor.offset(*positions[0]) if positions else 0
        words = _locate(raw, cursor, start, shell=False)
    elif isinstance(value, list):
        words = []
        for index, item in enumerate(value):
            if index >= len(positions):
                break
            start = cursor.offset(*positions[index])
            text = str(item)
            found = cursor.find(text.split("\n", 1)[0][:40], start, 400) if text else None
            here = found if found is not None else start
            unknown = compose_value(text) is None
            words.append(Word(text if unknown else text.replace("$$", "$"), cursor.location(here), here, unknown))
    else:
        return []
    return words


def expand_shell(words: list[Word], cursor: TextCursor) -> list[Word]:
    """``sh -c SCRIPT ...`` (entrypoint and command together) -> the words of SCRIPT as the shell splits it,
    each located inside the script; other words as they are."""
    if len(words) >= 3 and basename(words[0].text) in SHELLS and words[1].text.startswith("-") and "c" in words[1].text:
        script = words[2]
        try:
            inner = _shell_words(script.text)
        except ValueError:  # the shell itself would refuse it: nothing known about what it starts
            return words
        return _locate(inner, cursor, script.offset, shell=True)
    return words


@dataclass
class Invocation:
    """The server program a service runs and what its arguments say."""

    program: str
    program_at: Location
    config_file: Word | None = None
    settings: list[Setting] = field(default_factory=list)
    unknown: set[str] = field(default_factory=set)
    """Directives whose value is only known at run time."""
    sentinel: bool = False


def find_invocation(words: list[Word], implicit_program: str | None) -> Invocation | None:
    """The server started by ``words``: the first redis-server / valkey-server / *-sentinel among them (an
    official image also prepends its server to arguments that start with ``-`` or name a ``.conf``)."""
    for index, word in enumerate(words):
        name = basename(word.text)
        if name in SERVER_PROGRAMS or name in SENTINEL_PROGRAMS:
            args = []
            for arg in words[index + 1 :]:
                if arg.text in _SHELL_BREAKS:
                    break
                args.append(arg)
            return _invocation(name, word.where, args)
    if implicit_program and words and (words[0].text.startswith("-") or words[0].text.endswith(".conf")):
        return _invocation(implicit_program, words[0].where, words)
    return None


def flags_of(text: str, where: Location) -> Invocation:
    """The ``--name value`` flags of a string such as Bitnami's ``REDIS_EXTRA_FLAGS``, all at ``where``."""
    try:
        words = [Word(word, where, 0, compose_value(word) is None) for word in shlex.split(text)]
    except ValueError:
        words = []
    found = _invocation("", where, words)
    found.config_file = None  # a first word that is no flag: Bitnami passes it on, Redis would refuse it
    return found


def _invocation(program: str, where: Location, args: list[Word]) -> Invocation:
    found = Invocation(program, where, sentinel=program in SENTINEL_PROGRAMS)
    rest = args
    if rest and not rest[0].text.startswith("--") and rest[0].text not in NOT_CONFIG_FLAGS:
        if rest[0].text != "-":
            found.config_file = rest[0]
        rest = rest[1:]
    name: Word | None = None
    values: list[Word] = []
    for word in [*rest, None]:
        if word is None or (word.text.startswith("--") and not word.unknown):
            if name is not None:
                _add_flag(found, name, values)
            name, values = word, []
        elif name is not None:
            values.append(word)
    return found


def _add_flag(found: Invocation, name: Word, values: list[Word]) -> None:
    if name.text in NOT_CONFIG_FLAGS or name.text == "--":
        return
    directive = name.text[2:].lower()
    if directive == "sentinel" and not values:
        found.sentinel = True
        return
    if any(value.unknown for value in values):
        key = directive if directive != "sentinel" else f"sentinel {values[0].text.lower()}"
        found.unknown.add(key)
        return
    args = tuple(value.text for value in values) or (("",) if directive == "save" else ())
    found.settings.append(Setting(directive, args, name.where, is_secret_directive(directive, args)))


def echoed_files(words: list[Word]) -> dict[str, list[tuple[str, Word]]]:
    """Files a shell script writes with ``echo ... > FILE`` / ``>> FILE`` (or ``printf``): path -> its lines,
    each with the word that writes it. A path also written any other way is left out (its content is unknown)."""
    written: dict[str, list[tuple[str, Word]]] = {}
    spoiled: set[str] = set()
    index = 0
    while index < len(words):
        word = words[index]
        if word.text in (">", ">>") and index + 1 < len(words):
            command = _command_before(words, index)
            path = words[index + 1].text
            if command and command[0].text in ("echo", "printf"):
                lines = [] if word.text == ">" else written.get(path, [])
                written[path] = lines + _echo_lines(command)
            else:
                spoiled.add(path)
        index += 1
    return {path: lines for path, lines in written.items() if path not in spoiled}


def _command_before(words: list[Word], redirect: int) -> list[Word]:
    start = redirect
    while start > 0 and words[start - 1].text not in _SHELL_BREAKS:
        start -= 1
    return words[start:redirect]


def _echo_lines(command: list[Word]) -> list[tuple[str, Word]]:
    args = command[1:]
    escapes = command[0].text == "printf" or (bool(args) and args[0].text == "-e")
    if args and args[0].text in ("-e", "-n", "-en", "-ne"):
        args = args[1:]
    if not args:
        return []
    text = " ".join(arg.text for arg in args)
    if escapes:
        text = text.replace("\\n", "\n")
    return [(line, args[0]) for line in text.split("\n") if line.strip()]
    # a line with a shell variable in it keeps its $: echoed_settings reads it as unknown
