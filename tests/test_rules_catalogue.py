"""Every rule of the catalogue is judged: by predicates in the one registry, or (for a rule about the input
itself, which stops it being judged at all) by the sources; and every predicate belongs to a rule."""

from __future__ import annotations

from collections import Counter

from generator.rules import REGISTRY
from generator.schema.alerts import alerts_watching
from generator.schema.project import rule_docs_url
from generator.schema.rules import RULES, RULES_BY_ID, Scope
from generator.shapes.chart import ChartValues
from generator.shapes.compose import ComposeFile
from generator.shapes.config import EffectiveConfig
from generator.shapes.env import EnvFacts
from generator.shapes.image import ImageReference
from generator.shapes.values import ValuesFile


def test_rule_ids_are_unique_and_dotted() -> None:
    counts = Counter(rule.id for rule in RULES)
    assert [rule_id for rule_id, n in counts.items() if n > 1] == []
    assert all(rule.id.count(".") == 1 and rule.id == rule.id.lower() for rule in RULES)


def test_every_rule_has_a_home_and_every_predicate_a_rule() -> None:
    """A rule is judged by predicates, or raised by the sources (about the input itself), or, for a state
    only a metrics pipeline sees (an exporter up, what the Sentinels see), by its Prometheus alerts."""
    assert set(REGISTRY) <= set(RULES_BY_ID)
    for rule in RULES:
        if rule.blocking:
            assert rule.id not in REGISTRY, f"{rule.id}: raised by sources, it needs no predicate"
        elif not REGISTRY.get(rule.id):
            assert rule.scopes == {Scope.SERVER} and alerts_watching(rule.id), f"{rule.id}: nothing judges it"


def test_at_most_one_predicate_per_rule_and_kind_of_subject() -> None:
    for rule_id, entries in REGISTRY.items():
        kinds = [entry.subject for entry in entries]
        assert len(kinds) == len(set(kinds)), rule_id
        assert set(kinds) <= {ChartValues, ComposeFile, EffectiveConfig, EnvFacts, ImageReference, ValuesFile}, rule_id


def test_values_file_predicates_are_scoped_to_values() -> None:
    for rule_id, entries in REGISTRY.items():
        if any(entry.subject is ValuesFile for entry in entries):
            assert Scope.VALUES in RULES_BY_ID[rule_id].scopes, rule_id


def test_every_rule_explains_itself() -> None:
    for rule in RULES:
        assert rule.summary and rule.why.endswith((".", ")", ":")) and rule.fix, rule.id
        assert rule_docs_url(rule.id).endswith(f"/reference/rules/{rule.id}/")
