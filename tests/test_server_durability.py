"""Issue 3, point 2: durability, the reason this project exists.

A server started from the generated standalone config (``examples/standalone.yaml`` with a generated password;
only ``dir`` repointed at a temp dir, port and dir also given on the command line) takes at least 10,000 jobs
from the real BullMQ 5 / ioredis 5 client (connected through the generated ``.env``'s ``REDIS_URL``), is
killed with SIGKILL, and restarted with the same config: every acknowledged job must still be in its queue,
with its payload. The negative controls run the same flow against stock Redis with persistence off
(``save ""``, ``appendonly no``) and against the generated config with the values file's persistence turned
off; they must lose the jobs, which proves the positive test can fail.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import pytest

from generator.render.secrets import generate_password
from tests.realserver.binaries import Target
from tests.realserver.fixtures import ServerFactory
from tests.realserver.generated import artifacts, example_deployment, infisical_environment
from tests.realserver.node_client import NodeClient
from tests.realserver.ports import free_port
from tests.realserver.processes import Auth, RedisServer, replace_dir_directive

JOBS: Final = 10_000
QUEUE: Final = "secret-sync"
"""One of Infisical's own BullMQ queues; BullMQ's default prefix ``bull`` (Infisical's, outside cluster mode)."""

LINES: Final[dict[Target, str]] = {
    "redis-7.0": "7.0",
    "redis-6.2": "6.2",
    "redis-8.0": "8.0",
    "valkey-8.0": "valkey-8.0",
    "valkey": "valkey-9.1",
}
"""Server line -> ``redis_version`` of the values file rendered for it."""

STOCK_WITHOUT_PERSISTENCE: Final = 'save ""\nappendonly no\n'

# The payload of every job in the wait list (BullMQ keeps job fields in the hash <prefix>:<queue>:<id>).
_WAITING_PAYLOADS: Final = """
local ids = redis.call('LRANGE', KEYS[1], 0, -1)
local out = {}
for i, id in ipairs(ids) do
  out[i] = redis.call('HGET', ARGV[1] .. id, 'data') or ''
end
return out
"""


def _generated_standalone(
    version: str, port: int, data_dir: Path, overrides: Mapping[str, Any] | None = None
) -> tuple[str, dict[str, str], str]:
    """(redis.conf with ``dir`` repointed and nothing else changed, Infisical's env, the password)."""
    password = generate_password()
    secrets = {"REDIS_PASSWORD": password}
    values = {"redis_version": version, "standalone": {"host": "127.0.0.1", "port": port}, **(overrides or {})}
    dep = example_deployment("standalone", values)
    conf = artifacts(dep, secrets)["redis.conf"]
    repointed = replace_dir_directive(conf, data_dir)
    assert [a for a in conf.split("\n") if not a.startswith("dir ")] == [
        b for b in repointed.split("\n") if not b.startswith("dir ")
    ]
    return repointed, infisical_environment(dep, secrets), password


def _enqueue(node_client: NodeClient, env: Mapping[str, str]) -> int:
    added = node_client.run("enqueue", "--queue", QUEUE, "--count", str(JOBS), "--batch", "1000", env=env)
    assert added.ok, added.describe()
    acked = added.data["acked"]
    assert isinstance(acked, int)
    return acked


def _kill9_and_restart(server: RedisServer) -> None:
    first_pid = server.pid
    server.kill9()
    assert server.returncode == -9  # a crash, not a clean shutdown that saves
    server.restart()
    assert server.pid != first_pid


def _waiting(node_client: NodeClient, env: Mapping[str, str]) -> int:
    counts = node_client.run("count", "--queue", QUEUE, env=env)
    assert counts.ok, counts.describe()
    waiting = counts.data["waiting"]
    assert isinstance(waiting, int)
    return waiting


def _waiting_seqs(server: RedisServer) -> list[int]:
    """The ``seq`` of every job in the wait list, read from its hash (so the payload survived too)."""
    prefix = f"bull:{QUEUE}:"
    reply = server.cli("EVAL", _WAITING_PAYLOADS, "1", f"{prefix}wait", prefix, timeout=30)
    seqs = []
    for data in reply.split("\n") if reply else []:
        seq = json.loads(data)["seq"]
        assert isinstance(seq, int)
        seqs.append(seq)
    return seqs


def _run_flow(server: RedisServer, node_client: NodeClient, env: Mapping[str, str]) -> tuple[int, int]:
    """Enqueue, kill -9, restart; (acknowledged, waiting after the restart)."""
    acked = _enqueue(node_client, env)
    assert acked == JOBS
    assert server.cli("LLEN", f"bull:{QUEUE}:wait") == str(acked)  # all there before the crash
    _kill9_and_restart(server)
    return acked, _waiting(node_client, env)


@pytest.mark.server
@pytest.mark.node
@pytest.mark.parametrize("line", list(LINES))
def test_generated_config_keeps_every_acknowledged_job_through_kill9(
    line: Target, server_factory: ServerFactory, node_client: NodeClient, tmp_path: Path
) -> None:
    port = free_port()
    conf, env, password = _generated_standalone(LINES[line], port, tmp_path)
    server = server_factory(line, conf, port=port, auth=Auth(password))
    assert set(env) == {"REDIS_URL"}

    acked, waiting = _run_flow(server, node_client, env)

    assert waiting == acked, f"{acked - waiting} of {acked} acknowledged jobs lost by kill -9 + restart"
    assert sorted(_waiting_seqs(server)) == list(range(JOBS))
    assert server.info("persistence")["aof_enabled"] == "1"


@pytest.mark.server
@pytest.mark.node
def test_negative_control_stock_defaults_without_persistence_lose_the_jobs(
    server_factory: ServerFactory, node_client: NodeClient
) -> None:
    server = server_factory("redis-7.0", STOCK_WITHOUT_PERSISTENCE)
    env = {"REDIS_URL": server.url()}

    acked, waiting = _run_flow(server, node_client, env)

    assert waiting < acked, "jobs survived without persistence: the durability test could not fail"
    assert waiting == 0


@pytest.mark.server
@pytest.mark.node
def test_negative_control_generated_config_with_persistence_off_loses_the_jobs(
    server_factory: ServerFactory, node_client: NodeClient, tmp_path: Path
) -> None:
    """The generator's own output, with ``persistence: {aof: false, snapshots: []}``: the test sees the loss."""
    port = free_port()
    off = {"persistence": {"aof": False, "snapshots": []}}
    conf, env, password = _generated_standalone("7.0", port, tmp_path, off)
    assert "appendonly no" in conf.split("\n") and 'save ""' in conf.split("\n")
    server = server_factory("redis-7.0", conf, port=port, auth=Auth(password))

    acked, waiting = _run_flow(server, node_client, env)

    assert waiting < acked, "jobs survived with persistence off: the durability test could not fail"
