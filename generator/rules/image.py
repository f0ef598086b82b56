"""Predicate of ``version.image-tag``: an image reference that does not pin a server line."""

from __future__ import annotations

from collections.abc import Iterator

from generator.rules.engine import Hit, predicate
from generator.shapes.image import ImageReference


@predicate("version.image-tag", ImageReference)
def _image_tag(image: ImageReference) -> Iterator[Hit]:
    matched = image.line
    if matched is not None and matched.floating and matched.warning:
        yield Hit(image.where, f"image '{image.reference}': {matched.warning}")
