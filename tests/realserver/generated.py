"""Generated artifacts for real-server tests: an example values file, pointed at loopback, rendered for real.

The tests change only what a loopback test must (hosts, ports, file paths, timing) and render through the
same functions `build` uses, with real passwords resolved the way `build --resolve-secrets` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from generator.formats.dotenv import parse_dotenv
from generator.formats.yaml import load_yaml_file
from generator.render.artifacts import deployment_artifacts
from generator.render.env import infisical_env
from generator.render.secrets import SecretValues
from generator.schema.values import Deployment

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def _merge(base: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in overrides.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def example_deployment(name: str, overrides: Mapping[str, Any] | None = None) -> Deployment:
    """``examples/<name>.yaml`` with ``overrides`` deep-merged in (mappings merge, everything else replaces)."""
    data = load_yaml_file(EXAMPLES / f"{name}.yaml").data
    assert isinstance(data, dict)
    return Deployment.model_validate(_merge(data, overrides or {}))


def artifacts(dep: Deployment, environ: Mapping[str, str]) -> dict[str, str]:
    """Every file `build` writes for ``dep``, passwords read from ``environ``."""
    return deployment_artifacts(dep, "test", SecretValues(environ=dict(environ)))


def infisical_environment(dep: Deployment, environ: Mapping[str, str]) -> dict[str, str]:
    """The variables of the generated `.env`, as Infisical's process would see them."""
    return parse_dotenv(infisical_env(dep, SecretValues(environ=dict(environ)))).values
