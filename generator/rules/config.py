"""Predicates of the rules that judge Redis / Sentinel settings, from any input: values, files, servers."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.rules.engine import Hit, predicate
from generator.schema.fields import PLACEHOLDER_PREFIX
from generator.schema.units import parse_redis_memory
from generator.schema.versions import (
    ABSOLUTE_MINIMUM,
    RECOMMENDED_MINIMUM,
    REDIS_DIRECTIVES,
    SUPPORTED_TARGETS,
    match_target,
)
from generator.shapes.config import EffectiveConfig, Setting

REQUIRED_COMMANDS = ("INFO", "EVAL", "EVALSHA", "SCRIPT", "CLIENT")
SENTINEL_COMMANDS = ("CONFIG", "SLAVEOF", "REPLICAOF", "PING", "PUBLISH", "SUBSCRIBE", "MULTI", "EXEC")
STRONG_PASSWORD = re.compile(r"^[A-Za-z0-9]{32,}$")
REWRITE_SAFE = re.compile(r"^[A-Za-z0-9._~!$%&*+,/:;=?@^`|-]+$")


def _data_node(cfg: EffectiveConfig) -> bool:
    return cfg.kind == "redis"


@predicate("persistence.aof", EffectiveConfig)
def _aof(cfg: EffectiveConfig) -> Iterator[Hit]:
    if _data_node(cfg) and cfg.value("appendonly") != "yes":
        state = "is 'no'" if cfg.last("appendonly") else "is not set (Redis's default is 'no')"
        yield Hit(
            cfg.where("appendonly"),
            f"appendonly {state}; a restart loses Infisical's queued jobs",
        )


@predicate("persistence.appendfsync", EffectiveConfig)
def _appendfsync(cfg: EffectiveConfig) -> Iterator[Hit]:
    value = cfg.value("appendfsync")
    if _data_node(cfg) and cfg.value("appendonly") == "yes" and value != "everysec":
        yield Hit(
            cfg.where("appendfsync"),
            f"appendfsync is '{value}'; 'everysec' is the recommended balance",
        )


@predicate("persistence.rdb", EffectiveConfig)
def _rdb(cfg: EffectiveConfig) -> Iterator[Hit]:
    if not _data_node(cfg):
        return
    saves = cfg.all("save")
    if cfg.live:
        off = cfg.value("save").strip() == ""
    else:
        off = bool(saves) and all(not s.args or s.args == ("",) for s in saves[-1:])
    if off:
        yield Hit(cfg.where("save"), 'RDB snapshots are off (save "")')
    for setting in saves:
        if not cfg.live and len(setting.args) > 2:
            target = cfg.target
            if target is not None and target.redis_level < (7, 0):
                yield Hit(
                    setting.where,
                    "several save pairs on one line: Redis 6.2 turns snapshots off; one pair per line",
                )


@predicate("persistence.aof-rewrite", EffectiveConfig)
def _aof_rewrite(cfg: EffectiveConfig) -> Iterator[Hit]:
    if _data_node(cfg) and cfg.value("auto-aof-rewrite-percentage") == "0":
        yield Hit(
            cfg.where("auto-aof-rewrite-percentage"),
            "auto-aof-rewrite-percentage is 0: the AOF grows until the disk is full",
        )


@predicate("persistence.fsync-on-rewrite", EffectiveConfig)
def _fsync_on_rewrite(cfg: EffectiveConfig) -> Iterator[Hit]:
    if _data_node(cfg) and cfg.value("no-appendfsync-on-rewrite") == "yes":
        yield Hit(
            cfg.where("no-appendfsync-on-rewrite"),
            "no-appendfsync-on-rewrite is 'yes': no fsync while a rewrite runs",
        )


PERSISTENCE_HEALTH_FIELDS = {
    "aof_last_write_status": "the last write to the AOF failed: Redis refuses writes (MISCONF)",
    "aof_last_bgrewrite_status": "the last AOF rewrite failed",
    "rdb_last_bgsave_status": "the last RDB snapshot failed",
}
"""``INFO persistence`` fields a live server's config carries as settings (underscore names, so they never
clash with a directive), and what ``err`` in each means."""


@predicate("persistence.health", EffectiveConfig)
def _persistence_health(cfg: EffectiveConfig) -> Iterator[Hit]:
    if not cfg.live:
        return
    for name, meaning in PERSISTENCE_HEALTH_FIELDS.items():
        setting = cfg.last(name)
        if setting is not None and setting.value == "err":
            yield Hit(setting.where, f"{name}:err: {meaning}; see the server log")


@predicate("memory.noeviction", EffectiveConfig)
def _noeviction(cfg: EffectiveConfig) -> Iterator[Hit]:
    policy = cfg.value("maxmemory-policy")
    if _data_node(cfg) and policy != "noeviction":
        yield Hit(
            cfg.where("maxmemory-policy"),
            f"maxmemory-policy is '{policy}'; Infisical's queues need 'noeviction'",
        )


@predicate("memory.maxmemory", EffectiveConfig)
def _maxmemory(cfg: EffectiveConfig) -> Iterator[Hit]:
    if not _data_node(cfg):
        return
    try:
        limit = parse_redis_memory(cfg.value("maxmemory") or "0")
    except ValueError:
        return
    if limit == 0:
        yield Hit(
            cfg.where("maxmemory"),
            "maxmemory is not set: Redis grows until the OOM killer stops it",
        )


@predicate("version.directive", EffectiveConfig)
def _directives(cfg: EffectiveConfig) -> Iterator[Hit]:
    if cfg.live or cfg.kind == "sentinel":
        return
    target = cfg.target
    table = None if target is None else target.directives()
    for setting in cfg.settings:
        name = setting.name
        if table is not None and table.knows(name):
            continue  # the common case needs the target's table only, not every line's
        if name not in REDIS_DIRECTIVES:
            from difflib import get_close_matches  # only for a name that is not known

            hint = get_close_matches(name, REDIS_DIRECTIVES, n=1)
            if hint:
                message = f"unknown directive '{name}'; did you mean '{hint[0]}'?"
            else:  # may be a value that slipped onto a line of its own, e.g. a password: never echo it
                message = "unknown directive (not shown: it matches no directive and may be a value)"
            yield Hit(setting.where, message)
        elif target is not None and target.judged_as is not None:
            supported = [t.spelling for t in SUPPORTED_TARGETS if t.has_directive(name)]
            yield Hit(
                setting.where,
                f"'{name}' does not exist in {target.title} (only in {', '.join(supported)})",
            )


@predicate("version.supported", EffectiveConfig)
def _version_supported(cfg: EffectiveConfig) -> Iterator[Hit]:
    if cfg.target is not None and cfg.live and cfg.target.redis_level < ABSOLUTE_MINIMUM:
        yield Hit(
            cfg.origin,
            f"{cfg.target.title} is older than Infisical supports (6.x or 7.x)",
        )


@predicate("version.newer", EffectiveConfig)
def _version_newer(cfg: EffectiveConfig) -> Iterator[Hit]:
    if cfg.target is not None and cfg.live:
        matched = match_target(cfg.target)
        if matched.newer_than_known and matched.warning:
            yield Hit(cfg.origin, matched.warning)


@predicate("version.recommended", EffectiveConfig)
def _version_recommended(cfg: EffectiveConfig) -> Iterator[Hit]:
    target = cfg.target
    if target is not None and cfg.live and ABSOLUTE_MINIMUM <= target.redis_level < RECOMMENDED_MINIMUM:
        yield Hit(cfg.origin, f"{target.title} is below the recommended 6.2")


@predicate("commands.required", EffectiveConfig)
def _commands(cfg: EffectiveConfig) -> Iterator[Hit]:
    needed = set(REQUIRED_COMMANDS) | set(SENTINEL_COMMANDS)
    for setting in cfg.all("rename-command"):
        if setting.args and setting.args[0].upper() in needed:
            command = setting.args[0].upper()
            how = "disabled" if len(setting.args) > 1 and setting.args[1] == "" else "renamed"
            yield Hit(setting.where, f"{command} is {how}; Infisical needs it")


def _passwords(cfg: EffectiveConfig) -> Iterator[tuple[str, str, Setting]]:
    """(what, password, setting) for every password the config carries."""
    for setting in cfg.settings:
        name, args = setting.name, setting.args
        if name in ("requirepass", "masterauth", "primaryauth") and args and args[0]:
            yield name, args[0], setting
        elif name == "user":
            yield from ((f"user {args[0]}", arg[1:], setting) for arg in args[1:] if arg.startswith(">"))
        elif name == "sentinel" and len(args) >= 2 and args[0].lower() in ("auth-pass", "sentinel-pass"):
            yield f"sentinel {args[0].lower()}", args[-1], setting


def _has_password(cfg: EffectiveConfig) -> bool:
    if cfg.value("requirepass"):
        return True
    return any(
        s.args and s.args[0] == "default" and any(a.startswith((">", "#")) for a in s.args) for s in cfg.all("user")
    )


@predicate("auth.required", EffectiveConfig)
def _auth_required(cfg: EffectiveConfig) -> Iterator[Hit]:
    if not _data_node(cfg):
        return
    if _has_password(cfg):
        return
    users = cfg.all("user")
    if any(s.args[:2] == ("default", "off") for s in users):
        return
    yield Hit(cfg.where("requirepass"), "no password is required to connect")


@predicate("auth.placeholder", EffectiveConfig)
def _placeholder(cfg: EffectiveConfig) -> Iterator[Hit]:
    for what, value, setting in _passwords(cfg):
        if PLACEHOLDER_PREFIX in value:
            yield Hit(setting.where, f"{what} is still the generator's placeholder")


@predicate("auth.password-strength", EffectiveConfig)
def _strength(cfg: EffectiveConfig) -> Iterator[Hit]:
    for what, value, setting in _passwords(cfg):
        if PLACEHOLDER_PREFIX not in value and not STRONG_PASSWORD.match(value):
            yield Hit(setting.where, f"{what} is not 32+ letters and digits")


@predicate("auth.sentinel-rewrite", EffectiveConfig)
def _sentinel_rewrite(cfg: EffectiveConfig) -> Iterator[Hit]:
    if cfg.kind != "sentinel":
        return
    for setting in cfg.all("sentinel"):
        sub = setting.args[0].lower() if setting.args else ""
        rewritten = sub in ("auth-pass", "auth-user", "sentinel-pass", "sentinel-user") and len(setting.args) >= 2
        if rewritten and not REWRITE_SAFE.match(setting.args[-1]):
            yield Hit(
                setting.where,
                f"sentinel {sub} has characters Sentinel's unquoted rewrite breaks",
            )


@predicate("network.exposed", EffectiveConfig)
def _exposed(cfg: EffectiveConfig) -> Iterator[Hit]:
    if _data_node(cfg) and cfg.value("protected-mode") == "no" and not _has_password(cfg):
        yield Hit(cfg.where("protected-mode"), "protected-mode is off and no password is set")


def _tls_on(cfg: EffectiveConfig) -> bool:
    return cfg.value("tls-port") not in ("", "0")


@predicate("tls.auth-clients", EffectiveConfig)
def _tls_auth_clients(cfg: EffectiveConfig) -> Iterator[Hit]:
    if _tls_on(cfg) and cfg.value("tls-auth-clients") == "yes":
        state = "is 'yes'" if cfg.last("tls-auth-clients") else "is not set (Redis's default is 'yes')"
        yield Hit(
            cfg.where("tls-auth-clients"),
            f"tls-auth-clients {state}: Infisical presents no client certificate",
        )


@predicate("tls.ca", EffectiveConfig)
def _tls_ca(cfg: EffectiveConfig) -> Iterator[Hit]:
    if _tls_on(cfg) and not cfg.value("tls-ca-cert-file") and not cfg.value("tls-ca-cert-dir"):
        empty = cfg.last("tls-ca-cert-file") or cfg.last("tls-ca-cert-dir")
        where = empty.where if empty is not None else cfg.where("tls-port")
        yield Hit(where, "TLS is on but no tls-ca-cert-file or tls-ca-cert-dir")


@predicate("cluster.replicaof", EffectiveConfig)
def _cluster_replicaof(cfg: EffectiveConfig) -> Iterator[Hit]:
    if cfg.value("cluster-enabled") == "yes":
        for setting in [*cfg.all("replicaof"), *cfg.all("slaveof")]:
            yield Hit(setting.where, "replicaof in a cluster node stops Redis at start")
