"""Rules only a running server can answer: what kind of server it is.

Declared here and added to ``RULES`` in ``schema/rules.py``; their predicates are in ``generator/rules/live.py``."""

from __future__ import annotations

from .rule import Rule, Scope, Severity

DRAGONFLY_FLAGS = "--default_lua_flags=allow-undeclared-keys (or --cluster_mode=emulated --lock_on_hashtags)"
"""What Dragonfly needs to run BullMQ's Lua scripts, which touch keys they do not declare."""

SERVER_RULES: tuple[Rule, ...] = (
    Rule(
        id="server.compatible",
        severity=Severity.ERROR,
        summary="The server must run BullMQ's Lua scripts as Redis does",
        why="Every BullMQ queue operation is a Lua script that touches keys it does not declare. Dragonfly "
        "refuses such scripts unless it is started with the flags below, so Infisical's background jobs fail "
        "from the first one (Kvrocks and Garnet are reported failing too).",
        fix=f"Dragonfly: {DRAGONFLY_FLAGS}; otherwise run Redis 6.2+ or Valkey.",
        scopes=frozenset({Scope.SERVER}),
    ),
)
