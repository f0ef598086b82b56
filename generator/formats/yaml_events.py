"""The fast path of ``parse_yaml``: libyaml's parser (``ruamel.yaml.clib``) for the events, composed here.

ruamel's round-trip loader is pure Python and costs milliseconds per file; `validate` of 200 files and `check` of
long Helm values spend most of their time in it. This module reads the same events through the C parser, builds the
node tree itself (iteratively), and produces exactly what the round-trip path produces: the plain data, and the line
and column of every key and value. A document without anchors, aliases or merge keys (most are) is built in one
pass, straight from the events; the others go through the node tree. Scalars are constructed by ruamel's own
round-trip constructor, so ``0o17``, ``1_000``, ``.inf`` or a timestamp mean the same on both paths.

Anything unusual (no C parser, a tab anywhere, a parse error, a duplicate key, an explicit tag, a complex key, more
than one document, nesting deeper than ``MAX_DEPTH``, more than ``MAX_NODES`` nodes) raises ``FallbackError``: the
round-trip path then reads the text again and reports, or refuses, it exactly as before.
"""

from __future__ import annotations

import sys
from functools import cache
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from ruamel.yaml.nodes import ScalarNode

try:
    from _ruamel_yaml import CParser
except ImportError:  # no compiled parser for this interpreter: always the round-trip path
    CParser = None

YamlPath = tuple[str | int, ...]
FAST: bool = CParser is not None
"""Whether the compiled parser is there (``ruamel.yaml.clib``, a dependency on CPython)."""
MERGE_TAG = "tag:yaml.org,2002:merge"
STR_TAG = "tag:yaml.org,2002:str"


class FallbackError(Exception):
    """This text is for the round-trip path."""


class TooDeepError(Exception):
    """Nested deeper than the round-trip path can follow (Python's recursion limit): it would take seconds to
    say so, and says nothing more."""


class _Scalar:
    __slots__ = ("column", "is_merge", "line", "value")

    def __init__(self, value: Any, is_merge: bool, line: int, column: int) -> None:
        self.value = value
        self.is_merge = is_merge
        self.line = line
        self.column = column


class _Mapping:
    __slots__ = ("column", "line", "pairs", "pending")

    def __init__(self, line: int, column: int) -> None:
        self.line = line
        self.column = column
        self.pairs: list[tuple[_Scalar, Node]] = []
        self.pending: _Scalar | None = None


class _Sequence:
    __slots__ = ("column", "items", "line")

    def __init__(self, line: int, column: int) -> None:
        self.line = line
        self.column = column
        self.items: list[Node] = []


Node = _Scalar | _Mapping | _Sequence


class _Composer:
    """Events -> nodes; aliases are the anchored node itself (so a value's place is its anchor's, as in ruamel)."""

    def __init__(self, max_depth: int) -> None:
        self.max_depth = max_depth
        self.too_deep = False
        self.anchors: dict[str, Node] = {}
        self.stack: list[_Mapping | _Sequence] = []
        self.root: Node | None = None
        self.documents = 0

    def compose(self, text: str) -> Node | None:
        parser = CParser(text)
        event = self._event
        try:
            while (next_event := parser.get_event()) is not None:  # None after the stream's end
                event(next_event)
        except (FallbackError, TooDeepError):
            raise
        except Exception as error:  # the round-trip path words the parse error
            raise FallbackError from error
        finally:
            parser.dispose()
        if self.too_deep:
            raise FallbackError
        return self.root

    def _event(self, event: Any) -> None:
        kind = event.__class__  # the parser makes these classes exactly: no subclass to allow for
        if kind is ScalarEvent:
            self._add(self._scalar(event), event.anchor)
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.tag is not None:
                raise FallbackError
            if len(self.stack) >= self.max_depth:
                self.too_deep = True  # the round-trip path says where, unless it cannot follow at all:
                if len(self.stack) >= sys.getrecursionlimit():
                    raise TooDeepError
            mark = event.start_mark
            node: _Mapping | _Sequence = (_Mapping if kind is MappingStartEvent else _Sequence)(
                mark.line + 1, mark.column + 1
            )
            self._add(node, event.anchor)
            self.stack.append(node)
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            self.stack.pop()
        elif kind is AliasEvent:
            if event.anchor not in self.anchors:
                raise FallbackError
            self._add(self.anchors[event.anchor], None)
        elif isinstance(event, DocumentStartEvent):
            self.documents += 1
            if self.documents > 1 or event.version or event.tags:  # %YAML / %TAG: the resolver would differ
                raise FallbackError

    def _scalar(self, event: Any) -> _Scalar:
        if event.tag is not None and event.tag != "!":
            raise FallbackError
        mark = event.start_mark
        if not (event.style in ("", None) and event.implicit[0]):
            return _Scalar(event.value, False, mark.line + 1, mark.column + 1)  # quoted or block: a string
        value, is_merge = _PLAIN.get(event.value) or _plain_scalar(event.value)
        return _Scalar(value, is_merge, mark.line + 1, mark.column + 1)

    def _add(self, node: Node, anchor: str | None) -> None:
        if anchor is not None:
            self.anchors[anchor] = node
        if node.__class__ is _Scalar and node.is_merge:
            parent = self.stack[-1] if self.stack else None
            if not isinstance(parent, _Mapping) or parent.pending is not None:
                raise FallbackError  # '<<' anywhere but as a key
        if not self.stack:
            self.root = node
            return
        parent = self.stack[-1]
        if isinstance(parent, _Sequence):
            parent.items.append(node)
        elif parent.pending is None:
            if not isinstance(node, _Scalar):
                raise FallbackError  # a complex key
            parent.pending = node
        else:
            parent.pairs.append((parent.pending, node))
            parent.pending = None


_PLAIN: dict[str, tuple[Any, bool]] = {}
"""Plain scalar text -> (its value, whether it is the merge key ``<<``): keys and common values repeat."""


def _plain_scalar(text: str) -> tuple[Any, bool]:
    """What ruamel's round-trip loader (YAML 1.2) makes of a plain scalar."""
    known = _PLAIN.get(text)
    if known is None:
        tag = _round_trip().resolver.resolve(ScalarNode, text, (True, False))
        if tag == MERGE_TAG:
            known = (None, True)
        elif tag == STR_TAG:
            known = (text, False)
        else:
            constructor = _round_trip().constructor
            known = (constructor.construct_object(ScalarNode(tag, text), deep=True), False)
            constructor.constructed_objects.clear()
        if len(_PLAIN) < 50_000:
            _PLAIN[text] = known
    return known


@cache
def _round_trip() -> YAML:
    """One round-trip loader, for its resolver and scalar constructor."""
    return YAML(typ="rt")


def _entries(node: _Mapping) -> list[tuple[Any, _Scalar, Node]]:
    """(key, key node, value node): own keys in order, then keys merged in with ``<<`` (nearest first)."""
    own: list[tuple[Any, _Scalar, Node]] = []
    merged: list[_Mapping] = []
    for key, value in node.pairs:
        if key.is_merge:
            if merged:
                raise FallbackError  # two merge keys
            sources = value.items if isinstance(value, _Sequence) else [value]
            if not sources or not all(isinstance(source, _Mapping) for source in sources):
                raise FallbackError
            merged = [source for source in sources if isinstance(source, _Mapping)]
        else:
            own.append((key.value, key, value))
    seen: set[Any] = set()
    for key_value, _, _ in own:
        try:
            if key_value in seen:
                raise FallbackError  # a duplicate key: the round-trip path refuses it
            seen.add(key_value)
        except TypeError:  # an unhashable key
            raise FallbackError from None
    entries = list(own)
    for source in merged:
        for entry in _entries(source):
            if entry[0] not in seen:
                seen.add(entry[0])
                entries.append(entry)
    return entries


class _NodesNeededError(Exception):
    """An anchor, an alias or a merge key: the node tree resolves them."""


class _Frame:
    """An open mapping or sequence of ``_Direct``: the container, its path, and for a mapping the key waiting for
    its value (``key_at`` None: a key comes next) and the keys already seen, as written."""

    __slots__ = ("container", "key", "key_at", "path", "seen")

    def __init__(self, container: dict[str, Any] | list[Any], path: YamlPath) -> None:
        self.container = container
        self.path = path
        self.key: Any = None
        self.key_at: tuple[int, int] | None = None
        self.seen: set[Any] = set()


class _Direct:
    """Events -> plain data and positions in one pass, for a document that holds no anchor, alias or merge key:
    the same result as composing the node tree and walking it."""

    def __init__(self, max_depth: int) -> None:
        self.max_depth = max_depth
        self.keys: dict[YamlPath, tuple[int, int]] = {}
        self.values: dict[YamlPath, tuple[int, int]] = {}
        self.root: Any = None
        self.documents = 0
        self.stack: list[_Frame] = []

    def build(self, text: str) -> None:
        parser = CParser(text)
        try:
            while (event := parser.get_event()) is not None:
                self._event(event)
        except (FallbackError, TooDeepError, _NodesNeededError):
            raise
        except Exception as error:  # the round-trip path words the parse error
            raise FallbackError from error
        finally:
            parser.dispose()

    def _event(self, event: Any) -> None:
        kind = event.__class__
        if kind is ScalarEvent:
            if event.anchor is not None or (event.tag is not None and event.tag != "!"):
                raise _NodesNeededError
            mark = event.start_mark
            if event.style in ("", None) and event.implicit[0]:
                value, is_merge = _PLAIN.get(event.value) or _plain_scalar(event.value)
                if is_merge:
                    raise _NodesNeededError
            else:
                value = event.value  # quoted or block: a string
            self._add(value, (mark.line + 1, mark.column + 1), None)
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.anchor is not None or event.tag is not None or len(self.stack) >= self.max_depth:
                raise _NodesNeededError
            mark = event.start_mark
            container: dict[Any, Any] | list[Any] = {} if kind is MappingStartEvent else []
            path = self._add(container, (mark.line + 1, mark.column + 1), container)
            self.stack.append(_Frame(container, path))
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            self.stack.pop()
        elif kind is AliasEvent:
            raise _NodesNeededError
        elif kind is DocumentStartEvent:
            self.documents += 1
            if self.documents > 1 or event.version or event.tags:
                raise FallbackError

    def _add(self, value: Any, where: tuple[int, int], container: Any) -> YamlPath:
        """Puts ``value`` where the open container expects it; the path it is at."""
        if not self.stack:
            self.root = value if container is not None else _plain(value)
            return ()
        frame = self.stack[-1]
        parent = frame.container
        if parent.__class__ is list:
            child: YamlPath = (*frame.path, len(parent))
            self.keys[child] = self.values[child] = where
            parent.append(value if container is not None else _plain(value))
            return child
        key_at = frame.key_at
        if key_at is None:  # a key
            if container is not None:
                raise FallbackError  # a complex key
            try:
                if value in frame.seen:
                    raise FallbackError  # a duplicate key: the round-trip path refuses it
                frame.seen.add(value)
            except TypeError:  # an unhashable key
                raise FallbackError from None
            frame.key, frame.key_at = value, where
            return frame.path
        key = str(frame.key)
        frame.key = frame.key_at = None
        child = (*frame.path, key)
        self.keys[child] = key_at
        self.values[child] = key_at if value is None else where
        parent[key] = value if container is not None else _plain(value)  # type: ignore[call-overload]
        return child


class _Walker:
    def __init__(self, max_nodes: int) -> None:
        self.max_nodes = max_nodes
        self.nodes = 0
        self.keys: dict[YamlPath, tuple[int, int]] = {}
        self.values: dict[YamlPath, tuple[int, int]] = {}

    def walk(self, node: Node | None, path: YamlPath) -> Any:
        self.nodes += 1
        if self.nodes > self.max_nodes:
            raise FallbackError
        if isinstance(node, _Mapping):
            plain: dict[Any, Any] = {}
            for key, key_node, value in _entries(node):
                child = (*path, str(key))
                self.keys[child] = (key_node.line, key_node.column)
                empty = isinstance(value, _Scalar) and value.value is None
                self.values[child] = self.keys[child] if empty else (value.line, value.column)
                plain[str(key) if not isinstance(key, str) else key] = self.walk(value, child)
            return plain
        if isinstance(node, _Sequence):
            items = []
            for index, item in enumerate(node.items):
                child = (*path, index)
                self.keys[child] = self.values[child] = (item.line, item.column)
                items.append(self.walk(item, child))
            return items
        return _plain(None if node is None else node.value)


def _plain(scalar: Any) -> Any:
    """A scalar as plain data: ruamel's subclasses of int, float and str as those, anything else (a timestamp)
    as text."""
    if scalar is None or type(scalar) in _PLAIN_TYPES or isinstance(scalar, bool):
        return scalar
    for plain_type in (str, int, float):
        if isinstance(scalar, plain_type):
            return plain_type(scalar)
    return str(scalar)


_PLAIN_TYPES = frozenset({str, int, float, bool})
"""Values that are plain data as they are (ruamel's round-trip constructor makes subclasses of some)."""


def parse_events(
    text: str, max_depth: int, max_nodes: int
) -> tuple[Any, dict[YamlPath, tuple[int, int]], dict[YamlPath, tuple[int, int]]]:
    """(plain data, key positions, value positions), 1-based; raises ``FallbackError`` or ``TooDeepError``."""
    if CParser is None or "\t" in text:  # libyaml takes some tabs ruamel refuses: ruamel decides
        raise FallbackError
    direct = _Direct(max_depth)
    try:
        direct.build(text)
    except _NodesNeededError:
        pass
    else:
        if len(direct.keys) + 1 > max_nodes:
            raise FallbackError
        return direct.root, direct.keys, direct.values
    root = _Composer(max_depth).compose(text)
    walker = _Walker(max_nodes)
    data = walker.walk(root, ())
    return data, walker.keys, walker.values
