"""mkdocs hooks (``hooks:`` in mkdocs.yml): draw the site's pictures and data when the site is built, from the
checkout's own files and the real generator, so nothing drawn is committed or can go stale."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

from generator.judge import validate_file
from generator.site.configurator import configurator_assets
from generator.site.durability import durability_svg, load
from generator.site.topology import topology_svg

GENERATED = "assets/generated"


def topology_assets(root: Path) -> dict[str, str]:
    """``topology-<example>.svg`` for every example values file, from the model `validate` builds of it."""
    assets = {}
    for values_file in sorted((root / "examples").glob("*.yaml")):
        deployment = validate_file(values_file).deployment
        if deployment is not None:
            assets[f"{GENERATED}/topology-{values_file.stem}.svg"] = topology_svg(deployment, values_file.stem)
    return assets


def site_assets(root: Path) -> dict[str, str]:
    """Every generated asset of the site, by its path below the docs root."""
    return {
        f"{GENERATED}/durability.svg": durability_svg(load(root)),
        **topology_assets(root),
        **configurator_assets(root),
    }


def on_files(files: Files, config: Any) -> Files:
    root = Path(config.config_file_path).parent
    for uri, content in site_assets(root).items():
        files.append(File.generated(config, uri, content=content))
    return files
