"""Source: one running server -> its effective settings, judged by the same rules as files, from what it says.

``CONFIG GET *`` gives the effective settings and ``ACL LIST`` the users (as ``user`` lines); ``INFO``
tells which server it is (``generator.server.identify``), its version (``target``) and live facts (the
persistence status fields, its role and replicas). A server where CONFIG is renamed, disabled or forbidden
(managed services) is judged from ``INFO`` alone, the rules that needs are listed as not judged, and the
findings carry the provider's way to fix them. Every finding points at the server's URL without its password.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from generator.rules.config import PERSISTENCE_HEALTH_FIELDS
from generator.rules.engine import load_all_rules
from generator.rules.monitoring import MONITORED_INFO_FIELDS
from generator.schema.rules import Scope
from generator.schema.secrets import SECRET_DIRECTIVES, secret_values
from generator.server.connection import RedisClientError, ReplyError, ServerConnection, string_pairs
from generator.server.identify import ServerIdentity, identify, server_mode
from generator.shapes.config import EffectiveConfig, Setting
from generator.shapes.finding import Location
from generator.sources.base import Note, SourceResult

INFO_SETTINGS: dict[str, str] = {
    "appendonly": "aof_enabled",
    "maxmemory": "maxmemory",
    "maxmemory-policy": "maxmemory_policy",
}
"""Directives whose effective value INFO also shows (directive -> INFO field), for a server without CONFIG."""

LIVE_FACTS = tuple(dict.fromkeys((*PERSISTENCE_HEALTH_FIELDS, *MONITORED_INFO_FIELDS)))
"""INFO fields a live server's config carries as settings (underscore names never clash with a directive)."""

JUDGED_FROM_INFO = frozenset(
    {
        "persistence.aof",
        "persistence.health",
        "memory.maxmemory",
        "memory.noeviction",
        "version.supported",
        "version.recommended",
        "version.newer",
        "server.compatible",
        "cluster.masters",
        "cluster.replicas",
        "cluster.state",
        "replication.link",
        "memory.usage",
        "memory.evictions",
        "clients.rejected",
    }
)
"""The rules INFO alone is enough for (plus auth.required when the audit connected without a password)."""

_KEYS = re.compile(r"(?:^|,)keys=(\d+)")

MIGRATE_AOF = (
    "the server holds {keys} key(s): run `infisical-redis migrate-aof --url ...` to switch AOF on without "
    "losing them; do NOT put 'appendonly yes' into the config file and restart: the server comes back EMPTY "
    "(it loads the new, empty AOF and skips dump.rdb)"
)
MANAGED_NOEVICTION = {
    "elasticache": "ElastiCache hides CONFIG: set maxmemory-policy noeviction in a custom parameter group "
    "(ElastiCache Serverless cannot be set to noeviction at all: it cannot hold Infisical's queues safely)",
    "": "CONFIG is not available here, as on managed services: set maxmemory-policy noeviction in the "
    "service's settings (ElastiCache: a custom parameter group; Memorystore and Azure Cache for Redis: the "
    "instance's Redis configuration); ElastiCache Serverless cannot be set to noeviction at all",
}
MANAGED_AOF = {
    "elasticache": "ElastiCache offers no AOF on current engines: replicate across availability zones "
    "(Multi-AZ with automatic failover) and keep daily backups instead",
    "": "CONFIG is not available here, as on managed services: switch persistence on in the service's "
    "settings (Memorystore: RDB or AOF persistence; Azure Cache for Redis: data persistence, Premium tier); "
    "where the service offers no AOF (ElastiCache), replicate across zones and keep backups",
}

DRAGONFLY_AOF = (
    "Dragonfly writes snapshots only and has no AOF: jobs queued since the last snapshot are lost on a restart; "
    "snapshot often (--snapshot_cron) or run Redis or Valkey with AOF"
)


class AuditError(RedisClientError):
    """The server cannot be audited at all (e.g. INFO is disabled)."""


@dataclass
class NodeAudit:
    """One server, ready for the engine, plus what to add to the findings' messages (rule id -> advice)."""

    display: str
    source: SourceResult = field(default_factory=SourceResult)
    advice: dict[str, str] = field(default_factory=dict)
    identity: ServerIdentity | None = None


def server_rules() -> list[str]:
    """The rules that judge a live data node's settings (those about Sentinels apart)."""
    return [
        rule_id
        for rule_id, entries in load_all_rules().items()
        if not rule_id.startswith("sentinel.")
        and any(e.subject is EffectiveConfig and Scope.SERVER in e.rule.scopes for e in entries)
    ]


def read_info(conn: ServerConnection) -> dict[str, str]:
    try:
        return conn.info()
    except ReplyError as error:
        raise AuditError(
            f"{conn.display}: INFO is not available ({error.text}); ioredis's ready check and BullMQ need it, "
            "so Infisical cannot use this server either"
        ) from None


def _config_settings(conn: ServerConnection, where: Location) -> tuple[list[Setting] | None, str]:
    """``CONFIG GET *`` as settings, or None and the reason when the server does not allow it."""
    try:
        pairs = string_pairs(conn.command("CONFIG", "GET", "*"))
    except ReplyError as error:
        return None, error.text.split(",", 1)[0]
    return [Setting(name.lower(), (value,), where, name.lower() in SECRET_DIRECTIVES) for name, value in pairs], ""


def _info_settings(info: Mapping[str, str], where: Location) -> list[Setting]:
    settings = []
    for name, info_field in INFO_SETTINGS.items():
        if info_field in info:
            value = info[info_field]
            if name == "appendonly":
                value = "yes" if value == "1" else "no"
            settings.append(Setting(name, (value,), where))
    return settings


def _acl_users(conn: ServerConnection, where: Location) -> list[Setting] | None:
    """``ACL LIST`` lines (``user default on #<sha256> ~* +@all``) as ``user`` settings; None if not allowed."""
    try:
        reply = conn.command("ACL", "LIST")
    except ReplyError:
        return None
    lines = reply if isinstance(reply, list) else []
    return [Setting("user", tuple(line.split()[1:]), where, True) for line in lines if isinstance(line, str)]


def _dragonfly_flags(conn: ServerConnection, where: Location) -> list[Setting]:
    """The Dragonfly flags BullMQ depends on, as ``dragonfly_<flag>`` settings (those CONFIG GET shows)."""
    found = []
    for flag in ("default_lua_flags", "cluster_mode", "lock_on_hashtags"):
        try:
            pairs = string_pairs(conn.command("CONFIG", "GET", flag))
        except (ReplyError, RedisClientError):
            continue
        found += [Setting(f"dragonfly_{name}", (value,), where) for name, value in pairs if name == flag]
    return found


def keys_held(info: Mapping[str, str]) -> int:
    """Keys in every database (``INFO keyspace``: ``db0:keys=12,expires=0,avg_ttl=0``)."""
    return sum(int(m[1]) for name, value in info.items() if name.startswith("db") for m in _KEYS.finditer(value))


def advice(identity: ServerIdentity, *, config: bool, keys: int) -> dict[str, str]:
    """What to add to a finding's message on this server (rule id -> advice): the provider's fix where CONFIG is
    refused, Dragonfly's lack of AOF, and the safe way to AOF on a server that holds keys."""
    if identity.product == "dragonfly":
        return {"persistence.aof": DRAGONFLY_AOF}
    if not config:
        provider = identity.provider or ""
        return {"memory.noeviction": MANAGED_NOEVICTION[provider], "persistence.aof": MANAGED_AOF[provider]}
    return {"persistence.aof": MIGRATE_AOF.format(keys=keys)} if keys else {}


def live_facts(info: Mapping[str, str], where: Location) -> list[Setting]:
    return [Setting(name, (info[name],), where) for name in LIVE_FACTS if name in info]


def audit_node(conn: ServerConnection, *, authenticated: bool, extra: Sequence[Setting] = ()) -> NodeAudit:
    """Judge the data node behind ``conn``. ``authenticated``: whether the connection sent a password;
    ``extra``: facts the caller knows about this node (its cluster's state)."""
    where = Location(conn.display)
    info = read_info(conn)
    if server_mode(info) == "sentinel":
        raise AuditError(
            f"{conn.display} is a Sentinel, which holds no data: audit the deployment with --sentinel "
            f"{conn.url.host}:{conn.url.port} --master-name NAME (SENTINEL MASTERS lists the names)"
        )
    identity = identify(info)
    result = NodeAudit(conn.display, identity=identity)
    notes = result.source.notes
    notes.append(Note(where, f"{identity.describe()}; role {info.get('role', '?')}"))
    if server_mode(info) == "cluster" and not extra:
        notes.append(Note(where, f"a cluster node: --cluster {conn.url.host}:{conn.url.port} judges every node"))
    if identity.product == "dragonfly":
        settings, refused = None, "Dragonfly's settings are not Redis directives"
    else:
        settings, refused = _config_settings(conn, where)
    judged: frozenset[str] | None = None
    if settings is None:
        settings = _info_settings(info, where)
        if identity.product == "dragonfly":
            settings += _dragonfly_flags(conn, where)
            settings.append(Setting("server_name", ("dragonfly",), where))
        judged = JUDGED_FROM_INFO | ({"auth.required"} if not authenticated else set())
        not_judged = sorted(set(server_rules()) - judged)
        skipped_rules = ", ".join(not_judged)
        refusal = f"CONFIG GET is not available ({refused}): judged from INFO only; not judged: {skipped_rules}"
        notes.append(Note(where, refusal))
    else:
        users = _acl_users(conn, where)
        if users is not None:
            settings += users
        elif authenticated:
            judged = frozenset(server_rules()) - {"auth.required"}
            notes.append(Note(where, "ACL LIST is not available: auth.required not judged"))
    result.advice = advice(identity, config=not refused, keys=keys_held(info))
    skipped = set(server_rules()) - judged if judged is not None else set()
    all_settings = [*settings, *live_facts(info, where), *extra]
    cfg = EffectiveConfig.of(
        all_settings, where, scope=Scope.SERVER, target=identity.target, not_judged=skipped, kind="redis"
    )
    result.source.subjects.append(cfg)
    result.source.secrets |= {v for s in all_settings for v in secret_values(s.name, s.args)}
    return result
