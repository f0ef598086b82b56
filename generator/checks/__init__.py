"""Rule predicates, registered by rule id; the rule metadata lives in schema/rules.py."""

from generator.checks.config_rules import CONFIG_CHECKS, run_config_checks
from generator.checks.deployment_rules import DEPLOYMENT_CHECKS, SCHEMA_ENFORCED, PathViolation
from generator.checks.effective import EffectiveConfig, Setting

__all__ = [
    "CONFIG_CHECKS",
    "DEPLOYMENT_CHECKS",
    "SCHEMA_ENFORCED",
    "EffectiveConfig",
    "PathViolation",
    "Setting",
    "run_config_checks",
]
