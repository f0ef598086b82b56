"""Which settings carry a secret, in every format the tool reads or writes. Declared once: the sources mark
those settings secret, the reporters mask their values, the renderers never log them."""

from __future__ import annotations

from .env_vars import ENV_VARS

SECRET_DIRECTIVES = frozenset(
    {"requirepass", "masterauth", "primaryauth", "user", "tls-key-file-pass", "tls-client-key-file-pass"}
)
"""redis.conf directives whose arguments are (or hold) passwords."""

SECRET_SENTINEL_SUBCOMMANDS = frozenset({"auth-pass", "sentinel-pass"})
"""``sentinel <sub> ...`` lines whose last argument is a password."""

SECRET_ENV_VARS = frozenset(var.name for var in ENV_VARS if var.secret)
"""Infisical variables that carry a password (REDIS_URL carries it inside the URL)."""

PASSWORD_SOURCE_KEYS: tuple[tuple[str, ...], ...] = (("auth", "password"), ("auth", "sentinel_password"))
"""Values-file keys that name where a password comes from (never the password itself)."""

SECRET_ENV_HINTS = ("PASSWORD", "PASS", "SECRET", "TOKEN", "KEY")
"""Any environment variable whose name contains one of these is treated as secret in compose and .env files."""


def is_secret_directive(name: str, args: tuple[str, ...]) -> bool:
    if name == "sentinel":
        return bool(args) and args[0].lower() in SECRET_SENTINEL_SUBCOMMANDS
    return name in SECRET_DIRECTIVES


def secret_values(name: str, args: tuple[str, ...]) -> list[str]:
    """The secret values a directive line holds (its password arguments), none of its other words."""
    if name == "sentinel":
        return [args[-1]] if len(args) >= 2 and args[0].lower() in SECRET_SENTINEL_SUBCOMMANDS else []
    if name == "user":
        return [arg[1:] for arg in args[1:] if arg.startswith(">") and len(arg) > 1]
    return [arg for arg in args if arg] if name in SECRET_DIRECTIVES else []


def is_secret_env(name: str) -> bool:
    upper = name.upper()
    return upper in SECRET_ENV_VARS or any(hint in upper for hint in SECRET_ENV_HINTS)
