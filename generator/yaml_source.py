"""Load a YAML values file as plain Python data, keeping the line and column of every key and value."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

YamlPath = tuple[str | int, ...]


class YamlLoadError(ValueError):
    """The file is not YAML; ``line``/``column`` are 1-based when the parser knows them."""

    def __init__(self, reason: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.column = column


@dataclass(frozen=True)
class Positions:
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


@dataclass(frozen=True)
class YamlDocument:
    data: Any
    positions: Positions


def _walk(
    node: Any, path: YamlPath, keys: dict[YamlPath, tuple[int, int]], values: dict[YamlPath, tuple[int, int]]
) -> Any:
    if isinstance(node, CommentedMap):
        plain: dict[Any, Any] = {}
        for key in node:
            child = (*path, str(key))
            key_line, key_col = node.lc.key(key)
            keys[child] = (key_line + 1, key_col + 1)
            value_pos = node.lc.value(key)
            if value_pos is not None:
                values[child] = (value_pos[0] + 1, value_pos[1] + 1)
            plain[str(key) if not isinstance(key, str) else key] = _walk(node[key], child, keys, values)
        return plain
    if isinstance(node, CommentedSeq):
        items = []
        for index, item in enumerate(node):
            child = (*path, index)
            line, col = node.lc.item(index)
            keys[child] = values[child] = (line + 1, col + 1)
            items.append(_walk(item, child, keys, values))
        return items
    if isinstance(node, bool) or node is None:
        return node
    for plain_type in (str, int, float):
        if isinstance(node, plain_type):
            return plain_type(node)
    return node


def parse_yaml(text: str) -> YamlDocument:
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
    keys: dict[YamlPath, tuple[int, int]] = {}
    values: dict[YamlPath, tuple[int, int]] = {}
    return YamlDocument(_walk(data, (), keys, values), Positions(keys, values))


def load_yaml_file(path: Path) -> YamlDocument:
    """Raises OSError / UnicodeDecodeError for unreadable files, YamlLoadError for bad YAML."""
    return parse_yaml(path.read_text(encoding="utf-8"))
