"""Every rule of the catalogue is judged by exactly one predicate, and every predicate belongs to a rule."""

from __future__ import annotations

from collections import Counter

from generator.checks import CONFIG_CHECKS, DEPLOYMENT_CHECKS, SCHEMA_ENFORCED
from schema.project import rule_docs_url
from schema.rules import RULES, RULES_BY_ID, Scope

ENV_RULES = {"env.infisical-startup"}
"""Judged by generator/env_check.py (Infisical's start-up validation of a .env), through `check`."""


def test_rule_ids_are_unique_and_dotted() -> None:
    counts = Counter(rule.id for rule in RULES)
    assert [rule_id for rule_id, n in counts.items() if n > 1] == []
    assert all(rule.id.count(".") == 1 and rule.id == rule.id.lower() for rule in RULES)


def test_every_rule_has_exactly_one_predicate_per_kind_of_input() -> None:
    """Settings (config files, servers, generated directives), a deployment, or the values model itself.

    A schema-enforced rule may also judge live settings (version.supported: a values file names its version,
    a server reports it); no rule is judged both as settings and as a deployment.
    """
    for rule in RULES:
        homes = [rule.id in CONFIG_CHECKS, rule.id in DEPLOYMENT_CHECKS, rule.id in ENV_RULES]
        assert sum(homes) + (rule.id in SCHEMA_ENFORCED and not any(homes)) == 1, rule.id
    assert {*CONFIG_CHECKS, *DEPLOYMENT_CHECKS, *SCHEMA_ENFORCED, *ENV_RULES} == set(RULES_BY_ID)


def test_deployment_predicates_are_scoped_to_values() -> None:
    for rule_id in [*DEPLOYMENT_CHECKS, *(SCHEMA_ENFORCED - set(CONFIG_CHECKS))]:
        assert RULES_BY_ID[rule_id].scopes == {Scope.VALUES}, rule_id


def test_every_rule_explains_itself() -> None:
    for rule in RULES:
        assert rule.summary and rule.why.endswith((".", ")")) and rule.fix, rule.id
        assert rule_docs_url(rule.id).endswith(f"/reference/rules/{rule.id}/")
