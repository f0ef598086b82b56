"""The AOF trap, proved on real servers, and `migrate-aof`, the safe way around it.

Trap: a server whose data is only in dump.rdb, restarted with `appendonly yes` newly in its config file,
starts EMPTY, and its next shutdown overwrites dump.rdb. `migrate-aof` switches AOF on at runtime, waits
for the initial AOF to hold the dataset, then records `appendonly yes` with CONFIG REWRITE.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.cli.main import main
from generator.server.connection import ClientOptions, RedisURL, ServerConnection
from tests.realserver.fixtures import ServerFactory
from tests.realserver.processes import RedisServer

KEYS = 1000
LINES = ("redis-6.2", "redis-7.0")


def _connect(server: RedisServer) -> ServerConnection:
    return ServerConnection.open(RedisURL.parse(server.url()), options=ClientOptions(timeout=10.0))


def _dbsize(server: RedisServer) -> int:
    with _connect(server) as conn:
        size = conn.command("DBSIZE")
    assert isinstance(size, int)
    return size


def _server_with_rdb_data(server_factory: ServerFactory, binary: str) -> RedisServer:
    """A stock server (`appendonly no`) holding KEYS keys that are in dump.rdb only."""
    server = server_factory(binary, "appendonly no\n")  # type: ignore[arg-type]
    with _connect(server) as conn:
        pairs = [part for i in range(KEYS) for part in (f"job:{i}", f"payload-{i}")]
        assert conn.command("MSET", *pairs) == "OK"
        assert conn.command("SAVE") == "OK"
    server.restart()
    assert _dbsize(server) == KEYS
    assert (server.dir / "dump.rdb").is_file()
    assert not any(server.dir.glob("appendonly*"))
    return server


def _conf_lines(server: RedisServer) -> list[str]:
    return [line.strip() for line in server.conf_path.read_text().splitlines()]


def _migrate(capsys: pytest.CaptureFixture[str], server: RedisServer, *extra: str) -> tuple[int, str, str]:
    status = main(["migrate-aof", "--url", server.url(), *extra])
    out = capsys.readouterr()
    return status, out.out, out.err


@pytest.mark.server
@pytest.mark.parametrize("binary", LINES)
def test_the_trap_appendonly_yes_in_the_file_starts_empty(binary: str, server_factory: ServerFactory) -> None:
    server = _server_with_rdb_data(server_factory, binary)
    server.stop()
    server.conf_path.write_text(server.conf_path.read_text().replace("appendonly no", "appendonly yes"))
    server.start()
    assert _dbsize(server) == 0  # the AOF path skipped dump.rdb
    server.stop()  # ... and the shutdown's snapshot overwrites dump.rdb with the empty dataset
    server.conf_path.write_text(server.conf_path.read_text().replace("appendonly yes", "appendonly no"))
    server.start()
    assert _dbsize(server) == 0  # gone for good


@pytest.mark.server
@pytest.mark.parametrize("binary", LINES)
def test_migrate_aof_keeps_every_key_across_a_restart(
    binary: str, server_factory: ServerFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    server = _server_with_rdb_data(server_factory, binary)
    status, out, err = _migrate(capsys, server)
    assert status == 0, out + err
    assert [line.split(" ", 1)[0] for line in out.splitlines()[1:]] == ["[1/3]", "[2/3]", "[3/3]", "done:"]
    assert f"config file: {server.conf_path}" in out
    assert "appendonly yes" in _conf_lines(server)
    assert "appendonly no" not in _conf_lines(server)
    server.stop()
    (server.dir / "dump.rdb").unlink()  # prove the keys come back from the AOF alone
    server.start()
    server.wait_for_log("DB loaded from append only file", timeout=5)
    assert _dbsize(server) == KEYS
    status, out, _ = _migrate(capsys, server)  # idempotent
    assert status == 0
    assert "already 'yes'" in out


@pytest.mark.server
def test_a_server_without_config_file_gets_the_line_to_add(
    server_factory: ServerFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    server = server_factory("redis-7.0", Path("-"))  # config from (empty) stdin: no config file
    status, out, err = _migrate(capsys, server)
    assert status == 1
    assert "config file: (none: started without one)" in out
    assert "started without a config file" in err
    assert "\n    appendonly yes\n" in err
    with _connect(server) as conn:
        assert conn.command("CONFIG", "GET", "appendonly") == ["appendonly", "yes"]


@pytest.mark.server
def test_a_timeout_switches_aof_back_off(server_factory: ServerFactory, capsys: pytest.CaptureFixture[str]) -> None:
    server = _server_with_rdb_data(server_factory, "redis-7.0")
    with _connect(server) as conn:  # slow the rewrite down: 10 ms per key
        assert conn.command("CONFIG", "SET", "rdb-key-save-delay", "10000") == "OK"
    status, out, err = _migrate(capsys, server, "--timeout", "0.3")
    assert status == 1
    assert "did not finish within 0.3 s" in err
    assert "switched AOF back off" in out
    with _connect(server) as conn:
        assert conn.command("CONFIG", "GET", "appendonly") == ["appendonly", "no"]
        assert conn.command("CONFIG", "SET", "rdb-key-save-delay", "0") == "OK"
    assert "appendonly yes" not in _conf_lines(server)
    server.restart()
    assert _dbsize(server) == KEYS


def test_connection_errors_are_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["migrate-aof", "--url", "redis://:Hidden-Pw-1@127.0.0.1:1"])
    out = capsys.readouterr()
    assert status == 2
    assert "connection refused" in out.err
    assert "Hidden-Pw-1" not in out.out + out.err
