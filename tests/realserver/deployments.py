"""Whole deployments on real processes, started from the files `build` generates: a Sentinel set (1 master,
2 replicas, 3 Sentinels) and a Redis Cluster, on loopback addresses and free ports, every process through the
``server_factory`` (so teardown stops each by PID).

Used by the failover and cluster scenarios (tests/test_server_sentinel.py, tests/test_server_cluster.py) and by
`audit --sentinel` / `--cluster` (tests/test_audit_deployments.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import pytest

from generator.render.secrets import generate_password
from tests.realserver.binaries import Target
from tests.realserver.fixtures import ServerFactory
from tests.realserver.generated import artifacts, example_deployment, infisical_environment
from tests.realserver.ports import free_port
from tests.realserver.processes import Auth, RedisServer, replace_dir_directive, run_cli
from tests.realserver.tls import TlsMaterial

DISCOVERY_TIMEOUT_S: Final = 15.0
CLUSTER_OK_TIMEOUT_S: Final = 20.0


def wait_until(what: str, predicate: Callable[[], bool], timeout: float, diagnostics: Callable[[], str]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    pytest.fail(f"{what} not reached within {timeout} s\n{diagnostics()}")


def sentinel_fields(flat: str) -> dict[str, str]:
    """redis-cli's flat ``field\\nvalue\\n...`` reply (``SENTINEL MASTER``) as a dict."""
    lines = flat.splitlines()
    return dict(zip(lines[0::2], lines[1::2], strict=False))


def start_generated(
    factory: ServerFactory, target: Target, conf_text: str, *, port: int, auth: Auth, sentinel: bool = False
) -> RedisServer:
    """Start one process on its own writable copy of a generated file, its ``dir`` repointed to its temp dir."""
    server = factory(target, "", sentinel=sentinel, port=port, auth=auth, start=False)
    server.conf_path.write_text(replace_dir_directive(conf_text, server.dir))
    return server.start()


@dataclass(frozen=True)
class SentinelSet:
    master: RedisServer
    replicas: tuple[RedisServer, RedisServer]
    sentinels: tuple[RedisServer, RedisServer, RedisServer]
    master_name: str
    env: dict[str, str]
    """The generated `.env`, parsed: the Node client's whole Redis configuration."""
    passwords: dict[str, str]
    """``REDIS_PASSWORD`` and ``REDIS_SENTINEL_PASSWORD`` the files were rendered with."""


def start_sentinel_set(
    factory: ServerFactory, target: Target, line: str, sentinel: Mapping[str, Any] | None = None
) -> SentinelSet:
    """examples/sentinel.yaml rendered for ``line`` (``sentinel`` overrides merged in), started and discovered:
    every Sentinel sees 2 replicas and 2 other Sentinels, and both replicas are linked."""
    node_ports = [free_port() for _ in range(3)]
    sentinel_ports = [free_port() for _ in range(3)]
    environ = {"REDIS_PASSWORD": generate_password(), "REDIS_SENTINEL_PASSWORD": generate_password()}
    section = {
        "nodes": [f"127.0.0.1:{p}" for p in node_ports],
        "sentinels": [f"127.0.0.1:{p}" for p in sentinel_ports],
        "down_after_ms": 1000,
        "failover_timeout_ms": 5000,
        **(sentinel or {}),
    }
    dep = example_deployment("sentinel", {"sentinel": section, "redis_version": line})
    files = artifacts(dep, environ)
    assert dep.sentinel is not None
    data_auth = Auth(environ["REDIS_PASSWORD"])
    sentinel_auth = Auth(environ["REDIS_SENTINEL_PASSWORD"])

    master = start_generated(factory, target, files["redis-master.conf"], port=node_ports[0], auth=data_auth)
    replicas = (
        start_generated(factory, target, files["redis-replica.conf"], port=node_ports[1], auth=data_auth),
        start_generated(factory, target, files["redis-replica.conf"], port=node_ports[2], auth=data_auth),
    )
    sentinel_conf = files["sentinel.conf"]
    sentinels = (
        start_generated(factory, target, sentinel_conf, port=sentinel_ports[0], auth=sentinel_auth, sentinel=True),
        start_generated(factory, target, sentinel_conf, port=sentinel_ports[1], auth=sentinel_auth, sentinel=True),
        start_generated(factory, target, sentinel_conf, port=sentinel_ports[2], auth=sentinel_auth, sentinel=True),
    )
    name = dep.sentinel.master_name

    def discovered() -> bool:
        for one in sentinels:
            state = sentinel_fields(one.cli("SENTINEL", "MASTER", name, check=False))
            if state.get("num-slaves") != "2" or state.get("num-other-sentinels") != "2":
                return False
        return all(r.info("replication").get("master_link_status") == "up" for r in replicas)

    def state() -> str:
        return (
            "\n".join(s.cli("SENTINEL", "MASTER", name, check=False) for s in sentinels)
            + "\n"
            + ("\n".join(s.diagnostics(10) for s in [master, *replicas, *sentinels]))
        )

    wait_until("Sentinel discovery (2 replicas, 2 other Sentinels each)", discovered, DISCOVERY_TIMEOUT_S, state)
    return SentinelSet(master, replicas, sentinels, name, infisical_environment(dep, environ), environ)


@dataclass(frozen=True)
class Cluster:
    nodes: tuple[RedisServer, ...]
    password: str
    env: dict[str, str]
    """The generated `.env`, parsed: the Node client's whole Redis configuration."""

    def masters(self) -> list[RedisServer]:
        return [n for n in self.nodes if n.info("replication")["role"] == "master"]


def cluster_info(node: RedisServer) -> dict[str, str]:
    fields = (line.strip().partition(":") for line in node.cli("CLUSTER", "INFO", check=False).splitlines())
    return {key: value for key, sep, value in fields if sep}


def start_cluster(
    factory: ServerFactory,
    target: Target,
    line: str,
    *,
    nodes: int = 6,
    replicas: int = 1,
    tls: TlsMaterial | None = None,
) -> Cluster:
    """examples/cluster.yaml rendered for ``line``: ``nodes`` processes on the generated node config, joined with
    ``redis-cli --cluster create ... --cluster-replicas N`` as docs/guides/cluster.md says, every node ``ok`` and
    every replica linked to its master. With ``tls``, the nodes serve (and speak among themselves) TLS only on
    the listed ports, with the material's certificates (a plain port stays open for the harness's start-up)."""
    ports = [free_port() for _ in range(nodes)]
    environ = {"REDIS_PASSWORD": generate_password()}
    cluster = {"nodes": [f"127.0.0.1:{p}" for p in ports], "replicas_per_master": replicas}
    overrides: dict[str, Any] = {"cluster": cluster, "redis_version": line}
    if tls is not None:
        files_of = {"cert_file": tls.server_cert, "key_file": tls.server_key, "ca_file": tls.ca_cert}
        overrides["tls"] = {"enabled": True, "auth_clients": "no", **{k: str(v) for k, v in files_of.items()}}
    dep = example_deployment("cluster", overrides)
    files = artifacts(dep, environ)
    assert set(files) >= {"redis-cluster-node.conf", "infisical.env"}
    auth = Auth(environ["REDIS_PASSWORD"])

    started = []
    for port in ports:
        if tls is None:
            node = factory(target, "", port=port, auth=auth, start=False)
        else:
            node = factory(target, "", port=free_port(), tls_port=port, auth=auth, tls=tls.client(), start=False)
        node.conf_path.write_text(replace_dir_directive(files["redis-cluster-node.conf"], node.dir))
        started.append(node.start())

    assert dep.cluster is not None
    secure = tls.client().cli_args() if tls is not None else []
    create = [*auth.cli_args(), *secure, "--cluster", "create", *(f"127.0.0.1:{p}" for p in ports)]
    create += ["--cluster-replicas", str(dep.cluster.replicas_per_master), "--cluster-yes"]
    out = run_cli(create, timeout=60)
    assert "All 16384 slots covered" in out, out

    def settled(node: RedisServer) -> bool:
        replication = node.info("replication")
        linked = replication.get("role") == "master" or replication.get("master_link_status") == "up"
        return linked and cluster_info(node).get("cluster_state") == "ok"

    deadline = time.monotonic() + CLUSTER_OK_TIMEOUT_S
    while not all(settled(n) for n in started):
        if time.monotonic() > deadline:
            states = {n.port: cluster_info(n) for n in started}
            pytest.fail(f"cluster_state not ok or a replica unlinked after {CLUSTER_OK_TIMEOUT_S} s: {states}")
        time.sleep(0.1)
    for node in started:  # Redis wrote its own nodes.conf next to each node's data, not a shared one
        assert (node.dir / "nodes.conf").is_file()
    return Cluster(tuple(started), environ["REDIS_PASSWORD"], infisical_environment(dep, environ))
