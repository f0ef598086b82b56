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
)
