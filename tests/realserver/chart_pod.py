"""A data pod of a rendered Bitnami chart, run on 127.0.0.1: the config files and `redis-server` arguments its
container would start with, assembled the way the chart's start script does.

Bitnami `redis` (18.x, 23.x): the container runs a start script from the `<fullname>-scripts` ConfigMap
(`start-master.sh`, `start-replica.sh`, `start-node.sh` with Sentinel). The script copies the mounted
ConfigMap keys (`redis.conf`, `master.conf` / `replica.conf`) from `mounted-etc/` to `etc/` and runs
`redis-server "${ARGS[@]}"`, where ARGS passes the port, passwords and TLS files as flags and the config
files as `--include`, in the order the script lists them. Only ARGS lines outside `if` blocks are taken:
what the first pod, the one that starts as master, runs (the conditional ones are `--replicaof`).

Bitnami `redis-cluster` (13.x): the chart's command copies the `redis-default.conf` key to `etc/redis.conf`
and hands it to the image's own run script (not part of the render). That script writes the port and the
password into the file and turns `appendonly` to the value of `REDIS_AOF_ENABLED`; here the password is passed
as flags instead and the `appendonly` lines are rewritten the same way.

What is changed, and only that: paths that exist only in the pod (`dir /data`, `cluster-config-file` and
`pidfile` under `/bitnami` or `/opt/bitnami`, the TLS files under `/opt/bitnami/redis/certs/`, `etc/`) point
into the test's directory, the ports are the test's, and the password is passed in (the pod reads it from a
Secret).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from tests.helm_charts import Render
from tests.realserver.processes import replace_dir_directive

ETC: Final = "/opt/bitnami/redis/etc/"
MOUNTED_ETC: Final = "/opt/bitnami/redis/mounted-etc"
CERTS: Final = "/opt/bitnami/redis/certs/"
CLUSTER_CONF_KEY: Final = "redis-default.conf"
_ARGS_LINE: Final = re.compile(r"^\s*ARGS\+?=\((.*)\)\s*$")
_VAR: Final = re.compile(r"\$\{(\w+)\}")
_PORT_VARS: Final = frozenset({"REDIS_PORT", "REDIS_TLS_PORT", "REDIS_PORT_NUMBER"})
_PASSWORD_VARS: Final = frozenset({"REDIS_PASSWORD", "REDIS_MASTER_PASSWORD"})
_POD_PATH: Final = re.compile(
    r"^([ \t]*(?:cluster-config-file|pidfile)[ \t]+)(/(?:bitnami|opt/bitnami)/\S+)[ \t]*$", re.M
)
_APPENDONLY: Final = re.compile(r"^[ \t]*appendonly[ \t].*$", re.MULTILINE)


@dataclass(frozen=True)
class ChartPod:
    """What one StatefulSet's `redis` container loads, before the pod's paths and secrets are filled in."""

    statefulset: str
    container: str
    chart: str
    """``redis`` (a start script from the render) or ``redis-cluster`` (the image's run script)."""
    files: dict[str, str]
    """Config files by name, as the container finds them in ``etc/``."""
    args: tuple[str, ...]
    """``redis-server`` arguments of the start script, ``${VAR}`` left in."""
    env: dict[str, Any]
    """The container's env: plain values, or the ``valueFrom`` mapping."""
    image: str

    @property
    def tag(self) -> str:
        return self.image.rsplit(":", 1)[1]


def _script_args(script: str) -> tuple[str, ...]:
    """The words of every ``ARGS=(...)`` / ``ARGS+=(...)`` line outside an ``if`` block, in order."""
    depth = 0
    args: list[str] = []
    for line in script.splitlines():
        words = line.split()
        if words[:1] == ["if"]:
            depth += 1
        elif words[:1] == ["fi"]:
            depth -= 1
        match = _ARGS_LINE.match(line)
        if match and depth == 0:
            args += shlex.split(match.group(1))
    assert depth == 0, "unbalanced if/fi in the start script"
    return tuple(args)


def _mounted_configmap(render: Render, workload: dict[str, Any], container: dict[str, Any], path: str) -> str:
    volumes = {v["name"]: v for v in workload["spec"]["template"]["spec"].get("volumes", [])}
    for mount in container.get("volumeMounts", []):
        if mount["mountPath"].rstrip("/") == path.rstrip("/"):
            return str(volumes[mount["name"]]["configMap"]["name"])
    raise AssertionError(f"{container['name']}: nothing mounted at {path}")


def _redis_pod(render: Render, workload: dict[str, Any], container: dict[str, Any]) -> ChartPod:
    script_path = next(a for a in container.get("args", []) if a.endswith(".sh"))
    scripts = _mounted_configmap(render, workload, container, str(Path(script_path).parent))
    script = str(render.one("ConfigMap", scripts)["data"][Path(script_path).name])
    config = render.one("ConfigMap", _mounted_configmap(render, workload, container, MOUNTED_ETC))
    return ChartPod(
        workload["metadata"]["name"],
        container["name"],
        "redis",
        {str(k): str(v) for k, v in config["data"].items()},
        _script_args(script),
        render.env(container),
        str(container["image"]),
    )


def _cluster_pod(render: Render, workload: dict[str, Any], container: dict[str, Any]) -> ChartPod:
    mount = next(m for m in container["volumeMounts"] if m.get("subPath") == CLUSTER_CONF_KEY)
    volumes = {v["name"]: v for v in workload["spec"]["template"]["spec"]["volumes"]}
    config = render.one("ConfigMap", volumes[mount["name"]]["configMap"]["name"])
    files = {"redis.conf": str(config["data"][CLUSTER_CONF_KEY])}  # the chart's `cp redis-default.conf redis.conf`
    return ChartPod(
        workload["metadata"]["name"],
        container["name"],
        "redis-cluster",
        files,
        (),
        render.env(container),
        str(container["image"]),
    )


def chart_pods(render: Render) -> list[ChartPod]:
    """One :class:`ChartPod` per StatefulSet with a `redis` container (master, replicas, Sentinel nodes)."""
    pods = []
    for workload in render.of_kind("StatefulSet"):
        for container in workload["spec"]["template"]["spec"]["containers"]:
            cluster = any(m.get("subPath") == CLUSTER_CONF_KEY for m in container.get("volumeMounts", []))
            if container["name"] != "redis" and not cluster:  # the cluster's container is named after the release
                continue
            pods.append((_cluster_pod if cluster else _redis_pod)(render, workload, container))
    assert pods, "no StatefulSet with a redis container in the render"
    return pods


@dataclass(frozen=True)
class PodOnHost:
    """A pod's config laid out in a directory: start ``redis-server conf_path *args``."""

    conf_path: Path
    args: tuple[str, ...]
    files: dict[str, Path]


def lay_out(
    pod: ChartPod,
    workdir: Path,
    *,
    port: int,
    password: str | None,
    certs: Mapping[str, Path] | None = None,
) -> PodOnHost:
    """Write the pod's config into ``workdir`` and resolve its arguments.

    ``port`` replaces every port variable (0 for a parse-only check); ``password`` the data password the pod
    reads from its Secret; ``certs`` maps ``tls.crt`` / ``tls.key`` / ``ca.crt`` to files here (default:
    ``workdir/certs/<name>``, enough for a parse-only check, which loads no certificate).
    """
    etc = workdir / "etc"
    etc.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    for name, text in pod.files.items():
        text = replace_dir_directive(text, workdir)
        text = _POD_PATH.sub(lambda m: f"{m.group(1)}{workdir / Path(m.group(2)).name}", text)
        if pod.chart == "redis-cluster":
            aof = str(pod.env.get("REDIS_AOF_ENABLED", "yes"))
            text = _APPENDONLY.sub(f"appendonly {aof}", text)
        files[name] = etc / name
        files[name].write_text(text)

    def cert(path: str) -> str:
        name = path.removeprefix(CERTS)
        return str((certs or {}).get(name, workdir / "certs" / name))

    def resolve(var: re.Match[str]) -> str:
        name = var.group(1)
        if name in _PORT_VARS:
            return str(port)
        if name in _PASSWORD_VARS:
            assert password is not None, f"{pod.statefulset}: the start script passes {name}, no password given"
            return password
        value = pod.env.get(name)
        assert isinstance(value, str), f"{pod.statefulset}: ${{{name}}} has no plain value in the container's env"
        return cert(value) if value.startswith(CERTS) else value

    args = [_VAR.sub(resolve, arg) for arg in pod.args]
    args = [str(etc / a.removeprefix(ETC)) if a.startswith(ETC) else a for a in args]
    if pod.chart == "redis-cluster":
        args += ["--port", str(port)]
        if password is not None:
            args += ["--requirepass", password, "--masterauth", password]
        return PodOnHost(files["redis.conf"], tuple(args), files)
    empty = etc / "no-config-file.conf"  # the script passes no config file, only flags and --include
    empty.write_text("")
    return PodOnHost(empty, tuple(args), files)


def pod_password(render: Render, pod: ChartPod) -> str | None:
    """The data password the pod reads: from the rendered Secret, or None when the values name an existing
    Secret the render does not hold (or auth is off)."""
    ref = pod.env.get("REDIS_PASSWORD")
    if isinstance(ref, str):
        return ref
    workload = render.one("StatefulSet", pod.statefulset)
    container = next(c for c in workload["spec"]["template"]["spec"]["containers"] if c["name"] == pod.container)
    if "REDIS_PASSWORD" not in pod.env and "REDIS_PASSWORD_FILE" not in pod.env:
        return None
    name, key = render.password_of(workload, container)
    if not [s for s in render.of_kind("Secret") if s["metadata"]["name"] == name]:
        return None
    return render.secret_value(name, key)
