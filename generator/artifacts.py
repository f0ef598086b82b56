"""Every file `build` writes, as a pure function of the inputs: paths relative to the output root -> text."""

from __future__ import annotations

import json
from pathlib import Path

from generator.conf_model import conf_files
from generator.conf_text import conf_text
from generator.env_file import infisical_env
from generator.helm_values import helm_files
from generator.secrets import SecretValues
from schema.values import Deployment


def values_json_schema() -> str:
    schema = Deployment.model_json_schema()
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "values.schema.json",
        "title": "Infisical Redis deployment values",
        **schema,
    }
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def deployment_artifacts(dep: Deployment, source: str, secrets: SecretValues) -> dict[str, str]:
    """The files of one deployment: Redis / Sentinel configs, the Infisical .env, Helm values, JSON Schema."""
    files = {conf.filename: conf_text(conf, source) for conf in conf_files(dep, secrets)}
    files["infisical.env"] = infisical_env(dep, secrets)
    files.update(helm_files(dep, secrets))
    files["values.schema.json"] = values_json_schema()
    return dict(sorted(files.items()))


def relative_label(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name
