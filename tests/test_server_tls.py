"""TLS with a private CA on a real server, from the generated TLS example (issue point 6).

``examples/standalone-tls.yaml`` is rendered with its certificate paths pointed at a CA and a server
certificate the tests make with openssl, its CA path for Infisical (``NODE_EXTRA_CA_CERTS``) at that CA, and
its password read from the environment (as ``build --resolve-secrets`` does; the example names a Kubernetes
Secret, which only a cluster can resolve). Debian's Redis 7.0 (a TLS build) serves the generated
``redis.conf``: TLS only, with ``port 0`` kept as generated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import pytest

from generator.judge import validate_file
from generator.render.secrets import generate_password
from generator.schema.rules import Severity
from tests.realserver.binaries import missing, require, supports_tls
from tests.realserver.fixtures import ServerFactory
from tests.realserver.generated import EXAMPLES, artifacts, example_deployment, infisical_environment
from tests.realserver.node_client import NodeClient
from tests.realserver.ports import free_port
from tests.realserver.processes import Auth, RedisServer, replace_dir_directive, run_cli
from tests.realserver.tls import TlsMaterial

TARGET: Final = "redis-7.0"  # examples/standalone-tls.yaml targets Redis 7.0; Debian's build serves TLS
QUEUE: Final = "secret-rotation-v2"
JOBS: Final = 50
CERT_ERRORS: Final = ("certificate", "CERT_")


@dataclass(frozen=True)
class TlsDeployment:
    server: RedisServer
    env: dict[str, str]
    """The generated `.env`, parsed: the Node client's whole Redis configuration."""
    password: str
    conf: str


def _overrides(material: TlsMaterial, port: int, auth_clients: str) -> dict[str, Any]:
    return {
        "standalone": {"host": "127.0.0.1", "port": port},
        # Replaces the example's Kubernetes Secret source (the merge keeps other keys: unset it).
        "auth": {"password": {"env": "REDIS_PASSWORD", "secret": None}},
        "tls": {
            "cert_file": str(material.server_cert),
            "key_file": str(material.server_key),
            "ca_file": str(material.ca_cert),
            "infisical_ca_path": str(material.ca_cert),
            "auth_clients": auth_clients,
        },
    }


def _directive(conf: str, name: str) -> str:
    found = re.findall(rf"^{re.escape(name)} (\S+)$", conf, re.MULTILINE)
    assert len(found) == 1, f"{name}: {found}\n{conf}"
    return str(found[0])


def _start_generated(factory: ServerFactory, material: TlsMaterial, auth_clients: str) -> TlsDeployment:
    if not supports_tls(require(TARGET)):
        missing(f"{require(TARGET)} cannot serve TLS; install Debian's build: apt-get install redis-server")
    tls_port = free_port()
    environ = {"REDIS_PASSWORD": generate_password()}
    dep = example_deployment("standalone-tls", _overrides(material, tls_port, auth_clients))
    conf = artifacts(dep, environ)["redis.conf"]
    assert "\nport 0\n" in conf and f"\ntls-port {tls_port}\n" in conf, conf
    # The harness always passes --port and --tls-port: repeat the generated values, so that the command
    # line changes nothing and a plain-text port in the generated file would really open.
    server = factory(
        TARGET,
        "",
        tls_port=int(_directive(conf, "tls-port")),
        extra_args=["--port", _directive(conf, "port")],
        auth=Auth(environ["REDIS_PASSWORD"]),
        tls=material.client(with_cert=True),
        start=False,
    )
    server.conf_path.write_text(replace_dir_directive(conf, server.dir))
    server.start()
    return TlsDeployment(server, infisical_environment(dep, environ), environ["REDIS_PASSWORD"], conf)


@pytest.fixture
def tls_redis(server_factory: ServerFactory, tls_material: TlsMaterial) -> TlsDeployment:
    return _start_generated(server_factory, tls_material, "no")


def _plain_cli(port: int, password: str, *args: str) -> str:
    return run_cli(["-h", "127.0.0.1", "-p", str(port), "--pass", password, "--no-auth-warning", *args], check=False)


def _cert_error(result_data: dict[str, Any]) -> bool:
    text = f"{result_data.get('connection_error', '')} {result_data.get('error', '')}"
    return any(marker in text for marker in CERT_ERRORS)


@pytest.mark.server
@pytest.mark.node
def test_infisical_client_runs_bullmq_over_generated_tls(
    tls_redis: TlsDeployment, tls_material: TlsMaterial, node_client: NodeClient
) -> None:
    env = tls_redis.env
    port = tls_redis.server.tls_port
    assert set(env) == {"REDIS_URL", "NODE_EXTRA_CA_CERTS"}
    assert env["REDIS_URL"].startswith("rediss://") and env["REDIS_URL"].endswith(f"@127.0.0.1:{port}")
    assert env["NODE_EXTRA_CA_CERTS"] == str(tls_material.ca_cert)
    # TLS only: the generated "port 0" leaves no plain-text listener.
    assert tls_redis.server.cli("CONFIG", "GET", "port").splitlines() == ["port", "0"]

    ping = node_client.run("ping", "--timeout-ms", "10000", env=env)
    assert ping.ok, ping.describe()
    assert ping.data["mode"] == "url" and ping.data["redis_version"].startswith("7.0.")

    added = node_client.run("enqueue", "--queue", QUEUE, "--count", str(JOBS), "--timeout-ms", "10000", env=env)
    assert added.ok, added.describe()
    assert added.data["acked"] == JOBS
    processed = node_client.run("process", "--queue", QUEUE, "--count", str(JOBS), "--timeout-ms", "10000", env=env)
    assert processed.ok, processed.describe()
    assert processed.data["processed"] == JOBS
    assert tls_redis.server.cli("LLEN", f"bull:{QUEUE}:wait") == "0"


@pytest.mark.server
def test_plain_text_to_the_tls_port_fails(tls_redis: TlsDeployment, tls_material: TlsMaterial) -> None:
    port = urlsplit(tls_redis.env["REDIS_URL"]).port  # the port Infisical is told to use
    assert port is not None
    assert _plain_cli(port, tls_redis.password, "PING") != "PONG"
    # Control: the same port, password and command over TLS (no client certificate, as Infisical) work.
    tls_args = tls_material.client().cli_args()
    assert _plain_cli(port, tls_redis.password, *tls_args, "PING") == "PONG"


@pytest.mark.server
@pytest.mark.node
def test_client_without_the_private_ca_fails(
    tls_redis: TlsDeployment, tls_material: TlsMaterial, node_client: NodeClient
) -> None:
    without_ca = {k: v for k, v in tls_redis.env.items() if k != "NODE_EXTRA_CA_CERTS"}
    result = node_client.run("ping", "--timeout-ms", "1500", env=without_ca)
    assert not result.ok
    assert _cert_error(result.data), result.describe()

    wrong_ca = {**tls_redis.env, "NODE_EXTRA_CA_CERTS": str(tls_material.other_ca_cert)}
    result = node_client.run("ping", "--timeout-ms", "1500", env=wrong_ca)
    assert not result.ok
    assert _cert_error(result.data), result.describe()


def test_validate_refuses_tls_auth_clients_yes(tmp_path: Path) -> None:
    example = (EXAMPLES / "standalone-tls.yaml").read_text()
    assert 'auth_clients: "no"' in example
    locked = tmp_path / "standalone-tls-auth-clients-yes.yaml"
    locked.write_text(example.replace('auth_clients: "no"', 'auth_clients: "yes"'))

    assert not [f for f in validate_file(EXAMPLES / "standalone-tls.yaml").findings if f.severity == Severity.ERROR]
    findings = validate_file(locked).findings
    rule = [f for f in findings if f.rule_id == "tls.auth-clients"]
    assert rule and all(f.severity == Severity.ERROR for f in rule), findings
    line = example[: example.index("auth_clients")].count("\n") + 1
    assert any(f.where.line == line for f in rule), rule


@pytest.mark.server
@pytest.mark.node
def test_tls_auth_clients_yes_really_locks_infisical_out(
    server_factory: ServerFactory, tls_material: TlsMaterial, node_client: NodeClient
) -> None:
    """The reason behind rule tls.auth-clients, on a real server: Infisical presents no client certificate."""
    locked = _start_generated(server_factory, tls_material, "yes")
    assert "\ntls-auth-clients yes\n" in locked.conf
    result = node_client.run("ping", "--timeout-ms", "1500", env=locked.env)
    assert not result.ok, result.describe()
    # Why: the server demanded a certificate the client does not have (Node only sees the reset).
    locked.server.wait_for_log("peer did not return a certificate", timeout=5)
    # Control: the server is up and the CA, port and password are right; only the client certificate differs.
    assert locked.server.cli("PING", tls=tls_material.client(with_cert=True)) == "PONG"
    port = locked.server.tls_port
    assert port is not None
    assert _plain_cli(port, locked.password, *tls_material.client().cli_args(), "PING") != "PONG"
