"""Every file `build` writes, as a pure function of the inputs: paths relative to the output root -> text."""

from __future__ import annotations

import json
from pathlib import Path

from generator.checks import CONFIG_CHECKS, EffectiveConfig, Setting
from generator.compose_file import compose_files
from generator.conf_model import ConfFile, conf_files
from generator.conf_text import conf_text
from generator.env_file import infisical_env
from generator.findings import Location
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


class UnsafeSecretError(ValueError):
    """A real password cannot be written safely into some file; nothing is written. Never holds the value."""


def _refuse_unrewritable_sentinel_passwords(confs: list[ConfFile]) -> None:
    """Sentinel writes its passwords back unquoted: judge the real ones by that rule before writing anything."""
    for conf in confs:
        if conf.role != "sentinel":
            continue
        where = Location(conf.filename)
        settings = [Setting(d.name, d.args, where, d.secret) for d in conf.directives()]
        for finding in CONFIG_CHECKS["auth.sentinel-rewrite"](EffectiveConfig.of(settings, where)):
            raise UnsafeSecretError(
                f"{finding.message} (rule {finding.rule_id}); use letters and digits: python -m generator password"
            )


def deployment_artifacts(dep: Deployment, source: str, secrets: SecretValues) -> dict[str, str]:
    """The files of one deployment: Redis / Sentinel configs, the Infisical .env, Helm values, JSON Schema.

    Raises ValueError (UnsafeSecretError) when a resolved password cannot be written safely everywhere.
    """
    confs = conf_files(dep, secrets)
    _refuse_unrewritable_sentinel_passwords(confs)
    files = {conf.filename: conf_text(conf, source) for conf in confs}
    files["infisical.env"] = infisical_env(dep, secrets)
    files.update(compose_files(dep))
    files.update(helm_files(dep, secrets))
    files["values.schema.json"] = values_json_schema()
    return dict(sorted(files.items()))


def relative_label(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name
