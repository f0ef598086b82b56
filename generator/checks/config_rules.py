"""Predicates of the rules that judge Redis / Sentinel settings. Each yields (rule id, message, location)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator

from generator.checks.effective import EffectiveConfig, Setting
from generator.findings import Finding, rule_finding
from schema.fields import PLACEHOLDER_PREFIX
from schema.rules import Scope
from schema.units import parse_redis_memory
from schema.versions import ABSOLUTE_MINIMUM, RECOMMENDED_MINIMUM, REDIS_DIRECTIVES, SUPPORTED_TARGETS

ConfigCheck = Callable[[EffectiveConfig], Iterator[Finding]]
CONFIG_CHECKS: dict[str, ConfigCheck] = {}

REQUIRED_COMMANDS = ("INFO", "EVAL", "EVALSHA", "SCRIPT", "CLIENT")
SENTINEL_COMMANDS = ("CONFIG", "SLAVEOF", "REPLICAOF", "PING", "PUBLISH", "SUBSCRIBE", "MULTI", "EXEC")
STRONG_PASSWORD = re.compile(r"^[A-Za-z0-9]{32,}$")
REWRITE_SAFE = re.compile(r"^[A-Za-z0-9._~!$%&*+,/:;=?@^`|-]+$")


def check(rule_id: str) -> Callable[[ConfigCheck], ConfigCheck]:
    def register(fn: ConfigCheck) -> ConfigCheck:
        CONFIG_CHECKS[rule_id] = fn
        return fn

    return register


def _data_node(cfg: EffectiveConfig) -> bool:
    return cfg.kind == "redis"


@check("persistence.aof")
def _aof(cfg: EffectiveConfig) -> Iterator[Finding]:
    if _data_node(cfg) and cfg.value("appendonly") != "yes":
        state = "is 'no'" if cfg.last("appendonly") else "is not set (Redis's default is 'no')"
        yield rule_finding(
            "persistence.aof",
            cfg.where("appendonly"),
            f"appendonly {state}; a restart loses Infisical's queued jobs",
        )


@check("persistence.appendfsync")
def _appendfsync(cfg: EffectiveConfig) -> Iterator[Finding]:
    value = cfg.value("appendfsync")
    if _data_node(cfg) and cfg.value("appendonly") == "yes" and value != "everysec":
        yield rule_finding(
            "persistence.appendfsync",
            cfg.where("appendfsync"),
            f"appendfsync is '{value}'; 'everysec' is the recommended balance",
        )


@check("persistence.rdb")
def _rdb(cfg: EffectiveConfig) -> Iterator[Finding]:
    if not _data_node(cfg):
        return
    saves = cfg.all("save")
    if cfg.live:
        off = cfg.value("save").strip() == ""
    else:
        off = bool(saves) and all(not s.args or s.args == ("",) for s in saves[-1:])
    if off:
        yield rule_finding("persistence.rdb", cfg.where("save"), 'RDB snapshots are off (save "")')
    for setting in saves:
        if not cfg.live and len(setting.args) > 2:
            target = cfg.target
            if target is not None and target.redis_level < (7, 0):
                yield rule_finding(
                    "persistence.rdb",
                    setting.where,
                    "several save pairs on one line: Redis 6.2 turns snapshots off; one pair per line",
                )


@check("persistence.aof-rewrite")
def _aof_rewrite(cfg: EffectiveConfig) -> Iterator[Finding]:
    if _data_node(cfg) and cfg.value("auto-aof-rewrite-percentage") == "0":
        yield rule_finding(
            "persistence.aof-rewrite",
            cfg.where("auto-aof-rewrite-percentage"),
            "auto-aof-rewrite-percentage is 0: the AOF grows until the disk is full",
        )


@check("persistence.fsync-on-rewrite")
def _fsync_on_rewrite(cfg: EffectiveConfig) -> Iterator[Finding]:
    if _data_node(cfg) and cfg.value("no-appendfsync-on-rewrite") == "yes":
        yield rule_finding(
            "persistence.fsync-on-rewrite",
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


@check("persistence.health")
def _persistence_health(cfg: EffectiveConfig) -> Iterator[Finding]:
    if not cfg.live:
        return
    for name, meaning in PERSISTENCE_HEALTH_FIELDS.items():
        setting = cfg.last(name)
        if setting is not None and setting.value == "err":
            yield rule_finding("persistence.health", setting.where, f"{name}:err: {meaning}; see the server log")


@check("memory.noeviction")
def _noeviction(cfg: EffectiveConfig) -> Iterator[Finding]:
    policy = cfg.value("maxmemory-policy")
    if _data_node(cfg) and policy != "noeviction":
        yield rule_finding(
            "memory.noeviction",
            cfg.where("maxmemory-policy"),
            f"maxmemory-policy is '{policy}'; Infisical's queues need 'noeviction'",
        )


@check("memory.maxmemory")
def _maxmemory(cfg: EffectiveConfig) -> Iterator[Finding]:
    if not _data_node(cfg):
        return
    try:
        limit = parse_redis_memory(cfg.value("maxmemory") or "0")
    except ValueError:
        return
    if limit == 0:
        yield rule_finding(
            "memory.maxmemory",
            cfg.where("maxmemory"),
            "maxmemory is not set: Redis grows until the OOM killer stops it",
        )


@check("version.directive")
def _directives(cfg: EffectiveConfig) -> Iterator[Finding]:
    if cfg.live or cfg.kind == "sentinel":
        return
    target = cfg.target
    for setting in cfg.settings:
        name = setting.name
        if name not in REDIS_DIRECTIVES:
            hint = difflib.get_close_matches(name, REDIS_DIRECTIVES, n=1)
            if hint:
                message = f"unknown directive '{name}'; did you mean '{hint[0]}'?"
            else:  # may be a value that slipped onto a line of its own, e.g. a password: never echo it
                message = "unknown directive (not shown: it matches no directive and may be a value)"
            yield rule_finding("version.directive", setting.where, message)
        elif target is not None and not target.has_directive(name):
            supported = [t.spelling for t in SUPPORTED_TARGETS if t.has_directive(name)]
            yield rule_finding(
                "version.directive",
                setting.where,
                f"'{name}' does not exist in {target.title} (only in {', '.join(supported)})",
            )


@check("version.supported")
def _version_supported(cfg: EffectiveConfig) -> Iterator[Finding]:
    if cfg.target is not None and cfg.live and cfg.target.redis_level < ABSOLUTE_MINIMUM:
        yield rule_finding(
            "version.supported",
            cfg.origin,
            f"{cfg.target.title} is older than Infisical supports (6.x or 7.x)",
        )


@check("version.recommended")
def _version_recommended(cfg: EffectiveConfig) -> Iterator[Finding]:
    target = cfg.target
    if target is not None and cfg.live and ABSOLUTE_MINIMUM <= target.redis_level < RECOMMENDED_MINIMUM:
        yield rule_finding("version.recommended", cfg.origin, f"{target.title} is below the recommended 6.2")


@check("commands.required")
def _commands(cfg: EffectiveConfig) -> Iterator[Finding]:
    needed = set(REQUIRED_COMMANDS) | set(SENTINEL_COMMANDS)
    for setting in cfg.all("rename-command"):
        if setting.args and setting.args[0].upper() in needed:
            command = setting.args[0].upper()
            how = "disabled" if len(setting.args) > 1 and setting.args[1] == "" else "renamed"
            yield rule_finding("commands.required", setting.where, f"{command} is {how}; Infisical needs it")


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


@check("auth.required")
def _auth_required(cfg: EffectiveConfig) -> Iterator[Finding]:
    if not _data_node(cfg):
        return
    if _has_password(cfg):
        return
    users = cfg.all("user")
    if any(s.args[:2] == ("default", "off") for s in users):
        return
    yield rule_finding("auth.required", cfg.where("requirepass"), "no password is required to connect")


@check("auth.placeholder")
def _placeholder(cfg: EffectiveConfig) -> Iterator[Finding]:
    for what, value, setting in _passwords(cfg):
        if PLACEHOLDER_PREFIX in value:
            yield rule_finding("auth.placeholder", setting.where, f"{what} is still the generator's placeholder")


@check("auth.password-strength")
def _strength(cfg: EffectiveConfig) -> Iterator[Finding]:
    for what, value, setting in _passwords(cfg):
        if PLACEHOLDER_PREFIX not in value and not STRONG_PASSWORD.match(value):
            yield rule_finding("auth.password-strength", setting.where, f"{what} is not 32+ letters and digits")


@check("auth.sentinel-rewrite")
def _sentinel_rewrite(cfg: EffectiveConfig) -> Iterator[Finding]:
    if cfg.kind != "sentinel":
        return
    for setting in cfg.all("sentinel"):
        sub = setting.args[0].lower() if setting.args else ""
        rewritten = sub in ("auth-pass", "auth-user", "sentinel-pass", "sentinel-user") and len(setting.args) >= 2
        if rewritten and not REWRITE_SAFE.match(setting.args[-1]):
            yield rule_finding(
                "auth.sentinel-rewrite",
                setting.where,
                f"sentinel {sub} has characters Sentinel's unquoted rewrite breaks",
            )


@check("network.exposed")
def _exposed(cfg: EffectiveConfig) -> Iterator[Finding]:
    if _data_node(cfg) and cfg.value("protected-mode") == "no" and not _has_password(cfg):
        yield rule_finding(
            "network.exposed", cfg.where("protected-mode"), "protected-mode is off and no password is set"
        )


def _tls_on(cfg: EffectiveConfig) -> bool:
    return cfg.value("tls-port") not in ("", "0")


@check("tls.auth-clients")
def _tls_auth_clients(cfg: EffectiveConfig) -> Iterator[Finding]:
    if _tls_on(cfg) and cfg.value("tls-auth-clients") == "yes":
        state = "is 'yes'" if cfg.last("tls-auth-clients") else "is not set (Redis's default is 'yes')"
        yield rule_finding(
            "tls.auth-clients",
            cfg.where("tls-auth-clients"),
            f"tls-auth-clients {state}: Infisical presents no client certificate",
        )


@check("tls.ca")
def _tls_ca(cfg: EffectiveConfig) -> Iterator[Finding]:
    if _tls_on(cfg) and not cfg.value("tls-ca-cert-file") and not cfg.value("tls-ca-cert-dir"):
        yield rule_finding("tls.ca", cfg.where("tls-port"), "TLS is on but no tls-ca-cert-file or tls-ca-cert-dir")


@check("cluster.replicaof")
def _cluster_replicaof(cfg: EffectiveConfig) -> Iterator[Finding]:
    if cfg.value("cluster-enabled") == "yes":
        for setting in [*cfg.all("replicaof"), *cfg.all("slaveof")]:
            yield rule_finding("cluster.replicaof", setting.where, "replicaof in a cluster node stops Redis at start")


def run_config_checks(cfg: EffectiveConfig, scope: Scope) -> list[Finding]:
    from schema.rules import RULES_BY_ID

    found: list[Finding] = []
    for rule_id, predicate in CONFIG_CHECKS.items():
        if scope in RULES_BY_ID[rule_id].scopes:
            found.extend(predicate(cfg))
    return found
