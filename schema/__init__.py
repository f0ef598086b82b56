"""The single source of truth: Infisical's Redis variables, modes, rules, sizing and the values-file model."""

from .env_vars import CONNECTION_VARS, ENV_VAR_NAMES, ENV_VARS, EnvVar, env_var
from .fields import PLACEHOLDER_PREFIX, HostPort, PasswordSource
from .modes import MODES, SUPPORTED_MODES, Mode, ModeFacts
from .rules import RULES, RULES_BY_ID, Rule, Scope, Severity, rule
from .sizing import TIERS, Tier
from .values import Deployment
from .versions import REDIS_DEFAULTS, REDIS_DIRECTIVES, SUPPORTED_TARGETS, ServerTarget, parse_target

__all__ = [
    "CONNECTION_VARS",
    "ENV_VARS",
    "ENV_VAR_NAMES",
    "MODES",
    "PLACEHOLDER_PREFIX",
    "REDIS_DEFAULTS",
    "REDIS_DIRECTIVES",
    "RULES",
    "RULES_BY_ID",
    "SUPPORTED_MODES",
    "SUPPORTED_TARGETS",
    "TIERS",
    "Deployment",
    "EnvVar",
    "HostPort",
    "Mode",
    "ModeFacts",
    "PasswordSource",
    "Rule",
    "Scope",
    "ServerTarget",
    "Severity",
    "Tier",
    "env_var",
    "parse_target",
    "rule",
]
