"""The command line: one module per command, each importing what it needs only when it runs, so `validate`
starts fast. Exit statuses live in ``generator.cli.exit``."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from importlib import import_module

from generator.cli.common import print_run, prog_name
from generator.cli.exit import Exit
from generator.cli.startup import skip_pydantic_plugins, tune_gc
from generator.report import FORMATS

COMMANDS = ("build", "validate", "check", "audit", "tools")
"""The modules of this package that add commands (``tools`` adds several), in the order help lists them."""
HOOK_COMMANDS = ("validate", "check")
"""Commands hooks and CI run on every commit: when one is named first, only its module is imported and only its
parser built. The parse is the same (nothing precedes the command name), and importing every command's module and
building its parser costs a tenth of the start-up."""


class Parser(argparse.ArgumentParser):
    """argparse's parser, reading the terminal's width itself: argparse makes a help formatter for every argument
    it adds (to check the metavar), and its own way to the width imports shutil, and with it bz2, lzma and zlib.
    Subcommands' parsers are of this class too (argparse makes them of the parent's class)."""

    def _get_formatter(self) -> argparse.HelpFormatter:
        formatter: Callable[..., argparse.HelpFormatter] = self.formatter_class  # every formatter takes a width
        return formatter(prog=self.prog, width=terminal_width() - 2)


def terminal_width() -> int:
    """What ``shutil.get_terminal_size()`` gives: ``COLUMNS`` if set, else the terminal's, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80


def build_parser(prog: str | None = None, only: str | None = None) -> argparse.ArgumentParser:
    parser = Parser(
        prog=prog or prog_name(),
        description="Generate, validate, check and audit the Redis behind a self-hosted Infisical.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS if only is None else (only,):
        import_module(f"generator.cli.{command}").add(sub, FORMATS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    tune_gc()
    skip_pydantic_plugins()
    parser = build_parser(only=words[0] if words and words[0] in HOOK_COMMANDS else None)
    try:
        args = parser.parse_args(words)
    except SystemExit as exit_:
        return int(exit_.code or 0) and Exit.USAGE
    if args.version:
        from generator import tool_version

        print(f"{parser.prog} {tool_version()}")
        return Exit.OK
    if args.command is None:
        parser.print_usage(sys.stderr)
        print(f"{parser.prog}: a COMMAND is required", file=sys.stderr)
        return Exit.USAGE
    args.parser = parser  # `build` documents the command line it belongs to
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # never a traceback: the failure is reported as a finding
        from generator.judge import Run, crash_finding

        if os.environ.get("INFISICAL_REDIS_DEBUG"):  # for contributors: the traceback after all
            raise
        print_run(Run(findings=[crash_finding(args.command, error)]), getattr(args, "format", "text"))
        return Exit.USAGE
