"""Rendering the real Helm charts (../shared/reference/charts, with PyPI's helm-python-sdk) and reading what
the manifests say: images, Services, pods, config text, env, volumes. Tests skip cleanly without the charts."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

CHARTS = Path(__file__).resolve().parents[2] / "shared" / "reference" / "charts"
Manifest = dict[str, Any]
RENDER_TIME = re.compile(r"^(\s*updatedAt: ).*$", re.MULTILINE)
"""Infisical's chart stamps the time of rendering on its Deployment."""


def chart_dir(chart: str, version: str) -> Path:
    folder = {"redis": "bitnami-redis", "redis-cluster": "bitnami-redis-cluster"}.get(chart, chart)
    path = CHARTS / f"{folder}-{version}"
    if not path.is_dir():
        pytest.skip(f"no reference chart at {path}")
    return path


def _helm() -> Any:
    return pytest.importorskip("helm_python", reason="helm-python-sdk renders the charts")


@cache
def _render_cached(path: str, values_text: str, release: str, namespace: str) -> tuple[tuple[str, str], ...]:
    helm = _helm()
    values = YAML(typ="safe", pure=True).load(values_text) or {}
    with helm.Chart.load(path) as chart:
        out = chart.render(values, name=release, namespace=namespace, is_install=True)
    return tuple(sorted((name, text) for name, text in out.items()))


def render_texts(
    path: Path, values_text: str, release: str = "anything", namespace: str = "elsewhere"
) -> dict[str, str]:
    """Template path -> rendered text, NOTES.txt left out (it is shown, never applied)."""
    rendered = _render_cached(str(path), values_text, release, namespace)
    return {
        name: RENDER_TIME.sub(r"\1<render time>", text) for name, text in rendered if not name.endswith("NOTES.txt")
    }


@dataclass(frozen=True)
class Render:
    manifests: tuple[Manifest, ...]
    namespace: str
    """The namespace of the install: objects whose metadata names none land there."""

    @classmethod
    def of(cls, texts: dict[str, str], namespace: str = "elsewhere") -> Render:
        loader = YAML(typ="safe", pure=True)
        docs = [doc for text in texts.values() for doc in loader.load_all(text) if isinstance(doc, dict)]
        return cls(tuple(docs), namespace)

    def namespace_of(self, manifest: Manifest) -> str:
        return str(manifest["metadata"].get("namespace") or self.namespace)

    def of_kind(self, kind: str) -> list[Manifest]:
        return [m for m in self.manifests if m.get("kind") == kind]

    def one(self, kind: str, name: str) -> Manifest:
        found = [m for m in self.of_kind(kind) if m["metadata"]["name"] == name]
        assert len(found) == 1, f"{kind} {name}: {len(found)} in the render"
        return found[0]

    def workloads(self) -> list[Manifest]:
        return [m for m in self.manifests if m.get("kind") in {"StatefulSet", "Deployment", "DaemonSet", "Job"}]

    def containers(self) -> Iterator[tuple[Manifest, dict[str, Any]]]:
        for workload in self.workloads():
            spec = workload["spec"]["template"]["spec"]
            for container in [*spec.get("initContainers", []), *spec.get("containers", [])]:
                yield workload, container

    def container(self, name: str) -> dict[str, Any]:
        found = [c for _, c in self.containers() if c["name"] == name]
        assert found, f"no container {name}"
        return found[0]

    def images(self) -> set[str]:
        return {c["image"] for _, c in self.containers()}

    def config_text(self, configmap: str, key: str) -> str:
        return str(self.one("ConfigMap", configmap)["data"][key])

    def secret_value(self, name: str, key: str) -> str:
        secret = self.one("Secret", name)
        if key in secret.get("stringData", {}):
            return str(secret["stringData"][key])
        return base64.b64decode(secret["data"][key]).decode()

    def service_ports(self, namespace: str) -> dict[str, set[int]]:
        return {
            s["metadata"]["name"]: {p["port"] for p in s["spec"]["ports"]}
            for s in self.of_kind("Service")
            if self.namespace_of(s) == namespace
        }

    def addresses(self, domain: str) -> set[str]:
        """Every ``host:port`` the render makes reachable in the cluster: Services, and the pods of a StatefulSet
        under its headless Service (``pod.headless.namespace.svc.domain``)."""
        found: set[str] = set()
        services = {s["metadata"]["name"]: s for s in self.of_kind("Service")}
        for name, service in services.items():
            namespace = self.namespace_of(service)
            for port in service["spec"]["ports"]:
                found.add(f"{name}.{namespace}.svc.{domain}:{port['port']}")
        for sts in self.of_kind("StatefulSet"):
            headless = services.get(sts["spec"].get("serviceName", ""))
            if headless is None or headless["spec"].get("clusterIP") != "None":
                continue
            namespace = self.namespace_of(sts)
            for i in range(int(sts["spec"]["replicas"])):
                for port in headless["spec"]["ports"]:
                    pod = f"{sts['metadata']['name']}-{i}.{headless['metadata']['name']}"
                    found.add(f"{pod}.{namespace}.svc.{domain}:{port['port']}")
        return found

    def env(self, container: dict[str, Any]) -> dict[str, Any]:
        return {e["name"]: e.get("value", e.get("valueFrom")) for e in container.get("env", [])}

    def password_of(self, workload: Manifest, container: dict[str, Any]) -> tuple[str, str]:
        """(Secret name, key) the container's REDIS_PASSWORD comes from: an env reference or a mounted file."""
        env = self.env(container)
        ref = env.get("REDIS_PASSWORD")
        if isinstance(ref, dict):
            return ref["secretKeyRef"]["name"], ref["secretKeyRef"]["key"]
        path = Path(str(env["REDIS_PASSWORD_FILE"]))
        mounts = {m["name"]: m["mountPath"] for m in container.get("volumeMounts", [])}
        volumes = {v["name"]: v for v in workload["spec"]["template"]["spec"].get("volumes", [])}
        for name, mount in mounts.items():
            if Path(mount) == path.parent and "secret" in volumes[name]:
                secret = volumes[name]["secret"]
                items = {i["path"]: i["key"] for i in secret.get("items", [])}
                return secret["secretName"], items.get(path.name, path.name)
        raise AssertionError("REDIS_PASSWORD comes from neither an env reference nor a mounted Secret")
