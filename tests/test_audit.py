"""`audit` and its RESP2 client: the client against canned bytes, the command against real servers."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import pytest

from generator.rules import judge
from generator.schema.rules import Scope
from generator.server.resp import (
    ConnectError,
    ProtocolError,
    RedisURL,
    ReplyError,
    ReplyTimeoutError,
    RespConnection,
    UrlError,
    choose_password,
    parse_info,
)
from generator.shapes.config import EffectiveConfig, Setting
from generator.shapes.finding import Location
from generator.sources.server import server_target
from tests.realserver.fixtures import ServerFactory
from tests.realserver.ports import free_port
from tests.realserver.processes import Auth
from tests.realserver.tls import TlsMaterial
from tests.support import run_main

PASSWORD = "Zq8vN3kP7wR2tY6uI1oA5sD9fG4hJ0lKxCvB"


_run = run_main


def _rules(out: str) -> set[str]:
    return {record["rule"] for record in json.loads(out or "[]")}


@pytest.fixture(autouse=True)
def _no_password_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_PASSWORD", raising=False)


# ------------------------------------------------------------------ URL and RESP2, no server


def test_url_parsing_decodes_credentials_and_hides_the_password() -> None:
    url = RedisURL.parse("rediss://app%40infisical:p%40ss%3Aw%2Frd@Redis.Example:6380/2")
    assert (url.tls, url.host, url.port, url.db) == (True, "redis.example", 6380, 2)
    assert (url.username, url.password) == ("app@infisical", "p@ss:w/rd")
    assert url.display == "rediss://app@infisical@redis.example:6380/2"
    assert "p@ss" not in repr(url)
    assert RedisURL.parse("redis://:pw@[::1]").display == "redis://[::1]:6379"


@pytest.mark.parametrize(
    "text", ["http://h:1", "redis://:Secret9@", "redis://:Secret9@h:notaport", "redis://:Secret9@h/x"]
)
def test_bad_urls_never_echo_the_password(text: str) -> None:
    with pytest.raises(UrlError) as caught:
        RedisURL.parse(text)
    assert "Secret9" not in str(caught.value)


def test_password_sources_in_order() -> None:
    with_pw, without = RedisURL.parse("redis://:url-pw@h"), RedisURL.parse("redis://h")
    env = {"REDIS_PASSWORD": "default-pw", "MINE": "named-pw"}
    assert choose_password(with_pw, "MINE", env) == "url-pw"
    assert choose_password(without, "MINE", env) == "named-pw"
    assert choose_password(without, None, env) == "default-pw"
    assert choose_password(without, None, {}) is None
    with pytest.raises(UrlError, match="MISSING"):
        choose_password(without, "MISSING", env)


@pytest.fixture
def canned() -> Iterator[tuple[RespConnection, socket.socket]]:
    ours, theirs = socket.socketpair()
    ours.settimeout(0.5)
    conn = RespConnection(ours, "redis://test:1", 0.5)
    yield conn, theirs
    conn.close()
    theirs.close()


def test_reply_types(canned: tuple[RespConnection, socket.socket]) -> None:
    conn, server = canned
    server.sendall(b"+OK\r\n:42\r\n$5\r\nhe\r\no\r\n$-1\r\n*-1\r\n*4\r\n:1\r\n$0\r\n\r\n*1\r\n+in\r\n-ERR inner\r\n")
    assert conn.command("SET", "k", "v") == "OK"
    assert conn.command("INCR", "k") == 42
    assert conn.command("GET", "k") == "he\r\no"
    assert conn.command("GET", "nil") is None
    assert conn.command("BLPOP", "l", 1) is None
    nested = conn.command("EXEC")
    assert isinstance(nested, list)
    assert nested[:3] == [1, "", ["in"]]
    assert isinstance(nested[3], ReplyError)
    assert nested[3].code == "ERR"
    sent = server.recv(4096)
    assert sent.startswith(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$4\r\nINCR\r\n")


def test_error_replies_raise_and_replies_may_arrive_in_pieces(canned: tuple[RespConnection, socket.socket]) -> None:
    conn, server = canned
    server.sendall(b"-WRONGTYPE Operation against a key\r\n$11\r\nhello")
    with pytest.raises(ReplyError) as caught:
        conn.command("LPUSH", "k", "v")
    assert caught.value.code == "WRONGTYPE"
    with pytest.raises(ReplyTimeoutError, match=r"no reply within 0\.5 s"):
        conn.command("GET", "k")


def test_garbage_and_hangups_are_clean_errors(canned: tuple[RespConnection, socket.socket]) -> None:
    conn, server = canned
    server.sendall(b"HTTP/1.1 400 Bad Request\r\n")
    with pytest.raises(ProtocolError, match="not a RESP2 reply"):
        conn.command("PING")
    server.close()
    with pytest.raises(ConnectError):
        conn.command("PING")


def test_info_parsing_and_server_target() -> None:
    info = parse_info("# Server\r\nredis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:8.0.1\r\n\r\n")
    assert info == {"redis_version": "7.2.4", "server_name": "valkey", "valkey_version": "8.0.1"}
    target = server_target(info)
    assert target is not None
    assert target.spelling == "valkey-8.0"
    assert server_target({"redis_version": "6.2.5"}) == server_target({"redis_version": "6.2.14"})
    assert server_target({}) is None


def test_persistence_health_reads_info_fields_on_live_servers_only() -> None:
    where = Location("redis://h:6379")
    settings = [
        Setting("appendonly", ("yes",), where),
        Setting("aof_last_write_status", ("err",), where),
        Setting("rdb_last_bgsave_status", ("ok",), where),
    ]
    live = judge([EffectiveConfig.of(settings, where, scope=Scope.SERVER)])
    assert [f.rule_id for f in live if f.rule_id == "persistence.health"] == ["persistence.health"]
    offline = judge([EffectiveConfig.of(settings, where)])
    assert not [f for f in offline if f.rule_id == "persistence.health"]


def test_connection_refused_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(capsys, "audit", "--url", f"redis://:{PASSWORD}@127.0.0.1:{free_port()}")
    assert status == 2
    assert "connection refused" in err
    assert PASSWORD not in out + err


# ------------------------------------------------------------------ real servers


@pytest.mark.server
@pytest.mark.parametrize("binary", ["redis-6.2", "redis-7.0"])
def test_stock_defaults_are_reported(
    binary: str, server_factory: ServerFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    server = server_factory(binary)  # type: ignore[arg-type]
    status, out, err = _run(capsys, "audit", "--format", "json", "--url", server.url())
    assert status == 1, err
    assert _rules(out) == {"persistence.aof", "memory.maxmemory", "auth.required"}
    records = json.loads(out)
    assert {r["file"] for r in records} == {server.url()}
    assert f"Redis {binary.removeprefix('redis-')}" in err


@pytest.mark.server
def test_fixed_at_runtime_is_clean(server_factory: ServerFactory, capsys: pytest.CaptureFixture[str]) -> None:
    server = server_factory("redis-7.0")
    assert _run(capsys, "migrate-aof", "--url", server.url())[0] == 0  # waits for the initial AOF
    for name, value in (("maxmemory", "100mb"), ("requirepass", PASSWORD)):
        assert server.cli("CONFIG", "SET", name, value) == "OK"
    status, out, err = _run(capsys, "audit", "--url", server.url(auth=Auth(PASSWORD)))
    assert (status, out) == (0, ""), err
    assert PASSWORD not in err


@pytest.mark.server
def test_password_sources_and_wrong_password(
    server_factory: ServerFactory, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = server_factory("redis-7.0", f"requirepass {PASSWORD}\nappendonly yes\n", auth=Auth(PASSWORD))
    plain = server.url(auth=None)
    status, out, err = _run(capsys, "audit", "--format", "json", "--url", server.url())
    assert status == 0, err
    assert _rules(out) == {"memory.maxmemory"}
    status, _, err = _run(capsys, "audit", "--url", plain)
    assert status == 2
    assert "requires a password" in err
    monkeypatch.setenv("REDIS_PASSWORD", PASSWORD)
    assert _run(capsys, "audit", "--url", plain)[0] == 0
    monkeypatch.setenv("MY_REDIS_PW", PASSWORD)
    monkeypatch.setenv("REDIS_PASSWORD", "wrong")
    assert _run(capsys, "audit", "--url", plain, "--password-env", "MY_REDIS_PW")[0] == 0
    monkeypatch.setenv("INFISICAL_REDIS_URL", server.url())
    assert _run(capsys, "audit", "--url-env", "INFISICAL_REDIS_URL")[0] == 0
    wrong = "Wrong-Password-7f3a9"
    status, out, err = _run(capsys, "audit", "--url", server.url(auth=Auth(wrong)))
    assert status == 2
    assert err.startswith("audit: redis://127.0.0.1:") and "authentication failed" in err
    assert wrong not in out + err and PASSWORD not in out + err


@pytest.mark.server
def test_acl_users_count_as_passwords(server_factory: ServerFactory, capsys: pytest.CaptureFixture[str]) -> None:
    conf = f"user default on >{PASSWORD} ~* &* +@all\nuser infisical on >{PASSWORD} ~* &* +@all\n"
    server = server_factory("redis-7.0", conf)
    url = f"redis://infisical:{PASSWORD}@127.0.0.1:{server.port}"
    status, out, err = _run(capsys, "audit", "--format", "json", "--url", url)
    assert status == 1, err
    assert "auth.required" not in _rules(out)
    assert PASSWORD not in out + err


@pytest.mark.server
def test_without_config_the_audit_falls_back_to_info(
    server_factory: ServerFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    server = server_factory("redis-7.0", 'rename-command CONFIG ""\nmaxmemory-policy allkeys-lru\n')
    status, out, err = _run(capsys, "audit", "--format", "json", "--url", server.url())
    assert status == 1
    assert _rules(out) == {"persistence.aof", "memory.maxmemory", "memory.noeviction", "auth.required"}
    assert "CONFIG GET is not available (ERR): judged from INFO only; not judged:" in err
    assert "persistence.appendfsync" in err and "tls.auth-clients" in err


@pytest.mark.server
def test_valkey_is_recognised(server_factory: ServerFactory, capsys: pytest.CaptureFixture[str]) -> None:
    server = server_factory("valkey", "appendonly yes\nmaxmemory 10mb\n")
    status, out, err = _run(capsys, "audit", "--format", "json", "--url", server.url())
    assert status == 0, err
    assert _rules(out) == {"auth.required"}
    assert "Valkey " in err


@pytest.mark.server
def test_tls_needs_the_private_ca(
    server_factory: ServerFactory, tls_material: TlsMaterial, capsys: pytest.CaptureFixture[str]
) -> None:
    server = server_factory(
        "redis-7.0",
        f"appendonly yes\nmaxmemory 10mb\nrequirepass {PASSWORD}\n",
        tls_port=free_port(),
        extra_args=tls_material.server_args(),
    )
    url = server.url(auth=Auth(PASSWORD), tls=True)
    status, out, err = _run(capsys, "audit", "--url", url, "--ca-file", str(tls_material.ca_cert))
    assert (status, out) == (0, ""), err
    status, _, err = _run(capsys, "audit", "--url", url)
    assert status == 2
    assert "TLS certificate rejected" in err and "--ca-file" in err
    assert _run(capsys, "audit", "--url", url, "--insecure")[0] == 0
    status, _, err = _run(capsys, "audit", "--url", url, "--ca-file", str(tls_material.other_ca_cert))
    assert status == 2
    plain_port = url.replace(str(server.tls_port), str(server.port))
    status, _, err = _run(capsys, "audit", "--url", plain_port, "--insecure", "--timeout", "0.5")
    assert status == 2
    assert "no TLS handshake within 0.5 s; is it a TLS port?" in err
    assert PASSWORD not in err


@pytest.mark.server
def test_a_failed_snapshot_is_a_persistence_health_error(
    server_factory: ServerFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    server = server_factory("redis-7.0", "appendonly yes\nmaxmemory 10mb\nenable-protected-configs yes\n")
    gone = server.dir / "gone"
    gone.mkdir()
    assert server.cli("CONFIG", "SET", "dir", str(gone)) == "OK"
    gone.rmdir()  # the server's working directory vanishes: the next snapshot cannot be written
    try:
        server.cli("BGSAVE")
        deadline = time.monotonic() + 10
        while server.info("persistence")["rdb_last_bgsave_status"] != "err" and time.monotonic() < deadline:
            time.sleep(0.05)
        status, out, err = _run(capsys, "audit", "--format", "json", "--url", server.url())
    finally:
        server.cli("CONFIG", "SET", "dir", str(server.dir))  # lets the shutdown save again
    assert status == 1, err  # PING answers MISCONF here; the audit still runs
    health = [r for r in json.loads(out) if r["rule"] == "persistence.health"]
    assert [r["message"].split(":")[0] for r in health] == ["rdb_last_bgsave_status"]


@pytest.mark.server
def test_a_sentinel_is_not_judged_as_a_data_node(
    server_factory: ServerFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    master = server_factory("redis-7.0")
    sentinel = server_factory("redis-7.0", f"sentinel monitor mymaster 127.0.0.1 {master.port} 1\n", sentinel=True)
    status, out, err = _run(capsys, "audit", "--url", sentinel.url())
    assert (status, out) == (2, "")
    assert "is a Sentinel, which holds no data" in err
