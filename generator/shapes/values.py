"""A deployment values file as read: the raw data with the position of every key and value, the model's
shape errors, and the model itself when it could be built (after setting aside keys with shape errors, so one
misspelt key does not hide the rule findings that can still be judged)."""

from typing import Any, NamedTuple

from generator.formats.yaml import YamlDocument, YamlPath
from generator.schema.rules import Scope
from generator.schema.values import Deployment
from generator.shapes.finding import Location


class ShapeError(NamedTuple):
    """One pydantic error, with the path, type and message pydantic gives (never the input value)."""

    path: YamlPath
    kind: str
    message: str


class ValuesFile(NamedTuple):
    file: str
    document: YamlDocument
    errors: tuple[ShapeError, ...]
    deployment: Deployment | None
    """The model, built from the data less the keys with errors; None when even that fails."""
    scope: Scope = Scope.VALUES
    not_judged: frozenset[str] = frozenset()

    @property
    def data(self) -> Any:
        return self.document.data

    def raw(self, path: YamlPath) -> Any:
        """The raw value at ``path``, or None."""
        node = self.data
        for part in path:
            if isinstance(node, dict):
                node = node.get(part)
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                node = node[part]
            else:
                return None
        return node

    def at(self, path: YamlPath) -> Location:
        """The value at ``path`` (or the nearest key above it that is in the file)."""
        return self._location(self.document.positions.of_value(path))

    def key_at(self, path: YamlPath) -> Location:
        return self._location(self.document.positions.of_key(path))

    def _location(self, found: tuple[int, int] | None) -> Location:
        return Location(self.file, *(found or (1, 1)))
