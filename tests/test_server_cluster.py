"""Redis Cluster on real processes, from the generated cluster example (issue point 5).

Six nodes run the generated ``redis-cluster-node.conf`` (each its own copy and directory, so each node's
``nodes.conf`` is its own), joined with ``redis-cli --cluster create ... --cluster-replicas 1`` as
docs/guides/cluster.md says. The Infisical-like Node client, configured only by the generated `.env`
(``REDIS_CLUSTER_HOSTS``, ``Redis.Cluster``), adds and processes BullMQ jobs on a ``{queue}`` prefix.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Final

import pytest

from generator.render.secrets import generate_password
from tests.realserver.binaries import Target
from tests.realserver.fixtures import ServerFactory
from tests.realserver.generated import artifacts, example_deployment, infisical_environment
from tests.realserver.node_client import NodeClient
from tests.realserver.ports import free_port
from tests.realserver.processes import Auth, RedisServer, replace_dir_directive, run_cli

SCENARIO_LINES: Final[dict[Target, str]] = {"redis-7.0": "7.0", "redis-8.0": "8.0", "valkey-8.0": "valkey-8.0"}
"""Server binary -> the ``redis_version`` the cluster example is rendered for (examples/cluster.yaml: 7.0)."""
QUEUE: Final = "secret-sync"
JOBS: Final = 200
CLUSTER_OK_TIMEOUT_S: Final = 20.0
LIMIT: Final = ("--timeout-ms", "15000")  # a broken setup fails in 15 s, not the client's default 30 s


@dataclass(frozen=True)
class Cluster:
    nodes: tuple[RedisServer, ...]
    password: str
    env: dict[str, str]
    """The generated `.env`, parsed: the Node client's whole Redis configuration."""

    def masters(self) -> list[RedisServer]:
        return [n for n in self.nodes if n.info("replication")["role"] == "master"]


def _cluster_info(node: RedisServer) -> dict[str, str]:
    fields = (line.strip().partition(":") for line in node.cli("CLUSTER", "INFO", check=False).splitlines())
    return {key: value for key, sep, value in fields if sep}


@pytest.fixture(params=list(SCENARIO_LINES))
def cluster(request: pytest.FixtureRequest, server_factory: ServerFactory) -> Cluster:
    target: Target = request.param
    ports = [free_port() for _ in range(6)]
    environ = {"REDIS_PASSWORD": generate_password()}
    overrides = {"cluster": {"nodes": [f"127.0.0.1:{p}" for p in ports]}, "redis_version": SCENARIO_LINES[target]}
    dep = example_deployment("cluster", overrides)
    files = artifacts(dep, environ)
    assert set(files) >= {"redis-cluster-node.conf", "infisical.env"}
    auth = Auth(environ["REDIS_PASSWORD"])

    nodes = []
    for port in ports:
        node = server_factory(target, "", port=port, auth=auth, start=False)
        node.conf_path.write_text(replace_dir_directive(files["redis-cluster-node.conf"], node.dir))
        nodes.append(node.start())

    assert dep.cluster is not None
    create = [*auth.cli_args(), "--cluster", "create", *(f"127.0.0.1:{p}" for p in ports)]
    create += ["--cluster-replicas", str(dep.cluster.replicas_per_master), "--cluster-yes"]
    out = run_cli(create, timeout=60)
    assert "All 16384 slots covered" in out, out

    deadline = time.monotonic() + CLUSTER_OK_TIMEOUT_S
    while not all(_cluster_info(n).get("cluster_state") == "ok" for n in nodes):
        if time.monotonic() > deadline:
            states = {n.port: _cluster_info(n) for n in nodes}
            pytest.fail(f"cluster_state not ok on every node after {CLUSTER_OK_TIMEOUT_S} s: {states}")
        time.sleep(0.1)
    for node in nodes:  # Redis wrote its own nodes.conf next to each node's data, not a shared one
        assert (node.dir / "nodes.conf").is_file()
    return Cluster(tuple(nodes), environ["REDIS_PASSWORD"], infisical_environment(dep, environ))


def _keys_by_node(cluster: Cluster) -> dict[int, list[str]]:
    """Every key on every master (``KEYS *``: fine on a test's few hundred keys)."""
    found: dict[int, list[str]] = {}
    for node in cluster.masters():
        keys = node.cli("KEYS", "*").splitlines()
        if keys:
            found[node.port] = keys
    return found


def _slot(node: RedisServer, key: str) -> int:
    return int(node.cli("CLUSTER", "KEYSLOT", key))


@pytest.mark.server
@pytest.mark.node
def test_cluster_runs_bullmq_queue_with_hash_tag_prefix(cluster: Cluster, node_client: NodeClient) -> None:
    env = cluster.env
    assert set(env) == {"REDIS_CLUSTER_HOSTS", "REDIS_CLUSTER_ENABLE_TLS", "REDIS_PASSWORD"}
    assert env["REDIS_CLUSTER_HOSTS"] == ",".join(f"127.0.0.1:{n.port}" for n in cluster.nodes)
    assert len(cluster.masters()) == 3

    ping = node_client.run("ping", *LIMIT, env=env)
    assert ping.ok, ping.describe()
    assert ping.data["mode"] == "cluster"
    assert ping.data.get("redis_mode") == "cluster", ping.describe()

    added = node_client.run("enqueue", "--queue", QUEUE, "--count", str(JOBS), "--batch", "50", *LIMIT, env=env)
    assert added.ok, added.describe()
    assert added.data["acked"] == JOBS

    # The hash-tag property: every key of the queue lives in the slot of "{secret-sync}", on one master.
    keys_by_node = _keys_by_node(cluster)
    assert len(keys_by_node) == 1, {port: keys[:5] for port, keys in keys_by_node.items()}
    (keys,) = keys_by_node.values()
    queue_prefix = f"{{{QUEUE}}}:{QUEUE}:"  # BullMQ's keys: <prefix>:<queue name>:<suffix>
    assert all(key.startswith(queue_prefix) for key in keys), keys[:10]
    probe = cluster.nodes[0]
    slots = {_slot(probe, key) for key in keys}
    assert slots == {_slot(probe, QUEUE)}, slots
    job_hashes = [k for k in keys if k.removeprefix(queue_prefix).isdigit()]
    assert len(job_hashes) == JOBS
    # Not a coincidence: the same keys under BullMQ's default prefix "bull" would spread over slots.
    assert len({_slot(probe, "bull:" + key.partition(":")[2]) for key in keys}) > 1

    waiting = node_client.run("count", "--queue", QUEUE, *LIMIT, env=env)
    assert waiting.ok, waiting.describe()
    assert waiting.data["waiting"] == JOBS

    processed = node_client.run("process", "--queue", QUEUE, "--count", str(JOBS), *LIMIT, env=env)
    assert processed.ok, processed.describe()
    assert processed.data["processed"] == JOBS

    after = node_client.run("count", "--queue", QUEUE, *LIMIT, env=env)
    assert after.ok, after.describe()
    assert (after.data["waiting"], after.data["active"], after.data["failed"], after.data["delayed"]) == (0, 0, 0, 0)
