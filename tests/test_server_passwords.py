"""Issue 3, point 7: passwords, on real servers.

Every place a password reaches: ``requirepass`` / ``masterauth`` in the data-node configs, ``requirepass`` /
``sentinel sentinel-pass`` / ``sentinel auth-pass`` in sentinel.conf, the Infisical ``.env`` (``REDIS_URL``,
``REDIS_PASSWORD``, ``REDIS_SENTINEL_PASSWORD``), the Kubernetes Secret and the Helm values (``auth.password``
of the Bitnami charts, ``redis.auth.password`` of Infisical's bundled chart, from which that chart builds
``REDIS_URL`` unencoded). A password from ``generate_password`` must work in each of them on a real server,
also after Sentinel rewrote its own file and restarted. A hostile value (newline, CR, quotes, spaces, ``#``,
backslash, ``${``, surrounding blanks, URL-reserved characters) must either be written so that it works
exactly and injects nothing, or be refused by ``build --resolve-secrets`` with a message that names no
password, before any file is written.

Loopback timing overrides only: ``--repl-diskless-sync-delay 0`` on data nodes (7.0 / Valkey wait 5 s before a
diskless full sync otherwise).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

import pytest

from generator.render.secrets import generate_password
from tests.realserver.binaries import Target
from tests.realserver.fixtures import ServerFactory
from tests.realserver.generated import artifacts, example_deployment
from tests.realserver.node_client import NodeClient, hosts_value
from tests.realserver.passwords import (
    LINES,
    MASTER_NAME,
    NO_SYNC_DELAY,
    assert_auth_only_with,
    assert_secret_matches_env,
    client_names,
    colon_pairs,
    env_of,
    info_with_auth,
    load_yaml_text,
    ping,
    reply_pairs,
    sentinel_values,
    standalone_deployment,
    wait_replica_in_sync,
    wait_until,
)
from tests.realserver.ports import free_port
from tests.realserver.processes import Auth, RedisServer, run_cli

# ------------------------------------------------------------------ generated passwords


@pytest.mark.server
@pytest.mark.node
@pytest.mark.parametrize("line", list(LINES))
def test_generated_password_works_everywhere_standalone(
    line: Target, server_factory: ServerFactory, node_client: NodeClient, tmp_path: Path
) -> None:
    password = generate_password()
    assert re.fullmatch(r"[A-Za-z0-9]{40}", password)
    port = free_port()
    dep = standalone_deployment(LINES[line], port, tmp_path)
    files = artifacts(dep, {"REDIS_PASSWORD": password})

    server = server_factory(line, files["redis.conf"], port=port)
    assert_auth_only_with(server, password)  # requirepass

    env = env_of(files["infisical.env"])  # REDIS_URL, as Infisical reads it
    assert set(env) == {"REDIS_URL"}
    ping(node_client, env, "url")
    assert_secret_matches_env(files.get("helm/infisical-redis.secret.yaml"), env)

    if "helm/bitnami-redis.values.yaml" not in files:
        return  # no chart runs this line (build writes helm/README.md saying why)
    bitnami = load_yaml_text(files["helm/bitnami-redis.values.yaml"])
    assert bitnami["auth"]["enabled"] is True
    assert_auth_only_with(server, bitnami["auth"]["password"])  # the chart's requirepass

    # Infisical's chart builds REDIS_URL itself from redis.auth.password, without percent-encoding.
    if "helm/infisical.bundled.values.yaml" in files:
        bundled = load_yaml_text(files["helm/infisical.bundled.values.yaml"])
        chart_url = f"redis://default:{bundled['redis']['auth']['password']}@127.0.0.1:{port}"
        ping(node_client, {"REDIS_URL": chart_url}, "url")


SENTINELS_PER_LINE: Final[dict[Target, int]] = {"redis-7.0": 2, "redis-6.2": 1, "valkey": 1}
"""Two Sentinels (sentinel-pass between them; peers find each other in ~2 s) on 7.0, one elsewhere."""


@pytest.mark.server
@pytest.mark.node
@pytest.mark.parametrize("line", list(LINES))
def test_generated_passwords_work_everywhere_sentinel_and_survive_sentinel_rewrite(
    line: Target, server_factory: ServerFactory, node_client: NodeClient, tmp_path: Path
) -> None:
    """Master + replica + Sentinel(s) from the generated files; then a Sentinel rewrites its file, is killed
    and restarted from it, and every password still works."""
    password, sentinel_password = generate_password(), generate_password()
    master_port, replica_port = free_port(), free_port()
    sentinel_ports = [free_port() for _ in range(SENTINELS_PER_LINE[line])]
    values = sentinel_values(LINES[line], master_port, sentinel_ports, tmp_path)
    dep = example_deployment("sentinel", values)
    files = artifacts(dep, {"REDIS_PASSWORD": password, "REDIS_SENTINEL_PASSWORD": sentinel_password})

    master = server_factory(line, files["redis-master.conf"], port=master_port, extra_args=NO_SYNC_DELAY)
    replica = server_factory(line, files["redis-replica.conf"], port=replica_port, extra_args=NO_SYNC_DELAY)
    for node in (master, replica):
        assert_auth_only_with(node, password)  # requirepass
    wait_replica_in_sync(replica, password)  # masterauth

    sentinel_auth = Auth(sentinel_password)
    sentinels = [
        server_factory(line, files["sentinel.conf"], sentinel=True, port=port, auth=sentinel_auth)
        for port in sentinel_ports
    ]
    for sentinel in sentinels:
        assert_auth_only_with(sentinel, sentinel_password)  # requirepass in sentinel.conf
    names = [f"sentinel-{sentinel.cli('SENTINEL', 'MYID')[:8]}-cmd" for sentinel in sentinels]

    def links() -> dict[tuple[int, int], str]:
        """(from Sentinel i, to server j: -1 the master, else Sentinel j) -> client id, for links that
        authenticated: Sentinel names a link (CLIENT SETNAME) right after its AUTH, so a name proves the AUTH."""
        found = {}
        on_master = client_names(master.cli("CLIENT", "LIST", auth=Auth(password)))
        on_sentinels = [client_names(sentinel.cli("CLIENT", "LIST")) for sentinel in sentinels]
        for i, name in enumerate(names):
            for j, clients in [(-1, on_master), *enumerate(on_sentinels)]:
                if j != i and name in clients:
                    found[(i, j)] = clients[name]
        return found

    expected = {(i, j) for i in range(len(sentinels)) for j in [-1, *range(len(sentinels))] if j != i}

    def all_linked() -> dict[tuple[int, int], str] | None:
        found = links()
        return found if found.keys() == expected else None

    before = wait_until(
        "every Sentinel authenticated to the master (auth-pass) and to its peer (sentinel-pass)",
        all_linked,
        details=lambda: "\n".join(s.diagnostics() for s in sentinels),
    )
    for sentinel in sentinels:
        assert reply_pairs(sentinel.cli("SENTINEL", "MASTER", MASTER_NAME))["flags"] == "master"

    env = env_of(files["infisical.env"])
    assert env["REDIS_PASSWORD"] == password and env["REDIS_SENTINEL_PASSWORD"] == sentinel_password
    ping(node_client, env, "sentinel")
    assert_secret_matches_env(files.get("helm/infisical-redis.secret.yaml"), env)
    if "helm/bitnami-redis.values.yaml" in files:  # a line a chart runs
        bitnami = load_yaml_text(files["helm/bitnami-redis.values.yaml"])
        assert_auth_only_with(master, bitnami["auth"]["password"])

    # Sentinel rewrites its own file (at start and on SENTINEL SET); kill it and start it from that file.
    restarted = sentinels[0]
    assert restarted.cli("SENTINEL", "SET", MASTER_NAME, "down-after-milliseconds", "1000") == "OK"
    assert "sentinel myid" in restarted.conf_path.read_text(), "Sentinel did not rewrite its config file"
    restarted.kill9()
    restarted.start()
    assert_auth_only_with(restarted, sentinel_password)

    def relinked() -> bool:
        # The restarted Sentinel's links to the master and its peer are new connections (client ids only grow
        # in a process) that authenticated with the rewritten file's auth-pass / sentinel-pass; its peer's
        # link to it authenticated against the rewritten requirepass (any client of the new process is new).
        now = links()
        return now.keys() == expected and all(now[(0, j)] != before[(0, j)] for i, j in expected if i == 0)

    wait_until("the restarted Sentinel and its peers to authenticate again", relinked, details=restarted.diagnostics)
    assert reply_pairs(restarted.cli("SENTINEL", "MASTER", MASTER_NAME))["flags"] == "master"
    ping(node_client, {**env, "REDIS_SENTINEL_HOSTS": hosts_value([restarted.port])}, "sentinel")


@pytest.mark.server
@pytest.mark.node
def test_generated_password_works_everywhere_cluster(
    server_factory: ServerFactory, node_client: NodeClient, tmp_path: Path
) -> None:
    """Six nodes from redis-cluster-node.conf (3 masters, 3 replicas): requirepass, masterauth, `.env`, Helm."""
    password = generate_password()
    ports = [free_port() for _ in range(6)]
    dep = example_deployment(
        "cluster",
        {"cluster": {"nodes": [f"127.0.0.1:{p}" for p in ports]}, "persistence": {"dir": str(tmp_path)}},
    )
    files = artifacts(dep, {"REDIS_PASSWORD": password})
    nodes = [
        server_factory("redis-7.0", files["redis-cluster-node.conf"], port=port, extra_args=NO_SYNC_DELAY)
        for port in ports
    ]
    for node in nodes:
        assert_auth_only_with(node, password)
    create = ["--cluster", "create", *(f"127.0.0.1:{p}" for p in ports), "--cluster-replicas", "1"]
    run_cli([*create, "--cluster-yes", "--pass", password, "--no-auth-warning"], timeout=60)

    def replicas_in_sync() -> bool:
        infos = [info_with_auth(node, "replication", Auth(password)) for node in nodes]
        states = [colon_pairs(node.cli("CLUSTER", "INFO", auth=Auth(password))).get("cluster_state") for node in nodes]
        replicas = [info for info in infos if info.get("role") == "slave"]
        return (
            len(replicas) == 3 and all(r.get("master_link_status") == "up" for r in replicas) and set(states) == {"ok"}
        )

    wait_until(
        "3 replicas in sync (masterauth) and the cluster ok",
        replicas_in_sync,
        timeout=30,
        details=lambda: "\n".join(node.diagnostics() for node in nodes),
    )
    for node in nodes:
        wait_no_aof_rewrite(node, password)

    env = env_of(files["infisical.env"])
    assert env["REDIS_PASSWORD"] == password
    ping(node_client, env, "cluster")
    assert_secret_matches_env(files.get("helm/infisical-redis.secret.yaml"), env)
    chart = load_yaml_text(files["helm/bitnami-redis-cluster.values.yaml"])  # redis-cluster chart: top-level password
    assert chart["usePassword"] is True
    assert_auth_only_with(nodes[0], chart["password"])


def wait_no_aof_rewrite(node: RedisServer, password: str) -> None:
    """Redis ignores SIGTERM while it writes a replica's initial AOF: let teardown stop it promptly."""

    def settled() -> bool:
        persistence = info_with_auth(node, "persistence", Auth(password))
        return persistence.get("aof_rewrite_in_progress") == "0" and persistence.get("aof_rewrite_scheduled") == "0"

    wait_until(f"no AOF rewrite on port {node.port}", settled)
