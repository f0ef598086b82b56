"""What `validate` imports at start-up: nothing of the docs or the templates, and not pydantic's plugin discovery
unless the user asks for plugins."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import sys; from generator.cli.main import main; status = main(['validate', sys.argv[1]]);"
    "print('imported:', ','.join(sorted({m.split('.')[0] for m in sys.modules} & set(sys.argv[2:]))));"
    "print('plugins:', sys.modules['pydantic.plugin._loader'].get_plugins().__class__.__name__)"
)
WATCHED = ("jinja2", "mkdocs", "material", "email", "zipfile", "importlib_metadata")


def _probe(env: dict[str, str]) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(ROOT / "examples/sentinel.yaml"), *WATCHED],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
    )
    return result.stdout.strip().splitlines()


def _env(**changes: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    env.update({k: v for k, v in changes.items() if v is not None})
    return env


def test_validate_imports_neither_templates_docs_nor_plugin_discovery() -> None:
    assert _probe(_env()) == ["1 file(s) OK", "imported: ", "plugins: tuple"]


@pytest.mark.parametrize("switch", ["__all__", "true", "1"])
def test_plugins_disabled_by_the_user_are_skipped_the_same_way(switch: str) -> None:
    assert _probe(_env(PYDANTIC_DISABLE_PLUGINS=switch))[1:] == ["imported: ", "plugins: tuple"]


def test_a_user_who_names_plugins_gets_pydantic_s_own_discovery() -> None:
    """Naming plugins to disable means the others load: pydantic's loader runs, and scans the entry points."""
    lines = _probe(_env(PYDANTIC_DISABLE_PLUGINS="some-plugin"))
    assert lines[0] == "1 file(s) OK"
    assert "email" in lines[1]  # importlib.metadata, for the entry points
    assert lines[2] == "plugins: dict_values"


def test_the_stand_in_loader_hands_any_other_name_to_pydantic_s_own() -> None:
    code = (
        "import sys; from generator.cli.startup import skip_pydantic_plugins; skip_pydantic_plugins();"
        "from pydantic.plugin import _loader; print(_loader.get_plugins(), _loader.PYDANTIC_ENTRY_POINT_GROUP);"
        "import sys; real = sys.modules['pydantic.plugin._loader']; _loader.PYDANTIC_ENTRY_POINT_GROUP;"
        "print(sys.modules['pydantic.plugin._loader'] is real is not _loader)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=_env(), check=True
    )
    assert result.stdout.split() == ["()", "pydantic", "True"]  # the real loader is imported once
