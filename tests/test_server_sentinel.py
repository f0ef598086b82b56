"""Sentinel failover on real processes, from the generated sentinel example (issue point 4).

1 master, 2 replicas and 3 Sentinels run the configs `build` writes for ``examples/sentinel.yaml``
(loopback addresses, free ports, test-only timing: down-after 1000 ms, failover-timeout 5000 ms).
The Infisical-like Node client gets exactly the generated `.env` as its environment, writes BullMQ jobs
one at a time, and keeps writing while the master is killed with SIGKILL. It must reach the promoted
master within 10 s, and every job acknowledged before the kill and after the failover must be there.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pytest

from generator.render.secrets import generate_password
from tests.realserver.binaries import Target
from tests.realserver.fixtures import ServerFactory
from tests.realserver.generated import artifacts, example_deployment, infisical_environment
from tests.realserver.node_client import NodeClient, NodeResult
from tests.realserver.ports import free_port
from tests.realserver.processes import Auth, RedisServer, replace_dir_directive

SCENARIO_LINES: Final[dict[Target, str]] = {"redis-7.0": "7.0", "redis-8.0": "8.0", "valkey-8.0": "valkey-8.0"}
"""Server binary -> the ``redis_version`` the sentinel example is rendered for (examples/sentinel.yaml: 7.0)."""
QUEUE: Final = "secret-sync"
JOBS: Final = 300
INTERVAL_MS: Final = 5  # 300 jobs take >= 1.5 s besides the ~2-3 s outage: writes span the failover
KILL_AFTER_JOBS: Final = 50
FAILOVER_LIMIT_MS: Final = 10_000
DISCOVERY_TIMEOUT_S: Final = 15.0


@dataclass(frozen=True)
class SentinelSet:
    master: RedisServer
    replicas: tuple[RedisServer, RedisServer]
    sentinels: tuple[RedisServer, RedisServer, RedisServer]
    master_name: str
    env: dict[str, str]
    """The generated `.env`, parsed: the Node client's whole Redis configuration."""


def _wait_until(what: str, predicate: Callable[[], bool], timeout: float, diagnostics: Callable[[], str]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    pytest.fail(f"{what} not reached within {timeout} s\n{diagnostics()}")


def _fields(flat: str) -> dict[str, str]:
    """redis-cli's flat ``field\\nvalue\\n...`` reply (``SENTINEL MASTER``) as a dict."""
    lines = flat.splitlines()
    return dict(zip(lines[0::2], lines[1::2], strict=False))


def _start(
    factory: ServerFactory, target: Target, conf_text: str, *, port: int, auth: Auth, sentinel: bool = False
) -> RedisServer:
    """Start one process on its own writable copy of a generated file, its ``dir`` repointed to its temp dir."""
    server = factory(target, "", sentinel=sentinel, port=port, auth=auth, start=False)
    server.conf_path.write_text(replace_dir_directive(conf_text, server.dir))
    return server.start()


@pytest.fixture(params=list(SCENARIO_LINES))
def sentinel_set(request: pytest.FixtureRequest, server_factory: ServerFactory) -> SentinelSet:
    target: Target = request.param
    node_ports = [free_port() for _ in range(3)]
    sentinel_ports = [free_port() for _ in range(3)]
    environ = {"REDIS_PASSWORD": generate_password(), "REDIS_SENTINEL_PASSWORD": generate_password()}
    dep = example_deployment(
        "sentinel",
        {
            "sentinel": {
                "nodes": [f"127.0.0.1:{p}" for p in node_ports],
                "sentinels": [f"127.0.0.1:{p}" for p in sentinel_ports],
                "down_after_ms": 1000,
                "failover_timeout_ms": 5000,
            },
            "redis_version": SCENARIO_LINES[target],
        },
    )
    files = artifacts(dep, environ)
    assert dep.sentinel is not None
    data_auth = Auth(environ["REDIS_PASSWORD"])
    sentinel_auth = Auth(environ["REDIS_SENTINEL_PASSWORD"])

    master = _start(server_factory, target, files["redis-master.conf"], port=node_ports[0], auth=data_auth)
    replicas = (
        _start(server_factory, target, files["redis-replica.conf"], port=node_ports[1], auth=data_auth),
        _start(server_factory, target, files["redis-replica.conf"], port=node_ports[2], auth=data_auth),
    )
    sentinels = (
        _start(
            server_factory, target, files["sentinel.conf"], port=sentinel_ports[0], auth=sentinel_auth, sentinel=True
        ),
        _start(
            server_factory, target, files["sentinel.conf"], port=sentinel_ports[1], auth=sentinel_auth, sentinel=True
        ),
        _start(
            server_factory, target, files["sentinel.conf"], port=sentinel_ports[2], auth=sentinel_auth, sentinel=True
        ),
    )
    name = dep.sentinel.master_name

    def discovered() -> bool:
        for sentinel in sentinels:
            state = _fields(sentinel.cli("SENTINEL", "MASTER", name, check=False))
            if state.get("num-slaves") != "2" or state.get("num-other-sentinels") != "2":
                return False
        return all(r.info("replication").get("master_link_status") == "up" for r in replicas)

    def state() -> str:
        return (
            "\n".join(s.cli("SENTINEL", "MASTER", name, check=False) for s in sentinels)
            + "\n"
            + ("\n".join(s.diagnostics(10) for s in [master, *replicas, *sentinels]))
        )

    _wait_until("Sentinel discovery (2 replicas, 2 other Sentinels each)", discovered, DISCOVERY_TIMEOUT_S, state)
    return SentinelSet(master, replicas, sentinels, name, infisical_environment(dep, environ))


def _waiting_jobs(server: RedisServer) -> int:
    out = server.cli("LLEN", f"bull:{QUEUE}:wait", check=False)
    return int(out) if out.isdigit() else 0


def _current_master_port(sentinel: RedisServer, name: str) -> int:
    addr = sentinel.cli("SENTINEL", "GET-MASTER-ADDR-BY-NAME", name, check=False).splitlines()
    return int(addr[1]) if len(addr) == 2 and addr[1].isdigit() else 0


@pytest.mark.server
@pytest.mark.node
def test_sentinel_failover_keeps_every_acknowledged_job(
    sentinel_set: SentinelSet, node_client: NodeClient, tmp_path: Path
) -> None:
    s = sentinel_set
    env = s.env
    # The client is configured only by the generated .env, which names Sentinels, not data nodes.
    assert set(env) == {
        "REDIS_SENTINEL_HOSTS",
        "REDIS_SENTINEL_MASTER_NAME",
        "REDIS_PASSWORD",
        "REDIS_SENTINEL_PASSWORD",
    }
    assert env["REDIS_SENTINEL_HOSTS"] == ",".join(f"127.0.0.1:{x.port}" for x in s.sentinels)
    ids_file = tmp_path / "acked-ids.txt"
    replica_ports = {r.port for r in s.replicas}

    with ThreadPoolExecutor(max_workers=1) as pool:
        writing = pool.submit(
            node_client.run,
            "write-through-failover",
            "--queue", QUEUE,
            "--count", str(JOBS),
            "--interval-ms", str(INTERVAL_MS),
            "--ids-file", str(ids_file),
            "--timeout-ms", "40000",
            env=env,
            timeout=60,
        )  # fmt: skip
        _wait_until(
            f"{KILL_AFTER_JOBS} jobs on the master before the kill",
            lambda: _waiting_jobs(s.master) >= KILL_AFTER_JOBS or writing.done(),
            30.0,
            lambda: writing.result().describe() if writing.done() else s.master.diagnostics(),
        )
        assert not writing.done(), f"the client finished before the kill: {writing.result().describe()}"
        on_master_at_kill = _waiting_jobs(s.master)  # written (acked or about to be) before the kill
        s.master.kill9()
        killed_at = time.monotonic()
        _wait_until(
            "a replica promoted by Sentinel",
            lambda: all(_current_master_port(x, s.master_name) in replica_ports for x in s.sentinels),
            FAILOVER_LIMIT_MS / 1000,
            lambda: "\n".join(x.diagnostics(20) for x in s.sentinels),
        )
        failover_s = time.monotonic() - killed_at
        result: NodeResult = writing.result()

    assert result.ok, result.describe()
    assert result.data["acked"] == JOBS
    # Every write after the kill waited for the promoted master; the longest wait between two acks
    # bounds the time from the kill to the first ack on the new master.
    assert result.data["max_ack_gap_ms"] < FAILOVER_LIMIT_MS, result.describe()
    assert result.data["max_ack_gap_ms"] >= 500, f"no outage seen by the client: {result.describe()}"
    assert KILL_AFTER_JOBS <= on_master_at_kill < JOBS - 50, "too few writes after the failover to judge"

    promoted_port = _current_master_port(s.sentinels[0], s.master_name)
    promoted = next(r for r in s.replicas if r.port == promoted_port)
    other = next(r for r in s.replicas if r.port != promoted_port)
    assert promoted.info("replication")["role"] == "master"

    ids = ids_file.read_text().split()
    assert len(ids) == len(set(ids)) == JOBS
    checked = node_client.run(
        "check-ids", "--queue", QUEUE, "--ids-file", str(ids_file), "--timeout-ms", "15000", env=env
    )
    assert checked.ok, checked.describe()
    assert checked.data["present"] == checked.data["checked"] == JOBS
    # Nothing extra either: the waiting list on the promoted master holds exactly the acknowledged jobs.
    assert _waiting_jobs(promoted) == JOBS
    # The other replica follows the promoted master (Sentinel reconfigured it).
    _wait_until(
        "the remaining replica following the promoted master",
        lambda: (
            other.info("replication").get("master_port") == str(promoted_port)
            and other.info("replication").get("master_link_status") == "up"
        ),
        15.0,
        lambda: other.diagnostics(20),
    )
    print(f"failover seen by Sentinel after {failover_s:.1f} s; client max ack gap {result.data['max_ack_gap_ms']} ms")
