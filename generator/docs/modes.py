"""The modes page: standalone, Sentinel, cluster, and the variables each one uses."""

from __future__ import annotations

from dataclasses import dataclass

from generator.docs.views import anchor
from generator.schema.modes import MODES, ModeFacts


@dataclass(frozen=True)
class ModeView:
    facts: ModeFacts
    supported: str
    variables: tuple[tuple[str, str], ...]
    """(name, anchor on the variables page)."""


def modes_view() -> tuple[ModeView, ...]:
    return tuple(
        ModeView(facts, "yes" if facts.supported else "no", tuple((v, anchor(v)) for v in facts.env_vars))
        for facts in MODES.values()
    )
