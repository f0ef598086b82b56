"""Redis 8.0 directives, read from ``src/config.c`` of redis/redis.

Source: release 8.0.2 (Debian's redis_8.0.2.orig.tar.gz, sha256 caf3c006...d7401f).
The standard config table plus the names ``loadServerConfigFromString`` handles itself.
"""

REPOSITORY = "redis/redis"
TAG = "8.0.2"

EXACTLY_ONE = """
acl-pubsub-default aclfile acllog-max-len active-defrag-cycle-max active-defrag-cycle-min
active-defrag-ignore-bytes active-defrag-max-scan-fields active-defrag-threshold-lower
active-defrag-threshold-upper active-expire-effort activedefrag activerehashing always-show-logo
aof-disable-auto-gc aof-load-truncated aof-rewrite-cpulist aof-rewrite-incremental-fsync aof-timestamp-enabled
aof-use-rdb-preamble appenddirname appendfilename appendfsync appendonly auto-aof-rewrite-min-size
auto-aof-rewrite-percentage bgsave-cpulist bind-source-addr bio-cpulist busy-reply-threshold client-default-resp
client-query-buffer-limit cluster-allow-pubsubshard-when-down cluster-allow-reads-when-down
cluster-allow-replica-migration cluster-announce-bus-port cluster-announce-hostname
cluster-announce-human-nodename cluster-announce-ip cluster-announce-port cluster-announce-tls-port
cluster-compatibility-sample-ratio cluster-config-file cluster-enabled cluster-link-sendbuf-limit
cluster-migration-barrier cluster-node-timeout cluster-ping-interval cluster-port
cluster-preferred-endpoint-type cluster-replica-no-failover cluster-replica-validity-factor
cluster-require-full-coverage crash-log-enabled crash-memcheck-enabled daemonize databases dbfilename dir
disable-thp dynamic-hz enable-debug-command enable-module-command enable-protected-configs
hash-max-listpack-entries hash-max-listpack-value hide-user-data-from-log hll-sparse-max-bytes hz
ignore-warnings include io-threads io-threads-do-reads jemalloc-bg-thread key-load-delay
latency-monitor-threshold latency-tracking lazyfree-lazy-eviction lazyfree-lazy-expire lazyfree-lazy-server-del
lazyfree-lazy-user-del lazyfree-lazy-user-flush lfu-decay-time lfu-log-factor list-compress-depth
list-max-listpack-size list-max-ziplist-entries list-max-ziplist-value loading-process-events-interval-bytes
locale-collate logfile loglevel lua-replicate-commands masterauth masteruser max-new-connections-per-cycle
max-new-tls-connections-per-cycle maxclients maxmemory maxmemory-clients maxmemory-eviction-tenacity
maxmemory-policy maxmemory-samples min-replicas-max-lag min-replicas-to-write no-appendfsync-on-rewrite
notify-keyspace-events oom-score-adj pidfile port proc-title-template propagation-error-behavior protected-mode
proto-max-bulk-len rdb-del-sync-files rdb-key-save-delay rdb-save-incremental-fsync rdbchecksum rdbcompression
repl-backlog-size repl-backlog-ttl repl-disable-tcp-nodelay repl-diskless-load repl-diskless-sync
repl-diskless-sync-delay repl-diskless-sync-max-replicas repl-ping-replica-period repl-rdb-channel repl-timeout
replica-announce-ip replica-announce-port replica-announced replica-full-sync-buffer-limit
replica-ignore-disk-write-errors replica-ignore-maxmemory replica-lazy-flush replica-priority replica-read-only
replica-serve-stale-data req-res-logfile requirepass sanitize-dump-payload server-cpulist set-max-intset-entries
set-max-listpack-entries set-max-listpack-value set-proc-title shutdown-timeout slowlog-log-slower-than
slowlog-max-len socket-mark-id stop-writes-on-bgsave-error stream-node-max-bytes stream-node-max-entries
supervised syslog-enabled syslog-facility syslog-ident tcp-backlog tcp-keepalive timeout tls-auth-clients
tls-ca-cert-dir tls-ca-cert-file tls-cert-file tls-ciphers tls-ciphersuites tls-client-cert-file
tls-client-key-file tls-client-key-file-pass tls-cluster tls-dh-params-file tls-key-file tls-key-file-pass
tls-port tls-prefer-server-ciphers tls-protocols tls-replication tls-session-cache-size
tls-session-cache-timeout tls-session-caching tracking-table-max-keys unixsocket unixsocketperm
use-exit-on-panic watchdog-period zset-max-listpack-entries zset-max-listpack-value
"""
"""Directives that take exactly one argument."""

ARITY: dict[str, tuple[int, int | None]] = {
    "bind": (1, 16),
    "client-output-buffer-limit": (4, None),
    "latency-tracking-info-percentiles": (1, None),
    "loadmodule": (1, None),
    "oom-score-adj-values": (3, 3),
    "rename-command": (2, 2),
    "replicaof": (2, 2),
    "save": (1, None),
    "sentinel": (0, None),
    "shutdown-on-sigint": (1, None),
    "shutdown-on-sigterm": (1, None),
    "user": (1, None),
}
"""The other directives: (fewest, most or None for no limit) arguments after the name."""

ALIASES: dict[str, str] = {
    "aof_rewrite_cpulist": "aof-rewrite-cpulist",
    "bgsave_cpulist": "bgsave-cpulist",
    "bio_cpulist": "bio-cpulist",
    "cluster-slave-no-failover": "cluster-replica-no-failover",
    "cluster-slave-validity-factor": "cluster-replica-validity-factor",
    "hash-max-ziplist-entries": "hash-max-listpack-entries",
    "hash-max-ziplist-value": "hash-max-listpack-value",
    "list-max-ziplist-size": "list-max-listpack-size",
    "lua-time-limit": "busy-reply-threshold",
    "min-slaves-max-lag": "min-replicas-max-lag",
    "min-slaves-to-write": "min-replicas-to-write",
    "repl-ping-slave-period": "repl-ping-replica-period",
    "server_cpulist": "server-cpulist",
    "slave-announce-ip": "replica-announce-ip",
    "slave-announce-port": "replica-announce-port",
    "slave-ignore-maxmemory": "replica-ignore-maxmemory",
    "slave-lazy-flush": "replica-lazy-flush",
    "slave-priority": "replica-priority",
    "slave-read-only": "replica-read-only",
    "slave-serve-stale-data": "replica-serve-stale-data",
    "slaveof": "replicaof",
    "zset-max-ziplist-entries": "zset-max-listpack-entries",
    "zset-max-ziplist-value": "zset-max-listpack-value",
}
"""Accepted other spellings -> the directive they set."""

IGNORED: frozenset[str] = frozenset(
    {"io-threads-do-reads", "list-max-ziplist-entries", "list-max-ziplist-value", "lua-replicate-commands"}
)
"""Accepted and then ignored: the server's list of deprecated directives."""

REMOVED: frozenset[str] = frozenset()
"""Known to Redis 7.4, refused by this line."""

RUNTIME_ONLY: frozenset[str] = frozenset()
"""Listed by ``CONFIG GET *`` but refused in a config file."""

LATER_PATCHES: dict[str, tuple[int, int | None]] = {"lua-enable-deprecated-api": (1, 1)}
"""Added after 8.0.2 within the line: release 8.0.6 has it (its src/config.c, Debian's redis_8.0.6.orig.tar.gz).
Accepted, but not by every patch release."""
