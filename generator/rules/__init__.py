"""Rule predicates, one per rule of the catalogue (``schema/rules.py``), and the engine that runs them.

A predicate module is imported when a subject it judges is first judged (``engine.RULE_MODULES``), so a command
loads only the rules its inputs need; ``REGISTRY`` from this package is the whole registry, every module loaded.
"""

from typing import Any

from generator.rules.engine import Hit, judge, load_all_rules, predicate, predicates_of

__all__ = ["REGISTRY", "Hit", "judge", "load_all_rules", "predicate", "predicates_of"]


def __getattr__(name: str) -> Any:
    if name == "REGISTRY":
        return load_all_rules()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
