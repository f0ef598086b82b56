"""The files of a compose project: `docker compose` run without ``-f`` reads the project file (``compose.yaml``,
``docker-compose.yml`` ...) and, when one sits beside it, an override file (``compose.override.yaml``,
``docker-compose.override.yml`` ...) merged on top. What runs is the merge, so that is what is judged, every
value still located in the file that writes it (``Merged.origins``); a file of no such pair is read alone.

The merge follows the Compose specification: mappings merge key by key, a scalar of the override replaces the
project's, sequences are appended; ``command``, ``entrypoint`` and a health check's ``test`` are replaced whole;
``environment`` and ``labels`` merge by name; a service's ``volumes`` merge by their path in the container and its
``ports`` by what they publish. The ``!reset`` and ``!override`` tags are not read here (the YAML reader keeps no
tags): a file that uses them is judged as written.
"""

from pathlib import Path
from typing import Any, NamedTuple

from generator.formats.yaml import YamlDocument, YamlLoadError, YamlPath, parse_yaml
from generator.shapes.finding import Location, rule_finding
from generator.sources.base import InputError, Note, inline_ignores, read_text, unparsable
from generator.sources.compose.command import TextCursor

PROJECT_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
"""The files `docker compose` looks for, in its order."""
OVERRIDE_NAMES = (
    "compose.override.yaml",
    "compose.override.yml",
    "docker-compose.override.yaml",
    "docker-compose.override.yml",
)
"""The override files it merges on top of the first of them, in its order."""
REPLACED = frozenset({"command", "entrypoint"})
BY_NAME = frozenset({"environment", "labels"})


def project_pair(path: Path) -> tuple[Path, Path] | None:
    """(project file, override file) when ``path`` is either one and docker compose would read both."""
    folder = path.parent
    project = next((folder / name for name in PROJECT_NAMES if (folder / name).is_file()), None)
    override = next((folder / name for name in OVERRIDE_NAMES if (folder / name).is_file()), None)
    if project is None or override is None or path.name not in (project.name, override.name):
        return None
    return project, override


class Layer(NamedTuple):
    """One file of a compose project, as read."""

    display: str
    document: YamlDocument
    cursor: TextCursor
    ignored: set[str]


def read_layers(text: str, display: str) -> tuple[list[Layer], Note | None]:
    """The file ``text`` is; with the other file of its pair when docker compose reads both, and a note saying so."""
    pair = project_pair(Path(display))
    if pair is None:
        return [_layer(text, display)], None
    shown = [str(Path(display).parent / path.name) for path in pair]  # named as ``display`` names the folder
    texts = [text if name == display else read_text(path, name) for path, name in zip(pair, shown, strict=True)]
    other = shown[1] if shown[0] == display else shown[0]
    note = Note(Location(display), f"judged together with {other}, as docker compose merges them")
    return [_layer(t, name) for t, name in zip(texts, shown, strict=True)], note


def _layer(text: str, display: str) -> Layer:
    try:
        document = parse_yaml(text)
    except YamlLoadError as error:
        raise unparsable(display, error) from None
    if not isinstance(document.data, dict):
        raise InputError(rule_finding("schema.yaml", Location(display, 1, 1), "not a mapping of keys"))
    return Layer(display, document, TextCursor(text, display), inline_ignores(text))


class Origin(NamedTuple):
    layer: int
    """0: the project file, 1: the override file."""
    path: YamlPath
    """Where the value is written in that file."""


class Merged(NamedTuple):
    data: Any
    origins: dict[YamlPath, Origin]
    """Every path of ``data`` -> the file and path it comes from."""

    def origin(self, path: YamlPath) -> tuple[Origin, int]:
        """The origin of ``path``, or of its nearest ancestor in the data; with how many parts were cut."""
        for cut in range(len(path), -1, -1):
            found = self.origins.get(path[:cut])
            if found is not None:
                return found, len(path) - cut
        return Origin(0, ()), len(path)


def merge(project: YamlDocument, override: YamlDocument) -> Merged:
    origins: dict[YamlPath, Origin] = {}
    data = _merge(project.data, override.data, (), (), (), origins)
    return Merged(data, origins)


def _record(value: Any, layer: int, merged: YamlPath, written: YamlPath, origins: dict[YamlPath, Origin]) -> Any:
    """``value`` as it is, with the origin of it and of everything in it."""
    origins[merged] = Origin(layer, written)
    if isinstance(value, dict):
        for key, item in value.items():
            _record(item, layer, (*merged, str(key)), (*written, str(key)), origins)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _record(item, layer, (*merged, index), (*written, index), origins)
    return value


def _merge(
    base: Any, top: Any, merged: YamlPath, base_at: YamlPath, top_at: YamlPath, origins: dict[YamlPath, Origin]
) -> Any:
    key = merged[-1] if merged else None
    in_service = len(merged) == 3 and merged[0] == "services"
    if top is None and base is not None and merged:
        return _record(base, 0, merged, base_at, origins)
    if (in_service and key in REPLACED) or (len(merged) == 4 and merged[2] == "healthcheck" and key == "test"):
        return _record(top, 1, merged, top_at, origins)
    if in_service and key in BY_NAME and isinstance(base, dict | list) and isinstance(top, dict | list):
        return _by_name(base, top, merged, base_at, top_at, origins)
    if isinstance(base, dict) and isinstance(top, dict):
        origins[merged] = Origin(0, base_at)
        out: dict[str, Any] = {}
        for name in [*base, *(k for k in top if k not in base)]:
            child = (*merged, str(name))
            if name not in top:
                out[name] = _record(base[name], 0, child, (*base_at, str(name)), origins)
            elif name not in base:
                out[name] = _record(top[name], 1, child, (*top_at, str(name)), origins)
            else:
                out[name] = _merge(base[name], top[name], child, (*base_at, str(name)), (*top_at, str(name)), origins)
        return out
    if isinstance(base, list) and isinstance(top, list):
        return _append(base, top, merged, base_at, top_at, origins, unique=_unique_key(merged))
    return _record(top, 1, merged, top_at, origins)


def _by_name(
    base: Any, top: Any, merged: YamlPath, base_at: YamlPath, top_at: YamlPath, origins: dict[YamlPath, Origin]
) -> dict[str, Any]:
    """``environment`` / ``labels``: a mapping by name, whichever form each file writes."""
    origins[merged] = Origin(0, base_at)
    out: dict[str, Any] = {}
    for layer, value, at in ((0, base, base_at), (1, top, top_at)):
        for name, item, written in _named(value, at):
            out[name] = item
            origins[(*merged, name)] = Origin(layer, written)
    return out


def _named(value: Any, at: YamlPath) -> list[tuple[str, Any, YamlPath]]:
    if isinstance(value, dict):
        return [(str(name), item, (*at, str(name))) for name, item in value.items()]
    found = []
    for index, item in enumerate(value):
        name, sep, text = str(item).partition("=")
        found.append((name.strip(), text if sep else None, (*at, index)))
    return found


def _unique_key(merged: YamlPath) -> Any:
    """How a service's volumes and ports tell an entry that replaces another; None: plain appending."""
    if len(merged) != 3 or merged[0] != "services":
        return None
    if merged[2] == "volumes":
        return _volume_target
    if merged[2] == "ports":
        return str
    return None


def _volume_target(entry: Any) -> Any:
    if isinstance(entry, dict):
        return entry.get("target")
    parts = str(entry).split(":")
    return parts[1] if len(parts) > 1 else parts[0]


def _append(
    base: list[Any],
    top: list[Any],
    merged: YamlPath,
    base_at: YamlPath,
    top_at: YamlPath,
    origins: dict[YamlPath, Origin],
    unique: Any,
) -> list[Any]:
    origins[merged] = Origin(0, base_at)
    replaced = {unique(item) for item in top} if unique is not None else set()
    entries = [(0, index, item) for index, item in enumerate(base) if unique is None or unique(item) not in replaced]
    entries += [(1, index, item) for index, item in enumerate(top)]
    out = []
    for position, (layer, index, item) in enumerate(entries):
        out.append(_record(item, layer, (*merged, position), (*(base_at if layer == 0 else top_at), index), origins))
    return out
