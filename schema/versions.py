"""Server lines a values file can target, and which redis.conf directives each one understands."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Family = Literal["redis", "valkey"]

_SPELLING = re.compile(r"^(?:(?P<family>redis|valkey)-)?(?P<major>[0-9]+)\.(?P<minor>[0-9]+)$")


@dataclass(frozen=True, order=True)
class ServerTarget:
    """One server line, e.g. Redis 7.0 or Valkey 8.0."""

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
        """The Redis release whose directives this line understands (Valkey forked from Redis 7.2.4)."""
        if self.family == "valkey":
            return (7, 2)
        return (self.major, self.minor)

    def has_directive(self, name: str) -> bool:
        """Whether this server line accepts ``name`` in redis.conf (unknown names: False)."""
        spec = REDIS_DIRECTIVES.get(name.lower())
        if spec is None:
            return False
        if spec.valkey_since is not None:
            return self.family == "valkey" and (self.major, self.minor) >= spec.valkey_since
        return self.redis_level >= spec.since


def parse_target(text: str) -> ServerTarget:
    """``7.0`` -> Redis 7.0, ``valkey-8.0`` -> Valkey 8.0. ValueError for anything else."""
    match = _SPELLING.match(text.strip().lower())
    if match is None:
        raise ValueError("write the version as MAJOR.MINOR (e.g. 7.0) or valkey-MAJOR.MINOR (e.g. valkey-8.0)")
    family: Family = "valkey" if match["family"] == "valkey" else "redis"
    return ServerTarget(family, int(match["major"]), int(match["minor"]))


SUPPORTED_TARGETS: tuple[ServerTarget, ...] = (
    ServerTarget("redis", 6, 2),
    ServerTarget("redis", 7, 0),
    ServerTarget("redis", 7, 2),
    ServerTarget("redis", 7, 4),
    ServerTarget("valkey", 7, 2),
    ServerTarget("valkey", 8, 0),
    ServerTarget("valkey", 8, 1),
)
"""Lines this project generates for: Infisical supports Redis 6.x and 7.x (6.2+ recommended); Valkey 7.2+
speaks the same protocol and reads the same directives."""

RECOMMENDED_MINIMUM = (6, 2)
"""Infisical's minimum recommended Redis (BullMQ warns below it)."""

ABSOLUTE_MINIMUM = (6, 0)
"""Infisical supports Redis 6.x and 7.x; nothing older."""


@dataclass(frozen=True)
class DirectiveSpec:
    name: str
    since: tuple[int, int] = (6, 2)
    valkey_since: tuple[int, int] | None = None
    """Set for Valkey-only directives: the Valkey release that added it."""


def _specs(since: tuple[int, int], names: str) -> dict[str, DirectiveSpec]:
    return {name: DirectiveSpec(name, since) for name in names.split()}


REDIS_DIRECTIVES: dict[str, DirectiveSpec] = {
    **_specs(
        (6, 2),
        """
        include loadmodule bind bind-source-addr protected-mode port tcp-backlog unixsocket unixsocketperm
        timeout tcp-keepalive tls-port tls-cert-file tls-key-file tls-key-file-pass tls-client-cert-file
        tls-client-key-file tls-dh-params-file tls-ca-cert-file tls-ca-cert-dir tls-auth-clients
        tls-replication tls-cluster tls-protocols tls-ciphers tls-ciphersuites tls-prefer-server-ciphers
        tls-session-caching tls-session-cache-size tls-session-cache-timeout daemonize supervised pidfile
        loglevel logfile syslog-enabled syslog-ident syslog-facility crash-log-enabled crash-memcheck-enabled
        databases always-show-logo set-proc-title proc-title-template save stop-writes-on-bgsave-error
        rdbcompression rdbchecksum sanitize-dump-payload dbfilename rdb-del-sync-files dir replicaof slaveof
        masterauth masteruser replica-serve-stale-data slave-serve-stale-data replica-read-only
        slave-read-only repl-diskless-sync repl-diskless-sync-delay repl-diskless-load repl-ping-replica-period
        repl-timeout repl-disable-tcp-nodelay repl-backlog-size repl-backlog-ttl replica-priority
        slave-priority replica-announced min-replicas-to-write min-slaves-to-write min-replicas-max-lag
        min-slaves-max-lag replica-announce-ip slave-announce-ip replica-announce-port slave-announce-port
        tracking-table-max-keys user acllog-max-len aclfile requirepass acl-pubsub-default rename-command
        maxclients maxmemory maxmemory-policy maxmemory-samples maxmemory-eviction-tenacity
        replica-ignore-maxmemory slave-ignore-maxmemory active-expire-effort lazyfree-lazy-eviction
        lazyfree-lazy-expire lazyfree-lazy-server-del replica-lazy-flush slave-lazy-flush
        lazyfree-lazy-user-del lazyfree-lazy-user-flush io-threads io-threads-do-reads oom-score-adj
        oom-score-adj-values disable-thp appendonly appendfilename appendfsync no-appendfsync-on-rewrite
        auto-aof-rewrite-percentage auto-aof-rewrite-min-size aof-load-truncated aof-use-rdb-preamble
        lua-time-limit busy-reply-threshold cluster-enabled cluster-config-file cluster-node-timeout
        cluster-replica-validity-factor cluster-slave-validity-factor cluster-migration-barrier
        cluster-allow-replica-migration cluster-require-full-coverage cluster-replica-no-failover
        cluster-slave-no-failover cluster-allow-reads-when-down cluster-announce-ip cluster-announce-port
        cluster-announce-tls-port cluster-announce-bus-port slowlog-log-slower-than slowlog-max-len
        latency-monitor-threshold notify-keyspace-events gopher-enabled hash-max-ziplist-entries
        hash-max-ziplist-value list-max-ziplist-size list-compress-depth set-max-intset-entries
        zset-max-ziplist-entries zset-max-ziplist-value hll-sparse-max-bytes stream-node-max-bytes
        stream-node-max-entries activerehashing client-output-buffer-limit client-query-buffer-limit
        proto-max-bulk-len hz dynamic-hz aof-rewrite-incremental-fsync rdb-save-incremental-fsync
        lfu-log-factor lfu-decay-time activedefrag active-defrag-ignore-bytes active-defrag-threshold-lower
        active-defrag-threshold-upper active-defrag-cycle-min active-defrag-cycle-max
        active-defrag-max-scan-fields jemalloc-bg-thread server-cpulist bio-cpulist aof-rewrite-cpulist
        bgsave-cpulist ignore-warnings
        """,
    ),
    **_specs(
        (7, 0),
        """
        appenddirname aof-timestamp-enabled enable-debug-command enable-module-command
        enable-protected-configs latency-tracking latency-tracking-info-percentiles cluster-port
        cluster-announce-hostname cluster-preferred-endpoint-type tls-client-key-file-pass
        shutdown-timeout shutdown-on-sigint shutdown-on-sigterm hash-max-listpack-entries
        hash-max-listpack-value zset-max-listpack-entries zset-max-listpack-value list-max-listpack-size
        repl-diskless-sync-max-replicas cluster-link-sendbuf-limit cluster-allow-pubsubshard-when-down
        maxmemory-clients
        """,
    ),
    **_specs(
        (7, 2),
        """
        locale-collate cluster-announce-human-nodename set-max-listpack-entries set-max-listpack-value
        """,
    ),
    **_specs((7, 4), "max-new-connections-per-cycle max-new-tls-connections-per-cycle hide-user-data-from-log"),
    "primaryauth": DirectiveSpec("primaryauth", valkey_since=(8, 0)),
    "primaryuser": DirectiveSpec("primaryuser", valkey_since=(8, 0)),
}
"""redis.conf directives by the first Redis release that accepts them (6.2 stands for "6.2 or older")."""


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
"""What Redis 6.2 to 7.4 (and Valkey) use when a config file does not set a directive."""
