"""pytest fixtures that install the project like a user does: the wheel, built once per session from the working
tree, installed into a fresh virtual environment per Python version (registered from tests/conftest.py).

The environments are reused by every test of one session (tests/test_install.py, tests/test_build_check_pythons.py);
dependencies come from PyPI through pip's cache. A missing interpreter skips the test, or fails it under ``CI=true``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.realserver.binaries import missing

ROOT = Path(__file__).resolve().parent.parent
PYTHONS = ("3.11", "3.12", "3.13")
"""Every Python version the project supports (``requires-python = ">=3.11"``)."""

PYPI_SCHEMA = "schema==0.7.8"
"""PyPI's ``schema`` library: installed beside ours to prove the distribution does not shadow it."""


def find_python(version: str) -> Path | None:
    """An interpreter of ``version``: this one, pyenv's, or ``pythonX.Y`` on PATH that really runs."""
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        return Path(sys.executable)
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates = sorted(pyenv.glob(f"{version}.*/bin/python{version}"), reverse=True) if pyenv.is_dir() else []
    candidates += [Path(d) / f"python{version}" for d in os.environ.get("PATH", "").split(os.pathsep) if d]
    for candidate in candidates:
        if not candidate.is_file():
            continue
        probe = subprocess.run(
            [str(candidate), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode == 0 and probe.stdout.strip() == version:  # a pyenv shim may exist yet refuse
            return candidate
    return None


def user_env() -> dict[str, str]:
    """The environment of a user's shell: nothing that points Python at the checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "PYENV_VERSION"))}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def run(args: list[str | Path], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env or user_env(), capture_output=True, text=True, check=False
    )


def checkout_leftovers() -> set[str]:
    """Untracked or ignored paths a build could leave in the checkout: under ``build/``, and ``*.egg-info``."""
    listing = run(["git", "status", "--porcelain", "--ignored", "--untracked-files=all", "--", "build"], ROOT)
    paths = {line[3:] for line in listing.stdout.splitlines() if line[:2] in ("??", "!!")}
    return paths | {f"{p.name} {p.stat().st_mtime_ns}" for p in ROOT.glob("*.egg-info")}


@dataclass(frozen=True)
class BuiltWheel:
    path: Path
    leftovers_before: set[str]
    leftovers_after: set[str]


class Venvs:
    """Virtual environments with the wheel (and PyPI's ``schema``) installed, one per Python version.

    All of them are made at once, in threads (most of the time is spent waiting for PyPI), on first use."""

    def __init__(self, wheel: Path, base: Path) -> None:
        self.wheel = wheel
        self.base = base
        self._pool = ThreadPoolExecutor(max_workers=len(PYTHONS))
        self._made = {version: self._pool.submit(self._make, version) for version in PYTHONS}

    def _make(self, version: str) -> Path | str:
        """The environment's folder, or why there is none."""
        python = find_python(version)
        if python is None:
            return f"no Python {version} found (pyenv install {version}, or put python{version} on PATH)"
        venv = self.base / f"py{version}"
        made = run([python, "-m", "venv", "--without-pip", venv], self.base)
        assert made.returncode == 0, made.stderr
        # This interpreter's pip installs into the new environment: no pip bootstrap per environment.
        pip: list[str | Path] = [
            sys.executable,
            "-m",
            "pip",
            "--python",
            venv / "bin" / "python",
            "install",
            "-q",
            "--no-compile",
        ]
        installed = run([*pip, self.wheel, PYPI_SCHEMA], self.base)
        assert installed.returncode == 0, installed.stdout + installed.stderr
        return venv

    def __call__(self, version: str) -> Path:
        """The environment's folder for ``version`` (its commands are in ``bin/``)."""
        made = self._made[version].result()
        if isinstance(made, str):
            missing(made)
        return made

    def close(self) -> None:
        self._pool.shutdown(wait=True)


@pytest.fixture(scope="session")
def built_wheel(tmp_path_factory: pytest.TempPathFactory) -> BuiltWheel:
    """``pip wheel`` of the working tree, as a user builds it from a clone; checkout leftovers before and after."""
    out = tmp_path_factory.mktemp("wheel")
    before = checkout_leftovers()
    built = run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", out, ROOT], out)
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = out.glob("infisical_redis_config-*.whl")
    return BuiltWheel(wheel, before, checkout_leftovers())


@pytest.fixture(scope="session")
def venvs(built_wheel: BuiltWheel, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Venvs]:
    made = Venvs(built_wheel.path, tmp_path_factory.mktemp("venvs"))
    yield made
    made.close()
