"""Helm values (generator.render.helm): valid YAML, only key paths the Bitnami charts have, the same variables
as the `.env`, and a data-node config that keeps Infisical's queues."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from generator.formats.conf import parse_conf
from generator.render.helm import helm_files
from generator.render.helm_target import kubernetes_env_view
from generator.render.secrets import PLACEHOLDERS, SecretValues
from generator.schema.charts import (
    INFISICAL_CHART_VERSION,
    LINE_IMAGES,
    REDIS_CHART_VERSIONS,
    REDIS_CLUSTER_CHART_VERSION,
)
from generator.schema.units import format_kube_quantity
from generator.schema.values import Deployment
from tests.test_env_file import DEPLOYMENTS as ENV_DEPLOYMENTS

DEPLOYMENTS: dict[str, dict[str, Any]] = {
    **ENV_DEPLOYMENTS,
    # Valkey has no Bitnami chart: the same deployment on a Redis line the charts run.
    "sentinel-secrets-tls": {**ENV_DEPLOYMENTS["sentinel-secrets-tls"], "redis_version": "8.2"},
}


def deployment(name: str) -> Deployment:
    return Deployment.model_validate(DEPLOYMENTS[name])


REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"
REDIS_CHARTS = ("bitnami-redis-23.1.1", "bitnami-redis-18.14.0")
CLUSTER_CHART = "bitnami-redis-cluster-13.0.5"
NEWER_THAN_18: frozenset[tuple[str, ...]] = frozenset({("global", "security", "allowInsecureImages")})
"""Keys the 18.x line does not have and ignores; the values file says so in a comment."""
COMMON = "helm/infisical.external.values.yaml", "helm/infisical-redis.secret.yaml"
FILES_BY_DEPLOYMENT = {
    "standalone": {"helm/bitnami-redis.values.yaml", "helm/infisical.bundled.values.yaml", *COMMON},
    "standalone-tls": {"helm/bitnami-redis.values.yaml", *COMMON},
    "standalone-no-auth": {"helm/bitnami-redis.values.yaml", *COMMON},
    "standalone-acl-user": {"helm/bitnami-redis.values.yaml", *COMMON},
    "sentinel": {"helm/bitnami-redis.values.yaml", *COMMON},
    "sentinel-secrets-tls": {"helm/bitnami-redis.values.yaml", *COMMON},
    "cluster": {"helm/bitnami-redis-cluster.values.yaml", *COMMON},
    "cluster-tls-elasticache": {"helm/bitnami-redis-cluster.values.yaml", *COMMON},
}
BITNAMI = "helm/bitnami-redis.values.yaml"
CHART_MANAGED = {"port", "tls-port", "bind", "requirepass", "masterauth", "user", "replicaof", "dir", "cluster-enabled"}


def load(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


def rendered(name: str, secrets: SecretValues = PLACEHOLDERS) -> dict[str, Any]:
    return {path: load(text) for path, text in helm_files(deployment(name), secrets).items()}


@cache
def reference(chart: str) -> Any:
    path = REFERENCE / chart / "values.yaml"
    if not path.is_file():
        pytest.skip(f"no reference chart at {path}")
    return load(path.read_text(encoding="utf-8"))


def leaf_paths(node: Any, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    if isinstance(node, dict) and node:
        return [p for key, value in node.items() for p in leaf_paths(value, (*prefix, str(key)))]
    return [(prefix, node)]


def unknown_paths(values: Any, chart: str, ignore: frozenset[tuple[str, ...]] = frozenset()) -> list[str]:
    """Key paths of ``values`` the chart's values.yaml lacks, or whose value type differs from the chart's.

    An empty map in the chart (``resources: {}``) accepts any keys below it.
    """
    problems = []
    for path, value in leaf_paths(values):
        if path in ignore:
            continue
        node = reference(chart)
        for depth, key in enumerate(path):
            if isinstance(node, dict) and node == {} and depth > 0:
                break
            if not isinstance(node, dict) or key not in node:
                problems.append(".".join(path))
                break
            node = node[key]
        else:
            if node not in (None, "") and type(node) is not type(value):
                problems.append(f"{'.'.join(path)}: {type(value).__name__}, chart has {type(node).__name__}")
    return problems


@pytest.mark.parametrize("name", DEPLOYMENTS)
def test_file_names_per_mode(name: str) -> None:
    assert set(helm_files(deployment(name), PLACEHOLDERS)) == FILES_BY_DEPLOYMENT[name]


@pytest.mark.parametrize("name", DEPLOYMENTS)
def test_every_file_is_valid_yaml_with_comments(name: str) -> None:
    for path, text in helm_files(deployment(name), PLACEHOLDERS).items():
        assert isinstance(load(text), dict), path
        assert text.startswith("# "), path
        assert text.endswith("\n") and not text.endswith("\n\n"), path


@pytest.mark.parametrize("name", [n for n in DEPLOYMENTS if DEPLOYMENTS[n]["mode"] != "cluster"])
@pytest.mark.parametrize("chart", REDIS_CHARTS)
def test_bitnami_redis_key_paths_exist_in_the_chart(name: str, chart: str) -> None:
    values = rendered(name)["helm/bitnami-redis.values.yaml"]
    ignore = NEWER_THAN_18 if "18." in chart else frozenset()
    assert unknown_paths(values, chart, ignore) == []


@pytest.mark.parametrize("name", [n for n in DEPLOYMENTS if DEPLOYMENTS[n]["mode"] == "cluster"])
def test_bitnami_redis_cluster_key_paths_exist_in_the_chart(name: str) -> None:
    values = rendered(name)["helm/bitnami-redis-cluster.values.yaml"]
    assert unknown_paths(values, CLUSTER_CHART) == []


def test_bundled_subchart_key_paths_exist_in_the_pinned_chart() -> None:
    subchart = dict(rendered("standalone")["helm/infisical.bundled.values.yaml"]["redis"])
    assert subchart.pop("enabled") is True  # the subchart condition, not a Bitnami key
    for chart in REDIS_CHARTS:
        assert unknown_paths(subchart, chart) == []


def test_a_non_bitnami_image_is_allowed_explicitly_where_the_chart_checks_images() -> None:
    raw = {**DEPLOYMENTS["standalone"], "kubernetes": {"image_repository": "mirror/redis"}}
    values = load(helm_files(Deployment.model_validate({**raw, "redis_version": "8.2"}), PLACEHOLDERS)[BITNAMI])
    assert values["image"] == {"repository": "mirror/redis", "tag": "8.2.1-debian-12-r0"}
    assert values["global"]["security"]["allowInsecureImages"] is True
    assert unknown_paths(values, REDIS_CHARTS[0]) == []
    old_chart = load(helm_files(Deployment.model_validate(raw), PLACEHOLDERS)[BITNAMI])  # 18.14.1 has no such key
    assert "global" not in old_chart and old_chart["image"]["repository"] == "mirror/redis"
    assert "global" not in rendered("standalone")[BITNAMI]


def test_a_line_no_chart_can_run_gets_a_readme_that_says_why() -> None:
    for version, words in (("valkey-8.0", "Valkey 8.0 is not Redis"), ("8.4", "no pullable Bitnami image")):
        dep = Deployment.model_validate({**DEPLOYMENTS["standalone"], "redis_version": version})
        files = helm_files(dep, PLACEHOLDERS)
        assert list(files) == ["helm/README.md"]
        assert words in " ".join(files["helm/README.md"].split())
    cluster = Deployment.model_validate({**DEPLOYMENTS["cluster"], "redis_version": "6.2"})
    files = helm_files(cluster, PLACEHOLDERS)
    assert list(files) == ["helm/README.md"], "redis-cluster 13.0.5's default config stops Redis 6.2 at start"
    assert "Redis 7.0 or newer" in " ".join(files["helm/README.md"].split())


def conf_settings(text: str) -> dict[str, list[tuple[str, ...]]]:
    settings: dict[str, list[tuple[str, ...]]] = {}
    for line in parse_conf(text):
        settings.setdefault(line.name, []).append(line.args)
    return settings


def assert_keeps_infisicals_queues(text: str, aof_line: bool = True) -> None:
    settings = conf_settings(text)
    if aof_line:
        assert settings["appendonly"] == [("yes",)]
    assert settings["appendfsync"] == [("everysec",)]
    assert settings["maxmemory-policy"] == [("noeviction",)]
    assert settings["maxmemory"][0][0] not in ("0", "")
    assert settings["save"][0] == ("",)  # clears the chart's own snapshot points first
    assert not CHART_MANAGED & set(settings)
    assert not any(name.startswith("tls-") for name in settings)


@pytest.mark.parametrize("name", [n for n in DEPLOYMENTS if DEPLOYMENTS[n]["mode"] != "cluster"])
def test_common_configuration_keeps_the_queues_and_leaves_the_rest_to_the_chart(name: str) -> None:
    assert_keeps_infisicals_queues(rendered(name)["helm/bitnami-redis.values.yaml"]["commonConfiguration"])


def test_cluster_configmap_leaves_appendonly_to_use_aof_persistence() -> None:
    values = rendered("cluster")["helm/bitnami-redis-cluster.values.yaml"]
    assert values["redis"]["useAOFPersistence"] == "yes"
    text = values["redis"]["configmap"]
    assert_keeps_infisicals_queues(text, aof_line=False)
    assert "appendonly" not in conf_settings(text)
    assert conf_settings(text)["cluster-node-timeout"] == [("15000",)]
    assert values["cluster"] == {"nodes": 6, "replicas": 1}


def test_standalone_values() -> None:
    files = rendered("standalone")
    values = files["helm/bitnami-redis.values.yaml"]
    assert values["architecture"] == "standalone"
    assert values["image"] == {"repository": "bitnamilegacy/redis", "tag": "7.2.4-debian-11-r5"}
    assert values["auth"] == {"enabled": True, "password": "replace-me-with-env-REDIS_PASSWORD"}
    assert values["master"]["persistence"] == {"size": "30Gi"}
    assert "resourcesPreset" not in values["master"]  # ignored by the chart once resources are set
    assert values["master"]["resources"] == {"requests": {"cpu": "2", "memory": "4Gi"}, "limits": {"memory": "4Gi"}}
    assert "tls" not in values and "sentinel" not in values and "replica" not in values


def test_bundled_values_use_the_infisical_charts_subchart() -> None:
    values = rendered("standalone")["helm/infisical.bundled.values.yaml"]["redis"]
    assert values["architecture"] == "standalone"
    assert values["auth"] == {"password": "replace-me-with-env-REDIS_PASSWORD"}
    assert values["image"] == {"repository": "bitnamilegacy/redis", "tag": "7.2.4-debian-11-r5"}
    assert_keeps_infisicals_queues(values["commonConfiguration"])
    standalone = rendered("standalone")["helm/bitnami-redis.values.yaml"]
    assert values["commonConfiguration"] == standalone["commonConfiguration"]
    assert values["master"]["persistence"] == standalone["master"]["persistence"]


def test_tls_storage_class_and_volume_size() -> None:
    dep = deployment("standalone-tls")
    values = rendered("standalone-tls")["helm/bitnami-redis.values.yaml"]
    assert values["tls"] == {
        "enabled": True,
        "authClients": False,
        "existingSecret": "redis-tls",
        "certFilename": "tls.crt",
        "certKeyFilename": "tls.key",
        "certCAFilename": "ca.crt",
    }
    assert values["master"]["persistence"] == {"size": format_kube_quantity(dep.volume_bytes), "storageClass": "ssd"}
    assert values["master"]["persistence"]["size"] == "50Gi"
    autogenerated = rendered("sentinel-secrets-tls")["helm/bitnami-redis.values.yaml"]["tls"]
    assert autogenerated == {"enabled": True, "autoGenerated": True, "authClients": False}


def test_sentinel_values() -> None:
    values = rendered("sentinel")["helm/bitnami-redis.values.yaml"]
    assert values["architecture"] == "replication"
    assert values["sentinel"] == {
        "enabled": True,
        "image": {"repository": "bitnamilegacy/redis-sentinel", "tag": "7.2.4-debian-11-r6"},
        "masterSet": "infisical",
        "quorum": 2,
        "downAfterMilliseconds": 5000,
        "failoverTimeout": 60000,
        "parallelSyncs": 1,
    }
    assert values["replica"]["replicaCount"] == 3
    assert values["replica"]["resources"]["limits"] == {"memory": "8Gi"}  # medium tier
    assert values["auth"]["sentinel"] is True
    assert "master" not in values


def test_secret_sourced_passwords_use_existing_secret() -> None:
    redis = rendered("sentinel-secrets-tls")["helm/bitnami-redis.values.yaml"]["auth"]
    assert redis == {
        "enabled": True,
        "sentinel": True,
        "existingSecret": "redis-auth",
        "existingSecretPasswordKey": "redis-password",
    }
    cluster = rendered("cluster-tls-elasticache")["helm/bitnami-redis-cluster.values.yaml"]
    assert (cluster["usePassword"], cluster["existingSecret"], cluster["existingSecretPasswordKey"]) == (
        True,
        "redis-auth",
        "password",
    )
    assert "password" not in cluster


@pytest.mark.parametrize("name", DEPLOYMENTS)
def test_secret_manifest_holds_the_in_cluster_variables(name: str) -> None:
    dep = deployment(name)
    manifest = rendered(name)["helm/infisical-redis.secret.yaml"]
    assert (manifest["apiVersion"], manifest["kind"], manifest["type"]) == ("v1", "Secret", "Opaque")
    assert manifest["metadata"] == {"name": dep.kubernetes.infisical_secret, "namespace": "default"}
    assert manifest["stringData"] == {e.name: e.value for e in kubernetes_env_view(dep, PLACEHOLDERS).entries}
    machines = {str(h.host) for h in [*dep.read_replicas, *(dep.sentinel.sentinels if dep.sentinel else [])]}
    assert not any(host in value for host in machines for value in manifest["stringData"].values())
    assert ".default.svc.cluster.local:" in " ".join(manifest["stringData"].values())


@pytest.mark.parametrize("name", DEPLOYMENTS)
def test_external_infisical_values(name: str) -> None:
    dep = deployment(name)
    values = rendered(name)["helm/infisical.external.values.yaml"]
    assert values["redis"] == {"enabled": False}
    assert values["infisical"]["kubeSecretRef"] == dep.kubernetes.infisical_secret
    ca = dep.tls.infisical_ca_path if dep.tls.enabled else None
    extra = values["infisical"].get("env")
    assert extra == ([{"name": "NODE_EXTRA_CA_CERTS", "value": ca}] if ca else None)
    assert "extraEnv" not in values["infisical"]  # Infisical's chart has no such key


def test_resolved_awkward_password_survives_yaml_exactly() -> None:
    password = 'p@ss: "#\\ x - [y] {z} &a *b !c %d $e: |'
    files = helm_files(deployment("cluster"), SecretValues(environ={"REDIS_PASSWORD": password}))
    assert load(files["helm/bitnami-redis-cluster.values.yaml"])["password"] == password
    files = helm_files(deployment("standalone"), SecretValues(environ={"REDIS_PASSWORD": password}))
    assert load(files["helm/bitnami-redis.values.yaml"])["auth"]["password"] == password
    assert "helm/infisical.bundled.values.yaml" not in files  # the chart would put it into a URL unencoded
    secret = load(files["helm/infisical-redis.secret.yaml"])["stringData"]["REDIS_URL"]
    assert password not in secret


def test_a_password_yaml_cannot_hold_is_refused_without_echoing_it() -> None:
    with pytest.raises(ValueError) as error:
        helm_files(deployment("standalone-acl-user"), SecretValues(environ={"REDIS_PASSWORD": "Zq9\u2028Zq9"}))
    assert "Zq9" not in str(error.value)


def test_the_kubernetes_guide_installs_exactly_the_generated_files_and_chart_versions() -> None:
    guide = (Path(__file__).resolve().parent.parent / "docs/guides/kubernetes.md").read_text(encoding="utf-8")
    known = {*REDIS_CHART_VERSIONS, REDIS_CLUSTER_CHART_VERSION, INFISICAL_CHART_VERSION}
    versions = re.findall(r"--version (\S+)", guide)
    assert versions and set(versions) <= known
    for (major, minor), images in LINE_IMAGES.items():
        row = next(line for line in guide.splitlines() if line.startswith(f"| `{major}.{minor}` |"))
        for tag in (images.redis, images.sentinel, images.cluster or "none: ", images.redis_chart):
            assert tag in row, f"{major}.{minor}: {tag} missing from the guide's table"
    example = Deployment.model_validate(load(guide.split('```yaml title="redis-values.yaml"\n')[1].split("```")[0]))
    files = helm_files(example, PLACEHOLDERS)
    for name in re.findall(r"-f out/(helm/\S+)", guide):
        assert name in files or name == "helm/bitnami-redis-cluster.values.yaml", name
    header = files["helm/bitnami-redis.values.yaml"].splitlines()[1]
    assert "--version 18.14.1 -n infisical" in header and "--version 18.14.1 -n infisical" in guide
