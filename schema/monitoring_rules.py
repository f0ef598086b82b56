"""Rules about a running server's state that no config file can show: evictions, rejected clients, replication
and cluster health, memory use, and whether the server is watched at all. They are judged by the Prometheus
alerts declared in ``schema/alerts.py`` (and, where a predicate exists, by `audit`)."""

from __future__ import annotations

from .rule import Rule, Scope, Severity

_SERVER = frozenset({Scope.SERVER})

MONITORING_RULES: tuple[Rule, ...] = (
    Rule(
        id="memory.usage",
        severity=Severity.WARNING,
        summary="Used memory should stay well below `maxmemory`",
        why="With `noeviction` Redis refuses every write once `maxmemory` is reached: Infisical can queue no "
        "secret sync, rotation or webhook job, and requests that take a lock fail. The warning leaves time to "
        "add memory or find what fills it (often completed jobs that are never removed).",
        fix="Find what grows (`redis-cli --bigkeys`, `INFO keyspace`), then raise `maxmemory` with the "
        "machine's RAM (a bigger `size:` tier), never by switching to an evicting policy.",
        scopes=_SERVER,
    ),
    Rule(
        id="memory.evictions",
        severity=Severity.ERROR,
        summary="Redis must never evict a key",
        why="An evicted key is a BullMQ job, lock or queue entry gone without a trace: a secret sync or rotation "
        "that never runs, a webhook that is never delivered. It only happens when the eviction policy is not "
        "`noeviction` and memory is full.",
        fix="CONFIG SET maxmemory-policy noeviction (and the same in the config file), then give Redis the "
        "memory it needs.",
        scopes=_SERVER,
    ),
    Rule(
        id="clients.rejected",
        severity=Severity.WARNING,
        summary="Redis must not turn clients away",
        why="A connection refused at `maxclients` is an Infisical pod, worker or BullMQ connection that cannot "
        "reach its queues; ioredis retries, so it shows as slow or stuck background jobs.",
        fix="Find the client that holds many connections (`CLIENT LIST`), or raise `maxclients` and the file "
        "descriptor limit of the Redis process.",
        scopes=_SERVER,
    ),
    Rule(
        id="replication.link",
        severity=Severity.ERROR,
        summary="Every replica must be linked to its master, and every master must have a replica",
        why="A replica without its master link serves stale data and cannot take over with the latest queue "
        "state; a master with no replica has nothing to fail over to, so losing it stops every background job.",
        fix="Check the replica's log and `INFO replication` (`master_link_status`), the network between the "
        "nodes and `masterauth`; restart or re-point the replica (`REPLICAOF host port`).",
        scopes=_SERVER,
    ),
    Rule(
        id="cluster.state",
        severity=Severity.ERROR,
        summary="The cluster state must be `ok` and all 16384 slots served",
        why="A cluster that is not `ok`, or has slots without a serving master, refuses commands for the keys "
        "hashed there: the BullMQ queues whose `{queue-name}` tag falls into those slots stop.",
        fix="`redis-cli --cluster check host:port`; bring back or fail over the master of the failing slots, "
        "then `redis-cli --cluster fix` for slots no node serves.",
        scopes=_SERVER,
    ),
    Rule(
        id="sentinel.health",
        severity=Severity.ERROR,
        summary="Every Sentinel must see its master up",
        why="Infisical asks the Sentinels where the master is. A master the Sentinels see down stops every "
        "background job until a failover finishes, and if none follows (no quorum), until someone steps in.",
        fix="`SENTINEL CKQUORUM <master>` on each Sentinel; bring back the Sentinels and the master (or let a "
        "failover finish), and check the Sentinels' `auth-pass` and network.",
        scopes=_SERVER,
    ),
    Rule(
        id="sentinel.replicas-seen",
        severity=Severity.WARNING,
        summary="Every Sentinel should see all the deployment's replicas",
        why="A replica the Sentinels do not see is a failure already spent: the next lost node may leave nothing "
        "to fail over to, and Infisical's queues stop with it.",
        fix="Start or re-point the missing replica; `SENTINEL REPLICAS <master>` shows which ones each Sentinel sees.",
        scopes=_SERVER,
    ),
    Rule(
        id="monitoring.up",
        severity=Severity.ERROR,
        summary="Every Redis node must be up and watched by its redis_exporter",
        why="A Redis that is down stops every Infisical background job and, in standalone mode, Infisical "
        "itself. An exporter that is down, or a deployment with no scraped target, makes every other alert "
        "silent.",
        fix="Start the Redis node (and read its log for why it stopped); check the exporter's process, its "
        "`--redis.addr` and password, and the Prometheus scrape job.",
        scopes=_SERVER,
    ),
    Rule(
        id="monitoring.config-metrics",
        severity=Severity.WARNING,
        summary="redis_exporter must export the server's config (`--include-config-metrics`)",
        why="`appendfsync`, `save`, `auto-aof-rewrite-percentage` and `no-appendfsync-on-rewrite` are only "
        "visible as `redis_config_key_value` / `redis_config_value` with this flag; without it the alerts on "
        "them can never fire.",
        fix="Run redis_exporter with `--include-config-metrics` (it keeps redacting passwords by default).",
        scopes=_SERVER,
    ),
)
