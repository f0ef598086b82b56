"""`audit --sentinel` and `audit --cluster` against real deployments started from the generated files: every
node is judged at its own location, what is broken is found where it is, and a node that cannot be reached is a
finding for that node while the others are still judged."""

from __future__ import annotations

import json
from typing import Any

import pytest

from generator.render.secrets import generate_password
from generator.rules import judge
from generator.schema.rules import Scope
from generator.shapes.config import EffectiveConfig, Setting
from generator.shapes.finding import Location
from tests.realserver.binaries import Target
from tests.realserver.deployments import Cluster, cluster_info, start_cluster, start_sentinel_set, wait_until
from tests.realserver.fixtures import ServerFactory
from tests.realserver.processes import RedisServer
from tests.realserver.tls import TlsMaterial
from tests.support import run_main


def _records(out: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads(out or "[]")
    return records


def _by_node(out: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for record in _records(out):
        found.setdefault(record["file"], set()).add(record["rule"])
    return found


def _url(server: RedisServer) -> str:
    return f"redis://127.0.0.1:{server.port}"


@pytest.fixture(autouse=True)
def _no_passwords_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("REDIS_PASSWORD", "REDIS_SENTINEL_PASSWORD", "REDIS_USERNAME", "REDIS_SENTINEL_USERNAME",
                 "REDIS_SENTINEL_MASTER_NAME"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)


# ------------------------------------------------------------------ the live predicates, on their facts


def _live(*settings: tuple[str, tuple[str, ...]], kind: str = "redis") -> list[str]:
    where = Location("redis://10.0.0.1:6379")
    facts = [Setting(name, args, where) for name, args in settings]
    cfg = EffectiveConfig.of(facts, where, scope=Scope.SERVER, kind="sentinel" if kind == "sentinel" else "redis")
    return sorted(f.rule_id for f in judge([cfg]) if f.rule_id.startswith(("sentinel.", "cluster.", "server.")))


def test_live_sentinel_quorum_and_count() -> None:
    monitor = ("sentinel", ("monitor", "m", "10.0.0.1", "6379", "2"))
    peer = ("sentinel", ("known-sentinel", "m", "10.0.0.2", "26379", "id"))
    password = ("requirepass", ("x" * 40,))
    assert _live(monitor, peer, ("sentinel", ("known-sentinel", "m", "10.0.0.3", "26379", "id")), password,
                 kind="sentinel") == []  # fmt: skip
    assert _live(monitor, peer, password, kind="sentinel") == ["sentinel.count"]
    assert _live(monitor, password, kind="sentinel") == ["sentinel.count", "sentinel.quorum"]
    assert _live(monitor, peer, kind="sentinel") == ["sentinel.count", "sentinel.password"]
    three = (monitor, peer, ("sentinel", ("known-sentinel", "m", "10.0.0.3", "26379", "id")), password)
    no_quorum = ("sentinel_ckquorum", ("NOQUORUM 1 usable Sentinels.",))
    down = ("sentinel_master_flags", ("s_down,o_down,master",))
    assert _live(*three, no_quorum, down, kind="sentinel") == ["sentinel.health", "sentinel.quorum"]
    seen = (("sentinel_replicas_up", ("1",)), ("sentinel_deployment_replicas", ("2",)))
    assert _live(*three, *seen, kind="sentinel") == ["sentinel.replicas-seen"]


def test_live_cluster_and_dragonfly_facts() -> None:
    master = (("role", ("master",)), ("cluster_slots_served", ("5461",)))
    assert _live(*master, ("connected_slaves", ("0",)), ("cluster_size", ("2",))) == [
        "cluster.masters",
        "cluster.replicas",
    ]
    assert _live(*master, ("connected_slaves", ("1",)), ("cluster_size", ("3",))) == []
    assert _live(("role", ("master",)), ("connected_slaves", ("0",))) == []  # not a cluster master
    dragonfly = ("server_name", ("dragonfly",))
    assert _live(dragonfly) == ["server.compatible"]
    assert _live(dragonfly, ("dragonfly_default_lua_flags", ("allow-undeclared-keys",))) == []
    emulated = (("dragonfly_cluster_mode", ("emulated",)), ("dragonfly_lock_on_hashtags", ("true",)))
    assert _live(dragonfly, *emulated) == []


# ------------------------------------------------------------------ Sentinel


@pytest.mark.server
@pytest.mark.parametrize(("target", "line"), [("redis-7.0", "7.0"), ("valkey", "valkey-9.1")])
def test_sentinel_deployment_every_node_judged(
    target: Target,
    line: str,
    server_factory: ServerFactory,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    s = start_sentinel_set(server_factory, target, line)
    asked = f"127.0.0.1:{s.sentinels[0].port}"
    args = ("audit", "--sentinel", asked, "--master-name", s.master_name, "--format", "json")

    status, out, err = run_main(capsys, *args)
    assert status == 2, err  # no password for the Sentinel: a usage error, nothing judged
    hint = "put it in REDIS_SENTINEL_PASSWORD or in a variable named by --sentinel-password-env"
    assert err == f"audit: redis://{asked}: the Sentinel requires a password: {hint}\n"
    assert out == ""

    monkeypatch.setenv("REDIS_SENTINEL_PASSWORD", s.passwords["REDIS_SENTINEL_PASSWORD"])
    monkeypatch.setenv("REDIS_PASSWORD", s.passwords["REDIS_PASSWORD"])
    monkeypatch.setenv("REDIS_SENTINEL_MASTER_NAME", "infisical")  # as Infisical reads it, when no --master-name
    status, out, err = run_main(capsys, "audit", "--sentinel", asked)
    assert (status, out) == (2, "")
    assert "No such master with that name (the master names it monitors: mymaster)" in err
    status, out, err = run_main(capsys, *args)
    assert (status, _records(out)) == (0, []), out + err
    nodes = [s.master, *s.replicas, *s.sentinels]
    for node in nodes:  # each node judged, each at its own location
        assert f"{_url(node)}: note: " in err
    assert err.count("Sentinel of 'mymaster'") == 3

    # Break one thing per node kind, then judge again.
    for sentinel in s.sentinels:
        sentinel.cli("SENTINEL", "SET", s.master_name, "quorum", "1")
    s.sentinels[2].cli("ACL", "SETUSER", "default", "nopass")  # the third Sentinel now lets anyone in
    s.master.cli("CONFIG", "SET", "maxmemory-policy", "allkeys-lru")
    s.replicas[1].kill9()

    def replica_down_everywhere() -> bool:
        return all("s_down" in x.cli("SENTINEL", "REPLICAS", s.master_name, check=False) for x in s.sentinels)

    wait_until("the killed replica flagged s_down by every Sentinel", replica_down_everywhere, 10, lambda: "")
    status, out, err = run_main(capsys, *args)
    found = _by_node(out)
    assert status == 2, out  # the killed replica could not be judged
    assert found[_url(s.master)] == {"memory.noeviction"}
    assert found[_url(s.replicas[1])] == {"input.unreadable"}
    assert _url(s.replicas[0]) not in found
    for sentinel in s.sentinels[:2]:
        assert found[_url(sentinel)] == {"sentinel.quorum", "sentinel.replicas-seen"}
    assert found[_url(s.sentinels[2])] == {"sentinel.quorum", "sentinel.replicas-seen", "sentinel.password"}, out
    seen = {r["message"] for r in _records(out) if r["rule"] == "sentinel.replicas-seen"}
    assert seen == {"this Sentinel sees 1 of the deployment's 2 replica(s) up"}
    for secret in s.passwords.values():
        assert secret not in out + err


@pytest.mark.server
def test_a_data_node_is_neither_a_sentinel_nor_a_cluster(
    server_factory: ServerFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    server = server_factory("redis-7.0", "appendonly yes\n")
    address = f"127.0.0.1:{server.port}"
    status, out, err = run_main(capsys, "audit", "--sentinel", address, "--master-name", "mymaster")
    assert (status, out, err) == (
        2,
        "",
        f"audit: redis://{address} is not a Sentinel (mode standalone); use --url\n",
    )
    status, out, err = run_main(capsys, "audit", "--cluster", address)
    assert (status, out) == (2, "")
    assert (
        err
        == f"audit: redis://{address} is not a cluster node (This instance has cluster support disabled); use --url\n"
    )


# ------------------------------------------------------------------ Cluster


@pytest.mark.server
def test_cluster_every_node_judged_and_an_unreachable_one_reported(
    server_factory: ServerFactory, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cluster: Cluster = start_cluster(server_factory, "redis-7.0", "7.0")
    monkeypatch.setenv("REDIS_PASSWORD", cluster.password)
    args = ("audit", "--cluster", f"127.0.0.1:{cluster.nodes[0].port}", "--format", "json")
    status, out, err = run_main(capsys, *args)
    assert (status, _records(out)) == (0, []), out + err
    for node in cluster.nodes:
        assert f"{_url(node)}: note: Redis 7.0 (" in err
    assert "judges every node" not in err
    status, _, err = run_main(capsys, "audit", "--url", _url(cluster.nodes[3]))
    assert f"note: a cluster node: --cluster 127.0.0.1:{cluster.nodes[3].port} judges every node" in err

    replica = next(n for n in cluster.nodes if n.info("replication")["role"] == "slave")
    its_master = next(n for n in cluster.nodes if str(n.port) == replica.info("replication")["master_port"])
    replica.kill9()
    wait_until("the master losing its replica", lambda: its_master.info("replication")["connected_slaves"] == "0", 10,
               lambda: its_master.diagnostics(10))  # fmt: skip
    cluster.nodes[0].cli("CONFIG", "SET", "appendonly", "no")
    status, out, err = run_main(capsys, *args)
    assert status == 2, out
    expected = {_url(replica): {"input.unreadable"}, _url(its_master): {"cluster.replicas"}}
    expected.setdefault(_url(cluster.nodes[0]), set()).add("persistence.aof")
    assert _by_node(out) == expected
    assert cluster.password not in out + err


@pytest.mark.server
@pytest.mark.parametrize(("target", "line"), [("redis-7.0", "7.0"), ("valkey", "valkey-9.1")])
def test_cluster_without_replicas_and_with_slots_lost(
    target: Target,
    line: str,
    server_factory: ServerFactory,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cluster = start_cluster(server_factory, target, line, nodes=3, replicas=0)
    monkeypatch.setenv("REDIS_PASSWORD", cluster.password)
    args = ("audit", "--cluster", f"127.0.0.1:{cluster.nodes[1].port}", "--format", "json")
    status, out, err = run_main(capsys, *args)
    assert status == 0, out + err  # warnings only
    assert _by_node(out) == {_url(n): {"cluster.replicas"} for n in cluster.nodes}

    lost = cluster.nodes[2]
    lost.cli("CLUSTER", "DELSLOTS", "0", "1", "2")  # slots no node serves: the cluster refuses commands
    wait_until("cluster_state:fail", lambda: cluster_info(lost).get("cluster_state") == "fail", 10, lambda: "")
    status, out, err = run_main(capsys, *args)
    assert status == 1, out + err
    found = _by_node(out)
    assert found.pop(_url(lost)) == {"cluster.replicas", "cluster.state"}
    assert found == {_url(n): {"cluster.replicas"} for n in cluster.nodes[:2]}

    # Infisical's REDIS_USERNAME names the ACL user of every node, as it does for Infisical's own connections.
    user_password = generate_password()
    for node in cluster.nodes:
        node.cli("ACL", "SETUSER", "infisical", "on", f">{user_password}", "~*", "&*", "+@all")
    monkeypatch.setenv("REDIS_USERNAME", "infisical")
    monkeypatch.setenv("REDIS_PASSWORD", user_password)
    status, out, err = run_main(capsys, *args)
    assert {r["file"] for r in _records(out)} == {f"redis://infisical@127.0.0.1:{n.port}" for n in cluster.nodes}
    assert user_password not in out + err


@pytest.mark.server
def test_cluster_over_tls(
    server_factory: ServerFactory,
    tls_material: TlsMaterial,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cluster = start_cluster(server_factory, "redis-7.0", "7.0", tls=tls_material)
    monkeypatch.setenv("REDIS_PASSWORD", cluster.password)
    seed = f"127.0.0.1:{cluster.nodes[0].tls_port}"
    args = ("audit", "--cluster", seed, "--tls", "--format", "json")
    status, out, err = run_main(capsys, *args, "--ca-file", str(tls_material.ca_cert))
    assert (status, _records(out)) == (0, []), out + err
    for node in cluster.nodes:
        assert f"rediss://127.0.0.1:{node.tls_port}: note: Redis 7.0 (" in err
    status, out, err = run_main(capsys, *args)  # the private CA is not trusted by default
    assert (status, out) == (2, "")
    assert err.startswith(f"audit: rediss://{seed}: TLS certificate rejected") and "--ca-file" in err
