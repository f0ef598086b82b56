"""The tool installed as users install it: the wheel from `pip wheel .`, in a fresh virtual environment of every
supported Python, run from a folder outside the checkout (issue: templates missing from the wheel, a top-level
`schema` shadowing PyPI's, `build` silently rebuilding the checkout, setuptools writing into `build/`)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from tests.venvs import PYTHONS, ROOT, BuiltWheel, Venvs, run

pytestmark = pytest.mark.install

VALUES = 'mode: standalone\nredis_version: "7.0"\nauth: {password: {env: REDIS_PASSWORD}}\n'
"""The README's quick start."""

STOCK_CONF = "appendonly no\nmaxmemory-policy allkeys-lru\n"


@pytest.fixture(params=PYTHONS)
def venv(request: pytest.FixtureRequest, venvs: Venvs) -> Path:
    return venvs(str(request.param))


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A user's folder: not the checkout, not below it."""
    assert not tmp_path.resolve().is_relative_to(ROOT)
    (tmp_path / "values.yaml").write_text(VALUES, encoding="utf-8")
    return tmp_path


def test_the_wheel_holds_every_template_and_schema_module_under_one_top_level_name(built_wheel: BuiltWheel) -> None:
    names = set(zipfile.ZipFile(built_wheel.path).namelist())
    tracked = run(["git", "ls-files", "generator", "schema", "templates"], ROOT).stdout.split()
    wanted = {f"generator/{p}" if p.startswith(("schema/", "templates/")) else p for p in tracked}
    wanted -= {"generator/schema", "generator/templates"}  # the links themselves
    assert sum(p.endswith(".j2") for p in wanted) > 10
    assert sorted(wanted - names) == []
    top_level = {name.split("/")[0] for name in names if ".dist-info/" not in name}
    assert top_level == {"generator"}


def test_building_the_wheel_writes_nothing_into_the_checkout(built_wheel: BuiltWheel) -> None:
    assert built_wheel.leftovers_after == built_wheel.leftovers_before


def test_version_and_the_command_name(venv: Path, outside: Path) -> None:
    version = run([venv / "bin" / "infisical-redis", "--version"], outside)
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == "infisical-redis 0.1.0"
    module = run([venv / "bin" / "python", "-m", "generator", "--version"], outside)
    assert module.stdout.strip() == "python -m generator 0.1.0"
    usage = run([venv / "bin" / "infisical-redis", "validate"], outside)
    assert usage.returncode == 2
    assert usage.stderr.startswith("usage: infisical-redis validate")


def test_validate_reports_line_and_column(venv: Path, outside: Path) -> None:
    good = run([venv / "bin" / "infisical-redis", "validate", "values.yaml"], outside)
    assert good.returncode == 0, good.stdout + good.stderr
    assert good.stdout.startswith("values.yaml:1:7: warning ha.failover:")
    (outside / "bad.yaml").write_text(VALUES.replace("standalone", "standlone"), encoding="utf-8")
    bad = run([venv / "bin" / "infisical-redis", "validate", "bad.yaml"], outside)
    assert bad.returncode == 1
    assert "bad.yaml:1:7: error " in bad.stdout


def test_build_renders_from_the_installed_templates(venv: Path, outside: Path) -> None:
    built = run([venv / "bin" / "infisical-redis", "build", "-f", "values.yaml", "-o", "out"], outside)
    assert built.returncode == 0, built.stdout + built.stderr
    assert "appendonly yes" in (outside / "out" / "redis.conf").read_text(encoding="utf-8")
    assert "REDIS_URL=redis://" in (outside / "out" / "infisical.env").read_text(encoding="utf-8")
    assert (outside / "out" / "helm").is_dir()
    check = run([venv / "bin" / "infisical-redis", "build", "-f", "values.yaml", "-o", "out", "--check"], outside)
    assert check.returncode == 0, check.stdout + check.stderr


def test_check_judges_an_existing_redis_conf(venv: Path, outside: Path) -> None:
    (outside / "redis.conf").write_text(STOCK_CONF, encoding="utf-8")
    checked = run([venv / "bin" / "infisical-redis", "check", "redis.conf"], outside)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "redis.conf:1:1: error persistence.aof:" in checked.stdout
    assert "redis.conf:2:1: error memory.noeviction:" in checked.stdout


def test_schema_prints_the_json_schema(venv: Path, outside: Path) -> None:
    printed = run([venv / "bin" / "infisical-redis", "schema"], outside)
    assert printed.returncode == 0, printed.stderr
    assert "mode" in json.loads(printed.stdout)["properties"]


def test_plain_build_outside_the_checkout_says_what_to_do(venv: Path, outside: Path) -> None:
    plain = run([venv / "bin" / "infisical-redis", "build"], outside)
    assert plain.returncode == 2
    assert "infisical-redis build -f VALUES.yaml -o OUT/" in plain.stderr
    assert sorted(p.name for p in outside.iterdir()) == ["values.yaml"]


def test_pypi_schema_and_ours_import_side_by_side(venv: Path, outside: Path) -> None:
    code = (
        "import schema, generator.schema.values as ours\n"
        "assert schema.Schema(int).validate(3) == 3, schema.__file__\n"
        "assert hasattr(ours, 'Deployment')\n"
        "print(schema.__file__)"
    )
    both = run([venv / "bin" / "python", "-c", code], outside)
    assert both.returncode == 0, both.stderr
    assert "site-packages/schema" in both.stdout
