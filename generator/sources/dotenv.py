"""Source: an Infisical `.env` file -> Infisical's environment (``EnvFacts``), each variable at its line."""

from __future__ import annotations

from pathlib import Path

from generator.formats.dotenv import parse_dotenv
from generator.schema.secrets import is_secret_env
from generator.shapes.env import EnvFacts
from generator.shapes.finding import Location
from generator.sources.base import Note, SourceResult, inline_ignores, read_text

INFISICAL_MARKERS = frozenset({"ENCRYPTION_KEY", "AUTH_SECRET", "DB_CONNECTION_URI", "SITE_URL"})
"""Variables only Infisical's own environment has: a file with them is Infisical's even without REDIS_*."""


def names_redis(names: set[str]) -> bool:
    return any(name.startswith("REDIS_") for name in names)


def read_dotenv(path: Path, display: str) -> SourceResult:
    return dotenv_from_text(read_text(path, display), display, path)


def dotenv_from_text(text: str, display: str, path: Path | None = None) -> SourceResult:
    """``path``: where the file is, to see whether a compose file beside it sets the connection variables."""
    from generator.sources.compose.project import connection_set_beside

    parsed = parse_dotenv(text)
    elsewhere = path is not None and connection_set_beside(path)

    first = min((a.line for a in parsed.assignments), default=1)

    def locate(line: int) -> Location:
        """Line 0 (the file as a whole) is its first variable: a finding always has a line."""
        return Location(display, line or first, 1)

    names = {a.name for a in parsed.assignments}
    whole = Location(display)
    if names_redis(names) or INFISICAL_MARKERS & names:
        facts = EnvFacts(
            parsed.assignments, locate, whole, parse_problems=parsed.problems, connection_elsewhere=elsewhere
        )
        notes = []
    else:  # another program's environment: Infisical's start-up rules say nothing about it
        facts = EnvFacts(
            parsed.assignments,
            locate,
            whole,
            parse_problems=parsed.problems,
            not_judged=frozenset({"env.infisical-startup"}),
        )
        notes = [Note(whole, "no Infisical or REDIS_* variables: Infisical's start-up rules not judged")]
    secrets = {a.value for a in parsed.assignments if is_secret_env(a.name) and a.value}
    secrets |= {_url_password(a.value) for a in parsed.assignments if a.name.endswith("_URL")} - {""}
    return SourceResult(subjects=[facts], notes=notes, secrets=secrets, ignored=inline_ignores(text))


def _url_password(url: str) -> str:
    """The password inside ``scheme://user:password@host``, or ""."""
    rest = url.partition("://")[2]
    credentials = rest.rpartition("@")[0]
    return credentials.partition(":")[2] if credentials else ""
