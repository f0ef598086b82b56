"""A server image reference found in an input (Helm values, a compose file), where it is written."""

from __future__ import annotations

from dataclasses import dataclass

from generator.schema.rules import Scope
from generator.schema.versions import LineMatch, line_for_image
from generator.shapes.finding import Location


@dataclass(frozen=True)
class ImageReference:
    """``redis:8.2.1-alpine``, ``bitnami/redis:7.2.4-debian-12-r0``, ``valkey/valkey:9``, ``redis`` ..."""

    reference: str
    where: Location
    scope: Scope = Scope.CONF
    not_judged: frozenset[str] = frozenset()

    @property
    def line(self) -> LineMatch | None:
        """The server line the image runs; ``None`` when it is no Redis or Valkey image."""
        return line_for_image(self.reference)
