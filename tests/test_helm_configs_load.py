"""The redis.conf the charts render from the generated values loads in the real server of its line, and keeps
Infisical's jobs across `kill -9` exactly as the chart assembles it.

Every generated values file (the cases of tests/test_helm_render.py) is rendered through the chart and version it
targets; each data pod's config is assembled the way its start script does (tests/realserver/chart_pod.py:
the ConfigMap keys as `--include`, port, passwords and TLS files as flags) and loaded by the server binary of
the image tag's line. Only the pod's paths (`dir /data`, the cluster's `nodes.conf` and pid file, the TLS
files), the ports and the password (read from the rendered Secret, or a test one when the values name an
existing Secret) are changed. Lines the suite has no binary for (7.2, 7.4) skip with that reason; CI=true turns
a missing binary into a failure, as the harness does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pytest

from generator.render.secrets import generate_password
from tests.helm_charts import Render, render_texts
from tests.realserver.binaries import SERVER_LINE, Target, accepts_tls_directives, require
from tests.realserver.chart_pod import ChartPod, chart_pods, lay_out, pod_password
from tests.realserver.fixtures import ServerFactory
from tests.realserver.node_client import NodeClient
from tests.realserver.ports import free_port
from tests.realserver.processes import Auth, quick_load_check
from tests.test_helm_render import CHARTED, chart_values, deployment

LINE_BINARY: Final[dict[str, Target]] = {line: target for target, line in SERVER_LINE.items()}
"""``6.2`` -> ``redis-6.2``: the binary that runs an image tag's line."""
JOBS: Final = 2_000
QUEUE: Final = "secret-sync"


def _render(name: str) -> Render:
    path, text = chart_values(deployment(name))
    return Render.of(render_texts(path, text))


def _binary(pod: ChartPod) -> Path:
    line = ".".join(pod.tag.split(".")[:2])
    target = LINE_BINARY.get(line)
    if target is None:
        pytest.skip(f"{pod.image}: the suite has no Redis {line} binary (it runs {sorted(LINE_BINARY)})")
    return require(target)


@pytest.mark.server
@pytest.mark.parametrize("name", CHARTED)
def test_every_rendered_data_pod_config_loads_in_its_lines_server(name: str, tmp_path: Path) -> None:
    render = _render(name)
    for pod in chart_pods(render):
        binary = _binary(pod)
        if pod.env.get("REDIS_TLS_ENABLED") in ("yes", "true") and not accepts_tls_directives(binary):
            pytest.skip(f"{binary} is built without TLS; the render turns TLS on")
        workdir = tmp_path / pod.statefulset
        placed = lay_out(pod, workdir, port=0, password=pod_password(render, pod) or "a-test-password")
        result = quick_load_check(binary, placed.conf_path, extra_args=placed.args, cwd=workdir)
        assert result.ok, (
            f"{name}: {pod.statefulset} ({pod.image}) does not load in {binary}: "
            f"line {result.error_line} {result.error_text!r}\n{result.output[-2000:]}"
        )


DURABLE_CASE: Final = "example-standalone"
"""examples/standalone.yaml: Redis 7.0 (the Debian server CI installs), Bitnami `redis` 18.14.1."""


@pytest.mark.server
@pytest.mark.node
def test_jobs_survive_kill9_with_the_config_exactly_as_the_chart_renders_it(
    server_factory: ServerFactory, node_client: NodeClient, tmp_path: Path
) -> None:
    render = _render(DURABLE_CASE)
    [pod] = chart_pods(render)
    assert pod.statefulset.endswith("-master")
    password = pod_password(render, pod)
    assert password, "the generated values give the chart a password; the render's Secret must hold it"
    assert password != generate_password()  # the rendered one, not a fresh one
    port = free_port()
    placed = lay_out(pod, tmp_path / "pod", port=port, password=password)
    server = server_factory(
        _binary(pod), placed.conf_path, port=port, extra_args=list(placed.args), auth=Auth(password)
    )
    assert server.info("persistence")["aof_enabled"] == "1"
    assert server.cli("CONFIG", "GET", "dir").split("\n")[1] == str(tmp_path / "pod")
    env = {"REDIS_URL": server.url()}

    added = node_client.run("enqueue", "--queue", QUEUE, "--count", str(JOBS), "--batch", "500", env=env)
    assert added.ok, added.describe()
    assert added.data["acked"] == JOBS
    first = server.pid
    server.kill9()
    assert server.returncode == -9
    server.restart()
    assert server.pid != first

    counts = node_client.run("count", "--queue", QUEUE, env=env)
    assert counts.ok, counts.describe()
    assert counts.data["waiting"] == JOBS, f"{JOBS - counts.data['waiting']} of {JOBS} jobs lost by kill -9"
