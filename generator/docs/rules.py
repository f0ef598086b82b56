"""The rule pages: one per rule and the index, with the commands each rule is checked by."""

from __future__ import annotations

from dataclasses import dataclass

from generator.schema.rules import Rule, Scope, Severity

SCOPE_COMMANDS: dict[Scope, tuple[str, str]] = {
    Scope.VALUES: ("validate", "a values file (`validate`, and `build` before it renders anything)"),
    Scope.CONF: ("check", "an existing `redis.conf`, `sentinel.conf`, Infisical `.env` or Helm values file (`check`)"),
    Scope.SERVER: ("audit", "a running server (`audit`)"),
}
SCOPE_ORDER: tuple[Scope, ...] = (Scope.VALUES, Scope.CONF, Scope.SERVER)


@dataclass(frozen=True)
class RuleView:
    id: str
    severity: str
    summary: str
    why: str
    fix: str
    commands: str
    applies_to: tuple[str, ...]
    ignorable: bool
    blocks_build: bool


def rule_view(rule: Rule) -> RuleView:
    scopes = [scope for scope in SCOPE_ORDER if scope in rule.scopes]
    return RuleView(
        id=rule.id,
        severity=rule.severity.value,
        summary=rule.summary,
        why=rule.why,
        fix=rule.fix.replace("`", ""),
        commands=", ".join(f"`{SCOPE_COMMANDS[s][0]}`" for s in scopes),
        applies_to=tuple(SCOPE_COMMANDS[s][1] for s in scopes),
        ignorable=rule.severity == Severity.WARNING,
        blocks_build=rule.severity == Severity.ERROR and Scope.VALUES in rule.scopes,
    )
