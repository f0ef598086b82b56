"""`check FILE|DIR...`: files users already have -> findings, each file's kind decided from its content."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from generator.cli.common import fail, print_run
from generator.cli.exit import Exit

if TYPE_CHECKING:
    from generator.schema.versions import ServerTarget
    from generator.sources.base import SourceResult

if TYPE_CHECKING:
    from generator.schema.versions import ServerTarget
    from generator.sources.base import SourceResult

SKIP_DIRS = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", "site"})


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser], formats: tuple[str, ...]) -> None:
    parser = sub.add_parser(
        "check",
        help="judge existing redis.conf / sentinel.conf, .env, Secret, Helm values and compose files",
        description="Judge files you already have by every rule. Each file's kind is decided from its content: "
        "redis.conf / sentinel.conf, an Infisical .env, a Kubernetes Secret with Infisical's variables, Helm "
        "values of a chart the tool knows, a docker-compose file, or a values file. A directory is walked and "
        "every file it recognises is judged; the others are named on stderr. Includes with an absolute path are "
        "followed when readable here. Silence a finding you have judged with a comment "
        "'# infisical-redis: ignore RULE' in the file, or --ignore RULE for the run. Exit 0: no errors; "
        "1: errors; 2: a file cannot be read, parsed or placed.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="files or folders to judge")
    parser.add_argument("--redis-version", metavar="VERSION", help="target server line, e.g. 7.0, 8.2, valkey-8.0")
    parser.add_argument("--ignore", action="append", default=[], metavar="RULE", help="do not report RULE")
    parser.add_argument("--format", choices=formats, default="text", help="format of findings")
    parser.set_defaults(func=run)


def _walk(root: Path) -> Iterator[Path]:
    for path in sorted(root.iterdir()):
        if path.is_dir() and not path.is_symlink():
            if path.name not in SKIP_DIRS:
                yield from _walk(path)
        elif path.is_file():
            yield path


def _read_file(path: Path, name: str, target: ServerTarget | None) -> SourceResult:
    from generator.sources.base import read_text
    from generator.sources.detect import read_any

    return read_any(path, name, read_text(path, name), target)


def run(args: argparse.Namespace) -> Exit:
    from generator.judge import Run, judge_input
    from generator.schema.rules import RULES_BY_ID
    from generator.schema.versions import resolve_target
    from generator.shapes.finding import Location
    from generator.sources.base import Note, read_text
    from generator.sources.detect import read_any
    from generator.sources.kind import text_kind

    target = None
    if args.redis_version is not None:
        try:
            matched = resolve_target(args.redis_version)
        except ValueError as error:
            fail("check", f"--redis-version: {error}")
            return Exit.USAGE
        target = matched.line
        if matched.warning:
            fail("check", f"warning: --redis-version: {matched.warning}")
    unknown = [rule for rule in args.ignore if rule not in RULES_BY_ID]
    if unknown:
        fail("check", f"--ignore: no rule {', '.join(unknown)}")
        return Exit.USAGE
    total = Run()
    for name in args.files:
        path = Path(name)
        if path.is_dir():
            for found in _walk(path):
                display = str(found)
                try:
                    text = read_text(found, display)
                    kind = text_kind(text)  # in a folder, the content alone decides
                except Exception:  # unreadable in a walk: skipped like a file of an unknown kind
                    kind = None
                if kind is None:
                    total.notes.append(Note(Location(display), "skipped: not a kind of file check knows"))
                    continue
                run = judge_input(display, partial(read_any, found, display, text, target), args.ignore)
                if [f.rule_id for f in run.findings] in (["input.kind"], ["schema.yaml"]):  # not ours: skipped
                    total.notes.append(Note(Location(display), f"skipped: {run.findings[0].message}"))
                    continue
                total.add(run)
            continue
        total.add(judge_input(name, partial(_read_file, path, name, target), args.ignore))
    print_run(total, args.format)
    return Exit(total.exit_code)
