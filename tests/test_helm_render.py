"""The generated Helm values rendered through the real charts and versions they target (Bitnami `redis` 18.14.1
and 23.1.1, `redis-cluster` 13.0.5, Infisical's chart 1.7.5): what the manifests say is what the values file
asked for, every image pulls and runs the right line, and Infisical's Secret points at what the chart creates.

Skips cleanly without ../shared/reference/charts or helm-python-sdk.
"""

from __future__ import annotations

import base64
import subprocess
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from generator.formats.conf import parse_conf
from generator.render.helm import helm_files
from generator.render.helm_target import chart_target
from generator.render.secrets import SecretValues
from generator.schema.charts import BITNAMI_LEGACY, INFISICAL_CHART_VERSION, LINE_IMAGES
from generator.schema.units import format_kube_quantity
from generator.schema.values import Deployment
from tests.helm_charts import Render, chart_dir, render_texts

ROOT = Path(__file__).resolve().parent.parent
SECRETS = SecretValues(environ={"REDIS_PASSWORD": "data-pw-1", "REDIS_SENTINEL_PASSWORD": "sentinel-pw-2"})
THREE = ["10.0.0.1:6379", "10.0.0.2:6379", "10.0.0.3:6379"]
SENTINEL = {"nodes": THREE, "sentinels": [h.replace("6379", "26379") for h in THREE]}
CLUSTER = {"nodes": [f"10.0.1.{i}:6379" for i in range(1, 7)]}
K8S = {"release": "cache", "namespace": "data", "cluster_domain": "k8s.example", "infisical_namespace": "apps"}
SECRET_AUTH = {"secret": {"name": "redis-auth", "key": "redis-password"}}


def _examples() -> dict[str, dict[str, Any]]:
    loader = YAML(typ="safe", pure=True)
    return {f"example-{p.stem}": loader.load(p.read_text()) for p in sorted((ROOT / "examples").glob("*.yaml"))}


def _matrix() -> dict[str, dict[str, Any]]:
    """Every line the charts can run, in every mode; every variant of auth, TLS and names once."""
    cases: dict[str, dict[str, Any]] = {}
    for major, minor in LINE_IMAGES:
        line = f"{major}.{minor}"
        cases[f"standalone-{line}"] = {"mode": "standalone", "redis_version": line}
        cases[f"sentinel-{line}"] = {
            "mode": "sentinel",
            "redis_version": line,
            "auth": {"sentinel_password": {"env": "REDIS_SENTINEL_PASSWORD"}},
            "sentinel": {**SENTINEL, "master_name": "infisical", "quorum": 2},
        }
        cases[f"cluster-{line}"] = {"mode": "cluster", "redis_version": line, "cluster": CLUSTER}
    cases["standalone-tls-names"] = {
        "mode": "standalone",
        "redis_version": "8.2",
        "size": "medium",
        "auth": {"password": SECRET_AUTH},
        "tls": {"enabled": True, "infisical_ca_path": "/ca/redis.pem", "kubernetes_secret": "redis-tls"},
        "persistence": {"storage_class": "ssd", "volume_size": "50Gi"},
        "kubernetes": K8S,
    }
    cases["standalone-no-auth"] = {"mode": "standalone", "redis_version": "7.0", "auth": {"enabled": False}}
    cases["sentinel-tls-secret-names"] = {
        "mode": "sentinel",
        "redis_version": "7.2",
        "auth": {"password": SECRET_AUTH, "sentinel_password": SECRET_AUTH},
        "tls": {"enabled": True},
        "sentinel": {**SENTINEL, "nodes": [*THREE, "10.0.0.4:6379", "10.0.0.5:6379"]},
        "kubernetes": K8S,
    }
    cases["sentinel-no-sentinel-password"] = {"mode": "sentinel", "redis_version": "8.2", "sentinel": SENTINEL}
    cases["cluster-tls-no-aof-names"] = {
        "mode": "cluster",
        "redis_version": "8.0",
        "auth": {"password": {"secret": {"name": "redis-auth", "key": "password"}}},
        "tls": {"enabled": True, "infisical_ca_path": "/ca/redis.pem"},
        "persistence": {"aof": False},
        "cluster": {**CLUSTER, "replicas_per_master": 1},
        "kubernetes": K8S,
    }
    return cases


CASES = {**_examples(), **_matrix()}
CHARTED = [name for name, raw in CASES.items() if chart_target(Deployment.model_validate(raw)) is not None]


def deployment(name: str) -> Deployment:
    return Deployment.model_validate(CASES[name])


def load(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


def chart_values(dep: Deployment, secrets: SecretValues = SECRETS) -> tuple[Path, str]:
    """The chart directory of the version the values target, and the values text."""
    target = chart_target(dep)
    assert target is not None
    name = "bitnami-redis-cluster.values.yaml" if target.chart == "redis-cluster" else "bitnami-redis.values.yaml"
    return chart_dir(target.chart, target.version), helm_files(dep, secrets)[f"helm/{name}"]


def rendered(dep: Deployment, secrets: SecretValues = SECRETS) -> Render:
    path, text = chart_values(dep, secrets)
    return Render.of(render_texts(path, text))


def infisical_secret(dep: Deployment, secrets: SecretValues = SECRETS) -> dict[str, str]:
    manifest = load(helm_files(dep, secrets)["helm/infisical-redis.secret.yaml"])
    assert manifest["metadata"]["namespace"] == dep.kubernetes.secret_namespace
    return {str(k): str(v) for k, v in manifest["stringData"].items()}


def settings(text: str) -> dict[str, list[tuple[str, ...]]]:
    found: dict[str, list[tuple[str, ...]]] = {}
    for line in parse_conf(text):
        found.setdefault(line.name, []).append(line.args)
    return found


def last(conf: dict[str, list[tuple[str, ...]]], name: str) -> tuple[str, ...]:
    return conf[name][-1]


# --- images ---


@pytest.mark.parametrize("name", CHARTED)
def test_every_image_pulls_and_runs_the_values_files_line(name: str) -> None:
    dep = deployment(name)
    line = f"{dep.target.major}.{dep.target.minor}."
    images = rendered(dep).images()
    assert images
    for image in images:
        repository, tag = image.rsplit(":", 1)
        assert repository.startswith(f"docker.io/{BITNAMI_LEGACY}/"), image
        assert repository.split("/")[-1] in {"redis", "redis-sentinel", "redis-cluster"}, image
        assert tag.startswith(line), f"{image}: not Redis {line}x"
    if dep.mode == "sentinel":
        assert {i.split(":")[0].split("/")[-1] for i in images} == {"redis", "redis-sentinel"}


# --- Infisical's Secret against what the chart creates ---


def _hosts(secret: dict[str, str]) -> list[str]:
    if "REDIS_URL" in secret:
        return [secret["REDIS_URL"].rsplit("@", 1)[-1].split("://")[-1]]
    key = "REDIS_SENTINEL_HOSTS" if "REDIS_SENTINEL_HOSTS" in secret else "REDIS_CLUSTER_HOSTS"
    return secret[key].split(",")


@pytest.mark.parametrize("name", CHARTED)
def test_every_host_in_infisicals_secret_is_created_by_the_chart(name: str) -> None:
    dep = deployment(name)
    render = rendered(dep)
    reachable = render.addresses(dep.kubernetes.cluster_domain)
    hosts = _hosts(infisical_secret(dep))
    assert hosts
    for host in hosts:
        assert host in reachable, f"{host}: no such Service (or pod under a headless Service) in the render"
    ports = {int(h.rsplit(":", 1)[1]) for h in hosts}
    assert ports == ({26379} if dep.mode == "sentinel" else {6379})
    secret = infisical_secret(dep)
    assert "REDIS_READ_REPLICAS" not in secret  # machine addresses never reach the Kubernetes Secret
    if dep.mode == "sentinel":
        assert len(hosts) == render.one("StatefulSet", f"{dep.kubernetes.release}-node")["spec"]["replicas"]
        conf = render.config_text(f"{dep.kubernetes.release}-configuration", "sentinel.conf")
        assert f"sentinel monitor {secret['REDIS_SENTINEL_MASTER_NAME']} " in conf


@pytest.mark.parametrize("name", [n for n in CHARTED if CASES[n]["mode"] == "sentinel"])
def test_the_sentinel_password_infisical_sends_is_the_one_the_chart_sets(name: str) -> None:
    dep = deployment(name)
    render = rendered(dep)
    secret = infisical_secret(dep)
    script = render.config_text(f"{dep.kubernetes.release}-scripts", "start-sentinel.sh")
    sentinel_has_password = "requirepass" in script
    assert sentinel_has_password == ("REDIS_SENTINEL_PASSWORD" in secret)
    if not sentinel_has_password:
        return
    assert '"$REDIS_PASSWORD"' in script.split("requirepass", 1)[1].splitlines()[0]
    workload, container = next((w, c) for w, c in render.containers() if c["name"] == "sentinel")
    secret_name, key = render.password_of(workload, container)
    if dep.auth.password.secret is not None:  # an existing Secret: the same one Infisical's placeholder names
        assert (secret_name, key) == (dep.auth.password.secret.name, dep.auth.password.secret.key)
        assert secret["REDIS_SENTINEL_PASSWORD"] == secret["REDIS_PASSWORD"]
    else:
        assert secret["REDIS_SENTINEL_PASSWORD"] == render.secret_value(secret_name, key) == "data-pw-1"


def test_the_data_password_reaches_the_standalone_node() -> None:
    dep = deployment("standalone-8.2")
    render = rendered(dep)
    workload, container = next((w, c) for w, c in render.containers() if c["name"] == "redis")
    url = infisical_secret(dep)["REDIS_URL"]
    assert url.startswith(f"redis://:{render.secret_value(*render.password_of(workload, container))}@")


# --- the Redis settings as the pods get them ---


@pytest.mark.parametrize("name", CHARTED)
def test_persistence_memory_volume_and_resources_as_intended(name: str) -> None:
    dep = deployment(name)
    render = rendered(dep)
    release = dep.kubernetes.release
    if dep.mode == "cluster":
        conf = settings(render.config_text(f"{release}-default", "redis-default.conf"))
        node = render.container(f"{release}")
        aof = render.env(node)["REDIS_AOF_ENABLED"]
        assert aof == ("yes" if dep.persistence.aof else "no")  # the image's start script writes appendonly
        sts = render.one("StatefulSet", release)
    else:
        role = "replica" if dep.mode == "sentinel" else "master"
        text = render.config_text(f"{release}-configuration", "redis.conf")
        text += "\n" + render.config_text(f"{release}-configuration", f"{role}.conf")
        conf = settings(text)
        assert last(conf, "appendonly") == ("yes" if dep.persistence.aof else "no",)
        node = render.container("redis")
        sts = render.one("StatefulSet", f"{release}-node" if dep.mode == "sentinel" else f"{release}-master")
    assert last(conf, "appendfsync") == (dep.persistence.appendfsync,)
    assert last(conf, "maxmemory-policy") == ("noeviction",)
    assert last(conf, "maxmemory") != ("0",)
    snapshots = conf["save"][conf["save"].index(("",)) + 1 :]  # our `save ""` clears the chart's own points
    assert snapshots == [(str(s), str(c)) for s, c in dep.persistence.snapshots]
    memory = format_kube_quantity(dep.tier.pod_memory)
    assert node["resources"] == {
        "requests": {"cpu": dep.tier.cpu_request, "memory": memory},
        "limits": {"memory": memory},
    }
    claims = sts["spec"]["volumeClaimTemplates"]
    assert [c["spec"]["resources"]["requests"]["storage"] for c in claims] == [format_kube_quantity(dep.volume_bytes)]
    assert [c["spec"].get("storageClassName") for c in claims] == [dep.persistence.storage_class]
    expected_replicas = 1 if dep.mode == "standalone" else len((dep.sentinel or dep.cluster).nodes)  # type: ignore[union-attr]
    assert sts["spec"]["replicas"] == expected_replicas


@pytest.mark.parametrize("name", CHARTED)
def test_tls_as_intended(name: str) -> None:
    dep = deployment(name)
    render = rendered(dep)
    node = render.container(dep.kubernetes.release if dep.mode == "cluster" else "redis")
    env = render.env(node)
    assert env.get("REDIS_TLS_ENABLED", "no") == ("yes" if dep.tls.enabled else "no")
    if dep.tls.enabled:
        assert env["REDIS_TLS_AUTH_CLIENTS"] == dep.tls.auth_clients
        secrets = {
            v["secret"]["secretName"]
            for w in render.workloads()
            for v in w["spec"]["template"]["spec"].get("volumes", [])
            if "secret" in v
        }
        expected = dep.tls.kubernetes_secret or f"{dep.kubernetes.release}-crt"
        assert expected in secrets
        if dep.tls.kubernetes_secret is None:
            render.one("Secret", expected)  # generated by the chart
    if dep.mode == "sentinel" and dep.tls.enabled:
        assert render.env(render.container("sentinel"))["REDIS_SENTINEL_TLS_ENABLED"] == "yes"


@pytest.mark.parametrize("name", [n for n in CHARTED if CASES[n]["mode"] == "sentinel"])
def test_sentinel_settings_as_intended(name: str) -> None:
    dep = deployment(name)
    s = dep.sentinel
    assert s is not None
    conf = rendered(dep).config_text(f"{dep.kubernetes.release}-configuration", "sentinel.conf")
    for line in (
        f"sentinel down-after-milliseconds {s.master_name} {s.down_after_ms}",
        f"sentinel failover-timeout {s.master_name} {s.failover_timeout_ms}",
        f"sentinel parallel-syncs {s.master_name} {s.parallel_syncs}",
    ):
        assert line in conf
    assert any(
        x.startswith(f"sentinel monitor {s.master_name} ") and x.endswith(f" {s.quorum}") for x in conf.splitlines()
    )


# --- Infisical's chart ---


def _backend(render: Render) -> dict[str, Any]:
    """Infisical's container: the one that loads the Secret (envFrom)."""
    found = [c for _, c in render.containers() if "envFrom" in c]
    assert len(found) == 1
    return found[0]


def _infisical(text: str) -> Render:
    path = chart_dir("infisical-standalone", INFISICAL_CHART_VERSION)
    return Render.of(render_texts(path, text, "infisical", "apps"), "apps")


@pytest.mark.parametrize("name", CHARTED)
def test_infisicals_chart_reads_the_secret_and_the_extra_env(name: str) -> None:
    dep = deployment(name)
    files = helm_files(dep, SECRETS)
    render = _infisical(files["helm/infisical.external.values.yaml"])
    assert not [m for m in render.manifests if "redis" in m["metadata"]["name"]]
    container = _backend(render)
    assert [e["secretRef"]["name"] for e in container["envFrom"]] == [dep.kubernetes.infisical_secret]
    env = render.env(container)
    ca = dep.tls.infisical_ca_path if dep.tls.enabled else None
    assert env.get("NODE_EXTRA_CA_CERTS") == ca
    assert "REDIS_URL" not in env


def test_infisicals_bundled_redis_runs_the_values_files_line() -> None:
    checked = 0
    for name in CHARTED:
        dep = deployment(name)
        files = helm_files(dep, SECRETS)
        if "helm/infisical.bundled.values.yaml" not in files:
            continue
        render = _infisical(files["helm/infisical.bundled.values.yaml"])
        line = f"{dep.target.major}.{dep.target.minor}."
        redis_images = {i for i in render.images() if "/redis:" in i}
        assert redis_images and all(
            i.split(":")[-1].startswith(line) and f"/{BITNAMI_LEGACY}/" in i for i in redis_images
        )
        url = str(render.env(_backend(render))["REDIS_URL"])
        host, port = url.rsplit("@", 1)[1].split(":")
        assert f"{host}.apps.svc.cluster.local:{port}" in render.addresses("cluster.local")
        workload, node = next((w, c) for w, c in render.containers() if c["name"] == "redis")
        assert url.startswith(f"redis://default:{render.secret_value(*render.password_of(workload, node))}@")
        conf = settings(render.config_text("redis-configuration", "redis.conf"))
        assert last(conf, "appendonly") == ("yes",) and last(conf, "maxmemory-policy") == ("noeviction",)
        checked += 1
    assert checked >= 3


# --- no key the chart ignores ---

IGNORED_KEY_CASES = [n for n in CHARTED if n.startswith("example-") or not n[-3:].replace(".", "").isdigit()]


def _leaves(node: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    if isinstance(node, dict) and node:
        return [leaf for key, value in node.items() for leaf in _leaves(value, (*path, str(key)))]
    return [path]


def _changed(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, list):
        return []
    if value in ("yes", "no"):
        return "no" if value == "yes" else "yes"
    if isinstance(value, str) and "\n" in value:
        return value + "# changed\n"
    return f"{value}x"


def _with(values: Any, path: tuple[str, ...], new: Any) -> Any:
    if not path:
        return new
    return {**values, path[0]: _with(values[path[0]], path[1:], new)}


def _dump(values: Any) -> str:
    from io import StringIO

    out = StringIO()
    YAML(typ="safe", pure=True).dump(values, out)
    return out.getvalue()


def _render_or_error(path: Path, text: str) -> dict[str, str] | str:
    try:
        return render_texts(path, text)
    except Exception as error:  # the chart refusing a value also shows it reads the key
        return f"error: {error}"


def _files_and_charts(dep: Deployment) -> list[tuple[str, Path]]:
    target = chart_target(dep)
    assert target is not None
    name = "bitnami-redis-cluster.values.yaml" if target.chart == "redis-cluster" else "bitnami-redis.values.yaml"
    infisical = chart_dir("infisical-standalone", INFISICAL_CHART_VERSION)
    return [
        (f"helm/{name}", chart_dir(target.chart, target.version)),
        ("helm/infisical.external.values.yaml", infisical),
        ("helm/infisical.bundled.values.yaml", infisical),
    ]


def _certificate_names(text: str) -> str:
    """A generated TLS Secret with its random key material replaced by what is fixed: the certificate's names."""
    out = []
    for line in text.splitlines():
        key, _, value = line.strip().partition(": ")
        if key == "tls.crt":
            pem = base64.b64decode(value)
            names = subprocess.run(
                ["openssl", "x509", "-noout", "-subject", "-ext", "subjectAltName"],
                input=pem,
                capture_output=True,
                check=True,
            ).stdout.decode()
            out.append(f"tls.crt names: {names}")
        elif key not in {"tls.key", "ca.crt"}:
            out.append(line)
    return "\n".join(out)


def _comparable(texts: dict[str, str], unstable: set[str]) -> dict[str, str]:
    return {k: _certificate_names(v) if k in unstable else v for k, v in texts.items()}


@pytest.mark.parametrize("name", IGNORED_KEY_CASES)
def test_every_key_written_changes_what_the_chart_renders(name: str) -> None:
    dep = deployment(name)
    files = helm_files(dep, SECRETS)
    ignored: list[str] = []
    for file_name, path in _files_and_charts(dep):
        if file_name not in files:
            continue
        values = load(files[file_name])
        base = render_texts(path, files[file_name])
        again = render_texts(path, _dump(values) + "# again\n")
        unstable = {k for k in base if base[k] != again.get(k)}  # generated certificates differ on every render
        assert _comparable(base, unstable) == _comparable(again, unstable)
        for leaf in _leaves(values):
            changed = _render_or_error(path, _dump(_with(values, leaf, _changed(_get(values, leaf)))))
            if isinstance(changed, dict) and _comparable(changed, unstable) == _comparable(base, unstable):
                ignored.append(f"{file_name}: {'.'.join(leaf)}")
    assert ignored == [], "keys the chart ignores"


def _get(values: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        values = values[key]
    return values
