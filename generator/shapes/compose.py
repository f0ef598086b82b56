"""A docker-compose / swarm stack file as the compose rules judge it: its services (the Redis and Sentinel
servers among them, found by image or command), their ports, mounts and networks, each at its place.

The server settings of each Redis / Sentinel service are an ``EffectiveConfig`` of their own (judged by the
config rules); a ``ComposeFile`` holds what only the file as a whole can tell (is the data directory on a
volume, is the port published, can the backend reach the Redis it is given)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from generator.schema.rules import Scope
from generator.schema.versions import LineMatch
from generator.shapes.config import EffectiveConfig, Setting
from generator.shapes.finding import Location

Role = Literal["redis", "sentinel", "infisical", "other"]
STAND_IN_HOST = "known-at-run-time"
"""Stands for a Redis host that compose only knows at run time (an interpolated value)."""
PasswordState = Literal["set", "given", "none", "unknown"]
"""A password known here, one set from a value known at run time only, none, or this tool cannot tell."""


@dataclass(frozen=True)
class Port:
    """One published port: ``host_ip`` empty means every interface of the host."""

    where: Location
    target: int | None
    """The container port (None: a range or a value only known at run time)."""
    host_ip: str = ""

    @property
    def loopback_only(self) -> bool:
        return self.host_ip.startswith("127.") or self.host_ip in ("::1", "[::1]", "localhost")


@dataclass(frozen=True)
class Mount:
    where: Location
    target: str
    """The path inside the container."""
    kind: Literal["volume", "bind", "tmpfs", "anonymous", "config"]
    source: str = ""
    """A named volume's name, or a bind mount's / config's host path as written."""
    read_only: bool = False


@dataclass(frozen=True)
class EnvEntry:
    """One ``environment:`` variable of a service; ``value`` None when compose interpolates it at run time."""

    name: str
    value: str | None
    where: Location
    raw: str = ""
    """The value as written, interpolations included."""


@dataclass(frozen=True)
class SentinelMonitor:
    """A ``sentinel monitor NAME HOST PORT QUORUM`` a Sentinel service runs with."""

    master_set: str
    host: str
    where: Location
    resolve_hostnames: bool
    mounted_at: Location | None = None
    """The mount that brings the sentinel.conf holding the line, when it comes from a file (reported there too)."""

    @property
    def places(self) -> tuple[Location, ...]:
        return (self.where,) if self.mounted_at is None else (self.where, self.mounted_at)


@dataclass(frozen=True, eq=False)
class ComposeService:
    name: str
    where: Location
    """The service's key."""
    role: Role
    image: str = ""
    image_at: Location | None = None
    line: LineMatch | None = None
    networks: frozenset[str] = frozenset({"default"})
    networks_at: Location | None = None
    names: frozenset[str] = frozenset()
    """Every name other containers resolve it by: service name, container name, network aliases."""
    network_mode: str = ""
    ports: tuple[Port, ...] = ()
    mounts: tuple[Mount, ...] = ()
    env: tuple[EnvEntry, ...] = ()
    config: EffectiveConfig | None = None
    password: PasswordState = "none"
    server_port: int | None = 6379
    data_dir: str | None = None
    """Where the server writes its AOF and snapshots (None: unknown)."""
    data_dir_at: Location | None = None
    replicaof: str | None = None
    """The host this server replicates from, when it is a replica."""
    replicaof_at: Location | None = None
    masterauth: PasswordState = "none"
    """Whether it authenticates to its master (masterauth / primaryauth), in the states of ``password``."""
    monitors: tuple[SentinelMonitor, ...] = ()
    config_file: str = ""
    """The config file the server is started with (a path inside the container)."""
    config_mount: Mount | None = None
    """The mount that brings that file, when one does."""
    started_at: Location | None = None
    """Where the command names the server program (not for Bitnami's images, which write their own config)."""
    loopback_bind: Setting | None = None
    """A ``bind`` that lists loopback addresses only."""
    memory_limit: tuple[int, Location] | None = None
    """The container's memory limit in bytes (``mem_limit`` or ``deploy.resources.limits.memory``), and where."""
    scaled: tuple[int, Location] | None = None
    """``deploy.replicas`` / ``scale`` above 1, and where it is written."""
    outside_names: frozenset[str] = frozenset()
    """Host names it resolves to something outside this file (``extra_hosts``, ``external_links``)."""
    redis_hosts: tuple[tuple[str, Location], ...] = ()
    """Infisical's backend: the Redis hosts it is given (REDIS_URL's host, or each entry of the host list)."""
    redis_ports: tuple[int | None, ...] = ()
    """Infisical's backend: the port of each of those hosts (None: only known at run time)."""
    redis_mode: str = ""
    """Infisical's backend: the connection variable that wins (REDIS_URL, then the cluster, then the Sentinel
    hosts)."""
    password_sent: bool | None = None
    """Infisical's backend: whether it sends a password to the data nodes (None: cannot tell here)."""
    password_value: str | None = None
    """Infisical's backend: that password, when written literally (a secret: never shown)."""
    sentinel_password_sent: bool | None = None
    """Infisical's backend in Sentinel mode: whether it sends REDIS_SENTINEL_PASSWORD."""
    redis_env_known: bool = False
    """Infisical's backend: whether its Redis connection variables could be read here."""

    def volume_holding(self, path: str) -> Mount | None:
        """The named volume or bind mount that holds ``path`` inside the container (tmpfs and anonymous
        volumes do not keep data across a re-created container)."""
        path = path.rstrip("/") or "/"
        for mount in self.mounts:
            target = mount.target.rstrip("/")
            if mount.kind in ("volume", "bind") and target and (path == target or path.startswith(target + "/")):
                return mount
        return None

    def env_entry(self, name: str) -> EnvEntry | None:
        found = [entry for entry in self.env if entry.name == name]
        return found[-1] if found else None


@dataclass(frozen=True, eq=False)
class ComposeFile:
    display: str
    origin: Location
    services: tuple[ComposeService, ...]
    declared_volumes: tuple[str, ...] = ()
    volumes_at: Location | None = None
    external_networks: frozenset[str] = frozenset()
    """Networks created outside this file (``external: true``): other projects' containers may sit there."""
    swarm: bool = False
    """A stack for ``docker stack deploy`` (services with ``deploy:``)."""
    scope: Scope = Scope.CONF
    not_judged: frozenset[str] = field(default=frozenset())

    def by_name(self, host: str) -> ComposeService | None:
        """The service a container resolves ``host`` to (swarm's ``tasks.NAME`` and ``STACK_NAME`` too)."""
        for service in self.services:
            if host in service.names or host == f"tasks.{service.name}":
                return service
        for service in self.services:
            if self.swarm and host.endswith(f"_{service.name}"):
                return service
        return None

    def of_role(self, role: Role) -> list[ComposeService]:
        return [s for s in self.services if s.role == role]
