"""What a rule is: its id, severity, the inputs it judges, and what it means for Infisical."""

from enum import StrEnum
from typing import NamedTuple


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Scope(StrEnum):
    VALUES = "values"
    """A deployment values file (`validate`, and `build` before it renders)."""
    CONF = "conf"
    """An existing redis.conf / sentinel.conf (`check`)."""
    SERVER = "server"
    """A running server (`audit`)."""


ALL_SCOPES = frozenset(Scope)


class Rule(NamedTuple):
    id: str
    severity: Severity
    summary: str
    why: str
    fix: str
    scopes: frozenset[Scope] = ALL_SCOPES
    blocking: bool = False
    """The input could not be judged at all (unreadable, not parsable, a crash): the run exits 2."""

    @property
    def category(self) -> str:
        return self.id.split(".", 1)[0]
