"""Quoting and parsing of redis.conf / sentinel.conf lines, with Redis's own rules.

Redis reads a config file line by line (split on ``\\n``), trims `` \\t\\r\\n`` from both ends, skips
empty lines and lines whose first character is ``#``, and splits the rest into words the way its
``sdssplitargs`` does.  A ``#`` after a directive is NOT a comment: it becomes an argument.

Text is handled as ``str``; bytes that are not valid UTF-8 are carried as ``surrogateescape``
characters (U+DC80..U+DCFF), so ``value.encode("utf-8", "surrogateescape")`` gives the exact bytes
Redis sees.  Error messages never contain a line's content (lines can hold passwords).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "ConfLine",
    "ConfSyntaxError",
    "format_directive",
    "parse_conf",
    "quote_arg",
]

_SAFE_BARE = re.compile(r"[A-Za-z0-9._\-/:@+=,*]+")
_DIRECTIVE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_TRIM = " \t\r\n"  # what Redis's sdstrim() removes from each line
_BLANKS = frozenset(" \t\n\v\f\r")  # C isspace(): skipped between words, required after a closing quote
_WORD_END = frozenset(" \t\n\r")  # what ends an unquoted word (\v and \f do NOT)
_HEX = frozenset("0123456789abcdefABCDEF")
_ESCAPES = {"n": b"\n", "r": b"\r", "t": b"\t", "b": b"\b", "a": b"\a"}
_QUOTE_ESCAPES = {0x5C: "\\\\", 0x22: '\\"', 0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t", 0x07: "\\a", 0x08: "\\b"}
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _to_bytes(value: str) -> bytes:
    try:
        return value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError as exc:
        # Lone surrogates outside U+DC80..U+DCFF have no byte representation at all.
        raise ValueError(f"character at index {exc.start} is a lone surrogate with no UTF-8 encoding") from None


def quote_arg(value: str) -> str:
    """Return ``value`` as one redis.conf argument that Redis reads back as exactly its bytes.

    Bare when non-empty and made only of ``[A-Za-z0-9._-/:@+=,*]``; otherwise Redis's double-quoted
    form (``\\\\``, ``\\"``, ``\\n \\r \\t \\a \\b``, other non-printable or non-ASCII bytes as ``\\xHH``).
    The result never contains a newline.  Raises ``ValueError`` for lone surrogates (other than the
    ``surrogateescape`` range), which cannot be written to a file.  The round trip is byte-exact; it is
    also str-exact unless ``value`` spells valid UTF-8 with escape surrogates (``"\\udcc3\\udca9"``
    reads back as ``"é"``: the same bytes).
    """
    if _SAFE_BARE.fullmatch(value):
        return value
    out = ['"']
    for byte in _to_bytes(value):
        escaped = _QUOTE_ESCAPES.get(byte)
        if escaped is not None:
            out.append(escaped)
        elif 0x20 <= byte <= 0x7E:
            out.append(chr(byte))
        else:
            out.append(f"\\x{byte:02x}")
    out.append('"')
    return "".join(out)


def format_directive(name: str, *args: str) -> str:
    """Return one config line (without a trailing newline): ``name`` followed by the quoted ``args``.

    ``name`` must be a plain directive name (``[A-Za-z][A-Za-z0-9_-]*``); it is code, not data.
    """
    if not _DIRECTIVE_NAME.fullmatch(name):
        raise ValueError("directive name must match [A-Za-z][A-Za-z0-9_-]*")
    return " ".join([name, *(quote_arg(arg) for arg in args)])


@dataclass(frozen=True)
class ConfLine:
    """One parsed directive.  ``line`` and the columns are 1-based; columns count characters.

    ``arg_columns[i]`` is the column where ``args[i]`` starts (its opening quote, if quoted).  It is
    left out of equality so that hand-written expected values need not spell it out.
    """

    line: int
    column: int
    name: str
    args: tuple[str, ...]
    arg_columns: tuple[int, ...] = field(default=(), compare=False)


class ConfSyntaxError(ValueError):
    """A line Redis would refuse to split.  The message holds the position and reason only."""

    def __init__(self, line: int, column: int, reason: str) -> None:
        super().__init__(f"line {line}, column {column}: {reason}")
        self.line = line
        self.column = column
        self.reason = reason


def _encode_char(char: str, line: int, column: int) -> bytes:
    try:
        return char.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raise ConfSyntaxError(line, column, "lone surrogate character with no UTF-8 encoding") from None


def _split_args(text: str, line: int, offset: int) -> list[tuple[int, str]]:
    """Split one trimmed line like Redis's sdssplitargs; ``offset`` is the trimmed prefix length."""
    words: list[tuple[int, str]] = []
    n = len(text)
    i = 0
    while True:
        while i < n and text[i] in _BLANKS:
            i += 1
        if i >= n:
            return words
        start = i
        buf = bytearray()
        quote = ""
        quote_start = 0
        while True:
            if i >= n:
                if quote:
                    raise ConfSyntaxError(line, offset + quote_start + 1, "unbalanced quotes")
                break
            char = text[i]
            if quote and char == quote:
                if i + 1 < n and text[i + 1] not in _BLANKS:
                    raise ConfSyntaxError(
                        line, offset + i + 1, "unbalanced quotes: a closing quote must be followed by a space"
                    )
                i += 1
                break
            if quote == '"' and char == "\\" and i + 1 < n:
                if text[i + 1] == "x" and i + 3 < n and text[i + 2] in _HEX and text[i + 3] in _HEX:
                    buf.append(int(text[i + 2 : i + 4], 16))
                    i += 4
                    continue
                escape = text[i + 1]
                buf += _ESCAPES.get(escape) or _encode_char(escape, line, offset + i + 2)
                i += 2
                continue
            if quote == "'" and char == "\\" and i + 1 < n and text[i + 1] == "'":
                buf.append(0x27)
                i += 2
                continue
            if not quote:
                if char in _WORD_END:
                    break
                if char in "\"'":
                    quote = char
                    quote_start = i
                    i += 1
                    continue
            buf += _encode_char(char, line, offset + i + 1)
            i += 1
        words.append((offset + start + 1, buf.decode("utf-8", "surrogateescape")))


def parse_conf(text: str) -> list[ConfLine]:
    """Parse a redis.conf / sentinel.conf text the way Redis does, without checking directive names.

    Raises ``ConfSyntaxError`` for unbalanced quotes, a closing quote followed by something other than
    whitespace, a NUL character (Redis's reader silently truncates at NUL, which can swallow the next
    line) and lone surrogates.  Directive names are lower-cased (ASCII only, as Redis does).
    """
    result: list[ConfLine] = []
    for index, raw in enumerate(text.split("\n")):
        line = index + 1
        nul = raw.find("\0")
        if nul >= 0:
            raise ConfSyntaxError(line, nul + 1, "NUL character")
        stripped = raw.lstrip(_TRIM)
        offset = len(raw) - len(stripped)
        stripped = stripped.rstrip(_TRIM)
        if not stripped or stripped.startswith("#"):
            continue
        words = _split_args(stripped, line, offset)
        if not words:
            continue
        (column, name), rest = words[0], words[1:]
        result.append(
            ConfLine(
                line=line,
                column=column,
                name=name.translate(_ASCII_LOWER),
                args=tuple(arg for _, arg in rest),
                arg_columns=tuple(col for col, _ in rest),
            )
        )
    return result
