"""Predicates of the rules in ``schema/chart_rules.py``: passwords copied from published examples (in any
config or environment), Sentinel without a password, and Helm chart values (``ChartValues``)."""

from __future__ import annotations

from collections.abc import Iterator

from generator.rules.engine import Hit, predicate
from generator.schema.chart_rules import PUBLISHED_PASSWORDS
from generator.schema.secrets import is_secret_env
from generator.shapes.config import EffectiveConfig, Setting
from generator.shapes.env import EnvFacts


def _config_passwords(cfg: EffectiveConfig) -> Iterator[tuple[str, str, Setting]]:
    """(what, password, setting) for every password a config carries."""
    for setting in cfg.settings:
        name, args = setting.name, setting.args
        if name in ("requirepass", "masterauth", "primaryauth") and args:
            yield name, args[0], setting
        elif name == "user" and args:
            yield from ((f"user {args[0]}", arg[1:], setting) for arg in args[1:] if arg.startswith(">"))
        elif name == "sentinel" and len(args) >= 2 and args[0].lower() in ("auth-pass", "sentinel-pass"):
            yield f"sentinel {args[0].lower()}", args[-1], setting


def published(password: str) -> str | None:
    """Where ``password`` was published, when it is one of the well-known example passwords."""
    return PUBLISHED_PASSWORDS.get(password.strip().lower())


@predicate("auth.published-password", EffectiveConfig)
def _published_config(cfg: EffectiveConfig) -> Iterator[Hit]:
    for what, password, setting in _config_passwords(cfg):
        source = published(password)
        if source is not None:
            yield Hit(setting.where, f"{what} is {source}: a published password protects nothing")


def url_password(value: str) -> str | None:
    """The password inside ``scheme://user:password@host...`` (None when the value has no credentials)."""
    _, sep, rest = value.partition("://")
    if not sep:
        return None
    credentials, at, _ = rest.partition("/")[0].rpartition("@")
    if not at:
        return None
    user, colon, password = credentials.partition(":")
    return password if colon else user


def env_passwords(env: EnvFacts) -> Iterator[tuple[str, str, int]]:
    """(variable, password, line) for every password an environment sets, in URLs too."""
    for assignment in env.assignments:
        value = assignment.value.strip()
        if "://" in value:
            password = url_password(value)
            if password is not None:
                yield assignment.name, password, assignment.line
        elif is_secret_env(assignment.name):
            yield assignment.name, value, assignment.line


def _allows_empty(env: EnvFacts) -> int | None:
    """The line of ``ALLOW_EMPTY_PASSWORD=yes`` when no ``REDIS_PASSWORD`` is set beside it."""
    latest = env.latest()
    allow = latest.get("ALLOW_EMPTY_PASSWORD")
    password = latest.get("REDIS_PASSWORD")
    if allow is None or allow.value.strip().lower() != "yes" or (password is not None and password.value.strip()):
        return None
    return allow.line


@predicate("auth.published-password", EnvFacts)
def _published_env(env: EnvFacts) -> Iterator[Hit]:
    for name, password, line in env_passwords(env):
        source = published(password)
        if source is not None:
            yield Hit(env.locate(line), f"{name} holds {source}: a published password protects nothing")
    empty = _allows_empty(env)
    if empty is not None:
        yield Hit(
            env.locate(empty),
            "ALLOW_EMPTY_PASSWORD=yes: the Redis image starts without a password; set REDIS_PASSWORD instead",
        )


@predicate("sentinel.password", EffectiveConfig)
def _sentinel_password(cfg: EffectiveConfig) -> Iterator[Hit]:
    if cfg.kind != "sentinel" or cfg.value("requirepass"):
        return
    users = cfg.all("user")
    if any(s.args and s.args[0] == "default" and any(a.startswith((">", "#")) for a in s.args) for s in users):
        return
    yield Hit(
        cfg.where("requirepass"),
        "the Sentinel requires no password and always runs with protected mode off: anyone who reaches its "
        "port can re-point the master",
    )
