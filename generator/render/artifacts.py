"""Every file `build` writes, as a pure function of the inputs: paths relative to the output root -> text."""

from __future__ import annotations

from pathlib import Path

from generator.render.alerts import alert_files
from generator.render.compose import compose_files
from generator.render.conf import conf_text
from generator.render.conf_model import ConfFile, conf_files
from generator.render.env import infisical_env
from generator.render.helm import helm_files
from generator.render.jsonschema import values_json_schema
from generator.render.secrets import SecretValues
from generator.rules import predicates_of
from generator.schema.values import Deployment
from generator.shapes.config import EffectiveConfig, Setting
from generator.shapes.finding import Location


class UnsafeSecretError(ValueError):
    """A real password cannot be written safely into some file; nothing is written. Never holds the value."""


def _refuse_unrewritable_sentinel_passwords(confs: list[ConfFile]) -> None:
    """Sentinel writes its passwords back unquoted: judge the real ones by that rule before writing anything."""
    for conf in confs:
        if conf.role != "sentinel":
            continue
        where = Location(conf.filename)
        settings = [Setting(d.name, d.args, where, d.secret) for d in conf.directives()]
        cfg = EffectiveConfig.of(settings, where)
        for hit in (h for judge in predicates_of("auth.sentinel-rewrite", EffectiveConfig) for h in judge(cfg)):
            raise UnsafeSecretError(
                f"{hit.message} (rule auth.sentinel-rewrite); use letters and digits: infisical-redis password"
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
    files.update(alert_files(dep))
    files["values.schema.json"] = values_json_schema()
    return dict(sorted(files.items()))


def relative_label(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name
