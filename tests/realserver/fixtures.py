"""pytest fixtures for real-server tests (registered from tests/conftest.py)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from tests.realserver.binaries import TARGETS, Target, require, sentinel_binary
from tests.realserver.node_client import NodeClient, require_node_client
from tests.realserver.ports import free_port
from tests.realserver.processes import Auth, RedisServer, TlsClient
from tests.realserver.tls import TlsMaterial, make_tls_material


def _resolve_binary(binary: Target | Path, *, sentinel: bool) -> Path:
    if isinstance(binary, Path):
        return binary
    return sentinel_binary(binary) if sentinel else require(binary)


class ServerFactory:
    """Starts servers in fresh temp dirs and remembers them, so teardown stops every one."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory) -> None:
        self._tmp = tmp_path_factory
        self.servers: list[RedisServer] = []

    def __call__(
        self,
        binary: Target | Path,
        conf: str | Path = "",
        *,
        sentinel: bool = False,
        port: int | None = None,
        tls_port: int | None = None,
        extra_args: Sequence[str] = (),
        auth: Auth | None = None,
        tls: TlsClient | None = None,
        startup_timeout: float = 15.0,
        start: bool = True,
    ) -> RedisServer:
        """Create (and by default start) a server.

        ``binary``: a target line (``"redis-6.2"``, ``"redis-7.0"``, ``"valkey"``; with
        ``sentinel=True`` its Sentinel) or a path. ``conf``: config text (written to the server's
        temp dir as ``redis.conf`` / ``sentinel.conf``) or the path of an existing file.
        """
        label = binary if isinstance(binary, str) else binary.name
        workdir = self._tmp.mktemp(f"{'sentinel' if sentinel else 'server'}-{label}")
        path = _resolve_binary(binary, sentinel=sentinel)
        if isinstance(conf, Path):
            conf_path = conf
        else:
            conf_path = workdir / ("sentinel.conf" if sentinel else "redis.conf")
            conf_path.write_text(conf)
        server = RedisServer(
            binary=path,
            conf_path=conf_path,
            workdir=workdir,
            port=port or free_port(),
            tls_port=tls_port,
            extra_args=extra_args,
            sentinel=sentinel,
            auth=auth,
            tls=tls,
            startup_timeout=startup_timeout,
        )
        self.servers.append(server)
        return server.start() if start else server

    def stop_all(self) -> None:
        """Stop every server (SIGTERM, then SIGKILL), newest first; never raises."""
        for server in reversed(self.servers):
            with contextlib.suppress(Exception):
                server.stop()
            with contextlib.suppress(Exception):
                server.kill9()


@pytest.fixture
def server_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerFactory]:
    """``server_factory("redis-7.0", "appendonly yes\\n")`` -> a started :class:`RedisServer`."""
    factory = ServerFactory(tmp_path_factory)
    try:
        yield factory
    finally:
        factory.stop_all()


@pytest.fixture(params=TARGETS)
def server_target(request: pytest.FixtureRequest) -> Target:
    """Parametrizes a test over every server line (redis-6.2, redis-7.0, valkey)."""
    name: Target = request.param
    require(name)
    return name


@pytest.fixture(scope="session")
def tls_material(tmp_path_factory: pytest.TempPathFactory) -> TlsMaterial:
    """Private CA + server cert (SAN 127.0.0.1, localhost) + client cert + an unrelated CA."""
    return make_tls_material(require("openssl"), tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="session")
def node_client() -> NodeClient:
    """The Infisical-like Node client (skips without node / ``npm ci`` in tests/node)."""
    return require_node_client()
