"""Infisical's environment as some input sets it (a `.env`, a Secret, a compose service), each variable at the
place it is written. The env rules judge this one shape."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from generator.formats.dotenv import EnvAssignment, EnvProblem
from generator.schema.rules import Scope
from generator.shapes.finding import Location


@dataclass(frozen=True)
class EnvFacts:
    assignments: tuple[EnvAssignment, ...]
    locate: Callable[[int], Location]
    """Where line N of the variables stands in the input (0: the input as a whole)."""
    origin: Location
    parse_problems: tuple[EnvProblem, ...] = ()
    """Lines the loaders in front of Infisical would read differently (quoting, ``#``, ``$``)."""
    compose: bool = False
    """Read by docker compose (``$`` interpolates; ``$$`` is a literal dollar)."""
    connection_elsewhere: bool = False
    """A compose file beside this `.env` sets Infisical's connection variables in its ``environment:``."""
    scope: Scope = Scope.CONF
    not_judged: frozenset[str] = field(default=frozenset())

    def latest(self) -> dict[str, EnvAssignment]:
        return {a.name: a for a in self.assignments}
