"""Rule predicates, one per rule of the catalogue (``schema/rules.py``), and the engine that runs them.

Importing this package registers every predicate; ``judge`` runs them on the subjects a source gives.
"""

from generator.rules import arity, charts, compose, config, deployment, env, image, live, values  # noqa: F401 -- registers the predicates
from generator.rules.engine import REGISTRY, Hit, judge, predicate, predicates_of

__all__ = ["REGISTRY", "Hit", "judge", "predicate", "predicates_of"]
