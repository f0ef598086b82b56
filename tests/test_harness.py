"""The real-server harness itself works on real processes (tests/realserver, tests/node)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.realserver import binaries
from tests.realserver.binaries import Target, require
from tests.realserver.fixtures import ServerFactory
from tests.realserver.node_client import NodeClient, hosts_value
from tests.realserver.ports import free_port
from tests.realserver.processes import (
    Auth,
    RedisServer,
    ServerStartError,
    TlsClient,
    quick_load_check,
    replace_dir_directive,
)
from tests.realserver.tls import TlsMaterial

EXPECTED_VERSION_PREFIX: dict[Target, str] = {"redis-6.2": "6.2.", "redis-7.0": "7.0.", "valkey": "9."}


# ------------------------------------------------------------------ no server needed


def test_free_ports_are_distinct_and_bindable() -> None:
    ports = {free_port() for _ in range(20)}
    assert len(ports) == 20
    assert all(1024 < p <= 55535 for p in ports)


def test_unknown_binary_name_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown binary name"):
        binaries.find("redis-5.0")


def test_missing_binary_skips_locally_and_fails_on_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="install it with"):
        binaries.missing("x not found; install it with: y")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        binaries.missing("x not found; install it with: y")


def test_replace_dir_directive(tmp_path: Path) -> None:
    conf = "port 6379\ndir /data\n  DIR   '/other dir'\n# dir /commented\ndirx yes\n"
    out = replace_dir_directive(conf, tmp_path)
    assert out.splitlines() == [
        "port 6379",
        f'dir "{tmp_path}"',
        f'dir "{tmp_path}"',
        "# dir /commented",
        "dirx yes",
    ]


# ------------------------------------------------------------------ binaries


@pytest.mark.server
def test_target_binary_version_and_tls_capability(server_target: Target) -> None:
    path = require(server_target)
    assert binaries.version(path).startswith(EXPECTED_VERSION_PREFIX[server_target])
    assert binaries.accepts_tls_directives(path) is (server_target != "redis-6.2")
    assert binaries.supports_tls(path) is (server_target == "redis-7.0")


# ------------------------------------------------------------------ quick load check


@pytest.mark.server
def test_quick_load_check_accepts_good_conf(server_target: Target, tmp_path: Path) -> None:
    conf = tmp_path / "redis.conf"
    conf.write_text(f'appendonly yes\nappendfsync everysec\nmaxmemory-policy noeviction\ndir "{tmp_path}"\n')
    result = quick_load_check(require(server_target), conf)
    assert result.ok, result.output
    assert result.error_line is None


@pytest.mark.server
def test_quick_load_check_rejects_bad_directive_with_line_number(server_target: Target, tmp_path: Path) -> None:
    conf = tmp_path / "redis.conf"
    conf.write_text("appendonly yes\n# a comment\nnot-a-directive 1\nmaxmemory 1gb\n")
    result = quick_load_check(require(server_target), conf)
    assert not result.ok
    assert result.error_line == 3, result.output
    assert result.error_text is not None and "not-a-directive" in result.error_text


@pytest.mark.server
def test_quick_load_check_knows_version_differences(tmp_path: Path) -> None:
    conf = tmp_path / "redis.conf"
    conf.write_text("appendonly yes\nappenddirname appendonlydir\n")
    assert quick_load_check(require("redis-7.0"), conf).ok
    old = quick_load_check(require("redis-6.2"), conf)
    assert not old.ok and old.error_line == 2, old.output


@pytest.mark.server
def test_quick_load_check_needs_existing_dir(tmp_path: Path) -> None:
    conf = tmp_path / "redis.conf"
    conf.write_text("dir /nonexistent/redis-data\n")
    assert not quick_load_check(require("redis-7.0"), conf).ok
    conf.write_text(replace_dir_directive(conf.read_text(), tmp_path))
    assert quick_load_check(require("redis-7.0"), conf).ok


# ------------------------------------------------------------------ process lifecycle


@pytest.mark.server
def test_start_kill9_restart_stop(server_target: Target, server_factory: ServerFactory) -> None:
    server = server_factory(server_target, "appendonly yes\nappendfsync everysec\n")
    assert server.running
    assert server.cli("PING") == "PONG"
    assert server.info("persistence")["aof_enabled"] == "1"
    assert server.cli("SET", "harness:key", "value") == "OK"
    first_pid = server.pid

    server.kill9()
    assert not server.running
    assert server.returncode == -9

    server.restart()
    assert server.pid != first_pid
    assert server.cli("GET", "harness:key") == "value"  # AOF: a killed process loses no acked write

    server.stop()
    assert not server.running
    assert server.returncode == 0
    assert "ready to exit" in server.log_text()


@pytest.mark.server
def test_extra_args_override_the_file(server_factory: ServerFactory) -> None:
    server = server_factory(
        "redis-7.0", "maxmemory-policy allkeys-lru\n", extra_args=["--maxmemory-policy", "noeviction"]
    )
    assert server.cli("CONFIG", "GET", "maxmemory-policy").splitlines() == ["maxmemory-policy", "noeviction"]


@pytest.mark.server
def test_start_failure_carries_the_output(server_factory: ServerFactory) -> None:
    with pytest.raises(ServerStartError, match="Bad directive"):
        server_factory("redis-7.0", "appendonly yes\nbogus-directive on\n")
    assert not any(s.running for s in server_factory.servers)


@pytest.mark.server
def test_context_manager_stops_by_pid_and_cleans_up(tmp_path: Path) -> None:
    conf = tmp_path / "redis.conf"
    conf.write_text('save ""\n')
    with RedisServer(binary=require("redis-7.0"), conf_path=conf) as server:
        pid = server.pid
        workdir = server.dir
        assert server.cli("PING") == "PONG"
    assert not server.running
    assert not workdir.exists()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


@pytest.mark.server
def test_factory_stop_all_stops_everything(tmp_path_factory: pytest.TempPathFactory) -> None:
    factory = ServerFactory(tmp_path_factory)
    servers = [factory("redis-7.0", 'save ""\n') for _ in range(2)]
    factory.stop_all()
    assert not any(s.running for s in servers)


@pytest.mark.server
def test_sentinel_starts_and_monitors(server_target: Target, server_factory: ServerFactory) -> None:
    master = server_factory(server_target, 'save ""\n')
    sentinel = server_factory(
        server_target,
        f"sentinel monitor mymaster 127.0.0.1 {master.port} 1\nsentinel down-after-milliseconds mymaster 1000\n",
        sentinel=True,
    )
    assert sentinel.cli("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster").splitlines() == [
        "127.0.0.1",
        str(master.port),
    ]
    sentinel.kill9()
    sentinel.restart()  # Sentinel rewrote its file; the same command line starts it again
    assert sentinel.cli("PING") == "PONG"


@pytest.mark.server
def test_tls_server_and_cli(server_factory: ServerFactory, tls_material: TlsMaterial) -> None:
    server = server_factory(
        "redis-7.0",
        'save ""\n',
        tls_port=free_port(),
        extra_args=tls_material.server_args(),
        tls=tls_material.client(),
    )
    assert server.cli("PING") == "PONG"  # over TLS, trusting the private CA
    assert server.cli("PING", tls=None) == "PONG"  # plain port still open
    untrusted = TlsClient(ca_cert=tls_material.other_ca_cert)
    assert server.cli("PING", tls=untrusted, check=False) != "PONG"


# ------------------------------------------------------------------ node client


@pytest.mark.server
@pytest.mark.node
def test_node_client_ping_enqueue_count(server_factory: ServerFactory, node_client: NodeClient) -> None:
    server = server_factory("redis-7.0", "appendonly yes\n")
    env = {"REDIS_URL": server.url()}

    ping = node_client.run("ping", env=env)
    assert ping.ok, ping.describe()
    assert ping.data["redis_version"].startswith("7.0.")
    assert ping.data["mode"] == "url"

    added = node_client.run("enqueue", "--queue", "harness", "--count", "100", env=env)
    assert added.ok, added.describe()
    assert added.data["acked"] == 100

    counts = node_client.run("count", "--queue", "harness", env=env)
    assert counts.ok, counts.describe()
    assert counts.data["waiting"] == 100
    assert server.cli("LLEN", "bull:harness:wait") == "100"


@pytest.mark.node
def test_node_client_reports_missing_configuration(node_client: NodeClient) -> None:
    result = node_client.run("ping", env={})
    assert not result.ok
    assert "must be defined" in result.data["error"]


@pytest.mark.server
@pytest.mark.node
def test_node_client_over_tls_trusts_node_extra_ca_certs(
    server_factory: ServerFactory, tls_material: TlsMaterial, node_client: NodeClient
) -> None:
    server = server_factory(
        "redis-7.0",
        'save ""\n',
        tls_port=free_port(),
        extra_args=["--port", "0", *tls_material.server_args()],
        tls=tls_material.client(),
    )
    url = server.url(tls=True)
    trusted = node_client.run("ping", env={"REDIS_URL": url, "NODE_EXTRA_CA_CERTS": str(tls_material.ca_cert)})
    assert trusted.ok, trusted.describe()
    untrusted = node_client.run("ping", "--timeout-ms", "1000", env={"REDIS_URL": url})
    assert not untrusted.ok
    assert "certificate" in untrusted.data.get("connection_error", ""), untrusted.describe()


@pytest.mark.server
@pytest.mark.node
def test_node_client_sentinel_mode(server_factory: ServerFactory, node_client: NodeClient) -> None:
    password = "HarnessPassw0rdHarnessPassw0rd12"
    master = server_factory("redis-7.0", f'save ""\nrequirepass {password}\n', auth=Auth(password))
    sentinel = server_factory(
        "redis-7.0",
        f"sentinel monitor infisical 127.0.0.1 {master.port} 1\nsentinel auth-pass infisical {password}\n",
        sentinel=True,
    )
    env = {
        "REDIS_SENTINEL_HOSTS": hosts_value([sentinel.port]),
        "REDIS_SENTINEL_MASTER_NAME": "infisical",
        "REDIS_PASSWORD": password,
    }
    result = node_client.run("ping", env=env)
    assert result.ok, result.describe()
    assert result.data["mode"] == "sentinel"
