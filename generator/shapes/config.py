"""A server's effective settings, wherever they come from: a values file's generated directives, a config
file on disk, the config text inside Helm values or a compose command, or ``CONFIG GET *`` on a live server.
The config rules judge this one shape."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from generator.schema.rules import Scope
from generator.schema.versions import REDIS_DEFAULTS, ServerTarget
from generator.shapes.finding import Location

ConfigKind = Literal["redis", "sentinel"]


class Setting(NamedTuple):
    name: str
    args: tuple[str, ...]
    where: Location
    secret: bool = False

    @property
    def value(self) -> str:
        return " ".join(self.args)


@dataclass(frozen=True)
class EffectiveConfig:
    settings: tuple[Setting, ...]
    origin: Location
    """Where to point when a directive is absent (the file, or the server)."""
    scope: Scope = Scope.CONF
    kind: ConfigKind = "redis"
    target: ServerTarget | None = None
    absent_at: Mapping[str, Location] = field(default_factory=dict)
    """Where to point for a directive that is not set (a values file: the key that would set it)."""
    not_judged: frozenset[str] = frozenset()
    """Rules this input cannot be judged by (a chart writes the setting itself, a managed service hides it)."""
    _index: dict[str, list[Setting]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for setting in self.settings:
            self._index.setdefault(setting.name, []).append(setting)

    @property
    def live(self) -> bool:
        """A running server: absent settings really are absent, not defaults."""
        return self.scope is Scope.SERVER

    def all(self, name: str) -> list[Setting]:
        return self._index.get(name, [])

    def last(self, name: str) -> Setting | None:
        found = self.all(name)
        return found[-1] if found else None

    def value(self, name: str) -> str:
        """The last value set for ``name``, else Redis's default (as one space-joined string)."""
        setting = self.last(name)
        if setting is not None:
            return setting.value.lower() if name in _ENUMS else setting.value
        return " ".join(REDIS_DEFAULTS.get(name, ("",)))

    def where(self, name: str) -> Location:
        setting = self.last(name)
        return setting.where if setting is not None else self.absent_at.get(name, self.origin)

    def sentinel_lines(self, sub: str) -> list[Setting]:
        """``sentinel <sub> ...`` lines, e.g. ``auth-pass``."""
        return [s for s in self.all("sentinel") if s.args and s.args[0].lower() == sub]

    @classmethod
    def of(
        cls,
        settings: Iterable[Setting],
        origin: Location,
        *,
        scope: Scope = Scope.CONF,
        target: ServerTarget | None = None,
        absent_at: Mapping[str, Location] | None = None,
        not_judged: Iterable[str] = (),
        kind: ConfigKind | None = None,
    ) -> "EffectiveConfig":
        """Builds the index; a config with any ``sentinel ...`` line is a Sentinel's unless ``kind`` says."""
        items = tuple(settings)
        if kind is None:
            kind = "sentinel" if any(s.name == "sentinel" for s in items) else "redis"
        return cls(items, origin, scope, kind, target, absent_at or {}, frozenset(not_judged))


_ENUMS = frozenset(
    {
        "appendonly",
        "appendfsync",
        "maxmemory-policy",
        "no-appendfsync-on-rewrite",
        "protected-mode",
        "tls-auth-clients",
        "cluster-enabled",
    }
)
