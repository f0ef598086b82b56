"""The docs site as a reader gets it: built by `mkdocs build --strict`, served on 127.0.0.1 (also under a path
prefix, as GitHub Pages serves project sites), and loaded in Debian's headless Chromium driven over the DevTools
pipe. Screenshots at desktop and phone widths are kept under ``test-artifacts/site/`` (or ``$TEST_ARTIFACTS``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.sitecheck.cdp import CHROMIUM, Browser, Tab
from tests.sitecheck.links import broken_links
from tests.sitecheck.serve import serve
from tests.support import ROOT

PREFIX = "/infisical-redis-config/"
DESKTOP = (1366, 900)
PHONE = (390, 844)
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", ROOT / "test-artifacts")) / "site"
SHOTS = ("", "guides/docker-compose/", "troubleshooting/", "reference/values-file/", "reference/sizing/")
"""Pages photographed at both widths."""

OVERFLOW = """(() => {
  const bad = [];
  if (document.documentElement.scrollWidth > innerWidth + 1)
    bad.push('page ' + document.documentElement.scrollWidth + ' > ' + innerWidth);
  for (const el of document.querySelectorAll('.md-main *')) {
    if (el.closest('pre, code, .highlight, .md-sidebar, .md-nav')) continue;
    if (!el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (!['auto', 'scroll'].includes(style.overflowX)) continue;
    if (el.scrollWidth > el.clientWidth + 1)
      bad.push(el.tagName.toLowerCase() + '.' + el.className + ' ' + el.scrollWidth + ' > ' + el.clientWidth);
  }
  return bad;
})()"""

SEARCH = """new Promise((resolve) => {
  const query = %s;
  const word = query.split(/\\s+/)[0].toLowerCase();
  const input = document.querySelector('.md-search__input');
  input.focus();
  input.value = query;
  input.dispatchEvent(new Event('input', {bubbles: true}));
  input.dispatchEvent(new KeyboardEvent('keyup', {bubbles: true}));
  const started = Date.now();
  (function poll() {
    const links = [...document.querySelectorAll('.md-search-result__item a')].map((a) => a.href);
    const fresh = links.some((href) => decodeURIComponent(href).toLowerCase().includes('h=' + word));
    if (fresh || Date.now() - started > 10000) resolve(fresh ? links : []);
    else setTimeout(poll, 100);
  })();
})"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site as `mkdocs build --strict` writes it from the checkout (docs/reference and build/ committed)."""
    out = tmp_path_factory.mktemp("site") / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(out)],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def _pages(site: Path) -> list[str]:
    """Every page's path below the root: all hand-written and reference pages, and three of the rule pages
    (the rest share their one template)."""
    pages = []
    rules = 0
    for index in sorted(site.rglob("index.html")):
        rel = index.parent.relative_to(site).as_posix()
        path = "" if rel == "." else rel + "/"
        if path.startswith("reference/rules/") and path != "reference/rules/":
            rules += 1
            if rules > 3:
                continue
        pages.append(path)
    return pages


@pytest.fixture(scope="module")
def root(site: Path) -> Iterator[str]:
    with serve(site, PREFIX) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing on CI (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    with Browser(tmp_path_factory.mktemp("chromium-profile")) as chromium:
        yield chromium


def _foreign(tab: Tab) -> list[str]:
    return [url for url in tab.log.requests if not url.startswith(("http://127.0.0.1:", "data:", "blob:"))]


def _shot(tab: Tab, path: str, width: int) -> None:
    name = (path.strip("/").replace("/", "_") or "home") + f"-{width}.png"
    tab.screenshot(ARTIFACTS / name)
    assert (ARTIFACTS / name).stat().st_size > 10_000


# --- without a browser --------------------------------------------------------------------------------------


def test_no_broken_internal_link_or_anchor(site: Path) -> None:
    broken, checked = broken_links(site)
    assert checked > 1000
    assert not broken, "\n".join(map(str, broken[:40]))


def test_no_font_service_and_static_social_meta(site: Path) -> None:
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, page
    home = (site / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<meta property="og:image" content="https://[^"]+/assets/social-card.png">', home)
    assert (site / "assets/social-card.png").read_bytes().startswith(b"\x89PNG")
    assert 'rel="icon" href="assets/favicon.svg"' in home
    assert "not affiliated with or endorsed by Infisical" in home
    assert 'data-md-component="source"' not in home  # no call to the forge's API for stars


def test_hosting_builds_strictly_and_publishes_only_from_main() -> None:
    """GitHub Pages and Read the Docs both build with warnings as errors; Pages deploys on pushes to main only."""
    workflow = YAML(typ="safe").load((ROOT / ".github/workflows/pages.yml").read_text(encoding="utf-8"))
    on = workflow.get("on", workflow.get(True))
    assert on["push"]["branches"] == ["main"]
    steps = [step.get("run", "") for step in workflow["jobs"]["build"]["steps"]]
    assert any("python -m generator build --check" in run for run in steps)
    assert any("mkdocs build --strict" in run for run in steps)
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and "refs/heads/main" in deploy["if"] and "push" in deploy["if"]
    rtd = YAML(typ="safe").load((ROOT / ".readthedocs.yaml").read_text(encoding="utf-8"))
    assert rtd["mkdocs"]["fail_on_warning"] is True


MESSAGES = (
    "OOM command not allowed",
    'IMPORTANT! Eviction policy is volatile-lru. It should be "noeviction"',
    "NOAUTH",
    "WRONGPASS",
    "READONLY",
    "MOVED",
    "CROSSSLOT",
    "wrong version number",
    "MISCONF",
)


def test_troubleshooting_has_cause_fix_and_rule_for_every_message() -> None:
    page = (ROOT / "docs/troubleshooting.md").read_text(encoding="utf-8")
    entries = re.split(r"^## ", page, flags=re.MULTILINE)[1:]
    headings = [entry.splitlines()[0] for entry in entries]
    for message in MESSAGES:
        assert any(message in heading for heading in headings), message
    for entry in entries:
        heading = entry.splitlines()[0]
        assert "**Cause.**" in entry and "**Fix.**" in entry, heading
        assert re.search(r"\]\((reference/rules/[a-z0-9.-]+\.md|guides/[a-z-]+\.md)", entry), heading
        assert re.search(r"\{ #[a-z0-9-]+ \}$", heading), f"{heading}: give it a stable anchor"


# --- in Chromium ----------------------------------------------------------------------------------------------


@pytest.mark.browser
def test_every_page_stays_on_127_0_0_1_without_console_errors(site: Path, root: str, browser: Browser) -> None:
    tab = browser.open(*DESKTOP)
    problems = []
    for path in _pages(site):
        tab.goto(root + path, settle=0.3)
        problems += [f"{path}: request to {url}" for url in _foreign(tab)]
        problems += [f"{path}: {error}" for error in tab.log.errors]
        if path in SHOTS:
            _shot(tab, path, DESKTOP[0])
    tab.close()
    assert not problems, "\n".join(problems)


@pytest.mark.browser
def test_no_text_page_scrolls_sideways_on_a_phone(site: Path, root: str, browser: Browser) -> None:
    tab = browser.open(*PHONE, mobile=True)
    problems = []
    for path in _pages(site):
        tab.goto(root + path, settle=0.2)
        problems += [f"{path}: {what}" for what in tab.evaluate(OVERFLOW)]
        if path in SHOTS:
            _shot(tab, path, PHONE[0])
    tab.close()
    assert not problems, "\n".join(problems)


CODE_OVERFLOW = """[...document.querySelectorAll('pre > code')]
  .filter((code) => code.scrollWidth > code.clientWidth + 1)
  .map((code) => code.textContent.split('\\n')[0].slice(0, 60))"""

CODE_UNDER_BUTTON = """[...document.querySelectorAll('pre > code')].filter((code) => {
  const button = code.parentElement.querySelector('.md-clipboard');
  if (!button) return false;
  const room = parseFloat(getComputedStyle(code).paddingRight);
  return room < button.getBoundingClientRect().width;
}).length"""


@pytest.mark.browser
def test_generated_files_wrap_instead_of_scrolling_on_a_laptop(site: Path, root: str, browser: Browser) -> None:
    """The example pages' generated files (comment lines up to ~130 characters) wrap inside the content column,
    and no line runs under the copy button."""
    tab = browser.open(*DESKTOP)
    for page in sorted((site / "reference/examples").iterdir()):
        tab.goto(f"{root}reference/examples/{page.name}/", settle=0.2)
        assert tab.evaluate(CODE_OVERFLOW) == [], page.name
        assert tab.evaluate(CODE_UNDER_BUTTON) == 0, page.name
    tab.close()


@pytest.mark.browser
def test_wide_tables_fit_a_laptop(root: str, browser: Browser) -> None:
    tab = browser.open(*DESKTOP)
    for path in ("reference/sizing/", "reference/values-file/", "reference/variables/"):
        tab.goto(root + path, settle=0.2)
        assert tab.evaluate(OVERFLOW) == [], path
    tab.close()


@pytest.mark.browser
@pytest.mark.parametrize("missing", ["guides/no-such-guide/", "no-such-page", "reference/rules/no.such-rule/"])
def test_404_page_finds_the_site_root_under_a_prefix(site: Path, root: str, browser: Browser, missing: str) -> None:
    tab = browser.open(*DESKTOP)
    tab.goto(root + missing, settle=0.8)
    assert tab.evaluate("document.title").startswith("Page not found")
    assert tab.evaluate("[...document.querySelectorAll('a.irc-root')].map(a => a.href)") == [root, root]
    install = tab.evaluate("[...document.querySelectorAll('a.irc-page')].map(a => a.href)")
    assert root + "install/" in install
    assert _foreign(tab) == []
    # The page itself answers 404, and the root search may probe folders for sitemap.xml: nothing else fails.
    unexpected = [e for e in tab.log.errors if "404" not in e or not (missing in e or "sitemap.xml" in e)]
    assert unexpected == []
    if missing == "no-such-page":
        _shot(tab, "404", DESKTOP[0])
    tab.close()


@pytest.mark.browser
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("REDIS_CLUSTER_AWS_ELASTICACHE_DNS_LOOKUP_MODE", "reference/variables/"),
        ("memory.noeviction", "reference/rules/memory.noeviction/"),
        ("OOM command not allowed", "troubleshooting/#oom-command-not-allowed"),
        ("wrong version number", "troubleshooting/#tls-wrong-version-number"),
        ("CROSSSLOT", "troubleshooting/#moved-crossslot"),
        ("NOAUTH", "troubleshooting/#noauth"),
    ],
)
def test_search_finds_variables_rules_and_error_messages(
    root: str, browser: Browser, query: str, expected: str
) -> None:
    tab = browser.open(*DESKTOP)
    tab.goto(root, settle=0.3)
    links = tab.evaluate(SEARCH % json.dumps(query), await_promise=True)
    tab.close()
    assert links, f"no result for {query!r}"
    found = [re.sub(r"\?h=[^#]*", "", link).removeprefix(root) for link in links]
    assert expected in found, found[:10]


SHOWN = """new Promise((resolve) => {
  const started = Date.now();
  (function poll() {
    const shown = document.getElementById('irc-configurator').getAttribute('data-shown');
    if (shown === %s || Date.now() - started > 10000) resolve(shown);
    else setTimeout(poll, 50);
  })();
})"""


def _select(tab: Tab, **choices: str) -> None:
    for name, value in choices.items():
        tab.evaluate(
            f"(() => {{ const s = document.querySelector('.irc-config-form').elements[{json.dumps(name)}];"
            f" s.value = {json.dumps(value)}; s.dispatchEvent(new Event('change')); }})()"
        )


def _file_text(tab: Tab, name: str) -> str | None:
    text: str | None = tab.evaluate(
        f"(document.querySelector('[data-file={json.dumps(name)}] pre code') || {{}}).textContent || null"
    )
    return text


@pytest.mark.browser
def test_configurator_switches_files_and_copies_exactly_what_it_shows(root: str, browser: Browser) -> None:
    tab = browser.open(*DESKTOP)
    origin = root.removesuffix(PREFIX)
    browser.send(
        "Browser.grantPermissions", {"origin": origin, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]}
    )
    tab.send("Emulation.setFocusEmulationEnabled", {"enabled": True})
    tab.goto(root + "configurator/", settle=0.3)
    assert tab.evaluate(SHOWN % json.dumps("standalone--7.0--small--off--env"), await_promise=True)
    standalone = _file_text(tab, "redis.conf")
    assert standalone and "appendonly yes" in standalone and "maxmemory-policy noeviction" in standalone

    _select(tab, mode="sentinel", line="6.2")
    assert tab.evaluate(SHOWN % json.dumps("sentinel--6.2--small--off--env"), await_promise=True)
    assert _file_text(tab, "redis.conf") is None  # Sentinel deployments get per-role files
    master = _file_text(tab, "redis-master.conf")
    assert (
        master
        and master != standalone
        and "sentinel.conf"
        in tab.evaluate("[...document.querySelectorAll('[data-file]')].map(s => s.dataset.file).join(' ')")
    )
    _select(tab, line="7.0")
    assert tab.evaluate(SHOWN % json.dumps("sentinel--7.0--small--off--env"), await_promise=True)
    assert _file_text(tab, "redis-master.conf") != master  # another server line, another file

    shown = _file_text(tab, "redis-master.conf")
    tab.evaluate("document.querySelector('[data-file=\"redis-master.conf\"] .irc-config-copy').click()")
    tab.idle(0.3)
    assert tab.evaluate("navigator.clipboard.readText()", await_promise=True) == shown
    download = tab.evaluate("document.querySelector('[data-file=\"redis-master.conf\"] .irc-config-download').download")
    assert download == "redis-master.conf"
    assert _foreign(tab) == [] and tab.log.errors == []
    _shot(tab, "configurator", DESKTOP[0])
    tab.close()


@pytest.mark.browser
@pytest.mark.parametrize(
    "page", ["why-durability/", "guides/docker-compose/", "guides/sentinel/", "guides/cluster/", "guides/tls/"]
)
def test_pictures_drawn_at_build_time_are_visible(root: str, browser: Browser, page: str) -> None:
    """The durability chart and the topology diagrams load, have a size, and stay inside a phone's width."""
    tab = browser.open(*PHONE, mobile=True)
    tab.goto(root + page, settle=0.3)
    sizes = tab.evaluate(
        "[...document.querySelectorAll('img.irc-figure')]"
        ".map(i => [i.src, i.naturalWidth, i.getBoundingClientRect().width, i.getBoundingClientRect().height])"
    )
    tab.close()
    assert sizes, "no picture on the page"
    for src, natural, width, height in sizes:
        assert "/assets/generated/" in src and natural >= 700, (src, natural)
        assert height > 100 and width <= PHONE[0], (src, width, height)
