"""Rule predicates, one per rule of the catalogue (``schema/rules.py``), and the engine that runs them.

Importing this package registers every predicate; ``judge`` runs them on the subjects a source gives.
"""

from generator.rules import (  # noqa: F401 -- importing them registers the predicates
    arity,
    charts,
    compose,
    config,
    deployment,
    env,
    image,
    live,
    monitoring,
    values,
)
from generator.rules.engine import REGISTRY, Hit, judge, predicate, predicates_of

__all__ = ["REGISTRY", "Hit", "judge", "predicate", "predicates_of"]
