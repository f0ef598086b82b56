"""Issue 3, point 7, hostile values: a password with a newline, CR, quotes, spaces, ``#``, backslash, ``${``,
surrounding blanks or URL-reserved characters is either written so that it works exactly and injects nothing,
or refused by ``build --resolve-secrets`` with a message that names no password, before any file is written."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import pytest

from generator.cli.main import main
from generator.render.artifacts import deployment_artifacts
from generator.render.conf import conf_text
from generator.render.conf_model import conf_files, data_node_conf
from generator.render.output import MANIFEST
from generator.render.secrets import SecretValues, generate_password
from generator.schema.values import Deployment
from tests.realserver.binaries import Target
from tests.realserver.fixtures import ServerFactory
from tests.realserver.generated import example_deployment
from tests.realserver.node_client import NodeClient
from tests.realserver.passwords import (
    HOSTILE,
    LINES,
    MASTER_NAME,
    NO_SYNC_DELAY,
    assert_auth_only_with,
    assert_nothing_injected,
    assert_secret_matches_env,
    client_names,
    env_of,
    load_yaml_text,
    ping,
    sentinel_values,
    standalone_deployment,
    wait_replica_in_sync,
    wait_until,
    write_values,
)
from tests.realserver.ports import free_port
from tests.realserver.processes import Auth, ServerStartError

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
    dep = standalone_deployment(LINES[line], port, tmp_path)
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
    dep = example_deployment("sentinel", sentinel_values("7.0", master_port, [free_port()], tmp_path))
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
    expected = deployment_artifacts(dep, str(values), SecretValues(environ=dict(environ)))
    written = {p.relative_to(out_dir).as_posix(): p.read_text() for p in out_dir.rglob("*") if p.is_file()}
    assert written.pop(MANIFEST).split() == sorted(expected), "the folder's manifest lists every file written"
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
    values = write_values(tmp_path / "values.yaml", "standalone", overrides)
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
    assert_secret_matches_env(files.get("helm/infisical-redis.secret.yaml"), env)
    assert_auth_only_with(server, load_yaml_text(files["helm/bitnami-redis.values.yaml"])["auth"]["password"])
    bundled = files.get("helm/infisical.bundled.values.yaml")
    if bundled is not None:  # only for passwords the chart's unencoded REDIS_URL can carry
        chart_url = f"redis://default:{load_yaml_text(bundled)['redis']['auth']['password']}@127.0.0.1:{port}"
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
    overrides = sentinel_values("7.0", master_port, [sentinel_port], tmp_path)
    values = write_values(tmp_path / "values.yaml", "sentinel", overrides)
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
        return client_names(master.cli("CLIENT", "LIST", auth=Auth(password))).get(f"sentinel-{sentinel_id}-cmd")

    first_link = wait_until(
        "the Sentinel to authenticate to the master (auth-pass)", sentinel_link, details=sentinel.diagnostics
    )
    env = env_of(files["infisical.env"])
    ping(node_client, env, "sentinel")
    assert_secret_matches_env(files.get("helm/infisical-redis.secret.yaml"), env)
    assert_auth_only_with(master, load_yaml_text(files["helm/bitnami-redis.values.yaml"])["auth"]["password"])

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
