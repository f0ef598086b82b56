"""The catalogue of rules: each one declared once, and read by the docs, `validate`, `check` and `audit`.

A rule's predicate lives in ``generator/rules/`` under the same id; a test keeps the two sets equal. Rules
about the input itself (unreadable files, YAML errors, unknown keys) are in ``schema/input_rules.py``.
"""

from __future__ import annotations

from .chart_rules import CHART_RULES
from .compose_rules import COMPOSE_RULES
from .input_rules import INPUT_RULES
from .monitoring_rules import MONITORING_RULES
from .rule import ALL_SCOPES, Rule, Scope, Severity
from .server_rules import SERVER_RULES
from .versions import SUPPORTED_TARGETS

_KNOWN_LINES = ", ".join(target.spelling for target in SUPPORTED_TARGETS)
_NEWEST_REDIS = max(target for target in SUPPORTED_TARGETS if target.family == "redis").spelling

_QUEUE_LOSS = (
    "Pending background jobs are lost: secret syncs to third-party integrations, secret rotations and webhook "
    "deliveries do not complete, silently, and there is no way to replay them from PostgreSQL."
)

CATALOGUE: tuple[Rule, ...] = (
    Rule(
        id="persistence.aof",
        severity=Severity.ERROR,
        summary="AOF persistence must be on (`appendonly yes`)",
        why="Infisical keeps its BullMQ job queues in Redis. Without AOF a restart loses every write since the "
        f"last snapshot, or everything when snapshots are off. {_QUEUE_LOSS}",
        fix="appendonly yes",
    ),
    Rule(
        id="persistence.appendfsync",
        severity=Severity.WARNING,
        summary="`appendfsync` should be `everysec`",
        why="`everysec` loses at most about a second of writes when the whole machine fails, at about 70% of "
        "the throughput of no persistence. `always` halves throughput again; `no` leaves flushing to the OS "
        "(typically 30 s of writes at risk on a power loss).",
        fix="appendfsync everysec",
    ),
    Rule(
        id="persistence.rdb",
        severity=Severity.WARNING,
        summary="RDB snapshots should run as a second safety net",
        why="A snapshot is a compact point-in-time copy to back up and to recover from if the AOF is damaged. "
        '`save ""` turns snapshots off.',
        fix="save 3600 1\nsave 300 100\nsave 60 10000",
    ),
    Rule(
        id="persistence.aof-rewrite",
        severity=Severity.WARNING,
        summary="Automatic AOF rewrites must stay on",
        why="With `auto-aof-rewrite-percentage 0` the AOF only grows, until the volume is full and Redis stops "
        "accepting writes.",
        fix="auto-aof-rewrite-percentage 100\nauto-aof-rewrite-min-size 64mb",
    ),
    Rule(
        id="persistence.fsync-on-rewrite",
        severity=Severity.WARNING,
        summary="`no-appendfsync-on-rewrite` should be `no`",
        why="With `yes`, Redis stops fsyncing the AOF while a rewrite or snapshot runs: a machine failure then "
        "can lose far more than a second of queued jobs.",
        fix="no-appendfsync-on-rewrite no",
    ),
    Rule(
        id="persistence.health",
        severity=Severity.ERROR,
        summary="The server's last AOF write, AOF rewrite and RDB snapshot must have succeeded",
        why="`INFO persistence` says `err` after a failed write or fork (disk full, no memory for the fork, "
        "`dir` not writable). After a failed AOF write, or a failed snapshot with "
        "`stop-writes-on-bgsave-error yes` (the default), Redis refuses every write with `MISCONF`, so "
        "Infisical cannot queue jobs; after a failed AOF rewrite the AOF keeps growing, and an AOF being "
        "switched on is not in use yet.",
        fix="Find the cause in the server log (disk space, memory for the fork, permissions of `dir`), fix it, "
        "then run BGREWRITEAOF / BGSAVE and check `INFO persistence` again.",
        scopes=frozenset({Scope.SERVER}),
    ),
    Rule(
        id="memory.noeviction",
        severity=Severity.ERROR,
        summary="`maxmemory-policy` must be `noeviction`",
        why="Any other policy lets Redis delete keys under memory pressure, and BullMQ's lock and job keys carry "
        f"TTLs, so even `volatile-*` policies drop live queue state. {_QUEUE_LOSS} BullMQ itself says "
        "`noeviction` is the only setting that guarantees correct queues.",
        fix="maxmemory-policy noeviction",
    ),
    Rule(
        id="memory.maxmemory",
        severity=Severity.WARNING,
        summary="`maxmemory` should be set explicitly",
        why="With no limit Redis grows until the kernel's OOM killer ends it, or until the fork of an AOF "
        "rewrite fails. With `noeviction` and a limit, Redis refuses new writes with a clear error instead, "
        "and keeps every job it has.",
        fix="maxmemory <37.5% of the machine's RAM, see the sizing page>",
    ),
    Rule(
        id="memory.headroom",
        severity=Severity.WARNING,
        summary="`maxmemory` should leave room for the OS and the rewrite fork",
        why="The fork of `BGREWRITEAOF` / `BGSAVE` can need as much memory again as the dataset; a `maxmemory` "
        "above the tier's derived limit risks the OOM killer during a rewrite.",
        fix="memory.maxmemory: auto (or at most the tier's derived maxmemory)",
        scopes=frozenset({Scope.VALUES}),
    ),
    Rule(
        id="version.supported",
        severity=Severity.ERROR,
        summary="The server must be a Redis or Valkey line this project supports",
        why="Infisical needs Redis 6 or newer; BullMQ refuses Redis below 5. Directives differ between lines, "
        "so generated files are only right for a known line (Redis 6.2 or newer, Valkey 7.2 or newer).",
        fix=f'redis_version: "{_NEWEST_REDIS}" (known lines: {_KNOWN_LINES})',
    ),
    Rule(
        id="version.newer",
        severity=Severity.WARNING,
        summary="A line newer than the newest known one is judged as the newest known line",
        why="Each line's directives are read from its own sources. A newer line is generated for and judged "
        "with the newest known line's table: a directive it added is reported unknown, one it removed is "
        "not caught.",
        fix=f"Target a known line ({_KNOWN_LINES}), or update this tool.",
        scopes=frozenset({Scope.VALUES, Scope.SERVER}),
    ),
    Rule(
        id="version.image-tag",
        severity=Severity.WARNING,
        summary="A server image should pin its line (`redis:8.2.1`, not `redis`, `redis:latest` or `valkey/valkey:9`)",
        why="An untagged, `latest` or major-only image follows new releases: the next pull can start a newer "
        "line than the one the config was written and checked for, with directives it refuses or ignores. "
        "Infisical's own docker-compose file pulls the untagged `redis`. An untagged image is judged as the "
        "newest known line.",
        fix="image: redis:8.2.1-alpine (or the MAJOR.MINOR.PATCH of the line you generate for)",
        scopes=frozenset({Scope.CONF}),
    ),
    Rule(
        id="version.recommended",
        severity=Severity.WARNING,
        summary="Redis 6.2 or newer is recommended",
        why="Infisical recommends 6.2 as the minimum; BullMQ warns below it.",
        fix="Upgrade to Redis 6.2 or newer (7.x recommended).",
        scopes=frozenset({Scope.SERVER}),
    ),
    Rule(
        id="version.directive",
        severity=Severity.ERROR,
        summary="Every directive must exist in the target server line",
        why="Redis stops at start-up with `FATAL CONFIG FILE ERROR` on a directive it does not know, e.g. "
        "`appenddirname` or `enable-debug-command` on 6.2.",
        fix="Remove the directive, or target a server line that has it.",
        scopes=frozenset({Scope.VALUES, Scope.CONF}),
    ),
    Rule(
        id="conf.arity",
        severity=Severity.ERROR,
        summary="Every directive line must have as many arguments as the server line accepts",
        why="Redis reads a config line as words and knows how many each directive takes (one for most). It has "
        "no trailing comments: a `#` after a directive is one more argument, so `maxmemory 2gb # leave room` "
        "stops the server at start-up with `wrong number of arguments` and `save 900 1 # snap` with `Invalid "
        "save parameters`. The counts come from each line's own `src/config.c`.",
        fix="Put a comment on a line of its own (`# leave room`, then `maxmemory 2gb`); give a directive the "
        "arguments it takes.",
        scopes=frozenset({Scope.CONF}),
    ),
    Rule(
        id="commands.required",
        severity=Severity.ERROR,
        summary="Commands Infisical, BullMQ and Sentinel need must not be renamed or disabled",
        why="ioredis's ready check and BullMQ send INFO; BullMQ runs every queue operation as a Lua script "
        "(EVAL, EVALSHA, SCRIPT); Sentinel needs CONFIG, REPLICAOF, PING, PUBLISH, SUBSCRIBE, MULTI and EXEC.",
        fix="Drop the `rename-command` line; restrict commands with ACLs instead.",
        scopes=frozenset({Scope.VALUES, Scope.CONF}),
    ),
    Rule(
        id="auth.required",
        severity=Severity.WARNING,
        summary="Redis should require a password",
        why="Redis holds Infisical's sessions and job payloads; anyone who reaches the port can read them or "
        "FLUSHALL the queues.",
        fix="requirepass <32+ random letters and digits> (auth.enabled: true in a values file)",
    ),
    Rule(
        id="auth.placeholder",
        severity=Severity.ERROR,
        summary="A password placeholder from the generator is still in place",
        why="Generated files carry `replace-me-...` placeholders instead of real passwords. Deployed as-is, "
        "the password is public.",
        fix="Pass the real password at start-up, or render with `--resolve-secrets`.",
        scopes=frozenset({Scope.CONF, Scope.SERVER}),
    ),
    Rule(
        id="auth.literal-password",
        severity=Severity.ERROR,
        summary="A values file names where a password comes from, never the password itself",
        why="Values files are committed and reviewed; a password in one is a leaked password.",
        fix="auth.password: {env: REDIS_PASSWORD} or {secret: {name: redis, key: redis-password}}",
        scopes=frozenset({Scope.VALUES}),
    ),
    Rule(
        id="auth.password-strength",
        severity=Severity.WARNING,
        summary="Passwords should be 32 or more random letters and digits",
        why="Such a password needs no escaping in redis.conf, survives Sentinel's unquoted rewrite of its "
        "config file, and needs no percent-encoding in a `redis://` URL.",
        fix="python -m generator password",
        scopes=frozenset({Scope.CONF}),
    ),
    Rule(
        id="auth.sentinel-rewrite",
        severity=Severity.ERROR,
        summary="Sentinel passwords must survive Sentinel's own config rewrite",
        why="Sentinel writes `auth-pass`, `auth-user`, `sentinel-pass` and `sentinel-user` back unquoted: a "
        "value with a space, quote or backslash works on the first start and breaks the restart after the "
        "first failover.",
        fix="Use a password of letters and digits only (python -m generator password).",
        scopes=frozenset({Scope.CONF}),
    ),
    Rule(
        id="network.exposed",
        severity=Severity.ERROR,
        summary="A server without a password must not switch protected mode off",
        why="`protected-mode no` with no password lets every host that reaches the port run any command.",
        fix="requirepass <password> (or protected-mode yes)",
        scopes=frozenset({Scope.CONF, Scope.SERVER}),
    ),
    Rule(
        id="tls.auth-clients",
        severity=Severity.ERROR,
        summary="With TLS on, `tls-auth-clients` must be `no` or `optional`",
        why="The default `yes` demands a client certificate; Infisical's Node client presents none, so it "
        "cannot connect at all.",
        fix="tls-auth-clients no",
    ),
    Rule(
        id="tls.ca",
        severity=Severity.ERROR,
        summary="With TLS on, a CA file or directory must be set",
        why="Redis does not use the system trust store: without `tls-ca-cert-file` or `tls-ca-cert-dir` it "
        "refuses to start with TLS.",
        fix="tls-ca-cert-file /tls/ca.crt",
        scopes=frozenset({Scope.VALUES, Scope.CONF}),
    ),
    Rule(
        id="mode.supported",
        severity=Severity.ERROR,
        summary="Mode must be standalone, sentinel or cluster",
        why="Active-Active geo-replication is not supported: its conflict-free merges break BullMQ's locks and "
        "job state. For several regions, run an independent Redis per region and Infisical's own "
        "replication between them.",
        fix="mode: standalone | sentinel | cluster",
        scopes=frozenset({Scope.VALUES}),
    ),
    Rule(
        id="mode.section",
        severity=Severity.ERROR,
        summary="The mode's own section must be present, and no other mode's",
        why="`sentinel:` describes the Sentinel topology and `cluster:` the cluster nodes; a section for "
        "another mode is a sign the file says two different things.",
        fix="Keep only the section named by `mode`.",
        scopes=frozenset({Scope.VALUES}),
    ),
    Rule(
        id="ha.failover",
        severity=Severity.WARNING,
        summary="Production deployments should fail over automatically",
        why="A single Redis is a single point of failure for every background job. Use Sentinel, Cluster or a "
        "managed Redis with automatic failover.",
        fix="mode: sentinel (or a managed Redis with failover; then ignore_rules: [ha.failover])",
        scopes=frozenset({Scope.VALUES}),
    ),
    Rule(
        id="sentinel.quorum",
        severity=Severity.ERROR,
        summary="The Sentinel quorum must be reachable and a majority",
        why="A quorum above the number of Sentinels never fails over; one below a majority lets a minority "
        "partition promote a second master and split the queues.",
        fix="quorum = floor(sentinels / 2) + 1, e.g. 2 of 3",
        scopes=frozenset({Scope.VALUES, Scope.SERVER}),
    ),
    Rule(
        id="sentinel.count",
        severity=Severity.WARNING,
        summary="Run at least three Sentinels, on separate hosts",
        why="With fewer than three, losing one host can leave no majority to authorise a failover.",
        fix="Three Sentinels, quorum 2",
        scopes=frozenset({Scope.VALUES, Scope.SERVER}),
    ),
    Rule(
        id="cluster.masters",
        severity=Severity.ERROR,
        summary="A cluster needs at least three masters",
        why="`redis-cli --cluster create` refuses fewer, and a majority of masters must agree on a failover.",
        fix="At least 3 masters: nodes = masters x (1 + replicas_per_master)",
        scopes=frozenset({Scope.VALUES, Scope.SERVER}),
    ),
    Rule(
        id="cluster.replicas",
        severity=Severity.WARNING,
        summary="Every cluster master should have a replica",
        why="Without replicas a failed master takes its slots, and the queues hashed there, offline.",
        fix="cluster.replicas_per_master: 1",
        scopes=frozenset({Scope.VALUES, Scope.SERVER}),
    ),
    Rule(
        id="topology.same-port",
        severity=Severity.ERROR,
        summary="All data nodes share one port, and all Sentinels another",
        why="`build` writes one config file per role (master, replica, Sentinel, cluster node) for every host of "
        "that role, with the role's port in it. A node listed with a different port would listen on the "
        "wrong one, and Infisical, told the listed port, would lose that node without a word.",
        fix="Give every data node the same port (e.g. 6379) and every Sentinel the same port (e.g. 26379).",
        scopes=frozenset({Scope.VALUES}),
    ),
    Rule(
        id="topology.read-replicas",
        severity=Severity.ERROR,
        summary="`read_replicas` are what Infisical's mode reads them as",
        why="Infisical reads `REDIS_READ_REPLICAS` per mode: with `REDIS_URL` each entry is a replica, in Sentinel "
        "mode each entry is a Sentinel it asks for the master, in cluster mode a seed node. A data node given as "
        "a Sentinel answers no SENTINEL command, so the reads meant for it fail.",
        fix="Sentinel mode: list Sentinels (the `sentinel.sentinels` entries) or leave `read_replicas` empty.",
        scopes=frozenset({Scope.VALUES}),
    ),
    Rule(
        id="cluster.replicaof",
        severity=Severity.ERROR,
        summary="No `replicaof` in a cluster node's config",
        why="Redis refuses to start with `replicaof` and `cluster-enabled yes`; replicas are assigned by the "
        "cluster itself.",
        fix="Remove replicaof; use redis-cli --cluster create ... --cluster-replicas 1",
        scopes=frozenset({Scope.CONF}),
    ),
    Rule(
        id="env.infisical-startup",
        severity=Severity.ERROR,
        summary="Infisical's `.env` must pass its Redis start-up validation",
        why="Infisical checks its Redis variables when it starts and exits on a malformed `REDIS_URL`, a host "
        "list entry without a port, or a `REDIS_CLUSTER_ENABLE_TLS` other than `true` / `false`; docker "
        "compose cuts a value at an unquoted `#` and expands `$`. A variable Infisical does not read (a "
        "misspelt name, `REDIS_PASSWORD` next to `REDIS_URL`) is silently ignored.",
        fix="REDIS_URL=redis://:<password>@<host>:6379 (percent-encode reserved characters in the password), "
        "or the Sentinel / Cluster variables; see the environment variable reference.",
        scopes=frozenset({Scope.CONF}),
    ),
)

RULES: tuple[Rule, ...] = (*CATALOGUE, *CHART_RULES, *COMPOSE_RULES, *SERVER_RULES, *MONITORING_RULES, *INPUT_RULES)
RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}

__all__ = ["ALL_SCOPES", "RULES", "RULES_BY_ID", "Rule", "Scope", "Severity", "rule"]


def rule(rule_id: str) -> Rule:
    return RULES_BY_ID[rule_id]
