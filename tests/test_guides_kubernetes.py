"""docs/guides/kubernetes.md followed as a new user would, with only the commands and files the page shows:
its values file, its `infisical-redis` commands (this checkout's `python -m generator`), its `helm` commands
rendered with helm-python-sdk through exactly the chart, version, release, namespace, `-f` files and `--set`
they name (the charts in ../shared/reference/charts; skipped without them), and its `kubectl` lines read for
what they hand the cluster (the literal of `create secret`, the patch of `patch secret`, both expanded by bash
as typed).

Then a real redis-server runs the data pod's config as the chart assembled it (tests/realserver/chart_pod.py),
and Infisical's client (BullMQ over ioredis, tests/node) connects with the variables Infisical's pod would get:
the patched Secret's keys (option A, Bitnami chart) or the `REDIS_URL` Infisical's chart writes into its
Deployment (option B, bundled Redis). The only change: the in-cluster host names of the render's Services are
mapped to 127.0.0.1 and the test server's port. A job is queued and processed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import pytest
from ruamel.yaml import YAML

from tests.helm_charts import Render, chart_dir, render_texts
from tests.realserver.binaries import SERVER_LINE, require
from tests.realserver.chart_pod import chart_pods, lay_out, pod_password
from tests.realserver.fixtures import ServerFactory
from tests.realserver.guide_pages import exported, page_commands, run_page_command, shell_words
from tests.realserver.node_client import NodeClient
from tests.realserver.ports import free_port
from tests.realserver.processes import Auth, RedisServer
from tests.support import ROOT

PAGE: Final = ROOT / "docs/guides/kubernetes.md"
CHART_FOLDERS: Final = {
    "oci://registry-1.docker.io/bitnamicharts/redis": "redis",
    "oci://registry-1.docker.io/bitnamicharts/redis-cluster": "redis-cluster",
    "infisical-helm-charts/infisical-standalone": "infisical-standalone",
}
"""The chart references the page's `helm` lines use -> the chart folders in ../shared/reference/charts."""
CLUSTER_DOMAIN: Final = "cluster.local"
QUEUE: Final = "secret-sync"

pytestmark = [pytest.mark.server, pytest.mark.node]


def _page() -> str:
    return PAGE.read_text(encoding="utf-8")


def _one(page: str, prefix: str, containing: str = "") -> str:
    found = [c for c in page_commands(page, prefix) if containing in c]
    assert len(found) == 1, f"the page should show one `{prefix} ... {containing}` command, it shows {found}"
    return found[0]


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _set(values: dict[str, Any], assignment: str) -> dict[str, Any]:
    """helm's ``--set a.b.c=value`` for a plain string value."""
    path, value = assignment.split("=", 1)
    keys = path.split(".")
    patch: dict[str, Any] = {keys[-1]: value}
    for key in reversed(keys[:-1]):
        patch = {key: patch}
    return _merge(values, patch)


def helm_render(command: str, cwd: Path, env: Mapping[str, str]) -> Render:
    """`helm install|upgrade --install RELEASE CHART --version V -n NS -f F... [--set K=V]` rendered as helm would."""
    words = shell_words(command, cwd, env)
    assert words[0] == "helm", words
    args = [w for w in words[1:] if w not in ("install", "upgrade", "--install")]
    release, chart, rest = args[0], args[1], args[2:]
    options: dict[str, list[str]] = {}
    for flag, value in zip(rest[::2], rest[1::2], strict=True):
        options.setdefault(flag, []).append(value)
    values: dict[str, Any] = {}
    loader = YAML(typ="safe", pure=True)
    for name in options.get("-f", []):
        values = _merge(values, loader.load((cwd / name).read_text()) or {})
    for assignment in options.get("--set", []):
        values = _set(values, assignment)
    [version], [namespace] = options["--version"], options["-n"]
    folder = chart_dir(CHART_FOLDERS[chart], version)
    return Render.of(render_texts(folder, json.dumps(values), release, namespace), namespace)


def in_cluster_to_loopback(value: str, render: Render, port: int) -> str:
    """Every ``host:port`` of a Service the render creates (short, namespaced or full name) -> 127.0.0.1:port."""
    names: set[str] = set()
    for service in render.of_kind("Service"):
        name, namespace = service["metadata"]["name"], render.namespace_of(service)
        for svc_port in service["spec"]["ports"]:
            for host in (
                name,
                f"{name}.{namespace}",
                f"{name}.{namespace}.svc",
                f"{name}.{namespace}.svc.{CLUSTER_DOMAIN}",
            ):
                names.add(f"{host}:{svc_port['port']}")
    mapped = re.sub(r"[A-Za-z0-9.-]+:\d+", lambda m: f"127.0.0.1:{port}" if m.group(0) in names else m.group(0), value)
    return mapped


def start_data_pod(render: Render, password: str, factory: ServerFactory, workdir: Path) -> RedisServer:
    [pod] = [p for p in chart_pods(render) if p.statefulset.endswith("-master")]
    line = ".".join(pod.tag.split(".")[:2])
    target = {v: k for k, v in SERVER_LINE.items()}.get(line)
    assert target is not None, f"the page's example runs {pod.image}; the suite has no binary of that line"
    port = free_port()
    placed = lay_out(pod, workdir, port=port, password=password)
    server = factory(require(target), placed.conf_path, port=port, extra_args=list(placed.args), auth=Auth(password))
    assert server.info("persistence")["aof_enabled"] == "1"
    assert server.cli("CONFIG", "GET", "maxmemory-policy").split("\n")[1] == "noeviction"
    return server


def a_job_is_processed(node_client: NodeClient, env: Mapping[str, str]) -> None:
    queued = node_client.run("enqueue", "--queue", QUEUE, "--count", "5", env=env)
    assert queued.ok, queued.describe()
    done = node_client.run("process", "--queue", QUEUE, "--count", "5", env=env)
    assert done.ok, done.describe()


def _start(tmp_path: Path) -> tuple[str, dict[str, str]]:
    """The page's first steps: its values file, validate, build, the password; (page, the shell's variables)."""
    page = _page()
    values = page.split('```yaml title="redis-values.yaml"\n', 1)[1].split("```", 1)[0]
    (tmp_path / "redis-values.yaml").write_text(values)
    (tmp_path / "your-infisical-values.yaml").write_text("{}\n")  # the reader's own values for Infisical: none
    env: dict[str, str] = {}
    for command in (_one(page, "infisical-redis validate"), _one(page, "infisical-redis build -f")):
        done = run_page_command(command, tmp_path, env)
        assert done.returncode == 0, f"{command}\n{done.stdout}{done.stderr}"
    name, password = exported(_one(page, "export REDIS_PASSWORD=", "infisical-redis password"), tmp_path, env)
    env[name] = password
    return page, env


def test_option_a_bitnami_chart_then_infisical_pointed_at_it(
    server_factory: ServerFactory, node_client: NodeClient, tmp_path: Path
) -> None:
    page, env = _start(tmp_path)
    # kubectl create secret generic redis-auth ... --from-literal=redis-password=...: the password the pod reads.
    create = shell_words(_one(page, "kubectl create secret generic redis-auth"), tmp_path, env)
    prefix = "--from-literal=redis-password="
    [literal] = [w.removeprefix(prefix) for w in create if w.startswith(prefix)]

    redis = helm_render(_one(page, "helm install redis", "bitnamicharts/redis "), tmp_path, env)
    [pod] = chart_pods(redis)
    assert pod_password(redis, pod) is None, "the values name redis-auth; the render must not hold a password"
    assert pod.env["REDIS_PASSWORD"]["secretKeyRef"] == {"name": "redis-auth", "key": "redis-password"}
    server = start_data_pod(redis, literal, server_factory, tmp_path / "redis-master-0")

    # kubectl patch secret infisical-secrets ... : the keys Infisical's pod gets (envFrom that Secret).
    patch_words = shell_words(_one(page, "kubectl patch secret infisical-secrets"), tmp_path, env)
    patch = YAML(typ="safe", pure=True).load(patch_words[patch_words.index("--patch") + 1])
    secret_name = patch["metadata"]["name"]
    infisical = helm_render(_one(page, "helm upgrade --install infisical", "infisical.external"), tmp_path, env)
    [deployment] = infisical.of_kind("Deployment")
    [app] = deployment["spec"]["template"]["spec"]["containers"]
    assert {"secretRef": {"name": secret_name}} in app.get("envFrom", []), "Infisical would not read the Secret"
    assert not infisical.of_kind("StatefulSet"), "the bundled Redis must be off in option A"

    variables = {k: in_cluster_to_loopback(str(v), redis, server.port) for k, v in patch["stringData"].items()}
    unmapped = [k for k, v in patch["stringData"].items() if "://" in str(v) and str(v) == variables[k]]
    assert not unmapped, f"{unmapped}: no host of a Service the chart creates"
    a_job_is_processed(node_client, variables)

    audit = _one(page, "infisical-redis audit --url")
    checked = run_page_command(audit.replace("127.0.0.1:6379", f"127.0.0.1:{server.port}"), tmp_path, env)
    assert checked.returncode == 0, checked.stdout + checked.stderr  # the page's "Check what runs"


def test_option_b_infisicals_chart_with_its_bundled_redis(
    server_factory: ServerFactory, node_client: NodeClient, tmp_path: Path
) -> None:
    page, env = _start(tmp_path)
    render = helm_render(_one(page, "helm upgrade --install infisical", "infisical.bundled"), tmp_path, env)
    [pod] = chart_pods(render)
    password = pod_password(render, pod)
    assert password == env["REDIS_PASSWORD"], "the bundled Redis must run with the password the page sets"
    server = start_data_pod(render, password, server_factory, tmp_path / "redis-master-0")

    [deployment] = render.of_kind("Deployment")
    [app] = deployment["spec"]["template"]["spec"]["containers"]
    url = render.env(app)["REDIS_URL"]
    assert isinstance(url, str), "Infisical's chart writes REDIS_URL literally into its Deployment"
    variables = {"REDIS_URL": in_cluster_to_loopback(url, render, server.port)}
    assert variables["REDIS_URL"] != url
    a_job_is_processed(node_client, variables)
