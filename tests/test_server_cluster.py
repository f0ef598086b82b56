"""Redis Cluster on real processes, from the generated cluster example (issue point 5).

Six nodes run the generated ``redis-cluster-node.conf`` (each its own copy and directory, so each node's
``nodes.conf`` is its own), joined with ``redis-cli --cluster create ... --cluster-replicas 1`` as
docs/guides/cluster.md says. The Infisical-like Node client, configured only by the generated `.env`
(``REDIS_CLUSTER_HOSTS``, ``Redis.Cluster``), adds and processes BullMQ jobs on a ``{queue}`` prefix.
"""

from __future__ import annotations

from typing import Final

import pytest

from tests.realserver.binaries import Target
from tests.realserver.deployments import Cluster, start_cluster
from tests.realserver.fixtures import ServerFactory
from tests.realserver.node_client import NodeClient
from tests.realserver.processes import RedisServer

SCENARIO_LINES: Final[dict[Target, str]] = {"redis-7.0": "7.0", "redis-8.0": "8.0", "valkey-8.0": "valkey-8.0"}
"""Server binary -> the ``redis_version`` the cluster example is rendered for (examples/cluster.yaml: 7.0)."""
QUEUE: Final = "secret-sync"
JOBS: Final = 200
LIMIT: Final = ("--timeout-ms", "15000")  # a broken setup fails in 15 s, not the client's default 30 s


@pytest.fixture(params=list(SCENARIO_LINES))
def cluster(request: pytest.FixtureRequest, server_factory: ServerFactory) -> Cluster:
    target: Target = request.param
    return start_cluster(server_factory, target, SCENARIO_LINES[target])


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
