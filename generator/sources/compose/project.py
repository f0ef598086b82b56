"""What a compose project says about the files beside it: a `.env` next to a compose file is first of all
compose's interpolation file, and Infisical's Redis connection may be set in the compose file instead."""

from __future__ import annotations

from pathlib import Path

from generator.formats.yaml import YamlLoadError, parse_yaml
from generator.schema.env_vars import CONNECTION_VARS
from generator.sources.base import InputError, read_text
from generator.sources.compose import looks_like_compose

_INFISICAL_IMAGES = ("infisical/infisical", "infisical/backend")


def connection_set_beside(env_file: Path) -> bool:
    """Whether a compose file in the same folder sets REDIS_URL (or the Sentinel / Cluster hosts) in the
    ``environment:`` of an Infisical service: then a `.env` there needs no connection variable of its own."""
    for candidate in sorted(env_file.parent.glob("*compose*.y*ml")):
        try:
            data = parse_yaml(read_text(candidate, str(candidate))).data
        except (InputError, YamlLoadError):
            continue
        if not looks_like_compose(data):
            continue
        for spec in data["services"].values():
            if not isinstance(spec, dict) or not any(i in str(spec.get("image", "")) for i in _INFISICAL_IMAGES):
                continue
            env = spec.get("environment")
            names = set(env) if isinstance(env, dict) else {str(e).split("=", 1)[0] for e in env or []}
            if names & set(CONNECTION_VARS):
                return True
    return False
