"""Issue 3, point 7: passwords, on real servers.

Every place a password reaches: ``requirepass`` / ``masterauth`` in the data-node configs, ``requirepass`` /
``sentinel sentinel-pass`` / ``sentinel auth-pass`` in sentinel.conf, the Infisical ``.env`` (``REDIS_URL``,
``REDIS_PASSWORD``, ``REDIS_SENTINEL_PASSWORD``), the Kubernetes Secret and the Helm values (``auth.password``
of the Bitnami charts, ``redis.auth.password`` of Infisical's bundled chart, from which that chart builds
``REDIS_URL`` unencoded). A password from ``generate_password`` must work in each of them on a real server,
also after Sentinel rewrote its own file and restarted. A hostile value (newline, CR, quotes, spaces, ``#``,
backslash, ``${``, surrounding blanks, URL-reserved characters) must either be written so that it works
exactly and injects nothing, or be refused by ``build --resolve-secrets`` with a message that names no
password, before any file is written.

Loopback timing overrides only: ``--repl-diskless-sync-delay 0`` on data nodes (7.0 / Valkey wait 5 s before a
diskless full sync otherwise).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final, TypeVar

import pytest
from ruamel.yaml import YAML

from generator.artifacts import deployment_artifacts, relative_label
from generator.build import ROOT
from generator.cli import main
from generator.conf_model import conf_files, data_node_conf
from generator.conf_text import conf_text
from generator.env_check import parse_dotenv
from generator.secrets import SecretValues, generate_password
from generator.yaml_source import load_yaml_file
from schema.values import Deployment
from tests.realserver.binaries import Target
from tests.realserver.fixtures import ServerFactory
from tests.realserver.generated import EXAMPLES, artifacts, example_deployment
from tests.realserver.node_client import NodeClient, hosts_value
from tests.realserver.ports import free_port
from tests.realserver.processes import Auth, RedisServer, ServerStartError, run_cli

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


def _yaml(text: str) -> Any:
    return YAML(typ="safe").load(text)


def _names(reply: str) -> dict[str, str]:
    """``CLIENT LIST`` -> {client name: client id} for named clients."""
    named: dict[str, str] = {}
    for line in reply.split("\n"):
        fields = dict(word.split("=", 1) for word in line.split() if "=" in word)
        if fields.get("name"):
            named[fields["name"]] = fields["id"]
    return named


def _pairs(reply: str) -> dict[str, str]:
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
        replication = _info(replica, "replication", auth)
        persistence = _info(replica, "persistence", auth)
        return (
            replication.get("master_link_status") == "up"
            and persistence.get("aof_rewrite_in_progress") == "0"
            and persistence.get("aof_rewrite_scheduled") == "0"
        )

    wait_until(f"replica on port {replica.port} in sync", synced, details=replica.diagnostics)


def _pairs_colon(reply: str) -> dict[str, str]:
    """``field:value`` lines (INFO, CLUSTER INFO)."""
    fields = {}
    for line in reply.split("\n"):
        key, sep, value = line.strip().partition(":")
        if sep and not key.startswith("#"):
            fields[key] = value
    return fields


def _info(server: RedisServer, section: str, auth: Auth) -> dict[str, str]:
    return _pairs_colon(server.cli("INFO", section, auth=auth))


def env_of(dotenv_text: str) -> dict[str, str]:
    parsed = parse_dotenv(dotenv_text)
    assert not parsed.problems, [str(p) for p in parsed.problems]
    return parsed.values


def assert_secret_matches_env(secret_yaml: str, env: Mapping[str, str]) -> None:
    """The Kubernetes Secret carries exactly the `.env`'s variables and values."""
    assert _yaml(secret_yaml)["stringData"] == dict(env)


def ping(node_client: NodeClient, env: Mapping[str, str], mode: str) -> None:
    """Connect and PING exactly as Infisical does with these variables (ioredis 5; values trimmed)."""
    result = node_client.run("ping", "--timeout-ms", "3000", env=env)
    assert result.ok, f"Infisical's client cannot connect with the generated variables\n{result.describe()}"
    assert result.data["mode"] == mode


# ------------------------------------------------------------------ rendering for loopback


def _standalone(version: str, port: int, data_dir: Path) -> Deployment:
    return example_deployment(
        "standalone",
        {
            "redis_version": version,
            "standalone": {"host": "127.0.0.1", "port": port},
            "persistence": {"dir": str(data_dir)},
        },
    )


def _sentinel_values(version: str, master_port: int, sentinel_ports: Sequence[int], data_dir: Path) -> dict[str, Any]:
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


def _write_values(path: Path, example: str, overrides: Mapping[str, Any]) -> Path:
    """``examples/<example>.yaml`` with ``overrides`` (top-level keys replaced), as a values file (JSON is YAML)."""
    data = load_yaml_file(EXAMPLES / f"{example}.yaml").data
    assert isinstance(data, dict)
    path.write_text(json.dumps({**data, **overrides}))
    return path


# ------------------------------------------------------------------ generated passwords


@pytest.mark.server
@pytest.mark.node
@pytest.mark.parametrize("line", list(LINES))
def test_generated_password_works_everywhere_standalone(
    line: Target, server_factory: ServerFactory, node_client: NodeClient, tmp_path: Path
) -> None:
    password = generate_password()
    assert re.fullmatch(r"[A-Za-z0-9]{40}", password)
    port = free_port()
    dep = _standalone(LINES[line], port, tmp_path)
    files = artifacts(dep, {"REDIS_PASSWORD": password})

    server = server_factory(line, files["redis.conf"], port=port)
    assert_auth_only_with(server, password)  # requirepass

    env = env_of(files["infisical.env"])  # REDIS_URL, as Infisical reads it
    assert set(env) == {"REDIS_URL"}
    ping(node_client, env, "url")
    assert_secret_matches_env(files["helm/infisical-redis.secret.yaml"], env)

    bitnami = _yaml(files["helm/bitnami-redis.values.yaml"])
    assert bitnami["auth"]["enabled"] is True
    assert_auth_only_with(server, bitnami["auth"]["password"])  # the chart's requirepass

    # Infisical's chart builds REDIS_URL itself from redis.auth.password, without percent-encoding.
    bundled = _yaml(files["helm/infisical.bundled.values.yaml"])
    chart_url = f"redis://default:{bundled['redis']['auth']['password']}@127.0.0.1:{port}"
    ping(node_client, {"REDIS_URL": chart_url}, "url")


SENTINELS_PER_LINE: Final[dict[Target, int]] = {"redis-7.0": 2, "redis-6.2": 1, "valkey": 1}
"""Two Sentinels (sentinel-pass between them; peers find each other in ~2 s) on 7.0, one elsewhere."""


@pytest.mark.server
@pytest.mark.node
@pytest.mark.parametrize("line", list(LINES))
def test_generated_passwords_work_everywhere_sentinel_and_survive_sentinel_rewrite(
    line: Target, server_factory: ServerFactory, node_client: NodeClient, tmp_path: Path
) -> None:
    """Master + replica + Sentinel(s) from the generated files; then a Sentinel rewrites its file, is killed
    and restarted from it, and every password still works."""
    password, sentinel_password = generate_password(), generate_password()
    master_port, replica_port = free_port(), free_port()
    sentinel_ports = [free_port() for _ in range(SENTINELS_PER_LINE[line])]
    values = _sentinel_values(LINES[line], master_port, sentinel_ports, tmp_path)
    dep = example_deployment("sentinel", values)
    files = artifacts(dep, {"REDIS_PASSWORD": password, "REDIS_SENTINEL_PASSWORD": sentinel_password})

    master = server_factory(line, files["redis-master.conf"], port=master_port, extra_args=NO_SYNC_DELAY)
    replica = server_factory(line, files["redis-replica.conf"], port=replica_port, extra_args=NO_SYNC_DELAY)
    for node in (master, replica):
        assert_auth_only_with(node, password)  # requirepass
    wait_replica_in_sync(replica, password)  # masterauth

    sentinel_auth = Auth(sentinel_password)
    sentinels = [
        server_factory(line, files["sentinel.conf"], sentinel=True, port=port, auth=sentinel_auth)
        for port in sentinel_ports
    ]
    for sentinel in sentinels:
        assert_auth_only_with(sentinel, sentinel_password)  # requirepass in sentinel.conf
    names = [f"sentinel-{sentinel.cli('SENTINEL', 'MYID')[:8]}-cmd" for sentinel in sentinels]

    def links() -> dict[tuple[int, int], str]:
        """(from Sentinel i, to server j: -1 the master, else Sentinel j) -> client id, for links that
        authenticated: Sentinel names a link (CLIENT SETNAME) right after its AUTH, so a name proves the AUTH."""
        found = {}
        on_master = _names(master.cli("CLIENT", "LIST", auth=Auth(password)))
        on_sentinels = [_names(sentinel.cli("CLIENT", "LIST")) for sentinel in sentinels]
        for i, name in enumerate(names):
            for j, clients in [(-1, on_master), *enumerate(on_sentinels)]:
                if j != i and name in clients:
                    found[(i, j)] = clients[name]
        return found

    expected = {(i, j) for i in range(len(sentinels)) for j in [-1, *range(len(sentinels))] if j != i}

    def all_linked() -> dict[tuple[int, int], str] | None:
        found = links()
        return found if found.keys() == expected else None

    before = wait_until(
        "every Sentinel authenticated to the master (auth-pass) and to its peer (sentinel-pass)",
        all_linked,
        details=lambda: "\n".join(s.diagnostics() for s in sentinels),
    )
    for sentinel in sentinels:
        assert _pairs(sentinel.cli("SENTINEL", "MASTER", MASTER_NAME))["flags"] == "master"

    env = env_of(files["infisical.env"])
    assert env["REDIS_PASSWORD"] == password and env["REDIS_SENTINEL_PASSWORD"] == sentinel_password
    ping(node_client, env, "sentinel")
    assert_secret_matches_env(files["helm/infisical-redis.secret.yaml"], env)
    bitnami = _yaml(files["helm/bitnami-redis.values.yaml"])
    assert_auth_only_with(master, bitnami["auth"]["password"])

    # Sentinel rewrites its own file (at start and on SENTINEL SET); kill it and start it from that file.
    restarted = sentinels[0]
    assert restarted.cli("SENTINEL", "SET", MASTER_NAME, "down-after-milliseconds", "1000") == "OK"
    assert "sentinel myid" in restarted.conf_path.read_text(), "Sentinel did not rewrite its config file"
    restarted.kill9()
    restarted.start()
    assert_auth_only_with(restarted, sentinel_password)

    def relinked() -> bool:
        # The restarted Sentinel's links to the master and its peer are new connections (client ids only grow
        # in a process) that authenticated with the rewritten file's auth-pass / sentinel-pass; its peer's
        # link to it authenticated against the rewritten requirepass (any client of the new process is new).
        now = links()
        return now.keys() == expected and all(now[(0, j)] != before[(0, j)] for i, j in expected if i == 0)

    wait_until("the restarted Sentinel and its peers to authenticate again", relinked, details=restarted.diagnostics)
    assert _pairs(restarted.cli("SENTINEL", "MASTER", MASTER_NAME))["flags"] == "master"
    ping(node_client, {**env, "REDIS_SENTINEL_HOSTS": hosts_value([restarted.port])}, "sentinel")


@pytest.mark.server
@pytest.mark.node
def test_generated_password_works_everywhere_cluster(
    server_factory: ServerFactory, node_client: NodeClient, tmp_path: Path
) -> None:
    """Six nodes from redis-cluster-node.conf (3 masters, 3 replicas): requirepass, masterauth, `.env`, Helm."""
    password = generate_password()
    ports = [free_port() for _ in range(6)]
    dep = example_deployment(
        "cluster",
        {"cluster": {"nodes": [f"127.0.0.1:{p}" for p in ports]}, "persistence": {"dir": str(tmp_path)}},
    )
    files = artifacts(dep, {"REDIS_PASSWORD": password})
    nodes = [
        server_factory("redis-7.0", files["redis-cluster-node.conf"], port=port, extra_args=NO_SYNC_DELAY)
        for port in ports
    ]
    for node in nodes:
        assert_auth_only_with(node, password)
    create = ["--cluster", "create", *(f"127.0.0.1:{p}" for p in ports), "--cluster-replicas", "1"]
    run_cli([*create, "--cluster-yes", "--pass", password, "--no-auth-warning"], timeout=60)

    def replicas_in_sync() -> bool:
        infos = [_info(node, "replication", Auth(password)) for node in nodes]
        states = [_pairs_colon(node.cli("CLUSTER", "INFO", auth=Auth(password))).get("cluster_state") for node in nodes]
        replicas = [info for info in infos if info.get("role") == "slave"]
        return (
            len(replicas) == 3 and all(r.get("master_link_status") == "up" for r in replicas) and set(states) == {"ok"}
        )

    wait_until(
        "3 replicas in sync (masterauth) and the cluster ok",
        replicas_in_sync,
        timeout=30,
        details=lambda: "\n".join(node.diagnostics() for node in nodes),
    )
    for node in nodes:
        wait_no_aof_rewrite(node, password)

    env = env_of(files["infisical.env"])
    assert env["REDIS_PASSWORD"] == password
    ping(node_client, env, "cluster")
    assert_secret_matches_env(files["helm/infisical-redis.secret.yaml"], env)
    chart = _yaml(files["helm/bitnami-redis-cluster.values.yaml"])  # redis-cluster chart: top-level password
    assert chart["usePassword"] is True
    assert_auth_only_with(nodes[0], chart["password"])


def wait_no_aof_rewrite(node: RedisServer, password: str) -> None:
    """Redis ignores SIGTERM while it writes a replica's initial AOF: let teardown stop it promptly."""

    def settled() -> bool:
        persistence = _info(node, "persistence", Auth(password))
        return persistence.get("aof_rewrite_in_progress") == "0" and persistence.get("aof_rewrite_scheduled") == "0"

    wait_until(f"no AOF rewrite on port {node.port}", settled)


# ------------------------------------------------------------------ hostile values in redis.conf


def _conf_cases() -> list[Any]:
    """Every value on 7.0; the quoting code is the same for every line, so two on 6.2 and Valkey."""
    cases = [pytest.param("redis-7.0", value, id=f"redis-7.0-{name}") for name, value in HOSTILE.items()]
    for line in ("redis-6.2", "valkey"):
        cases += [pytest.param(line, HOSTILE[name], id=f"{line}-{name}") for name in ("crlf-injection", "all-at-once")]
    return cases


@pytest.mark.server
@pytest.mark.parametrize(("line", "value"), _conf_cases())
def test_hostile_password_in_redis_conf_is_written_safely(
    line: Target, value: str, server_factory: ServerFactory, tmp_path: Path
) -> None:
    """requirepass in redis.conf, as `build` lays it out: the exact value works and injects nothing."""
    port = free_port()
    dep = _standalone(LINES[line], port, tmp_path)
    (conf,) = conf_files(dep, SecretValues({"REDIS_PASSWORD": value}))
    server = server_factory(line, conf_text(conf, "test"), port=port)
    assert_auth_only_with(server, value)
    assert_nothing_injected(server, value)


MASTERAUTH_CASES: Final = ("crlf-injection", "double-quotes", "spaces", "backslash", "all-at-once")


@pytest.mark.server
@pytest.mark.parametrize("value", [HOSTILE[name] for name in MASTERAUTH_CASES], ids=MASTERAUTH_CASES)
def test_hostile_password_in_master_and_replica_confs_is_written_safely(
    value: str, server_factory: ServerFactory, tmp_path: Path
) -> None:
    """requirepass and masterauth of the Sentinel-mode data nodes: the replica authenticates with the exact value."""
    master_port, replica_port = free_port(), free_port()
    dep = example_deployment("sentinel", _sentinel_values("7.0", master_port, [free_port()], tmp_path))
    secrets = SecretValues({"REDIS_PASSWORD": value, "REDIS_SENTINEL_PASSWORD": generate_password()})
    # The data-node files only, as `build` renders them (conf_files would also render sentinel.conf).
    confs = {
        f"redis-{role}.conf": conf_text(data_node_conf(dep, role, secrets, f"redis-{role}.conf", master_port), "test")
        for role in ("master", "replica")
    }
    master = server_factory("redis-7.0", confs["redis-master.conf"], port=master_port, extra_args=NO_SYNC_DELAY)
    replica = server_factory("redis-7.0", confs["redis-replica.conf"], port=replica_port, extra_args=NO_SYNC_DELAY)
    wait_replica_in_sync(replica, value)
    for node in (master, replica):
        assert_auth_only_with(node, value)
        assert_nothing_injected(node, value)


# ------------------------------------------------------------------ hostile values through `build --resolve-secrets`


def _build(
    values: Path,
    out: Path,
    environ: Mapping[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> tuple[int, str]:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    capsys.readouterr()
    status = main(["build", "-f", str(values), "-o", str(out), "--resolve-secrets"])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def assert_refused_cleanly(status: int, output: str, out_dir: Path, value: str, variable: str) -> None:
    """A clear refusal about this password (naming the variable or "password", never the value), no files."""
    assert status != 0
    assert "nothing written" in output, output
    assert variable in output or "password" in output.lower(), f"the refusal does not say what is wrong: {output}"
    assert value not in output, "the error message shows the password"
    for part in re.split(r"[\s\"'#\\]+", value):
        assert len(part) < 4 or part not in output, f"the error message shows part of the password: {part!r}"
    assert not out_dir.exists(), "build refused but wrote files"


def assert_complete(out_dir: Path, values: Path, dep: Deployment, environ: Mapping[str, str]) -> dict[str, str]:
    """Every file the rendering has, with exactly its content."""
    expected = deployment_artifacts(dep, relative_label(values, ROOT), SecretValues(environ=dict(environ)))
    written = {p.relative_to(out_dir).as_posix(): p.read_text() for p in out_dir.rglob("*") if p.is_file()}
    assert written == expected
    return written


@pytest.mark.server
@pytest.mark.node
@pytest.mark.parametrize("value", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_password_build_standalone_writes_safely_or_refuses(
    value: str,
    server_factory: ServerFactory,
    node_client: NodeClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    port = free_port()
    overrides = {"standalone": {"host": "127.0.0.1", "port": port}, "persistence": {"dir": str(tmp_path)}}
    values = _write_values(tmp_path / "values.yaml", "standalone", overrides)
    out = tmp_path / "out"
    control, _ = _build(values, tmp_path / "control", {"REDIS_PASSWORD": generate_password()}, monkeypatch, capsys)
    assert control == 0, "the values file itself does not build: a refusal below would prove nothing"
    environ = {"REDIS_PASSWORD": value}
    status, output = _build(values, out, environ, monkeypatch, capsys)
    if status != 0:
        assert_refused_cleanly(status, output, out, value, "REDIS_PASSWORD")
        return
    files = assert_complete(out, values, example_deployment("standalone", overrides), environ)

    server = server_factory("redis-7.0", out / "redis.conf", port=port)
    assert_auth_only_with(server, value)
    assert_nothing_injected(server, value)

    env = env_of(files["infisical.env"])
    ping(node_client, env, "url")
    assert_secret_matches_env(files["helm/infisical-redis.secret.yaml"], env)
    assert_auth_only_with(server, _yaml(files["helm/bitnami-redis.values.yaml"])["auth"]["password"])
    bundled = files.get("helm/infisical.bundled.values.yaml")
    if bundled is not None:  # only for passwords the chart's unencoded REDIS_URL can carry
        chart_url = f"redis://default:{_yaml(bundled)['redis']['auth']['password']}@127.0.0.1:{port}"
        ping(node_client, {"REDIS_URL": chart_url}, "url")


@pytest.mark.server
@pytest.mark.node
@pytest.mark.parametrize("value", list(HOSTILE.values()), ids=list(HOSTILE))
@pytest.mark.parametrize("variable", ["REDIS_PASSWORD", "REDIS_SENTINEL_PASSWORD"])
def test_hostile_password_build_sentinel_writes_safely_or_refuses(
    variable: str,
    value: str,
    server_factory: ServerFactory,
    node_client: NodeClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The hostile value in one variable, a generated password in the other. If `build` writes the files,
    they must work on real servers, also after Sentinel rewrote sentinel.conf (it writes passwords back
    unquoted) and was restarted from it, and through Infisical's `.env` (Infisical trims values)."""
    master_port, replica_port, sentinel_port = free_port(), free_port(), free_port()
    overrides = _sentinel_values("7.0", master_port, [sentinel_port], tmp_path)
    values = _write_values(tmp_path / "values.yaml", "sentinel", overrides)
    out = tmp_path / "out"
    environ = {"REDIS_PASSWORD": generate_password(), "REDIS_SENTINEL_PASSWORD": generate_password()}
    control, _ = _build(values, tmp_path / "control", environ, monkeypatch, capsys)
    assert control == 0, "the values file itself does not build: a refusal below would prove nothing"
    environ[variable] = value
    status, output = _build(values, out, environ, monkeypatch, capsys)
    if status != 0:
        assert_refused_cleanly(status, output, out, value, variable)
        return
    files = assert_complete(out, values, example_deployment("sentinel", overrides), environ)
    password, sentinel_password = environ["REDIS_PASSWORD"], environ["REDIS_SENTINEL_PASSWORD"]

    master = server_factory("redis-7.0", out / "redis-master.conf", port=master_port, extra_args=NO_SYNC_DELAY)
    replica = server_factory("redis-7.0", out / "redis-replica.conf", port=replica_port, extra_args=NO_SYNC_DELAY)
    wait_replica_in_sync(replica, password)
    assert_auth_only_with(master, password)
    assert_nothing_injected(master, password)
    sentinel = server_factory(
        "redis-7.0", out / "sentinel.conf", sentinel=True, port=sentinel_port, auth=Auth(sentinel_password)
    )
    assert_auth_only_with(sentinel, sentinel_password)
    sentinel_id = sentinel.cli("SENTINEL", "MYID")[:8]

    def sentinel_link() -> str | None:
        return _names(master.cli("CLIENT", "LIST", auth=Auth(password))).get(f"sentinel-{sentinel_id}-cmd")

    first_link = wait_until(
        "the Sentinel to authenticate to the master (auth-pass)", sentinel_link, details=sentinel.diagnostics
    )
    env = env_of(files["infisical.env"])
    ping(node_client, env, "sentinel")
    assert_secret_matches_env(files["helm/infisical-redis.secret.yaml"], env)
    assert_auth_only_with(master, _yaml(files["helm/bitnami-redis.values.yaml"])["auth"]["password"])

    assert sentinel.cli("SENTINEL", "SET", MASTER_NAME, "down-after-milliseconds", "1000") == "OK"
    sentinel.kill9()
    try:
        sentinel.start()  # from the file Sentinel rewrote (it writes passwords back unquoted)
    except ServerStartError as error:
        pytest.fail(f"Sentinel cannot start again from the sentinel.conf it rewrote itself:\n{error}")
    assert_auth_only_with(sentinel, sentinel_password)
    wait_until(
        "the restarted Sentinel to authenticate to the master with the auth-pass of its rewritten file",
        lambda: sentinel_link() not in (None, first_link),
        details=lambda: f"{sentinel.conf_path.read_text()}\n{sentinel.diagnostics()}",
    )
