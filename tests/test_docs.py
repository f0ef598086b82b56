"""The docs site: generated reference pages, a real `mkdocs build --strict`, and a look through headless Chromium."""

from __future__ import annotations

import argparse
import html
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mkdocs.config import load_config
from pydantic import BaseModel

from generator.build import project_outputs
from generator.cli.exit import Exit
from generator.cli.main import build_parser
from generator.schema import sizing
from generator.schema.env_vars import ENV_VARS
from generator.schema.fields import HostPort
from generator.schema.modes import MODES
from generator.schema.project import DOCS_URL, rule_docs_url
from generator.schema.rules import RULES
from generator.schema.values import Deployment

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
CHROMIUM = Path("/usr/bin/chromium")
SNIPPET = re.compile(r'--8<-- "([^"]+)"')


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    prefix = "docs/reference/"
    rendered = project_outputs(build_parser(), ROOT).files
    return {
        path.relative_to(ROOT).as_posix()[len(prefix) :]: text
        for path, text in rendered.items()
        if path.relative_to(ROOT).as_posix().startswith(prefix)
    }


@pytest.fixture(scope="module")
def outputs() -> dict[str, str]:
    """Everything `build` writes, by path relative to the project: the example artifacts and the reference."""
    return {
        path.relative_to(ROOT).as_posix(): text for path, text in project_outputs(build_parser(), ROOT).files.items()
    }


# --- the generated pages ----------------------------------------------------------------------------------


def test_pages_are_deterministic(pages: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "37")  # the CLI help must not follow the terminal's width
    assert project_outputs(build_parser(), ROOT).files == project_outputs(build_parser(), ROOT).files
    assert list(pages) == sorted(pages)


def test_every_rule_has_a_page_and_an_index_row(pages: dict[str, str]) -> None:
    index = pages["rules/index.md"]
    for rule in RULES:
        page = pages[f"rules/{rule.id}.md"]
        assert page.startswith(f"# {rule.id}\n")
        assert rule.summary in page and rule.why in page and rule.severity.value in page
        assert rule.fix.replace("`", "") in page
        assert f"[{rule.id}]({rule.id}.md)" in index
    assert {name for name in pages if name.startswith("rules/")} == {
        "rules/index.md",
        *(f"rules/{rule.id}.md" for rule in RULES),
    }


def test_every_env_var_mode_and_tier_is_documented(pages: dict[str, str]) -> None:
    variables = pages["variables.md"]
    for var in ENV_VARS:
        assert f"`{var.name}`" in variables
        assert var.description in variables
    assert variables.index("1. `REDIS_URL`") < variables.index("2. `REDIS_CLUSTER_HOSTS`")
    assert variables.index("2. `REDIS_CLUSTER_HOSTS`") < variables.index("3. `REDIS_SENTINEL_HOSTS`")

    modes = pages["modes.md"]
    for facts in MODES.values():
        assert facts.title in modes and facts.summary in modes
    assert "Not supported" in modes and MODES["active-active"].when_to_use in modes

    tiers = pages["sizing.md"]
    for tier in sizing.TIERS.values():
        assert f"| {tier.name} |" in tiers
    for constant in (sizing.OS_SHARE, sizing.FORK_SHARE, sizing.AOF_VOLUME_FACTOR):
        assert f"{constant:g}" in tiers
    assert "`maxmemory 3gb`" in tiers  # Infisical's reference node: 8 GB gives its own `maxmemory 3gb`


def _key_paths(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        yield path
        for arg in [field.annotation, *getattr(field.annotation, "__args__", ())]:
            if isinstance(arg, type) and issubclass(arg, BaseModel) and arg is not HostPort:
                yield from _key_paths(arg, f"{path}.")


def test_values_file_page_lists_every_key(pages: dict[str, str]) -> None:
    page = pages["values-file.md"]
    paths = list(_key_paths(Deployment))
    assert "persistence.appendfsync" in paths and "auth.password.secret.key" in paths
    for path in paths:
        assert f"| `{path}` |" in page, path
    assert "one of `everysec`, `always`, `no`" in page
    assert "schema.unknown-key" in page and "values.schema.json" in page


def test_cli_page_is_the_cli_parser(pages: dict[str, str]) -> None:
    page = pages["cli.md"]
    subcommands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)).choices
    assert subcommands
    for name, sub in subcommands.items():
        assert f"\ninfisical-redis {name}" in page
        for action in sub._actions:
            for flag in action.option_strings:
                if flag not in ("-h", "--help"):
                    assert f"{flag}" in page, (name, flag)
    for code in Exit:
        assert f"| {int(code)} | `{code.name}` |" in page


def test_every_example_embeds_every_artifact(pages: dict[str, str], outputs: dict[str, str]) -> None:
    for example in EXAMPLES:
        page = pages[f"examples/{example.stem}.md"]
        artifacts = {name for name in outputs if name.startswith(f"build/{example.stem}/")}
        assert artifacts
        assert set(SNIPPET.findall(page)) == {f"examples/{example.name}", *artifacts}


# --- mkdocs.yml and a real strict build ---------------------------------------------------------------------


def _nav_files(nav: Any) -> Iterator[str]:
    if isinstance(nav, str):
        yield nav
    elif isinstance(nav, list):
        for item in nav:
            yield from _nav_files(item)
    elif isinstance(nav, dict):
        for value in nav.values():
            yield from _nav_files(value)


def test_nav_covers_every_page(pages: dict[str, str]) -> None:
    config = load_config(str(ROOT / "mkdocs.yml"))
    assert config.site_url == DOCS_URL
    in_nav = set(_nav_files(config.nav))
    docs = ROOT / "docs"
    hand_written = {p.relative_to(docs).as_posix() for p in docs.rglob("*.md")} - {
        p.relative_to(docs).as_posix() for p in (docs / "reference").rglob("*.md")
    }
    every_page = hand_written | {f"reference/{name}" for name in pages if name.endswith(".md")}
    missing = sorted(every_page - in_nav)
    assert not missing, "add to GUIDES in generator/docs_pages/nav.py:\n" + "\n".join(f"  {m}" for m in missing)
    assert not in_nav - every_page, f"nav entries without a page: {sorted(in_nav - every_page)}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, outputs: dict[str, str]) -> Path:
    """The site built by `mkdocs build --strict` from a copy of the project with freshly rendered outputs."""
    root = tmp_path_factory.mktemp("docs-project")
    shutil.copy2(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copy2(ROOT / "README.md", root / "README.md")  # docs/verified.md embeds its "Verified on" section
    shutil.copytree(ROOT / "overrides", root / "overrides")  # the theme's custom_dir
    (root / "generator/site").mkdir(parents=True)
    shutil.copy2(ROOT / "generator/site/hooks.py", root / "generator/site/hooks.py")  # mkdocs.yml's hooks
    shutil.copytree(ROOT / "docs", root / "docs", ignore=shutil.ignore_patterns("reference"))
    shutil.copytree(ROOT / "examples", root / "examples")
    for name, text in outputs.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    out = root / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml"), "-d", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    assert time.monotonic() - started < 120
    return out


def _text(page: Path) -> str:
    """The visible text of a built page: tags dropped, entities decoded (code blocks come out verbatim)."""
    return html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))


def test_rule_pages_live_where_findings_link(site: Path) -> None:
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    for rule in RULES:
        url = rule_docs_url(rule.id)
        assert (site / url.removeprefix(DOCS_URL) / "index.html").is_file(), url
        assert f"<loc>{url}</loc>" in sitemap


def test_example_pages_show_the_generated_files(site: Path, outputs: dict[str, str]) -> None:
    standalone = _text(site / "reference/examples/standalone/index.html")
    assert "maxmemory-policy noeviction" in standalone
    assert "appendonly yes" in standalone
    for example in EXAMPLES:
        text = _text(site / "reference/examples" / example.stem / "index.html")
        for name, content in outputs.items():
            if name.startswith(f"build/{example.stem}/"):
                lines = [line.strip() for line in content.splitlines() if line.strip()]
                for line in lines[:8]:
                    assert line in text, f"{name}: {line!r}"


# --- a real browser ----------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def served(site: Path) -> Iterator[str]:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(site)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _chromium(profile: Path, *args: str) -> str:
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
    ]
    result = subprocess.run([str(CHROMIUM), *flags, *args], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.mark.browser
def test_site_renders_in_a_browser(served: str, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing on CI (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is not installed")
    rule = RULES[0]
    rule_url = served + rule_docs_url(rule.id).removeprefix(DOCS_URL)
    for name, url in (("home", served), ("rule", rule_url)):
        png = tmp_path / f"{name}.png"
        _chromium(tmp_path / f"profile-{name}", f"--screenshot={png}", "--window-size=1280,900", url)
        assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
        assert png.stat().st_size > 20_000  # a blank page is a few kB
    dom = _chromium(tmp_path / "profile-dom", "--dump-dom", rule_url)
    visible = html.unescape(re.sub(r"<[^>]+>", "", dom))
    assert rule.summary.replace("`", "") in visible
    assert 'class="md-search__input"' in dom
