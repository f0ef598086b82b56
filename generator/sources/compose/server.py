"""How a compose service's server is configured, beyond its command line: config files brought in by mounts
(and their includes), which rules cannot be judged when part of the configuration is unknown, and what the
settings say about the password, the data directory, the Sentinel monitors and the bind address."""

from __future__ import annotations

import os
import posixpath
from pathlib import Path
from typing import Any

from generator.formats.conf import ConfSyntaxError, parse_conf
from generator.schema.secrets import is_secret_directive, secret_values
from generator.shapes.compose import ComposeService, Mount, PasswordState, SentinelMonitor
from generator.shapes.config import EffectiveConfig, Setting
from generator.shapes.finding import Location, rule_finding
from generator.sources.base import InputError, SourceResult, inline_ignores, read_text
from generator.sources.compose.command import SHELL_VARIABLE, Invocation, Word
from generator.sources.compose.layout import host_file

RULE_READS: dict[str, tuple[str, ...]] = {
    "persistence.aof": ("appendonly",),
    "persistence.appendfsync": ("appendonly", "appendfsync"),
    "persistence.rdb": ("save",),
    "persistence.aof-rewrite": ("auto-aof-rewrite-percentage",),
    "persistence.fsync-on-rewrite": ("no-appendfsync-on-rewrite",),
    "memory.noeviction": ("maxmemory-policy",),
    "memory.maxmemory": ("maxmemory",),
    "auth.required": ("requirepass", "user", "aclfile"),
    "network.exposed": ("protected-mode", "requirepass", "user", "aclfile"),
    "sentinel.password": ("requirepass", "user"),
    "tls.auth-clients": ("tls-port", "tls-auth-clients"),
    "tls.ca": ("tls-port", "tls-ca-cert-file", "tls-ca-cert-dir"),
}
"""The directives each config rule reads: a rule is not judged when one of them is unknown here."""


_ADDITIVE = frozenset({"save", "user", "rename-command", "sentinel", "include", "loadmodule"})
"""Directives whose lines add up instead of replacing each other."""


def overridden(settings: list[Setting], unknown: set[str]) -> list[Setting]:
    """``settings`` without those a later source sets again to a value unknown here (its value wins)."""
    return [s for s in settings if s.name in _ADDITIVE or s.name not in unknown]


_LOOPBACK = ("127.", "-127.", "::1", "-::1", "localhost")


def loopback_bind(cfg: EffectiveConfig) -> Setting | None:
    """The ``bind`` line, when it lists loopback addresses only (no other container can connect)."""
    bind = cfg.last("bind")
    if bind is None or not bind.args or not all(arg.startswith(_LOOPBACK) for arg in bind.args):
        return None
    return bind


def echoed_settings(lines: list[tuple[str, Word]], unknown: set[str]) -> list[Setting]:
    """The settings of config lines a shell script writes, each at the word that writes it; a line holding a
    shell variable adds its directive to ``unknown`` instead."""
    settings = []
    for text, word in lines:
        try:
            parsed = parse_conf(text)
        except ConfSyntaxError:
            continue
        for line in parsed:
            if SHELL_VARIABLE.search(text):
                unknown.add(line.name if line.name != "sentinel" else f"sentinel {' '.join(line.args[:1])}")
            else:
                settings.append(Setting(line.name, line.args, word.where, is_secret_directive(line.name, line.args)))
    return settings


def parents(path: str) -> list[str]:
    """``path`` and each directory above it, nearest first (``/a/b.conf`` -> ``/a/b.conf``, ``/a``)."""
    found = [path]
    while "/" in path.strip("/"):
        path = path.rsplit("/", 1)[0]
        found.append(path)
    return found


def load_conf(service: ComposeService, host: str, result: SourceResult, depth: int = 0) -> list[Setting] | None:
    """The settings of a config file a mount brings from next to the compose file, its includes followed
    through the mounts (never on this machine's own paths); None when it, or a file it includes, cannot be
    read here."""
    shown = os.path.normpath(host)
    try:
        text = read_text(Path(host), shown)
        lines = parse_conf(text)
    except InputError:
        return None
    except ConfSyntaxError as error:
        where = Location(shown, error.line, error.column)
        result.findings.append(rule_finding("conf.syntax", where, error.reason))
        return None
    result.ignored |= inline_ignores(text)
    settings: list[Setting] = []
    for line in lines:
        where = Location(shown, line.line, line.column)
        settings.append(Setting(line.name, line.args, where, is_secret_directive(line.name, line.args)))
        result.secrets.update(secret_values(line.name, line.args))
        if line.name == "include":  # a path inside the container: followed through the mounts only
            inner = host_file(list(service.mounts), line.args[0]) if len(line.args) == 1 else None
            included = None if inner is None or depth > 8 else load_conf(service, inner[1], result, depth + 1)
            if included is None:
                return None
            settings += included
    return settings


def unknown_reason(service: ComposeService, invocation: Invocation | None) -> str:
    if invocation is not None and invocation.config_file is not None:
        return (
            f"service {service.name}: its config file {invocation.config_file.text} is no file next to this "
            "compose file that can be read here; the settings it may hold are not judged"
        )
    if invocation is not None:
        return (
            f"service {service.name}: a file it includes, or flags from its environment, cannot be read here; "
            "the settings they may hold are not judged"
        )
    return f"service {service.name}: its command runs no redis-server this tool can read; not judged"


def password_state(
    cfg: EffectiveConfig, unknown: set[str], whole: bool, given: bool, env_unknown: bool
) -> PasswordState:
    """``set`` (a value known here), ``given`` (set from a value only known at run time), ``unknown`` (this
    tool cannot tell) or ``none``."""
    if cfg.value("requirepass") or cfg.last("aclfile") is not None:
        return "set"
    if any(
        s.args and s.args[0] == "default" and any(a.startswith((">", "#")) for a in s.args) for s in cfg.all("user")
    ):
        return "set"
    if env_unknown or (whole and cfg.last("requirepass") is None):
        return "unknown"
    if "requirepass" in unknown or given:
        return "given"
    return "none"


def data_dir(
    service: ComposeService,
    cfg: EffectiveConfig,
    unknown: set[str],
    whole: bool,
    bitnami: bool,
    family: str,
    spec: dict[str, Any],
) -> tuple[str | None, Location | None]:
    setting = cfg.last("dir")
    if setting is None and ("dir" in unknown or whole):
        return None, None
    workdir = str(spec.get("working_dir") or (f"/bitnami/{family}/data" if bitnami else "/data"))
    if setting is None:
        return workdir, None
    return posixpath.normpath(posixpath.join(workdir, setting.value)), setting.where


def monitors(cfg: EffectiveConfig, conf: tuple[Mount, str] | None) -> tuple[SentinelMonitor, ...]:
    resolve = any(s.args[1:2] == ("yes",) for s in cfg.sentinel_lines("resolve-hostnames"))
    mounted = None if conf is None else os.path.normpath(conf[1])

    def mount_of(where: Location) -> Location | None:
        return conf[0].where if conf is not None and where.file == mounted else None

    return tuple(
        SentinelMonitor(s.args[1], s.args[2], s.where, resolve, mount_of(s.where))
        for s in cfg.sentinel_lines("monitor")
        if len(s.args) >= 3
    )
