"""Shared by the real-server password tests: rendering for loopback, and assertions on live servers."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final, TypeVar
from urllib.parse import urlsplit

from ruamel.yaml import YAML

from generator.formats.dotenv import parse_dotenv
from generator.formats.yaml import load_yaml_file
from generator.schema.values import Deployment
from tests.realserver.binaries import Target
from tests.realserver.generated import EXAMPLES, example_deployment
from tests.realserver.node_client import NodeClient
from tests.realserver.processes import Auth, RedisServer

LINES: Final[dict[Target, str]] = {"redis-7.0": "7.0", "redis-6.2": "6.2", "valkey": "valkey-8.0"}
NO_SYNC_DELAY: Final = ("--repl-diskless-sync-delay", "0")
MASTER_NAME: Final = "mymaster"
T = TypeVar("T")

HOSTILE: Final[dict[str, str]] = {
    "newline-injection": "Pw1\nmaxmemory-policy allkeys-lru",
    "crlf-injection": "Pw1\r\nmaxmemory-policy allkeys-lru\r\n",
    "double-quotes": 'Pw"1"x',
    "single-quotes": "Pw'1'x",
    "spaces": "Pw 1  x",
    "hash": "#Pw1#x",
    "backslash": "Pw\\1\\",
    "dollar-brace": "Pw${HOME}1",
    "surrounding-blanks": " Pw1 ",
    "url-reserved": "Pw%40:/?#@1",
    "all-at-once": "a b\"c'd#e\\f\ng",
}
"""Values an operator could put into REDIS_PASSWORD by mistake or by malice."""


def load_yaml_text(text: str) -> Any:
    return YAML(typ="safe").load(text)


def client_names(reply: str) -> dict[str, str]:
    """``CLIENT LIST`` -> {client name: client id} for named clients."""
    named: dict[str, str] = {}
    for line in reply.split("\n"):
        fields = dict(word.split("=", 1) for word in line.split() if "=" in word)
        if fields.get("name"):
            named[fields["name"]] = fields["id"]
    return named


def reply_pairs(reply: str) -> dict[str, str]:
    items = reply.split("\n")
    return dict(zip(items[::2], items[1::2], strict=True))


def assert_auth_only_with(server: RedisServer, password: str) -> None:
    """The exact password opens the server; none, a prefix or a longer one do not."""
    assert server.cli("PING", auth=Auth(password)) == "PONG"
    assert "NOAUTH" in server.cli("PING", auth=None, check=False)
    for wrong in {
        password + "x",
        password[: max(1, len(password) // 2)],
        password.split()[0] if password.split() else "x",
    }:
        if wrong != password:
            assert server.cli("PING", auth=Auth(wrong), check=False) != "PONG", f"{wrong!r} opened the server"


def assert_nothing_injected(server: RedisServer, password: str) -> None:
    reply = server.cli("CONFIG", "GET", "maxmemory-policy", auth=Auth(password))
    assert reply.split("\n") == ["maxmemory-policy", "noeviction"]


def wait_until(what: str, check: Callable[[], T | None], timeout: float = 15.0, details: Callable[[], str] = str) -> T:
    """Poll ``check()`` until it returns something truthy; fail with ``what`` and ``details()`` on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}\n{details()}")
        time.sleep(0.05)


def wait_replica_in_sync(replica: RedisServer, password: str) -> None:
    """Link up (``masterauth`` worked) and the initial AOF written (Redis 6.2 ignores SIGTERM until then)."""

    def synced() -> bool:
        auth = Auth(password)
        replication = info_with_auth(replica, "replication", auth)
        persistence = info_with_auth(replica, "persistence", auth)
        return (
            replication.get("master_link_status") == "up"
            and persistence.get("aof_rewrite_in_progress") == "0"
            and persistence.get("aof_rewrite_scheduled") == "0"
        )

    wait_until(f"replica on port {replica.port} in sync", synced, details=replica.diagnostics)


def colon_pairs(reply: str) -> dict[str, str]:
    """``field:value`` lines (INFO, CLUSTER INFO)."""
    fields = {}
    for line in reply.split("\n"):
        key, sep, value = line.strip().partition(":")
        if sep and not key.startswith("#"):
            fields[key] = value
    return fields


def info_with_auth(server: RedisServer, section: str, auth: Auth) -> dict[str, str]:
    return colon_pairs(server.cli("INFO", section, auth=auth))


def env_of(dotenv_text: str) -> dict[str, str]:
    parsed = parse_dotenv(dotenv_text)
    assert not parsed.problems, [str(p) for p in parsed.problems]
    return parsed.values


def assert_secret_matches_env(secret_yaml: str | None, env: Mapping[str, str]) -> None:
    """The Kubernetes Secret carries the `.env`'s variables with the same credentials; only the addresses differ
    (the Services the chart creates instead of the machines'). ``None``: no chart runs this line, no Secret."""
    if secret_yaml is None:
        return
    secret = load_yaml_text(secret_yaml)["stringData"]
    assert set(secret) == set(env) - {"REDIS_READ_REPLICAS"}
    for name, value in secret.items():
        if name == "REDIS_URL":
            ours, theirs = urlsplit(value), urlsplit(env[name])
            assert (ours.scheme, ours.username, ours.password) == (theirs.scheme, theirs.username, theirs.password)
        elif name == "REDIS_SENTINEL_PASSWORD":  # the chart writes the data password into the Sentinels
            assert value == env["REDIS_PASSWORD"], name
        elif not name.endswith("_HOSTS"):
            assert value == env[name], name


def ping(node_client: NodeClient, env: Mapping[str, str], mode: str) -> None:
    """Connect and PING exactly as Infisical does with these variables (ioredis 5; values trimmed)."""
    result = node_client.run("ping", "--timeout-ms", "3000", env=env)
    assert result.ok, f"Infisical's client cannot connect with the generated variables\n{result.describe()}"
    assert result.data["mode"] == mode


# ------------------------------------------------------------------ rendering for loopback


def standalone_deployment(version: str, port: int, data_dir: Path) -> Deployment:
    return example_deployment(
        "standalone",
        {
            "redis_version": version,
            "standalone": {"host": "127.0.0.1", "port": port},
            "persistence": {"dir": str(data_dir)},
        },
    )


def sentinel_values(version: str, master_port: int, sentinel_ports: Sequence[int], data_dir: Path) -> dict[str, Any]:
    """A Sentinel topology `validate` accepts (every data node on one port, every Sentinel on another) that
    runs on loopback: the master listens on 127.0.0.1:master_port, the replica's file names that master and
    its own port is overridden on the command line; the second data node and Sentinel are listed on
    127.0.0.2 (one file per role, as `build` writes it)."""
    return {
        "redis_version": version,
        "persistence": {"dir": str(data_dir)},
        "sentinel": {
            "nodes": [f"127.0.0.1:{master_port}", f"127.0.0.2:{master_port}"],
            "sentinels": [f"127.0.0.{i + 1}:{sentinel_ports[0]}" for i in range(len(sentinel_ports))],
            "quorum": 1,
            "down_after_ms": 1000,
        },
    }


def write_values(path: Path, example: str, overrides: Mapping[str, Any]) -> Path:
    """``examples/<example>.yaml`` with ``overrides`` (top-level keys replaced), as a values file (JSON is YAML)."""
    data = load_yaml_file(EXAMPLES / f"{example}.yaml").data
    assert isinstance(data, dict)
    path.write_text(json.dumps({**data, **overrides}))
    return path
