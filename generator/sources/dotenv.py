"""Source: an Infisical `.env` file -> Infisical's environment (``EnvFacts``), each variable at its line."""

from __future__ import annotations

from pathlib import Path

from generator.formats.dotenv import parse_dotenv
from generator.schema.secrets import is_secret_env
from generator.shapes.env import EnvFacts
from generator.shapes.finding import Location
from generator.sources.base import SourceResult, inline_ignores, read_text


def read_dotenv(path: Path, display: str) -> SourceResult:
    return dotenv_from_text(read_text(path, display), display)


def dotenv_from_text(text: str, display: str) -> SourceResult:
    parsed = parse_dotenv(text)

    def locate(line: int) -> Location:
        return Location(display, line, 1) if line else Location(display)

    facts = EnvFacts(parsed.assignments, locate, Location(display), parse_problems=parsed.problems)
    secrets = {a.value for a in parsed.assignments if is_secret_env(a.name) and a.value}
    secrets |= {_url_password(a.value) for a in parsed.assignments if a.name.endswith("_URL")} - {""}
    return SourceResult(subjects=[facts], secrets=secrets, ignored=inline_ignores(text))


def _url_password(url: str) -> str:
    """The password inside ``scheme://user:password@host``, or ""."""
    rest = url.partition("://")[2]
    credentials = rest.rpartition("@")[0]
    return credentials.partition(":")[2] if credentials else ""
