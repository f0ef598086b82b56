"""Source: a running server -> its effective settings, judged by the same rules as files, from what it says.

``CONFIG GET *`` gives the effective settings and ``ACL LIST`` the users (as ``user`` lines); ``INFO``
gives the version (``target``) and live facts (the persistence status fields). A server where CONFIG is
renamed, disabled or forbidden is judged from ``INFO`` alone, and the rules that needs are listed as not
judged. Every finding points at the server's URL without its password.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from generator.rules.config import PERSISTENCE_HEALTH_FIELDS
from generator.rules.engine import REGISTRY
from generator.schema.rules import Scope
from generator.schema.secrets import SECRET_DIRECTIVES, secret_values
from generator.schema.versions import ServerTarget
from generator.server.resp import (
    RedisClientError,
    RedisURL,
    ReplyError,
    RespConnection,
    choose_password,
    parse_info,
    string_pairs,
)
from generator.shapes.config import EffectiveConfig, Setting
from generator.shapes.finding import Location
from generator.sources.base import SourceResult

_VERSION = re.compile(r"^(\d+)\.(\d+)")

INFO_SETTINGS: dict[str, str] = {
    "appendonly": "aof_enabled",
    "maxmemory": "maxmemory",
    "maxmemory-policy": "maxmemory_policy",
}
"""Directives whose effective value INFO also shows (directive -> INFO field), for a server without CONFIG."""

JUDGED_FROM_INFO = frozenset(
    {
        "persistence.aof",
        "persistence.health",
        "memory.maxmemory",
        "memory.noeviction",
        "version.supported",
        "version.recommended",
    }
)
"""The rules INFO alone is enough for (plus auth.required when the audit connected without a password)."""


class AuditError(RedisClientError):
    """The server cannot be audited at all (e.g. INFO is disabled)."""


@dataclass
class AuditResult:
    source: SourceResult = field(default_factory=SourceResult)
    notes: list[str] = field(default_factory=list)
    target: ServerTarget | None = None


def server_target(info: Mapping[str, str]) -> ServerTarget | None:
    """Redis or Valkey line from INFO server (Valkey says ``server_name:valkey`` and ``valkey_version``)."""
    valkey = info.get("server_name", "").lower() == "valkey" or "valkey_version" in info
    version = info.get("valkey_version" if "valkey_version" in info else "redis_version", "")
    match = _VERSION.match(version)
    if match is None:
        return None
    return ServerTarget("valkey" if valkey else "redis", int(match[1]), int(match[2]))


def _server_rules() -> list[str]:
    return [rule_id for rule_id, entries in REGISTRY.items() if any(Scope.SERVER in e.rule.scopes for e in entries)]


def _config_settings(conn: RespConnection, where: Location) -> tuple[list[Setting] | None, str]:
    """``CONFIG GET *`` as settings, or None and the reason when the server does not allow it."""
    try:
        pairs = string_pairs(conn.command("CONFIG", "GET", "*"))
    except ReplyError as error:
        return None, error.code
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


def _acl_users(conn: RespConnection, where: Location) -> list[Setting] | None:
    """``ACL LIST`` lines (``user default on #<sha256> ~* +@all``) as ``user`` settings; None if not allowed."""
    try:
        reply = conn.command("ACL", "LIST")
    except ReplyError:
        return None
    lines = reply if isinstance(reply, list) else []
    return [Setting("user", tuple(line.split()[1:]), where, True) for line in lines if isinstance(line, str)]


def audit_server(conn: RespConnection, authenticated: bool) -> AuditResult:
    """Judge the server behind ``conn``. ``authenticated``: whether the connection sent a password."""
    where = Location(conn.display)
    try:
        info = parse_info(conn.command("INFO"))
    except ReplyError as error:
        raise AuditError(
            f"{conn.display}: INFO is not available ({error.code}); ioredis's ready check and BullMQ need it, "
            "so Infisical cannot use this server either"
        ) from None
    if info.get("redis_mode") == "sentinel":
        raise AuditError(
            f"{conn.display} is a Sentinel, which holds no data: audit the master and replicas it monitors "
            "(SENTINEL MASTERS and SENTINEL REPLICAS <name> list them)"
        )
    result = AuditResult(target=server_target(info))
    title = result.target.title if result.target else "an unknown server version"
    version = info.get("valkey_version") or info.get("redis_version", "?")
    result.notes.append(f"{conn.display}: {title} ({version}), role {info.get('role', '?')}")
    health = [Setting(name, (info[name],), where) for name in PERSISTENCE_HEALTH_FIELDS if name in info]
    settings, refused = _config_settings(conn, where)
    judged: frozenset[str] | None = None
    if settings is None:
        settings = _info_settings(info, where)
        judged = JUDGED_FROM_INFO | ({"auth.required"} if not authenticated else set())
        not_judged = sorted(set(_server_rules()) - judged)
        result.notes.append(
            f"CONFIG GET is not available ({refused}): judged from INFO only; not judged: {', '.join(not_judged)}"
        )
    else:
        users = _acl_users(conn, where)
        if users is not None:
            settings += users
        elif authenticated:
            judged = frozenset(_server_rules()) - {"auth.required"}
            result.notes.append("ACL LIST is not available: auth.required not judged")
    skipped = set(_server_rules()) - judged if judged is not None else set()
    all_settings = [*settings, *health]
    cfg = EffectiveConfig.of(all_settings, where, scope=Scope.SERVER, target=result.target, not_judged=skipped)
    result.source.subjects.append(cfg)
    result.source.secrets |= {v for s in all_settings for v in secret_values(s.name, s.args)}
    return result


def audit_url(
    url_text: str,
    *,
    environ: Mapping[str, str],
    password_env: str | None = None,
    ca_file: str | None = None,
    insecure: bool = False,
    timeout: float = 5.0,
) -> AuditResult:
    """Connect (raises RedisClientError subclasses with safe messages), then audit."""
    url = RedisURL.parse(url_text)
    password = choose_password(url, password_env, environ)
    with RespConnection.open(url, password=password, ca_file=ca_file, insecure=insecure, timeout=timeout) as conn:
        return audit_server(conn, authenticated=password is not None)
