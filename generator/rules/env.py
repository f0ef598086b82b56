"""Predicates on Infisical's environment, wherever it is set (a `.env`, a Secret, a compose service): its
start-up validation of the Redis variables (``env.infisical-startup``) and leftover password placeholders.

Messages never contain the value of a variable Infisical treats as secret (REDIS_URL, passwords).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from urllib.parse import urlsplit

from generator.formats.dotenv import EnvAssignment, EnvProblem, interpolated
from generator.rules.engine import Hit, predicate
from generator.schema.env_vars import (
    CONNECTION_VARS,
    ENV_VAR_NAMES,
    HOST_PORT,
    RUN_MODES,
    WORKER_MODE,
    EnvVar,
    env_var,
)
from generator.schema.fields import PLACEHOLDER_PREFIX
from generator.schema.secrets import SECRET_ENV_VARS
from generator.shapes.env import EnvFacts

_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_DB_PATH = re.compile(r"(/[0-9]*)?")
_SHOWABLE = re.compile(r"[A-Za-z0-9._:\[\]-]{1,64}")
MISSING_CONNECTION = "Either REDIS_URL, REDIS_SENTINEL_HOSTS or REDIS_CLUSTER_HOSTS must be defined."
"""Infisical's own start-up error when none of the connection variables is set."""


def _shown(var: EnvVar, value: str, fallback: str) -> str:
    """``value`` quoted for a message, unless it could be (or contain) a secret."""
    return repr(value) if not var.secret and _SHOWABLE.fullmatch(value) else fallback


def _url_problems(value: str) -> list[str]:
    scheme, sep, _ = value.partition("://")
    if not sep or scheme.lower() not in ("redis", "rediss"):
        return ["must start with redis:// or rediss://"]
    credentials = value.split("://", 1)[1].rpartition("@")[0]
    for char, code in (("/", "%2F"), ("?", "%3F"), ("#", "%23")):
        if char in credentials:
            return [f"has {char} in the credentials, which ends them there: write it as {code}"]
    if "#" in value:
        return ["contains #, which ends the URL there"]
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number from 0 to 65535
    except ValueError:
        return ["cannot be parsed: the port is not a number from 0 to 65535, or the host has a stray bracket"]
    problems = []
    if not parts.hostname:
        problems.append("has no host (a : or @ in the password must be percent-encoded: %3A, %40)")
    if not _DB_PATH.fullmatch(parts.path):
        problems.append("has a path other than a database number: write / in the password as %2F")
    if _BAD_PERCENT.search(parts.netloc):
        problems.append("has a % not followed by two hex digits, which stops Infisical at start-up: write % as %25")
    return problems


def _host_problems(var: EnvVar, value: str) -> list[str]:
    problems = []
    for index, entry in enumerate((e.strip() for e in value.split(",")), start=1):
        what = f"entry {index} ({_shown(var, entry, 'not shown')})"
        if not entry:
            problems.append(f"entry {index} is empty (a stray comma)")
        elif "://" in entry:
            problems.append(f"{what} has a scheme; host lists take host:port only")
        elif entry.startswith("[") or entry.count(":") > 1:
            problems.append(f"{what} is an IPv6 literal, which Infisical's host lists do not support")
        elif ":" not in entry:
            problems.append(f"{what} has no port; Infisical crashes at start-up on it")
        elif not HOST_PORT.fullmatch(entry):
            problems.append(f"{what} is not host:port with a numeric port")
        elif not 1 <= int(entry.rsplit(":", 1)[1]) <= 65535:
            problems.append(f"{what} has a port outside 1-65535")
    return problems


def _value_problems(var: EnvVar, value: str) -> list[str]:
    shown = _shown(var, value, "this value")
    if var.kind == "url":
        return _url_problems(value)
    if var.kind == "host-list":
        return _host_problems(var, value)
    if var.kind == "boolean-strict" and value not in ("true", "false"):
        return [f"must be exactly true or false, not {shown}; anything else stops Infisical at start-up"]
    if var.kind == "boolean-true" and value not in ("true", "false"):
        return [f"only the literal true turns it on; Infisical reads {shown} as false"]
    return []


def _precedence_problems(latest: dict[str, EnvAssignment]) -> list[EnvProblem]:
    problems = []
    if "REDIS_URL" in latest:
        for name in ("REDIS_USERNAME", "REDIS_PASSWORD"):
            if name in latest:
                message = "not applied when REDIS_URL is set: put the credentials in the URL"
                problems.append(EnvProblem(latest[name].line, name, message))
        ignored = [n for n in ("REDIS_CLUSTER_HOSTS", "REDIS_SENTINEL_HOSTS") if n in latest]
        winner = "REDIS_URL"
    else:
        ignored = (
            ["REDIS_SENTINEL_HOSTS"] if "REDIS_CLUSTER_HOSTS" in latest and "REDIS_SENTINEL_HOSTS" in latest else []
        )
        winner = "REDIS_CLUSTER_HOSTS"
    problems += [EnvProblem(latest[n].line, n, f"ignored: {winner} is set and wins") for n in ignored]
    return problems


def _read_replica_problems(latest: dict[str, EnvAssignment]) -> list[EnvProblem]:
    """In Sentinel mode each REDIS_READ_REPLICAS entry is a Sentinel the client asks for the master."""
    replicas = latest.get("REDIS_READ_REPLICAS")
    sentinel_mode = "REDIS_SENTINEL_HOSTS" in latest and not {"REDIS_URL", "REDIS_CLUSTER_HOSTS"} & set(latest)
    if replicas is None or not sentinel_mode or interpolated(replicas.value):
        return []
    entries = [e.strip() for e in replicas.value.split(",")]
    data_ports = [i for i, e in enumerate(entries, 1) if HOST_PORT.fullmatch(e) and e.rsplit(":", 1)[1] == "6379"]
    if not data_ports:
        return []
    which = ", ".join(str(i) for i in data_ports)
    message = (
        f"in Sentinel mode each entry is used as a Sentinel, not a data node: entry {which} is on Redis's data "
        "port 6379, where no Sentinel answers; list Sentinels (port 26379) or leave it unset"
    )
    return [EnvProblem(replicas.line, "REDIS_READ_REPLICAS", message)]


def _run_mode_problems(latest: dict[str, EnvAssignment]) -> list[EnvProblem]:
    modes = latest.get("INFISICAL_RUN_MODES")
    if modes is None or interpolated(modes.value):
        return []
    unknown = [m for m in (m.strip() for m in modes.value.split(",")) if m and m not in RUN_MODES]
    if not unknown:
        return []
    shown = ", ".join(repr(m) if _SHOWABLE.fullmatch(m) else "(not shown)" for m in unknown)
    message = f"unknown run mode {shown}: Infisical stops at start-up (known: {', '.join(RUN_MODES)})"
    return [EnvProblem(modes.line, "INFISICAL_RUN_MODES", message)]


def check_assignments(assignments: Sequence[EnvAssignment], connection_elsewhere: bool = False) -> list[EnvProblem]:
    """Infisical's start-up validation of its Redis variables, given as assignments in file order.
    ``connection_elsewhere``: the connection variables are set beside this file (a compose ``environment:``)."""
    problems: list[EnvProblem] = []
    latest: dict[str, EnvAssignment] = {}
    for assignment in assignments:
        name = assignment.name
        if name in latest:
            message = f"set again (first on line {latest[name].line}); the last one wins"
            problems.append(EnvProblem(assignment.line, name, message))
        if name.startswith("REDIS_") and name not in ENV_VAR_NAMES:
            from difflib import get_close_matches  # only for a name that is not known

            close = get_close_matches(name, sorted(ENV_VAR_NAMES), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            problems.append(EnvProblem(assignment.line, name, f"not read by Infisical{hint}"))
        latest[name] = assignment
    problems += _run_mode_problems(latest)
    # Infisical trims every value and treats an empty one as unset.
    latest = {n: a for n, a in latest.items() if n in ENV_VAR_NAMES and a.value.strip()}
    for name, assignment in latest.items():
        if interpolated(assignment.value):
            continue  # docker compose fills in ${...}: the value is unknown here
        for message in _value_problems(env_var(name), assignment.value.strip()):
            problems.append(EnvProblem(assignment.line, name, message))
    if not connection_elsewhere and not any(name in latest for name in CONNECTION_VARS):
        problems.append(EnvProblem(0, "", MISSING_CONNECTION))
    problems += _precedence_problems(latest)
    problems += _read_replica_problems(latest)
    return sorted(problems, key=lambda p: p.line)


def infisical_variable(name: str) -> bool:
    """A variable of Infisical's Redis configuration: the `.env` quoting rules are judged on these only (the
    other variables of Infisical's own `.env.example` use compose interpolation on purpose)."""
    return name.startswith("REDIS_") or name in ENV_VAR_NAMES


@predicate("env.infisical-startup", EnvFacts)
def _startup(env: EnvFacts) -> Iterator[Hit]:
    quoting = [p for p in env.parse_problems if not p.name or infisical_variable(p.name)]
    problems = [*quoting, *check_assignments(env.assignments, env.connection_elsewhere)]
    for problem in sorted(problems, key=lambda p: p.line):
        message = f"{problem.name}: {problem.message}" if problem.name else problem.message
        yield Hit(env.locate(problem.line), message)


@predicate("auth.placeholder", EnvFacts)
def _placeholder(env: EnvFacts) -> Iterator[Hit]:
    for assignment in env.assignments:
        if assignment.name in SECRET_ENV_VARS and PLACEHOLDER_PREFIX in assignment.value:
            yield Hit(
                env.locate(assignment.line), f"{assignment.name} still holds the generator's password placeholder"
            )


def check_infisical_env(text: str) -> list[EnvProblem]:
    """Every problem Infisical (or the loader in front of it) would have with this `.env`, by line."""
    from generator.formats.dotenv import parse_dotenv

    parsed = parse_dotenv(text)
    return sorted([*parsed.problems, *check_assignments(parsed.assignments)], key=lambda p: p.line)


def _password_of(assignment: EnvAssignment) -> str | None:
    """The password a variable sets (inside a URL too); None when it sets none or compose fills it in."""
    from generator.rules.charts import url_password

    value = assignment.value.strip()
    if not value or interpolated(value):
        return None
    if assignment.name == "REDIS_URL":
        return url_password(value) or None
    return value if assignment.name in SECRET_ENV_VARS else None


@predicate("auth.password-strength", EnvFacts)
def _env_strength(env: EnvFacts) -> Iterator[Hit]:
    from generator.rules.charts import published
    from generator.rules.config import STRONG_PASSWORD

    for name, assignment in env.latest().items():
        password = _password_of(assignment)
        if password is None or PLACEHOLDER_PREFIX in password or published(password):
            continue
        if not STRONG_PASSWORD.fullmatch(password):
            what = "the password in REDIS_URL" if name == "REDIS_URL" else name
            yield Hit(env.locate(assignment.line), f"{what} is not 32+ letters and digits")


@predicate("auth.required", EnvFacts)
def _env_auth_required(env: EnvFacts) -> Iterator[Hit]:
    latest = {n: a for n, a in env.latest().items() if a.value.strip()}
    url = latest.get("REDIS_URL")
    if url is not None:
        if not interpolated(url.value) and "://" in url.value and _password_of(url) is None:
            yield Hit(env.locate(url.line), "REDIS_URL has no password: the Redis it names requires none")
        return
    hosts = latest.get("REDIS_CLUSTER_HOSTS") or latest.get("REDIS_SENTINEL_HOSTS")
    if hosts is not None and "REDIS_PASSWORD" not in latest:
        yield Hit(env.locate(hosts.line), f"{hosts.name} is set but no REDIS_PASSWORD: the data nodes require none")


@predicate("env.run-modes", EnvFacts)
def _run_modes(env: EnvFacts) -> Iterator[Hit]:
    modes = env.latest().get("INFISICAL_RUN_MODES")
    if modes is None or not modes.value.strip() or interpolated(modes.value):
        return
    if WORKER_MODE not in {m.strip() for m in modes.value.split(",")}:
        yield Hit(
            env.locate(modes.line),
            f"INFISICAL_RUN_MODES has no {WORKER_MODE}: jobs queue up in Redis with nothing consuming them, "
            "unless another set of instances runs the workers",
        )
