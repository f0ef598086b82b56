"""The single source of truth: Infisical's Redis variables, modes, rules, sizing and the values-file model.

The names below are loaded on first use (PEP 562): importing one module of this package, say the rule catalogue,
must not build the pydantic models (``check`` of a redis.conf needs no model, and every command starts faster).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_HOMES = {
    ".env_vars": ("CONNECTION_VARS", "ENV_VAR_NAMES", "ENV_VARS", "EnvVar", "env_var"),
    ".fields": ("PLACEHOLDER_PREFIX", "HostPort", "PasswordSource"),
    ".modes": ("MODES", "SUPPORTED_MODES", "Mode", "ModeFacts"),
    ".rules": ("RULES", "RULES_BY_ID", "Rule", "Scope", "Severity", "rule"),
    ".sizing": ("TIERS", "Tier"),
    ".values": ("Deployment",),
    ".versions": ("REDIS_DEFAULTS", "REDIS_DIRECTIVES", "SUPPORTED_TARGETS", "ServerTarget", "parse_target"),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = sorted(_HOME_OF)


def __getattr__(name: str) -> Any:
    if name not in _HOME_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(_HOME_OF[name], __name__), name)
    globals()[name] = value
    return value
