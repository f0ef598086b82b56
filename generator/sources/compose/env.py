"""Environment of compose services: ``environment:`` (map or list form) and ``env_file:`` files, as Infisical's
backend sees them (an ``EnvFacts`` the env rules judge) and as Bitnami's Redis images read them (settings).

A value compose interpolates at run time is unknown here. For Infisical's variables it is judged as set, with
a stand-in value every start-up check accepts, so neither a missing-variable error nor a format error is
reported about a value this tool cannot see."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.formats.dotenv import EnvAssignment, EnvProblem, parse_dotenv
from generator.schema.env_vars import CONNECTION_VARS, ENV_VAR_NAMES, env_var
from generator.schema.secrets import is_secret_env
from generator.shapes.compose import STAND_IN_HOST, EnvEntry
from generator.shapes.config import Setting
from generator.shapes.env import EnvFacts
from generator.shapes.finding import Location
from generator.sources.base import InputError, Note, read_text
from generator.sources.compose.command import compose_value, with_defaults

_STAND_IN_PASSWORD = "KnownOnlyAtRunTime0000000000000000"
_FILE_LINES = 1_000_000
"""Lines of the k-th env_file are numbered k * _FILE_LINES + line in the backend's ``EnvFacts``."""


def environment(data: Any, at: Callable[[tuple[str | int, ...]], Location]) -> list[EnvEntry]:
    """The ``environment:`` entries of a service (``at`` locates a path relative to the service)."""
    entries: list[EnvEntry] = []
    if isinstance(data, dict):
        for name, raw in data.items():
            value = None if raw is None else compose_value(_scalar(raw))
            written = "" if raw is None else _scalar(raw)
            entries.append(EnvEntry(str(name), value, at(("environment", str(name))), written))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            name, sep, raw = str(item).partition("=")
            value = compose_value(raw) if sep else None  # `- NAME` takes the shell's value at run time
            entries.append(EnvEntry(name.strip(), value, at(("environment", index)), raw))
    return entries


def _scalar(raw: Any) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return str(raw)


@dataclass(frozen=True)
class EnvFile:
    path: Path
    display: str
    required: bool
    where: Location


def env_files(data: Any, base: Path, at: Callable[[tuple[str | int, ...]], Location]) -> list[EnvFile]:
    """The ``env_file:`` entries of a service (string, list of strings, or list of ``{path, required}``)."""
    items = [data] if isinstance(data, str) else data if isinstance(data, list) else []
    found = []
    for index, item in enumerate(items):
        where = at(("env_file", index) if isinstance(data, list) else ("env_file",))
        required = True
        if isinstance(item, dict):
            required = item.get("required", True) is not False
            item = item.get("path", "")
        if isinstance(item, str) and item:
            path = base / with_defaults(item)
            found.append(EnvFile(path, os.path.normpath(str(path)), required, where))
    return found


def file_entries(files: list[EnvFile], notes: list[Note]) -> tuple[list[EnvEntry], bool]:
    """The variables of a server's env_files, each at its line (later files win); True when a required file
    cannot be read here (what it sets is unknown)."""
    entries: list[EnvEntry] = []
    unreadable = False
    for env_file in files:
        text = _env_file_text(env_file, notes)
        if text is None:
            unreadable = unreadable or env_file.required
            continue
        for assignment in parse_dotenv(text).assignments:
            where = Location(env_file.display, assignment.line, 1)
            entries.append(EnvEntry(assignment.name, compose_value(assignment.value), where, assignment.value))
    return entries, unreadable


def _env_file_text(env_file: EnvFile, notes: list[Note]) -> str | None:
    """The env_file's text; None, with a note, when it cannot be read here."""
    try:
        return read_text(env_file.path, env_file.display)
    except InputError:
        notes.append(Note(env_file.where, f"env_file {env_file.display} cannot be read here: not judged"))
        return None


def _sets_connection(winners: dict[str, Any], entries: list[EnvEntry]) -> bool:
    """Whether a connection variable is set with a value (in an env_file, or in ``environment:``)."""
    valued = {e.name for e in entries if e.value is not None or e.raw}
    return any(name in winners or name in valued for name in CONNECTION_VARS)


def _stand_in(name: str) -> str:
    if name not in ENV_VAR_NAMES:
        return _STAND_IN_PASSWORD if is_secret_env(name) else "known-at-run-time"
    kind = env_var(name).kind
    if kind == "url":
        return f"redis://:{_STAND_IN_PASSWORD}@{STAND_IN_HOST}:6379"
    if kind == "host-list":
        return f"{STAND_IN_HOST}:26379"
    if kind in ("boolean-strict", "boolean-true"):
        return "false"
    return _STAND_IN_PASSWORD


@dataclass
class BackendEnv:
    facts: EnvFacts
    known: dict[str, tuple[str, Location]]
    """Variables whose value is known here: name -> (value, where it is written)."""
    written: dict[str, tuple[str, Location]]
    """Every variable as written (interpolations included): name -> (text, where it is written)."""
    secrets: set[str]


def backend_env(
    entries: list[EnvEntry], files: list[EnvFile], origin: Location, notes: list[Note]
) -> BackendEnv | None:
    """Infisical's environment as compose gives it to the backend: env_file values, then ``environment:``
    over them. None when an env_file cannot be read and nothing else names the Redis connection."""
    winners: dict[str, tuple[EnvAssignment, str | None, Location]] = {}
    problems: list[EnvProblem] = []
    places: dict[int, Location] = {}
    written: dict[str, tuple[str, Location]] = {}
    unreadable = False
    for number, env_file in enumerate(files, start=1):
        text = _env_file_text(env_file, notes)
        if text is None:
            unreadable = unreadable or env_file.required
            continue
        parsed = parse_dotenv(text)
        for problem in parsed.problems:
            if problem.name and not problem.name.startswith("REDIS_") and problem.name not in ENV_VAR_NAMES:
                continue  # compose interpolates the file's other values on purpose (DB_CONNECTION_URI=...${...})
            line = number * _FILE_LINES + problem.line
            places[line] = Location(env_file.display, problem.line, 1)
            problems.append(EnvProblem(line, problem.name, problem.message))
        for assignment in parsed.assignments:
            line = number * _FILE_LINES + assignment.line
            places[line] = Location(env_file.display, assignment.line, 1)
            unknown = compose_value(assignment.value) is None
            value = _stand_in(assignment.name) if unknown else assignment.value
            winners[assignment.name] = (
                EnvAssignment(line, assignment.name, value),
                None if unknown else assignment.value,
                places[line],
            )
            written[assignment.name] = (assignment.value, places[line])
    passed_through = [e for e in entries if e.value is None and not e.raw]  # `- NAME`: the shell's, if set
    for entry in entries:
        if entry in passed_through and (entry.name not in CONNECTION_VARS or _sets_connection(winners, entries)):
            continue  # may be unset at run time: judged neither as set nor as unset
        line = entry.where.line or 0
        places.setdefault(line, entry.where)
        value = entry.value if entry.value is not None else _stand_in(entry.name)
        winners[entry.name] = (EnvAssignment(line, entry.name, value), entry.value, entry.where)
        written[entry.name] = (entry.raw, entry.where)
    if unreadable and not any(name in winners for name in CONNECTION_VARS):
        return None

    def locate(line: int) -> Location:
        return places.get(line, origin) if line else origin

    assignments = tuple(sorted((a for a, _, _ in winners.values()), key=lambda a: a.line))
    facts = EnvFacts(assignments, locate, origin, parse_problems=tuple(problems), compose=True)
    known = {name: (value, where) for name, (_, value, where) in winners.items() if value is not None}
    secrets = {value for name, (value, _) in known.items() if is_secret_env(name) and value}
    return BackendEnv(facts, known, written, secrets)


@dataclass
class BitnamiEnv:
    """What a Bitnami Redis / Valkey / Sentinel image makes of its environment."""

    settings: list[Setting]
    unknown: set[str]
    password: bool | None
    """True: a password is set; None: set from a value unknown here; False: none."""
    replicaof: str | None = None
    port: int | None = None
    extra_flags: EnvEntry | None = None
    """``REDIS_EXTRA_FLAGS``: more redis-server flags, applied after the image's config."""


def bitnami_env(entries: list[EnvEntry], family: str, sentinel: bool, image_at: Location) -> BitnamiEnv:
    """Settings from the variables Bitnami's images read (``REDIS_*`` or ``VALKEY_*``)."""
    prefix = "VALKEY_" if family == "valkey" else "REDIS_"
    env = {entry.name: entry for entry in entries}
    found = BitnamiEnv([], set(), False)

    def setting(name: str, args: tuple[str, ...], where: Location) -> None:
        found.settings.append(Setting(name, args, where, name in ("requirepass", "masterauth")))

    password = env.get(f"{prefix}SENTINEL_PASSWORD" if sentinel else f"{prefix}PASSWORD")
    if password is not None and password.value is None:
        found.unknown.add("requirepass")
        found.password = None
    elif password is not None and password.value:
        setting("requirepass", (password.value,), password.where)
        found.password = True
    if f"{prefix}PASSWORD_FILE" in env or (sentinel and f"{prefix}SENTINEL_PASSWORD_FILE" in env):
        found.unknown.add("requirepass")
        found.password = None
    port = env.get(f"{prefix}SENTINEL_PORT_NUMBER" if sentinel else f"{prefix}PORT_NUMBER")
    if port is not None and port.value and port.value.isdigit():
        found.port = int(port.value)
    master = env.get(f"{prefix}MASTER_HOST")
    master_port = env.get(f"{prefix}MASTER_PORT_NUMBER")
    port_value = master_port.value if master_port is not None and master_port.value else "6379"
    master_password = env.get(f"{prefix}MASTER_PASSWORD")
    if sentinel:
        _bitnami_sentinel(env, prefix, master, port_value, master_password, image_at, found)
        return found
    found.extra_flags = env.get(f"{prefix}EXTRA_FLAGS")
    aof = env.get(f"{prefix}AOF_ENABLED")
    if aof is None:
        setting("appendonly", ("yes",), image_at)  # the image's default
    elif aof.value is None:
        found.unknown.add("appendonly")
    else:
        setting("appendonly", (aof.value.lower(),), aof.where)
    rdb_off = env.get(f"{prefix}RDB_POLICY_DISABLED")
    if rdb_off is not None and (rdb_off.value or "").lower() == "yes":
        setting("save", ("",), rdb_off.where)
    disabled = env.get(f"{prefix}DISABLE_COMMANDS")
    if disabled is not None:
        for command in (disabled.value or "").split(","):
            if command.strip():
                setting("rename-command", (command.strip(), ""), disabled.where)
    mode = env.get(f"{prefix}REPLICATION_MODE")
    if mode is not None and (mode.value or "").lower() in ("slave", "replica") and master is not None:
        if master.value:
            found.replicaof = master.value
            setting("replicaof", (master.value, port_value), master.where)
        if master_password is not None and master_password.value:
            setting("masterauth", (master_password.value,), master_password.where)
    return found


def _bitnami_sentinel(
    env: dict[str, EnvEntry],
    prefix: str,
    master: EnvEntry | None,
    port: str,
    master_password: EnvEntry | None,
    image_at: Location,
    found: BitnamiEnv,
) -> None:
    master_set = env.get(f"{prefix}MASTER_SET")
    name = master_set.value if master_set is not None and master_set.value else "mymaster"
    quorum = env.get(f"{prefix}SENTINEL_QUORUM")
    quorum_value = quorum.value if quorum is not None and quorum.value else "2"
    resolve = env.get(f"{prefix}SENTINEL_RESOLVE_HOSTNAMES")
    resolve_value = (resolve.value or "yes").lower() if resolve is not None else "yes"
    found.settings.append(
        Setting("sentinel", ("resolve-hostnames", resolve_value), resolve.where if resolve else image_at)
    )
    if master is not None and master.value is None:
        found.unknown.add("sentinel monitor")
    else:
        host = master.value if master is not None and master.value else "redis"
        where = master.where if master is not None else image_at
        found.settings.append(Setting("sentinel", ("monitor", name, host, port, quorum_value), where))
    if master_password is not None and master_password.value:
        args = ("auth-pass", name, master_password.value)
        found.settings.append(Setting("sentinel", args, master_password.where, secret=True))
