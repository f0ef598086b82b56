"""The one registry of rule predicates and the one function that runs them, for every input.

A predicate judges one kind of subject (a shape from ``generator.shapes``) and yields ``Hit``s; the engine
gives each hit its rule's severity. A rule has at most one predicate per kind of subject (``auth.placeholder``
judges configs and environments alike). A rule runs on a subject when the subject's scope is one of the rule's
scopes and the subject does not say it cannot be judged by it. Adding a rule: declare it in ``schema/rules.py``,
write its predicate in a module of this package with ``@predicate(rule_id, SubjectType)``.
"""

from collections.abc import Callable, Iterable, Iterator
from importlib import import_module
from typing import Any, NamedTuple, Protocol, TypeVar

from generator.schema.rules import RULES_BY_ID, Rule, Scope
from generator.shapes.finding import Finding, Location


class Hit(NamedTuple):
    where: Location
    message: str


class Subject(Protocol):
    @property
    def scope(self) -> Scope: ...

    @property
    def not_judged(self) -> frozenset[str]: ...


S = TypeVar("S")
Predicate = Callable[[Any], Iterable[Hit]]


class Registered(NamedTuple):
    rule: Rule
    subject: type
    judge: Predicate


REGISTRY: dict[str, list[Registered]] = {}
"""Rule id -> its predicates, one per kind of subject, as far as their modules are loaded (``load_all_rules``)."""
_APPLICABLE: dict[tuple[type, Scope, frozenset[str], int], list[Registered]] = {}
"""(kind of subject, scope, rules it is not judged by, predicates registered) -> the predicates that run on it:
`validate` of 200 files asks the same question 200 times."""
_registered = 0

RULE_MODULES: dict[str, tuple[str, ...]] = {
    "ValuesFile": ("deployment", "values"),
    "EffectiveConfig": ("arity", "charts", "config", "live", "monitoring"),
    "EnvFacts": ("charts", "env"),
    "ChartValues": ("charts",),
    "ComposeFile": ("compose",),
    "ImageReference": ("image",),
}
"""Kind of subject -> the modules of this package that judge it, imported when such a subject is first judged:
``validate`` never loads the compose rules, a start-up that counts on every commit. A new module or a new kind of
subject goes here (``tests/test_rules_loading.py`` finds one that is missing)."""

VALUES_SCOPE_MODULES: dict[str, tuple[str, ...]] = {
    "EffectiveConfig": ("arity", "config", "live"),
    "EnvFacts": ("env",),
}
"""The fewer modules the subjects of a values file need (scope ``values``: `validate`, and `build` before it
renders), where they are fewer: the chart and monitoring rules judge existing files and servers only."""

_LOADED: set[str] = set()
_LOADED_FOR: set[tuple[type, Scope | None]] = set()


def rule_modules(subject: type, scope: Scope | None = None) -> list[str]:
    """The modules whose predicates judge ``subject`` (in ``scope``; every module for a kind the tables lack)."""
    tables = (VALUES_SCOPE_MODULES, RULE_MODULES) if scope == Scope.VALUES else (RULE_MODULES,)
    for table in tables:
        names = [m for klass in subject.__mro__ for m in table.get(klass.__name__, ())]
        if names:
            return names
    return [m for modules in RULE_MODULES.values() for m in modules]


def load_rules(subject: type, scope: Scope | None = None) -> None:
    """Import the modules whose predicates judge ``subject`` (in ``scope``, when given)."""
    if (subject, scope) in _LOADED_FOR:
        return
    for name in rule_modules(subject, scope):
        if name not in _LOADED:
            import_module(f"generator.rules.{name}")
            _LOADED.add(name)
    _LOADED_FOR.add((subject, scope))


def load_all_rules() -> dict[str, list[Registered]]:
    """Every predicate registered: the whole ``REGISTRY``."""
    load_rules(object)
    return REGISTRY


def predicate(rule_id: str, subject: type[S]) -> Callable[[Callable[[S], Iterator[Hit]]], Callable[[S], Iterator[Hit]]]:
    """Registers the decorated function as the predicate of ``rule_id`` on subjects of type ``subject``."""

    def register(fn: Callable[[S], Iterator[Hit]]) -> Callable[[S], Iterator[Hit]]:
        entries = REGISTRY.setdefault(rule_id, [])
        if any(entry.subject is subject for entry in entries):
            raise ValueError(f"rule {rule_id} has two predicates on {subject.__name__}")
        entries.append(Registered(RULES_BY_ID[rule_id], subject, fn))
        global _registered
        _registered += 1
        return fn

    return register


def applies(entry: Registered, subject: Subject) -> bool:
    return (
        isinstance(subject, entry.subject)
        and subject.scope in entry.rule.scopes
        and entry.rule.id not in subject.not_judged
    )


def predicates_of(rule_id: str, subject: type) -> list[Predicate]:
    load_rules(subject)
    return [entry.judge for entry in REGISTRY.get(rule_id, ()) if issubclass(subject, entry.subject)]


def applicable(subject: Subject) -> list[Registered]:
    """The predicates that run on ``subject``, once their modules are loaded. A list of its own: a predicate may
    import another rule module (and register more) while the engine runs this one."""
    load_rules(type(subject), subject.scope)
    key = (type(subject), subject.scope, subject.not_judged, _registered)
    found = _APPLICABLE.get(key)
    if found is None:
        found = [entry for entries in REGISTRY.values() for entry in entries if applies(entry, subject)]
        _APPLICABLE[key] = found
    return found


def judge(subjects: Iterable[Subject]) -> list[Finding]:
    """Every finding of every registered rule on every subject."""
    found: list[Finding] = []
    add = found.append
    for subject in subjects:
        for entry in applicable(subject):
            rule = entry.rule
            for hit in entry.judge(subject):
                add(Finding(hit.where, rule.severity, rule.id, hit.message))
    return found
