"""Redis 6.2 directives, read from ``src/config.c`` of redis/redis.

Source: git tag 6.2.16 (6.2.5 gives the same table).
The standard config table plus the names ``loadServerConfigFromString`` handles itself.
"""

REPOSITORY = "redis/redis"
TAG = "6.2.16"

EXACTLY_ONE = """
acl-pubsub-default aclfile acllog-max-len active-defrag-cycle-max active-defrag-cycle-min
active-defrag-ignore-bytes active-defrag-max-scan-fields active-defrag-threshold-lower
active-defrag-threshold-upper active-expire-effort activedefrag activerehashing always-show-logo
aof-load-truncated aof-rewrite-incremental-fsync aof-use-rdb-preamble aof_rewrite_cpulist appendfilename
appendfsync appendonly auto-aof-rewrite-min-size auto-aof-rewrite-percentage bgsave_cpulist bio_cpulist
client-query-buffer-limit cluster-allow-reads-when-down cluster-allow-replica-migration
cluster-announce-bus-port cluster-announce-ip cluster-announce-port cluster-announce-tls-port
cluster-config-file cluster-enabled cluster-migration-barrier cluster-node-timeout cluster-replica-no-failover
cluster-replica-validity-factor cluster-require-full-coverage crash-log-enabled crash-memcheck-enabled daemonize
databases dbfilename dir disable-thp dynamic-hz gopher-enabled hash-max-ziplist-entries hash-max-ziplist-value
hll-sparse-max-bytes hz ignore-warnings include io-threads io-threads-do-reads jemalloc-bg-thread key-load-delay
latency-monitor-threshold lazyfree-lazy-eviction lazyfree-lazy-expire lazyfree-lazy-server-del
lazyfree-lazy-user-del lazyfree-lazy-user-flush lfu-decay-time lfu-log-factor list-compress-depth
list-max-ziplist-entries list-max-ziplist-size list-max-ziplist-value logfile loglevel lua-replicate-commands
lua-time-limit masterauth masteruser maxclients maxmemory maxmemory-eviction-tenacity maxmemory-policy
maxmemory-samples min-replicas-max-lag min-replicas-to-write no-appendfsync-on-rewrite notify-keyspace-events
oom-score-adj pidfile port proc-title-template protected-mode proto-max-bulk-len rdb-del-sync-files
rdb-key-save-delay rdb-save-incremental-fsync rdbchecksum rdbcompression repl-backlog-size repl-backlog-ttl
repl-disable-tcp-nodelay repl-diskless-load repl-diskless-sync repl-diskless-sync-delay repl-ping-replica-period
repl-timeout replica-announce-ip replica-announce-port replica-announced replica-ignore-maxmemory
replica-lazy-flush replica-priority replica-read-only replica-serve-stale-data requirepass sanitize-dump-payload
server_cpulist set-max-intset-entries set-proc-title slowlog-log-slower-than slowlog-max-len
stop-writes-on-bgsave-error stream-node-max-bytes stream-node-max-entries supervised syslog-enabled
syslog-facility syslog-ident tcp-backlog tcp-keepalive timeout tls-auth-clients tls-ca-cert-dir tls-ca-cert-file
tls-cert-file tls-ciphers tls-ciphersuites tls-client-cert-file tls-client-key-file tls-client-key-file-pass
tls-cluster tls-dh-params-file tls-key-file tls-key-file-pass tls-port tls-prefer-server-ciphers tls-protocols
tls-replication tls-session-cache-size tls-session-cache-timeout tls-session-caching tracking-table-max-keys
unixsocket unixsocketperm use-exit-on-panic zset-max-ziplist-entries zset-max-ziplist-value
"""
"""Directives that take exactly one argument."""

ARITY: dict[str, tuple[int, int | None]] = {
    "bind": (1, 16),
    "client-output-buffer-limit": (4, 4),
    "loadmodule": (1, None),
    "oom-score-adj-values": (3, 3),
    "rename-command": (2, 2),
    "replicaof": (2, 2),
    "save": (0, None),
    "sentinel": (0, None),
    "user": (1, None),
}
"""The other directives: (fewest, most or None for no limit) arguments after the name."""

ALIASES: dict[str, str] = {
    "cluster-slave-no-failover": "cluster-replica-no-failover",
    "cluster-slave-validity-factor": "cluster-replica-validity-factor",
    "min-slaves-max-lag": "min-replicas-max-lag",
    "min-slaves-to-write": "min-replicas-to-write",
    "repl-ping-slave-period": "repl-ping-replica-period",
    "slave-announce-ip": "replica-announce-ip",
    "slave-announce-port": "replica-announce-port",
    "slave-ignore-maxmemory": "replica-ignore-maxmemory",
    "slave-lazy-flush": "replica-lazy-flush",
    "slave-priority": "replica-priority",
    "slave-read-only": "replica-read-only",
    "slave-serve-stale-data": "replica-serve-stale-data",
    "slaveof": "replicaof",
}
"""Accepted other spellings -> the directive they set."""

IGNORED: frozenset[str] = frozenset({"list-max-ziplist-entries", "list-max-ziplist-value"})
"""Accepted and then ignored: the server's list of deprecated directives."""

REMOVED: frozenset[str] = frozenset()
"""Known to no earlier line, refused by this line."""

RUNTIME_ONLY: frozenset[str] = frozenset({"watchdog-period"})
"""Listed by ``CONFIG GET *`` but refused in a config file."""
