"""Load YAML as plain Python data, keeping the line and column of every key and value.

Hostile input is bounded: nesting deeper than ``MAX_DEPTH`` and documents that expand (through aliases) to
more than ``MAX_NODES`` nodes are refused with a ``YamlLoadError``, never a hang or a crash. Merge keys
(``<<: *anchor``) are resolved, and a merged key is located where its anchor's mapping writes it.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from generator.formats.yaml_events import FallbackError, TooDeepError, parse_events

YamlPath = tuple[str | int, ...]
MAX_DEPTH = 64
"""Deepest nesting of mappings and sequences accepted (values and Helm files use fewer than 15)."""
MAX_NODES = 200_000
"""Most nodes a document may hold once its aliases are expanded (an alias bomb expands to billions)."""
TOO_DEEP = f"nested deeper than the parser can follow (the limit is {MAX_DEPTH})"


class YamlLoadError(ValueError):
    """The file is not YAML we read; ``line``/``column`` are 1-based when the parser knows them."""

    def __init__(self, reason: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.column = column


class Positions(NamedTuple):
    """1-based (line, column) of each key (for mappings) or item (for sequences), and of each value."""

    keys: dict[YamlPath, tuple[int, int]]
    values: dict[YamlPath, tuple[int, int]]

    def of_key(self, path: YamlPath) -> tuple[int, int] | None:
        """Position of the key at ``path``, or of its nearest ancestor that exists in the file."""
        for cut in range(len(path), 0, -1):
            found = self.keys.get(path[:cut])
            if found is not None:
                return found
        return None

    def of_value(self, path: YamlPath) -> tuple[int, int] | None:
        return self.values.get(path) or self.of_key(path)


class YamlDocument(NamedTuple):
    data: Any
    positions: Positions


def _mapping_entries(node: CommentedMap) -> Iterator[tuple[Any, CommentedMap]]:
    """(key, the mapping that writes it): own keys first, then keys merged in with ``<<``."""
    own = node.lc.data or {}
    for key in node:
        if key in own:
            yield key, node
            continue
        for merged in _merged(node):
            if key in merged:
                yield key, _writer(merged, key)
                break
        else:
            yield key, node


def _writer(node: CommentedMap, key: Any) -> CommentedMap:
    if key in (node.lc.data or {}):
        return node
    for merged in _merged(node):
        if key in merged:
            return _writer(merged, key)
    return node


def _merged(node: CommentedMap) -> list[CommentedMap]:
    """The mappings merged into ``node`` with ``<<``, nearest first."""
    return [m for m in getattr(node, "merge", None) or () if isinstance(m, CommentedMap)]


class _Walker:
    def __init__(self) -> None:
        self.keys: dict[YamlPath, tuple[int, int]] = {}
        self.values: dict[YamlPath, tuple[int, int]] = {}
        self.nodes = 0

    def walk(self, node: Any, path: YamlPath) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise YamlLoadError(f"more than {MAX_NODES:,} nodes once aliases are expanded (an alias bomb?)")
        if len(path) > MAX_DEPTH:
            raise YamlLoadError(f"nested deeper than {MAX_DEPTH} levels", *self._near(path))
        if isinstance(node, CommentedMap):
            plain: dict[Any, Any] = {}
            for key, writer in _mapping_entries(node):
                child = (*path, str(key))
                position = (writer.lc.data or {}).get(key)
                if position is not None:
                    self.keys[child] = (position[0] + 1, position[1] + 1)
                    # an empty value has no token of its own: ruamel points at whatever follows; use the key
                    empty = node[key] is None
                    self.values[child] = self.keys[child] if empty else (position[2] + 1, position[3] + 1)
                plain[str(key) if not isinstance(key, str) else key] = self.walk(node[key], child)
            return plain
        if isinstance(node, CommentedSeq):
            items = []
            for index, item in enumerate(node):
                child = (*path, index)
                position = (node.lc.data or {}).get(index)
                if position is not None:
                    self.keys[child] = self.values[child] = (position[0] + 1, position[1] + 1)
                items.append(self.walk(item, child))
            return items
        if isinstance(node, bool) or node is None:
            return node
        for plain_type in (str, int, float):
            if isinstance(node, plain_type):
                return plain_type(node)
        return str(node)

    def _near(self, path: YamlPath) -> tuple[int | None, int | None]:
        for cut in range(len(path), 0, -1):
            found = self.keys.get(path[:cut])
            if found is not None:
                return found
        return None, None


def parse_yaml(text: str) -> YamlDocument:
    """The fast path (libyaml's events, same results) when it takes the text, else ruamel's round-trip loader."""
    try:
        data, keys, values = parse_events(text, MAX_DEPTH, MAX_NODES)
    except FallbackError:
        return _parse_round_trip(text)
    except TooDeepError:
        raise YamlLoadError(TOO_DEEP) from None
    return YamlDocument(data, Positions(keys, values))


def _parse_round_trip(text: str) -> YamlDocument:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        data = yaml.load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        reason = " ".join(part for part in (error.context, error.problem) if part) or "invalid YAML"
        if "duplicate key" in reason:
            reason = "duplicate key"  # ruamel's text quotes both values, which may be passwords
        if mark is None:
            raise YamlLoadError(reason) from None
        raise YamlLoadError(reason, mark.line + 1, mark.column + 1) from None
    except YAMLError as error:
        raise YamlLoadError(str(error).splitlines()[0]) from None
    except RecursionError:
        raise YamlLoadError(TOO_DEEP) from None
    walker = _Walker()
    plain = walker.walk(data, ())
    return YamlDocument(plain, Positions(walker.keys, walker.values))


def load_yaml_file(path: Path) -> YamlDocument:
    """Raises OSError / UnicodeDecodeError for unreadable files, YamlLoadError for bad YAML."""
    return parse_yaml(path.read_text(encoding="utf-8"))
