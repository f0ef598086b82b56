"""Internal links and anchors of a built site, checked from its HTML files alone (no browser needed)."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

SKIPPED_SCHEMES = ("http", "https", "mailto", "data", "javascript", "tel")


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []
        """(tag, url) of every href and src."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("id", "name") and value and (name == "id" or tag == "a"):
                self.ids.add(value)
            if name in ("href", "src") and value is not None:
                self.links.append((tag, value))


@dataclass(frozen=True)
class BrokenLink:
    page: str
    url: str
    reason: str

    def __str__(self) -> str:
        return f"{self.page}: {self.url} ({self.reason})"


def _parse(path: Path) -> _PageParser:
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return parser


def _target_file(site: Path, page: Path, path: str) -> Path | None:
    base = page.parent
    target = (site / path.lstrip("/")) if path.startswith("/") else (base / path)
    target = Path(*(part for part in target.parts if part != "")).resolve()
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def broken_links(site: Path, skip: tuple[str, ...] = ("404.html",)) -> tuple[list[BrokenLink], int]:
    """Every internal href/src of every page whose file or ``#anchor`` does not exist; and how many were checked.

    Pages in `skip` (the 404 page, whose links are rewritten by its script) are not read.
    """
    site = site.resolve()
    parsed: dict[Path, _PageParser] = {}

    def page_of(path: Path) -> _PageParser:
        if path not in parsed:
            parsed[path] = _parse(path)
        return parsed[path]

    broken: list[BrokenLink] = []
    checked = 0
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        if rel in skip:
            continue
        for _tag, url in page_of(page).links:
            parts = urlsplit(url)
            if parts.scheme in SKIPPED_SCHEMES or parts.netloc:
                continue
            checked += 1
            if parts.path:
                target = _target_file(site, page, unquote(parts.path))
                if target is None:
                    broken.append(BrokenLink(rel, url, "no such file"))
                    continue
            else:
                target = page
            if parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in page_of(target).ids:
                broken.append(BrokenLink(rel, url, f"no id {parts.fragment!r} in {target.relative_to(site)}"))
    return broken, checked
