"""Deployment -> the directives of each Redis and Sentinel config file, each tagged with the values-file key
it comes from. `build` lays these out as text; `validate` judges exactly these, so both agree."""

from collections.abc import Iterator
from typing import Literal, NamedTuple

from generator.formats.conf import format_directive
from generator.render.secrets import SecretValues
from generator.schema.fields import HostPort
from generator.schema.units import format_redis_memory
from generator.schema.values import MANAGED_DIRECTIVES, Deployment, directive_text

Path = tuple[str | int, ...]
Role = Literal["standalone", "master", "replica", "cluster-node", "sentinel"]


class Directive(NamedTuple):
    name: str
    args: tuple[str, ...]
    source: Path = ()
    """Values-file key this directive comes from (empty: fixed by this project)."""
    secret: bool = False


class Section(NamedTuple):
    title: str
    notes: tuple[str, ...]
    directives: tuple[Directive, ...]

    @property
    def lines(self) -> tuple[str, ...]:
        """The directives as redis.conf lines, every argument quoted so it cannot leave its line."""
        return tuple(format_directive(d.name, *d.args) for d in self.directives)


class ConfFile(NamedTuple):
    filename: str
    role: Role
    title: str
    notes: tuple[str, ...]
    sections: tuple[Section, ...] = ()

    def directives(self) -> Iterator[Directive]:
        for section in self.sections:
            yield from section.directives


def _d(name: str, *args: str | int, source: Path = (), secret: bool = False) -> Directive:
    return Directive(name, tuple(map(str, args)), source, secret)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _network(dep: Deployment, port: int, role: Role) -> Section:
    port_source: Path = ("standalone", "port") if dep.mode == "standalone" else (dep.mode, "nodes")
    directives = [_d("bind", "0.0.0.0"), _d("protected-mode", "yes")]
    notes = ["Listen on every interface; protected mode stays on as a second guard."]
    if not dep.auth.enabled:
        notes.append("No password (auth.enabled: false): protected mode then answers loopback clients only.")
    if dep.tls.enabled:
        notes.append("TLS only: the plain-text port is off, TLS is served on the client port.")
        directives += [_d("port", 0, source=("tls", "enabled")), _d("tls-port", port, source=port_source)]
    else:
        directives.append(_d("port", port, source=port_source))
    return Section("Network", tuple(notes), tuple(directives))


def _auth(dep: Deployment, secrets: SecretValues, role: Role) -> Section | None:
    if not dep.auth.enabled:
        return None
    password = secrets.password(dep.auth.password)
    pw_source: Path = ("auth", "password")
    replicates = dep.mode != "standalone"
    directives: list[Directive] = []
    if dep.auth.username == "default":
        directives.append(_d("requirepass", password, source=pw_source, secret=True))
    else:
        user = dep.auth.username
        directives += [
            _d("user", "default", "off", source=("auth", "username")),
            _d("user", user, "on", f">{password}", "~*", "&*", "+@all", source=pw_source, secret=True),
        ]
    if replicates:
        if dep.auth.username != "default":
            directives.append(_d("masteruser", dep.auth.username, source=("auth", "username")))
        directives.append(_d("masterauth", password, source=pw_source, secret=True))
    notes = ("Every node has the same password and also uses it to replicate, so any node can become master.",)
    return Section("Authentication", notes if replicates else (), tuple(directives))


def _persistence(dep: Deployment) -> Section:
    p = dep.persistence
    src: Path = ("persistence",)
    aof_dir = [_d("appenddirname", "appendonlydir")] if dep.target.has_directive("appenddirname") else []
    snapshots = [_d("save", s, c, source=(*src, "snapshots", i)) for i, (s, c) in enumerate(p.snapshots)]
    if not snapshots:
        snapshots = [_d("save", "", source=(*src, "snapshots"))]
    directives = (
        _d("dir", p.dir, source=(*src, "dir")),
        _d("appendonly", _yes(p.aof), source=(*src, "aof")),
        _d("appendfilename", "appendonly.aof"),
        *aof_dir,
        _d("appendfsync", p.appendfsync, source=(*src, "appendfsync")),
        _d("no-appendfsync-on-rewrite", "no"),
        _d("auto-aof-rewrite-percentage", 100),
        _d("auto-aof-rewrite-min-size", "64mb"),
        _d("aof-use-rdb-preamble", "yes"),
        _d("aof-load-truncated", "yes"),
        *snapshots,
        _d("dbfilename", "dump.rdb"),
        _d("stop-writes-on-bgsave-error", "yes"),
    )
    notes = (
        "AOF with fsync every second: a killed process loses no acknowledged job, a lost machine about a second.",
        "RDB snapshots as a second safety net, one `save` line per pair (6.2 turns snapshots off for "
        "several pairs on one line).",
    )
    return Section("Persistence", notes, directives)


def _memory(dep: Deployment) -> Section:
    notes = (
        f"maxmemory is {dep.tier.name} tier's derived limit unless set: 37.5% of RAM leaves room for the "
        "OS and for the fork of an AOF rewrite."
        if dep.memory.maxmemory == "auto"
        else "maxmemory as set.",
        "noeviction: under memory pressure Redis refuses writes instead of deleting queued jobs.",
    )
    return Section(
        "Memory",
        notes,
        (
            _d("maxmemory", format_redis_memory(dep.maxmemory_bytes), source=("memory", "maxmemory")),
            _d("maxmemory-policy", dep.memory.maxmemory_policy, source=("memory", "maxmemory_policy")),
        ),
    )


def _tls(dep: Deployment) -> Section | None:
    t = dep.tls
    if not t.enabled:
        return None
    directives = [
        _d("tls-cert-file", t.cert_file, source=("tls", "cert_file")),
        _d("tls-key-file", t.key_file, source=("tls", "key_file")),
        _d("tls-ca-cert-file", t.ca_file, source=("tls", "ca_file")),
        _d("tls-auth-clients", t.auth_clients, source=("tls", "auth_clients")),
    ]
    if dep.mode != "standalone":
        directives.append(_d("tls-replication", "yes"))
    if dep.mode == "cluster":
        directives.append(_d("tls-cluster", "yes"))
    notes = ("Infisical presents no client certificate: tls-auth-clients must not be yes.",)
    return Section("TLS", notes, tuple(directives))


def _replication(dep: Deployment, master: HostPort) -> Section:
    return Section(
        "Replication",
        ("Initial master. Sentinel rewrites this line after a failover: this file is a seed, written once.",),
        (
            _d("replicaof", master.host, master.port, source=("sentinel", "nodes", 0)),
            _d("replica-read-only", "yes"),
        ),
    )


def _cluster(dep: Deployment) -> Section:
    assert dep.cluster is not None
    return Section(
        "Cluster",
        ("Redis owns nodes.conf: never write or copy it.",),
        (
            _d("cluster-enabled", "yes", source=("mode",)),
            _d("cluster-config-file", "nodes.conf"),
            _d("cluster-node-timeout", dep.cluster.node_timeout_ms, source=("cluster", "node_timeout_ms")),
        ),
    )


def _extra(dep: Deployment) -> Section | None:
    if not dep.extra_directives:
        return None
    directives = tuple(
        _d(name, *map(directive_text, value if isinstance(value, list) else [value]), source=("extra_directives", name))
        for name, value in dep.extra_directives.items()
        if name.lower() not in MANAGED_DIRECTIVES
    )
    return Section("Extra directives", ("From extra_directives in the values file.",), directives)


def data_node_conf(dep: Deployment, role: Role, secrets: SecretValues, filename: str, port: int) -> ConfFile:
    """One Redis data node's config for ``role``."""
    sections: list[Section | None] = [_network(dep, port, role), _auth(dep, secrets, role), _tls(dep)]
    if role == "replica":
        assert dep.sentinel is not None
        sections.append(_replication(dep, dep.sentinel.master))
    if role == "cluster-node":
        sections.append(_cluster(dep))
    sections += [_persistence(dep), _memory(dep), _extra(dep)]
    titles = {
        "standalone": "Standalone Redis for Infisical",
        "master": "Initial master of the Sentinel-managed set",
        "replica": "Replica of the Sentinel-managed set",
        "cluster-node": "Redis Cluster node",
        "sentinel": "Sentinel",
    }
    return ConfFile(
        filename=filename,
        role=role,
        title=f"{titles[role]} ({dep.target.title})",
        notes=(),
        sections=tuple(s for s in sections if s is not None),
    )


def sentinel_conf(dep: Deployment, secrets: SecretValues) -> ConfFile:
    """The Sentinel seed config: the same file on every Sentinel host."""
    s = dep.sentinel
    assert s is not None
    name = s.master_name
    port = s.sentinels[0].port
    monitor = [
        _d(
            "sentinel",
            "monitor",
            name,
            s.master.host,
            s.master.port,
            s.quorum,
            source=("sentinel", "nodes", 0),
        ),
        _d("sentinel", "down-after-milliseconds", name, s.down_after_ms, source=("sentinel", "down_after_ms")),
        _d(
            "sentinel",
            "failover-timeout",
            name,
            s.failover_timeout_ms,
            source=("sentinel", "failover_timeout_ms"),
        ),
        _d("sentinel", "parallel-syncs", name, s.parallel_syncs, source=("sentinel", "parallel_syncs")),
    ]
    if dep.auth.enabled:
        if dep.auth.username != "default":
            monitor.append(_d("sentinel", "auth-user", name, dep.auth.username, source=("auth", "username")))
        monitor.append(
            _d(
                "sentinel",
                "auth-pass",
                name,
                secrets.password(dep.auth.password),
                source=("auth", "password"),
                secret=True,
            )
        )
    base = [
        _d("bind", "0.0.0.0"),
        _d("protected-mode", "no" if dep.auth.sentinel_password is None else "yes"),
    ]
    if dep.tls.enabled:
        base += [
            _d("port", 0, source=("tls", "enabled")),
            _d("tls-port", port, source=("sentinel", "sentinels")),
        ]
    else:
        base.append(_d("port", port, source=("sentinel", "sentinels")))
    if s.uses_hostnames:
        base += [_d("sentinel", "resolve-hostnames", "yes"), _d("sentinel", "announce-hostnames", "yes")]
    sections = [Section("Sentinel process", (), tuple(base))]
    if dep.auth.sentinel_password is not None:
        sections.append(
            Section(
                "Sentinel authentication",
                ("Protects the Sentinels themselves; every Sentinel needs the same password.",),
                (
                    _d(
                        "requirepass",
                        secrets.password(dep.auth.sentinel_password),
                        source=("auth", "sentinel_password"),
                        secret=True,
                    ),
                    _d(
                        "sentinel",
                        "sentinel-pass",
                        secrets.password(dep.auth.sentinel_password),
                        source=("auth", "sentinel_password"),
                        secret=True,
                    ),
                ),
            )
        )
    if dep.tls.enabled:
        t = dep.tls
        sections.append(
            Section(
                "TLS",
                (),
                (
                    _d("tls-cert-file", t.cert_file, source=("tls", "cert_file")),
                    _d("tls-key-file", t.key_file, source=("tls", "key_file")),
                    _d("tls-ca-cert-file", t.ca_file, source=("tls", "ca_file")),
                    _d("tls-auth-clients", t.auth_clients, source=("tls", "auth_clients")),
                    _d("tls-replication", "yes"),
                ),
            )
        )
    sections.append(
        Section(
            "Monitored master",
            (
                "Sentinel rewrites this file (ids, epochs, the current master): keep it writable, in a writable "
                "directory, and never overwrite it on a redeploy.",
            ),
            tuple(monitor),
        )
    )
    return ConfFile("sentinel.conf", "sentinel", f"Sentinel ({dep.target.title})", (), tuple(sections))


def conf_files(dep: Deployment, secrets: SecretValues) -> list[ConfFile]:
    """Every Redis / Sentinel config file the deployment needs."""
    if dep.mode == "standalone":
        return [data_node_conf(dep, "standalone", secrets, "redis.conf", dep.endpoint.port)]
    if dep.mode == "sentinel":
        assert dep.sentinel is not None
        port = dep.sentinel.master.port
        return [
            data_node_conf(dep, "master", secrets, "redis-master.conf", port),
            data_node_conf(dep, "replica", secrets, "redis-replica.conf", port),
            sentinel_conf(dep, secrets),
        ]
    assert dep.cluster is not None
    return [data_node_conf(dep, "cluster-node", secrets, "redis-cluster-node.conf", dep.cluster.nodes[0].port)]
