"""One server line's redis.conf directives as a lookup table, loaded lazily from its data module."""

import functools
import importlib
from types import ModuleType
from typing import NamedTuple

Arity = tuple[int, int | None]
"""Fewest and most arguments after the directive name (``None``: no upper limit)."""

_ONE: Arity = (1, 1)


class DirectiveTable(NamedTuple):
    """What one server line's config-file parser accepts."""

    module: str
    """Data module under ``schema.directives`` (e.g. ``redis_7_0``)."""
    source: str
    """Where the table was read, e.g. ``redis/redis 7.0.15``; for a line between two read lines, both."""
    arity: dict[str, Arity]
    """Every directive name (aliases excluded) -> its arity."""
    aliases: dict[str, str]
    """Other accepted spellings -> the directive they set."""
    ignored: frozenset[str]
    """Accepted and ignored (deprecated by the server)."""
    removed: frozenset[str]
    """Known to the line before, refused by this one."""
    runtime_only: frozenset[str]
    """Reported by ``CONFIG GET *`` but refused in a config file."""
    uncertain: frozenset[str] = frozenset()
    """Accepted by some releases of the line only: names a later patch release added, or (for a line known
    from its neighbours only) names one neighbour knows and the other does not."""

    def canonical(self, name: str) -> str | None:
        """The directive ``name`` sets (itself, or what an alias stands for); ``None`` when unknown."""
        key = name.lower()
        if key in self.arity:
            return key
        return self.aliases.get(key)

    def knows(self, name: str) -> bool:
        """Whether a config file of this line may contain ``name``."""
        return self.canonical(name) is not None

    def arity_of(self, name: str) -> Arity | None:
        canonical = self.canonical(name)
        return None if canonical is None else self.arity[canonical]

    def names(self) -> frozenset[str]:
        """Every accepted spelling: names and aliases."""
        return frozenset(self.arity) | frozenset(self.aliases)


def _read(data: ModuleType, module: str) -> DirectiveTable:
    arity: dict[str, Arity] = dict.fromkeys(str(data.EXACTLY_ONE).split(), _ONE)
    arity.update(data.ARITY)
    later: dict[str, Arity] = getattr(data, "LATER_PATCHES", {})
    arity.update(later)
    return DirectiveTable(
        module=module,
        source=f"{data.REPOSITORY} {data.TAG}",
        arity=arity,
        aliases=dict(data.ALIASES),
        ignored=frozenset(data.IGNORED),
        removed=frozenset(data.REMOVED),
        runtime_only=frozenset(data.RUNTIME_ONLY),
        uncertain=frozenset(later),
    )


def _label(table: DirectiveTable) -> str:
    """``redis/redis 8.0.2`` for a table read from source, ``Redis 8.2's table`` for one known from neighbours."""
    if not table.source.startswith("between "):
        return table.source
    family, major, minor = table.module.split("_")
    return f"{family.capitalize()} {major}.{minor}'s table"


def _between(older: DirectiveTable, newer: DirectiveTable, module: str) -> DirectiveTable:
    arity = {**older.arity, **newer.arity}
    aliases = {**older.aliases, **newer.aliases}
    for alias in aliases.keys() & arity.keys():
        del aliases[alias]  # a spelling that is a name of its own in the newer line stays a name
    return DirectiveTable(
        module=module,
        source=f"between {_label(older)} and {_label(newer)}",
        arity=arity,
        aliases=aliases,
        ignored=older.ignored & newer.ignored,
        removed=older.removed,
        runtime_only=older.runtime_only & newer.runtime_only,
        uncertain=(older.names() ^ newer.names()) | older.uncertain | newer.uncertain,
    )


@functools.cache
def directive_table(module: str) -> DirectiveTable:
    """The table of the line whose data module is ``schema.directives.<module>`` (imported on first use).

    A line known from its neighbours (``BETWEEN``) drops the names a real server of the line refused
    (``REFUSED``) and stops calling uncertain the names it accepted (``CONFIRMED``)."""
    data = importlib.import_module(f".{module}", __package__)
    between: tuple[str, str] | None = getattr(data, "BETWEEN", None)
    if between is None:
        return _read(data, module)
    table = _between(directive_table(between[0]), directive_table(between[1]), module)
    refused: frozenset[str] = getattr(data, "REFUSED", frozenset())
    confirmed: frozenset[str] = getattr(data, "CONFIRMED", frozenset())
    return table._replace(
        arity={name: arity for name, arity in table.arity.items() if name not in refused},
        aliases={alias: name for alias, name in table.aliases.items() if alias not in refused and name not in refused},
        uncertain=table.uncertain - refused - confirmed,
    )
