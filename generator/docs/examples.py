"""The example pages: one per values file in examples/, with every file it renders and what each is for."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.render.alerts import ARTIFACT_PURPOSE as ALERT_PURPOSE
from generator.render.conf_model import Role, conf_files
from generator.render.output import Example
from generator.render.secrets import PLACEHOLDERS
from generator.schema.modes import SUPPORTED_MODES

CONF_ROLE_PURPOSE: dict[Role, str] = {
    "standalone": "the config file of the one Redis server.",
    "master": "the seed config of the first master. Sentinel rewrites it after a failover: install it once, "
    "never over a running node's file.",
    "replica": "the seed config of every replica. Sentinel rewrites it after a failover: install it once, "
    "never over a running node's file.",
    "cluster-node": "the config of every cluster node. Redis keeps the cluster's own state in its "
    "`cluster-config-file`.",
    "sentinel": "the seed config of every Sentinel, which rewrites it as it runs: install it once into a "
    "writable directory.",
}
ARTIFACT_PURPOSE: dict[str, str] = {
    "infisical.env": "Infisical's Redis environment variables, with exactly the names Infisical reads.",
    "docker-compose.redis.yaml": "The `redis` service for Infisical's docker-compose file, running the "
    "generated config on a persistent volume.",
    "values.schema.json": "JSON Schema of the values file, for editors and CI.",
    "helm/bitnami-redis.values.yaml": "Values for the Bitnami `redis` chart (`helm install -f`).",
    "helm/bitnami-redis-cluster.values.yaml": "Values for the Bitnami `redis-cluster` chart (`helm install -f`).",
    "helm/infisical.external.values.yaml": "Values for Infisical's chart with its bundled Redis off; the "
    "connection comes from the Secret in `helm/infisical-redis.secret.yaml`.",
    "helm/infisical.bundled.values.yaml": "Values for Infisical's chart with its bundled Redis subchart, "
    "configured for durable queues.",
    "helm/infisical-redis.secret.yaml": "The Kubernetes Secret Infisical's chart loads its Redis variables from.",
    "helm/README.md": "Why no Helm values are generated: no Bitnami chart runs this server line.",
}
"""What each generated file that is not a Redis / Sentinel config is for."""
ARTIFACT_PURPOSE.update(ALERT_PURPOSE)

LANGUAGES: dict[str, str] = {".conf": "properties", ".env": "bash", ".yaml": "yaml", ".json": "json"}
"""Code-block language of an artifact by suffix, in the order example pages list them. Pygments has no
redis.conf lexer; `properties` reads ``key value`` lines and ``#`` comments the same way."""


@dataclass(frozen=True)
class ArtifactView:
    name: str
    path: str
    language: str
    purpose: str
    collapsed: bool


@dataclass(frozen=True)
class ExampleView:
    name: str
    description: str
    values_path: str
    artifacts: tuple[ArtifactView, ...]
    mode: str

    @property
    def reading_order(self) -> tuple[int, int, str]:
        """Standalone, then Sentinel, then cluster; within a mode the plain example first."""
        return (SUPPORTED_MODES.index(self.mode), self.name != self.mode, self.name)


def _leading_comment(text: str) -> str:
    lines: list[str] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    return " ".join(lines)


def _artifact_order(name: str) -> tuple[int, str]:
    suffixes = list(LANGUAGES)
    suffix = Path(name).suffix
    return (suffixes.index(suffix) if suffix in suffixes else len(suffixes), name)


def example_view(example: Example) -> ExampleView:
    values_file, deployment = example.values_file, example.deployment
    name = values_file.stem
    conf_purpose = {
        conf.filename: f"{conf.title}: {CONF_ROLE_PURPOSE[conf.role]}" for conf in conf_files(deployment, PLACEHOLDERS)
    }
    artifacts: list[ArtifactView] = []
    for relative in sorted(example.files, key=_artifact_order):
        if relative in conf_purpose:
            purpose = conf_purpose[relative]
        elif relative in ARTIFACT_PURPOSE:
            purpose = ARTIFACT_PURPOSE[relative]
        else:
            raise KeyError(f"{relative}: no purpose for this artifact in generator/docs/examples.py")
        artifacts.append(
            ArtifactView(
                name=relative,
                path=f"{example.build_dir}/{relative}",
                language=LANGUAGES.get(Path(relative).suffix, "text"),
                purpose=purpose,
                collapsed=relative.endswith(".json"),
            )
        )
    return ExampleView(
        name=name,
        description=_leading_comment(values_file.read_text(encoding="utf-8")),
        values_path=example.values_path,
        artifacts=tuple(artifacts),
        mode=deployment.mode,
    )
