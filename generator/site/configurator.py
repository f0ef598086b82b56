"""The configurator's data: every combination of mode, server line, size, TLS and password source, written as a
values file and rendered by the real `build` (``deployment_outputs``) when the site is built. The page's script
only picks one of these JSON files and shows it; no template logic runs in the browser."""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from generator.build import InvalidValuesError, deployment_outputs
from generator.render.output import MANIFEST
from generator.render.secrets import PLACEHOLDERS
from generator.schema.versions import SUPPORTED_TARGETS

FOLDER = "assets/generated/configurator"
VALUES_NAME = "redis-values.yaml"
LEFT_OUT = {MANIFEST, "values.schema.json"}
"""Not shown per combination: the build's manifest, and the JSON Schema (the same for every combination)."""

MODES = ("standalone", "sentinel", "cluster")
SIZES = ("small", "medium", "large")
TLS = ("off", "on")
PASSWORDS = ("env", "secret")
PASSWORD_TITLES = {"env": "an environment variable", "secret": "a Kubernetes Secret"}

_TLS_SECTION = {
    "enabled": True,
    "cert_file": "/tls/redis.crt",
    "key_file": "/tls/redis.key",
    "ca_file": "/tls/ca.crt",
    "auth_clients": "no",
    "infisical_ca_path": "/etc/ssl/certs/redis-ca.pem",
    "kubernetes_secret": "redis-tls",
}


@dataclass(frozen=True)
class Choice:
    mode: str
    line: str
    size: str
    tls: str
    password: str

    @property
    def key(self) -> str:
        return "--".join((self.mode, self.line, self.size, self.tls, self.password))


def choices() -> Iterator[Choice]:
    lines = [target.spelling for target in reversed(SUPPORTED_TARGETS)]
    for mode in MODES:
        for line in lines:
            for size in SIZES:
                for tls in TLS:
                    for password in PASSWORDS:
                        yield Choice(mode, line, size, tls, password)


def _example(root: Path, mode: str) -> dict[str, Any]:
    loaded: dict[str, Any] = YAML(typ="safe").load((root / "examples" / f"{mode}.yaml").read_text(encoding="utf-8"))
    return loaded


def values_text(choice: Choice, example: dict[str, Any]) -> str:
    """The values file for one choice: the mode's example with the chosen line, size, TLS and password source."""
    values = {key: value for key, value in example.items() if key not in ("redis_version", "size", "auth", "tls")}
    if choice.password == "env":
        auth: dict[str, Any] = {"password": {"env": "REDIS_PASSWORD"}}
        if choice.mode == "sentinel":
            auth["sentinel_password"] = {"env": "REDIS_SENTINEL_PASSWORD"}
    else:
        auth = {"password": {"secret": {"name": "redis-auth", "key": "redis-password"}}}
        if choice.mode == "sentinel":
            auth["sentinel_password"] = {"secret": {"name": "redis-auth", "key": "sentinel-password"}}
    ordered: dict[str, Any] = {
        "mode": choice.mode,
        "redis_version": choice.line,
        "size": choice.size,
        **{k: v for k, v in values.items() if k not in ("mode", "ignore_rules")},
        "auth": auth,
    }
    if choice.tls == "on":
        ordered["tls"] = dict(_TLS_SECTION)
    if "ignore_rules" in values:
        ordered["ignore_rules"] = values["ignore_rules"]
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 4096
    out = io.StringIO()
    yaml.dump(ordered, out)
    return out.getvalue()


def render_choice(choice: Choice, values: str, workdir: Path) -> dict[str, Any]:
    """One combination as the page shows it: the values file, every generated file, and `validate`'s findings."""
    path = workdir / VALUES_NAME
    path.write_text(values, encoding="utf-8")
    out = Path("out")
    try:
        rendered = deployment_outputs(path, out, PLACEHOLDERS)
    except InvalidValuesError as error:
        return {"values": values, "files": {}, "findings": _findings(error.run.findings)}
    files = {
        p.relative_to(out).as_posix(): text
        for p, text in sorted(rendered.files.items())
        if p.relative_to(out).as_posix() not in LEFT_OUT
    }
    return {"values": values, "files": files, "findings": _findings(rendered.warnings)}


def _findings(findings: Any) -> list[str]:
    return [f"{f.severity.value} {f.rule_id}: {f.message}" for f in findings]


def configurator_assets(root: Path) -> dict[str, str]:
    """``index.json`` (the choices and their titles) and one JSON file per combination."""
    examples = {mode: _example(root, mode) for mode in MODES}
    assets: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="configurator-") as tmp:
        for choice in choices():
            data = render_choice(choice, values_text(choice, examples[choice.mode]), Path(tmp))
            assets[f"{FOLDER}/{choice.key}.json"] = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    targets = list(reversed(SUPPORTED_TARGETS))
    index = {
        "dimensions": {
            "mode": [[m, m.capitalize()] for m in MODES],
            "line": [[t.spelling, t.title] for t in targets],
            "size": [[s, s] for s in SIZES],
            "tls": [[t, f"TLS {t}"] for t in TLS],
            "password": [[p, PASSWORD_TITLES[p]] for p in PASSWORDS],
        },
        "default": {"mode": "standalone", "line": "7.0", "size": "small", "tls": "off", "password": "env"},
        "order": ["mode", "line", "size", "tls", "password"],
    }
    assets[f"{FOLDER}/index.json"] = json.dumps(index, indent=1)
    return assets
