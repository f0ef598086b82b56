"""Rules about Helm chart values, Sentinel configs and the passwords people copy from published examples.

Declared here and added to ``RULES`` in ``schema/rules.py``; their predicates are in ``generator/rules/charts.py``
(and ``generator/rules/env.py`` for Infisical's environment)."""

from __future__ import annotations

from .rule import Rule, Scope, Severity

PUBLISHED_PASSWORDS: dict[str, str] = {
    "mysecretpassword": "the default `redis.auth.password` of Infisical's Helm chart",
    "123456": "the password of Infisical's docker-swarm example",
}
"""Passwords printed in Infisical's own examples (lower-cased): anyone can read them, so they protect nothing."""

_CHART = frozenset({Scope.CONF})

CHART_RULES: tuple[Rule, ...] = (
    Rule(
        id="auth.published-password",
        severity=Severity.ERROR,
        summary="No password copied from a published example, and no empty password",
        why="`mysecretpassword` (the default of Infisical's Helm chart) and `123456` (its docker-swarm example) "
        "are printed in public files, so every scanner tries them; `ALLOW_EMPTY_PASSWORD=yes` runs Redis with no "
        "password at all. Whoever reaches the port reads Infisical's sessions and job payloads or empties its "
        "queues.",
        fix="python -m generator password, then set it everywhere the old one was (the chart's "
        "`auth.password` or an `auth.existingSecret`, `requirepass` / `masterauth`, `REDIS_URL`).",
        scopes=frozenset({Scope.CONF, Scope.SERVER}),
    ),
    Rule(
        id="sentinel.password",
        severity=Severity.ERROR,
        summary="A Sentinel must require a password",
        why="Sentinel always runs with protected mode off. Without `requirepass` in sentinel.conf anyone who "
        "reaches its port can run `SENTINEL SET` or `SENTINEL FAILOVER` and re-point the master Infisical is "
        "sent to, at a server of their own.",
        fix="requirepass <32+ random letters and digits> in sentinel.conf, and REDIS_SENTINEL_PASSWORD in "
        "Infisical's environment",
        scopes=frozenset({Scope.CONF, Scope.SERVER}),
    ),
    Rule(
        id="chart.persistence",
        severity=Severity.ERROR,
        summary="The chart's data volume must stay on",
        why="With `persistence.enabled: false` the chart mounts an `emptyDir`: the AOF lives in the pod and is "
        "gone with it, so a rescheduled or restarted pod starts empty and Infisical's queued jobs are lost.",
        fix="master.persistence.enabled: true (replica.persistence / primary.persistence likewise)",
        scopes=_CHART,
    ),
    Rule(
        id="chart.architecture",
        severity=Severity.ERROR,
        summary="Sentinel needs the `replication` architecture",
        why="With `architecture: standalone` the chart runs one Redis and no Sentinel: `sentinel.enabled: true` "
        "is ignored and nothing fails over.",
        fix="architecture: replication (with sentinel.enabled: true), or drop sentinel.enabled",
        scopes=_CHART,
    ),
    Rule(
        id="chart.image",
        severity=Severity.ERROR,
        summary="The chart's image must still pull",
        why="Bitnami moved its free images: `docker.io/bitnami/redis` tags are gone and pods stay in "
        "`ImagePullBackOff`; the old ones live on as `bitnamilegacy/*` (what Infisical's chart uses).",
        fix="image.repository: bitnamilegacy/redis (with global.security.allowInsecureImages: true on newer "
        "charts), or an image you mirror yourself",
        scopes=_CHART,
    ),
    Rule(
        id="chart.dead-key",
        severity=Severity.WARNING,
        summary="No key the chart version no longer reads",
        why="Keys from older chart versions (`usePassword`, `cluster.enabled` of the Bitnami redis chart before "
        "14) are ignored by the chart Infisical pins: the setting they were meant to change does not apply.",
        fix="Use the key the message names (e.g. `auth.enabled`), or remove the key.",
        scopes=_CHART,
    ),
    Rule(
        id="env.run-modes",
        severity=Severity.WARNING,
        summary="Some Infisical instance must run the workers",
        why="`INFISICAL_RUN_MODES` without `general-workers` starts no BullMQ worker: secret syncs, rotations "
        "and webhooks are queued in Redis and nothing consumes them, while only a log line says so.",
        fix="INFISICAL_RUN_MODES=api,general-workers (or leave it unset: all modes), or run a worker fleet",
        scopes=_CHART,
    ),
    Rule(
        id="chart.infisical-url",
        severity=Severity.ERROR,
        summary="Infisical's chart takes its Redis password from `redis.auth.password` only, unencoded",
        why="Infisical's chart writes `REDIS_URL=redis://default:<redis.auth.password>@redis-master:6379` into the "
        "Infisical pod itself. With `redis.auth.existingSecret` the bundled Redis uses the Secret's password, "
        "but Infisical still sends `redis.auth.password` (the chart's `mysecretpassword` unless you set it) and "
        "fails with WRONGPASS. The password goes into the URL as written, without percent-encoding: an `@`, `:`, "
        "`/`, `#` or `%` in it breaks the URL and Infisical does not start.",
        fix="Set redis.auth.password (from your secret tooling) and drop redis.auth.existingSecret, or run Redis "
        "outside the chart (redis.enabled: false) and put REDIS_URL in the infisical-secrets Secret.",
        scopes=_CHART,
    ),
    Rule(
        id="chart.topology",
        severity=Severity.ERROR,
        summary="The chart's node counts must allow a failover",
        why="With Sentinel, Bitnami's chart runs one Sentinel beside each of `replica.replicaCount` nodes. A "
        "failover needs a majority of all Sentinels: with two nodes, the Sentinel left when one node dies is no "
        "majority, and a single node has nothing to fail over to; a `sentinel.quorum` above the number of "
        "Sentinels never agrees that the master is down. `redis-cluster` needs at least three masters "
        "(`cluster.nodes` / (1 + `cluster.replicas`)) and a replica for each, or a failed master takes its slots "
        "and the queues hashed there offline.",
        fix="replica.replicaCount: 3 with sentinel.quorum: 2; cluster.nodes: 6 with cluster.replicas: 1",
        scopes=_CHART,
    ),
)
