"""Predicates of the rules in ``schema/compose_rules.py`` (and of ``auth.published-password`` for compose
services): what a compose / swarm file says about how its Redis, Sentinel and Infisical services run and find
each other. The server settings themselves are judged by the config rules on each service's ``EffectiveConfig``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from generator.rules.engine import Hit, predicate
from generator.shapes.compose import STAND_IN_HOST, ComposeFile, ComposeService, SentinelMonitor
from generator.shapes.finding import Location

if TYPE_CHECKING:
    from ipaddress import IPv4Address, IPv6Address

_LOOPBACK_NAMES = frozenset({"localhost", "ip6-localhost", "ip6-loopback"})


def _ip(host: str) -> IPv4Address | IPv6Address | None:
    import ipaddress  # only compose files need it: not on every run's import path

    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _wrong_kind(mode: str, target: ComposeService | None) -> bool:
    """A Sentinel named where a data node is expected, or the other way round."""
    if target is None or target.role not in ("redis", "sentinel"):
        return False
    return (target.role == "sentinel") != (mode == "REDIS_SENTINEL_HOSTS")


def _service_like(host: str) -> bool:
    """A name a compose network could resolve (not an IP address, not a domain name, not loopback)."""
    return _ip(host) is None and "." not in host and host.lower() not in _LOOPBACK_NAMES and host != STAND_IN_HOST


def _servers(compose: ComposeFile) -> list[ComposeService]:
    return [s for s in compose.services if s.role in ("redis", "sentinel")]


@predicate("network.published", ComposeFile)
def _published(compose: ComposeFile) -> Iterator[Hit]:
    for service in compose.of_role("redis"):
        if service.password != "none":
            continue
        if service.network_mode == "host":
            yield Hit(
                service.where,
                f"service {service.name} uses the host's network with no password: its port is open on every "
                "interface of the host",
            )
        for port in service.ports:
            if port.loopback_only or port.target not in (None, service.server_port):
                continue
            yield Hit(
                port.where,
                f"service {service.name} publishes its Redis port on the host with no password (the official "
                "images run with protected mode off): anyone who reaches the host can use it",
            )


@predicate("persistence.volume", ComposeFile)
def _volume(compose: ComposeFile) -> Iterator[Hit]:
    for service in compose.of_role("redis"):
        if service.data_dir is None or service.volume_holding(service.data_dir) is not None:
            continue
        used = {m.source for other in compose.services for m in other.mounts if m.kind == "volume"}
        unused = [
            name
            for name in compose.declared_volumes
            if name not in used and any(word in name.lower() for word in ("redis", "valkey", service.name.lower()))
        ]
        declared = f" (declared but mounted by no service: {', '.join(unused)})" if unused else ""
        yield Hit(
            service.data_dir_at or service.where,
            f"service {service.name}: the data directory {service.data_dir} is on no named volume or bind mount"
            f"{declared}: a re-created container or task starts the server empty",
        )


@predicate("auth.published-password", ComposeFile)
def _allow_empty_password(compose: ComposeFile) -> Iterator[Hit]:
    for service in _servers(compose):
        entry = service.env_entry("ALLOW_EMPTY_PASSWORD")
        if entry is not None and (entry.value or "").strip().lower() == "yes" and service.password == "none":
            yield Hit(
                entry.where,
                f"service {service.name}: ALLOW_EMPTY_PASSWORD=yes and no password: the server accepts anyone",
            )


@predicate("network.redis-host", ComposeFile)
def _redis_host(compose: ComposeFile) -> Iterator[Hit]:
    for backend in compose.of_role("infisical"):
        ports = backend.redis_ports or (None,) * len(backend.redis_hosts)
        for (host, where), port in zip(backend.redis_hosts, ports, strict=True):
            address = _ip(host)
            target = compose.by_name(host) if _service_like(host) else None
            if host == STAND_IN_HOST or backend.network_mode == "host" or backend.network_mode.startswith("service:"):
                continue
            if host.lower() in _LOOPBACK_NAMES or (address is not None and address.is_loopback):
                yield Hit(
                    where,
                    f"service {backend.name} is sent to {host}, which inside its container is the container "
                    "itself: name the Redis service instead",
                )
            elif _service_like(host) and _wrong_kind(backend.redis_mode, compose.by_name(host)):
                runs = "a Sentinel" if backend.redis_mode != "REDIS_SENTINEL_HOSTS" else "a Redis data node"
                wanted = "a Sentinel" if backend.redis_mode == "REDIS_SENTINEL_HOSTS" else "a data node"
                yield Hit(
                    where,
                    f"service {backend.name} is sent to {host} by {backend.redis_mode}, which needs {wanted}; "
                    f"{host} runs {runs}",
                )
            elif target is not None and port is not None and target.server_port not in (None, port):
                yield Hit(
                    where,
                    f"service {backend.name} is sent to {host}:{port}, but {target.name} listens on "
                    f"{target.server_port}: the connection is refused",
                )
            elif host in backend.outside_names or backend.networks & compose.external_networks:
                continue  # resolved outside this file, or possibly a container of another project
            elif address is None and "." not in host and compose.by_name(host) is None:
                known = ", ".join(s.name for s in _servers(compose)) or "none"
                yield Hit(
                    where,
                    f"service {backend.name} is sent to host {host!r}, which is no service, container name or "
                    f"alias in this file (Redis services: {known})",
                )


def _shares_network(one: ComposeService, other: ComposeService) -> bool:
    if "host" in (one.network_mode, other.network_mode):
        return one.network_mode == other.network_mode
    return bool(one.networks & other.networks)


def _meant_here(compose: ComposeFile, backend: ComposeService, host: str) -> bool:
    """Whether ``host`` names, or was meant to name, a service of this file (not a host resolved elsewhere)."""
    if not _service_like(host):
        return False
    if compose.by_name(host) is not None:
        return True
    return host not in backend.outside_names and not backend.networks & compose.external_networks


@predicate("network.shared", ComposeFile)
def _shared(compose: ComposeFile) -> Iterator[Hit]:
    for backend in compose.of_role("infisical"):
        named = [compose.by_name(host) for host, _ in backend.redis_hosts if _meant_here(compose, backend, host)]
        targets = [s for s in named if s is not None]
        if not backend.redis_hosts or None in named or any(h == STAND_IN_HOST for h, _ in backend.redis_hosts):
            targets = _servers(compose)  # unknown, or a name no service has: whichever it was meant to be
        for service in dict.fromkeys(targets):
            if service.role in ("redis", "sentinel") and not _shares_network(backend, service):
                yield Hit(
                    service.networks_at or service.where,
                    f"service {service.name} is on {', '.join(sorted(service.networks))} and Infisical's "
                    f"{backend.name} on {', '.join(sorted(backend.networks))}: they share no network, so "
                    f"{backend.name} cannot resolve {service.name}",
                )


def _monitors(compose: ComposeFile) -> dict[SentinelMonitor, list[str]]:
    """Each ``sentinel monitor`` line once (three Sentinels often share one file), with the Sentinels running it."""
    found: dict[tuple[Location, str], tuple[SentinelMonitor, list[str]]] = {}
    for sentinel in compose.of_role("sentinel"):
        for monitor in sentinel.monitors:
            found.setdefault((monitor.where, monitor.host), (monitor, []))[1].append(sentinel.name)
    return {monitor: names for monitor, names in found.values()}


def _named(names: list[str]) -> str:
    return f"service {names[0]}" if len(names) == 1 else f"services {', '.join(names)}"


@predicate("sentinel.resolve-hostnames", ComposeFile)
def _resolve_hostnames(compose: ComposeFile) -> Iterator[Hit]:
    for monitor, names in _monitors(compose).items():
        if not monitor.resolve_hostnames and _ip(monitor.host) is None:
            message = (
                f"{_named(names)}: sentinel monitor names host {monitor.host!r} without "
                "'sentinel resolve-hostnames yes': the Sentinel does not start"
            )
            yield from (Hit(where, message) for where in monitor.places)


@predicate("sentinel.monitor-replica", ComposeFile)
def _monitor_replica(compose: ComposeFile) -> Iterator[Hit]:
    for monitor, names in _monitors(compose).items():
        master = compose.by_name(monitor.host)
        if master is not None and master.replicaof is not None:
            message = f"{_named(names)}: {monitor.host} is a replica of {master.replicaof}: monitor the master"
            yield from (Hit(where, message) for where in monitor.places)


@predicate("sentinel.replicas", ComposeFile)
def _replicas(compose: ComposeFile) -> Iterator[Hit]:
    for monitor, names in _monitors(compose).items():
        master = compose.by_name(monitor.host)
        if master is None or master.role != "redis" or master.replicaof is not None:
            continue
        replicas = [
            s for s in compose.of_role("redis") if s.replicaof is not None and compose.by_name(s.replicaof) is master
        ]
        if not replicas:
            message = f"{_named(names)}: no service replicates from {master.name}: there is nothing to fail over to"
            yield from (Hit(where, message) for where in monitor.places)


@predicate("sentinel.config-mount", ComposeFile)
def _config_mount(compose: ComposeFile) -> Iterator[Hit]:
    for sentinel in compose.of_role("sentinel"):
        if not sentinel.config_file and sentinel.started_at is not None:
            yield Hit(
                sentinel.started_at,
                f"service {sentinel.name} starts a Sentinel without a config file: Sentinel needs one it can "
                "rewrite and exits at start",
            )
        mount = sentinel.config_mount
        if mount is None:
            continue
        if mount.read_only or mount.kind == "config":
            how = "a configs: entry" if mount.kind == "config" else "mounted read-only"
            yield Hit(
                mount.where,
                f"service {sentinel.name}: {sentinel.config_file} is {how}: Sentinel must rewrite it and exits at "
                "start",
            )
        elif mount.kind == "bind" and mount.target.rstrip("/") == sentinel.config_file:
            yield Hit(
                mount.where,
                f"service {sentinel.name}: {sentinel.config_file} is bind-mounted as a single file: Sentinel's "
                "rewrites fail, and a restart forgets every failover",
            )


@predicate("network.container-bind", ComposeFile)
def _container_bind(compose: ComposeFile) -> Iterator[Hit]:
    for service in _servers(compose):
        bind = service.loopback_bind
        if bind is None or service.network_mode == "host":
            continue
        if any(other.network_mode == f"service:{service.name}" for other in compose.services):
            continue  # those share its loopback
        message = (
            f"service {service.name} listens on its container's loopback only ({bind.value}): no other "
            "container can connect"
        )
        yield Hit(bind.where, message)
        mount = service.config_mount
        if mount is not None and bind.where.file != service.where.file:
            yield Hit(mount.where, message)


@predicate("topology.scaled-service", ComposeFile)
def _scaled(compose: ComposeFile) -> Iterator[Hit]:
    for service in compose.of_role("redis"):
        if service.scaled is not None and service.replicaof is None:
            count, where = service.scaled
            yield Hit(
                where,
                f"service {service.name} runs {count} independent servers behind one name: Infisical's jobs and "
                "locks are split between them",
            )


def _data_nodes(compose: ComposeFile, backend: ComposeService) -> list[ComposeService]:
    """The data nodes Infisical's backend talks to: the one its URL names, or those its Sentinels monitor."""
    named = [compose.by_name(host) for host, _ in backend.redis_hosts]
    if backend.redis_mode != "REDIS_SENTINEL_HOSTS":
        return [s for s in named if s is not None and s.role == "redis"]
    monitored = [compose.by_name(m.host) for s in named if s is not None for m in s.monitors]
    return [s for s in dict.fromkeys(monitored) if s is not None and s.role == "redis"]


@predicate("auth.infisical-password", ComposeFile)
def _infisical_password(compose: ComposeFile) -> Iterator[Hit]:
    for backend in compose.of_role("infisical"):
        if not backend.redis_hosts:
            continue
        where = backend.redis_hosts[0][1]
        variable = "REDIS_URL" if backend.redis_mode == "REDIS_URL" else "REDIS_PASSWORD"
        for node in _data_nodes(compose, backend):
            required = node.config.value("requirepass") if node.config is not None else ""
            if node.password in ("set", "given") and backend.password_sent is False:
                yield Hit(where, f"service {node.name} requires a password and {variable} carries none: NOAUTH")
            elif required and backend.password_value is not None and backend.password_value != required:
                yield Hit(where, f"{variable} carries another password than service {node.name} requires: WRONGPASS")
        sentinels = [compose.by_name(host) for host, _ in backend.redis_hosts]
        guarded = [s for s in sentinels if s is not None and s.role == "sentinel" and s.password in ("set", "given")]
        if guarded and backend.sentinel_password_sent is False:
            yield Hit(
                where,
                f"service {guarded[0].name} requires a password and REDIS_SENTINEL_PASSWORD is not set: "
                "Infisical cannot ask it for the master",
            )


@predicate("auth.masterauth", ComposeFile)
def _masterauth(compose: ComposeFile) -> Iterator[Hit]:
    monitored = {id(compose.by_name(m.host)) for s in compose.of_role("sentinel") for m in s.monitors}
    for node in compose.of_role("redis"):
        if node.masterauth != "none":
            continue
        master = compose.by_name(node.replicaof) if node.replicaof is not None else None
        if master is not None and master.password in ("set", "given"):
            yield Hit(
                node.replicaof_at or node.where,
                f"service {node.name} replicates from {master.name}, which requires a password, without "
                "masterauth: it never syncs",
            )
        elif node.replicaof is None and id(node) in monitored and node.password in ("set", "given"):
            yield Hit(
                node.where,
                f"service {node.name} has no masterauth: after a failover it rejoins as a replica and cannot "
                "authenticate to the new master",
            )


_DOCKER_HUB = ("docker.io/", "index.docker.io/", "registry-1.docker.io/")


@predicate("version.image-pull", ComposeFile)
def _image_pull(compose: ComposeFile) -> Iterator[Hit]:
    for service in _servers(compose):
        reference = service.image.split("@", 1)[0]
        for prefix in _DOCKER_HUB:
            reference = reference.removeprefix(prefix)
        name, _, tag = reference.partition(":")
        if name.startswith("bitnami/") and name.count("/") == 1 and tag not in ("", "latest") and "$" not in tag:
            yield Hit(
                service.image_at or service.where,
                f"service {service.name}: {name}:{tag} no longer pulls from Docker Hub (Bitnami's versioned tags "
                f"are gone); use {name.replace('bitnami/', 'bitnamilegacy/')}:{tag}",
            )


@predicate("memory.container-limit", ComposeFile)
def _container_limit(compose: ComposeFile) -> Iterator[Hit]:
    from generator.schema.units import parse_redis_memory

    for service in compose.of_role("redis"):
        if service.memory_limit is None or service.config is None or "memory.maxmemory" in service.config.not_judged:
            continue
        setting = service.config.last("maxmemory")
        if setting is None:
            continue  # no maxmemory at all: memory.maxmemory says so
        try:
            maxmemory = parse_redis_memory(setting.value)
        except ValueError:
            continue
        limit = service.memory_limit[0]
        if maxmemory >= limit:
            yield Hit(
                setting.where,
                f"service {service.name}: maxmemory {setting.value} is not below the container's memory limit "
                f"({limit // 1024**2} MiB): the kernel kills Redis before it reaches it",
            )
