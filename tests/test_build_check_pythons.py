"""`build --check` in the checkout under every supported Python: the committed files (the CLI reference page with
argparse's help among them) must come out byte-identical whichever Python renders them."""

from __future__ import annotations

import sys

import pytest

from tests.venvs import PYTHONS, ROOT, Venvs, run

pytestmark = pytest.mark.install

OTHER_PYTHONS = [v for v in PYTHONS if v != f"{sys.version_info.major}.{sys.version_info.minor}"]


@pytest.mark.parametrize("version", OTHER_PYTHONS)
def test_build_check_is_green_under(version: str, venvs: Venvs) -> None:
    python = venvs(version) / "bin" / "python"
    # `python -m` puts the working directory first on sys.path: the checkout's code runs, with the
    # environment's dependencies.
    where = run([python, "-c", "import generator; print(generator.__file__)"], ROOT)
    assert where.stdout.strip() == str(ROOT / "generator" / "__init__.py"), where.stderr
    other = run([python, "-m", "generator", "build", "--check"], ROOT)
    if other.returncode != 0:
        here = run([sys.executable, "-m", "generator", "build", "--check"], ROOT)
        assert here.returncode != 0, (
            f"Python {version} renders differently from this Python:\n{other.stdout}{other.stderr}"
        )
        pytest.fail(f"build --check fails under this Python too (regenerate first):\n{here.stdout}{here.stderr}")
